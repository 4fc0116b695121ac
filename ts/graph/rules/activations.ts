// Pointwise activations. Masks are float (Cast of a comparison) so every runtime runs them.
import { attrFloat } from '../ir.js';
import { iAttr } from '../ir.js';
import type { BackwardRule, RuleContext } from './types.js';

const FLOAT = iAttr(1);
const mask = (ctx: RuleContext, cmp: string, a: string, b: string) => ctx.b.node('Cast', [ctx.b.node(cmp, [a, b])], { to: FLOAT });

export const Relu: BackwardRule = (ctx, [dY]) => [ctx.b.node('Where', [ctx.b.node('Greater', [ctx.input(0), ctx.b.scalar(0)]), dY!, ctx.b.scalar(0)])];

export const LeakyRelu: BackwardRule = (ctx, [dY]) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.01);
  // slope = alpha + (1 - alpha) * [x > 0]
  const pos = mask(ctx, 'Greater', ctx.input(0), ctx.b.scalar(0));
  const slope = ctx.b.node('Add', [ctx.b.node('Mul', [pos, ctx.b.scalar(1 - alpha)]), ctx.b.scalar(alpha)]);
  return [ctx.b.node('Mul', [dY!, slope])];
};

export const PRelu: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1)) ctx.fail('a slope computed from the image is not supported');
  const pos = ctx.b.node('Greater', [ctx.input(0), ctx.b.scalar(0)]);
  const slopeAtX = ctx.b.node('Where', [pos, ctx.b.scalar(1), ctx.input(1)]);
  return [ctx.b.node('Mul', [dY!, slopeAtX]), null];
};

export const Clip: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1) || ctx.needs(2)) ctx.fail('clip bounds computed from the image are not supported');
  const x = ctx.input(0);
  let g = dY!;
  // as torch.clamp: the gradient passes where min <= x <= max
  if (ctx.node.inputs[1]) g = ctx.b.node('Mul', [g, mask(ctx, 'GreaterOrEqual', x, ctx.node.inputs[1])]);
  if (ctx.node.inputs[2]) g = ctx.b.node('Mul', [g, mask(ctx, 'LessOrEqual', x, ctx.node.inputs[2])]);
  return [g, null, null];
};

export const Sigmoid: BackwardRule = (ctx, [dY]) => {
  const y = ctx.output();
  const dydx = ctx.b.node('Mul', [y, ctx.b.node('Sub', [ctx.b.scalar(1), y])]);
  return [ctx.b.node('Mul', [dY!, dydx])];
};

export const Tanh: BackwardRule = (ctx, [dY]) => {
  const y = ctx.output();
  const dydx = ctx.b.node('Sub', [ctx.b.scalar(1), ctx.b.node('Mul', [y, y])]);
  return [ctx.b.node('Mul', [dY!, dydx])];
};

export const HardSigmoid: BackwardRule = (ctx, [dY]) => {
  const alpha = attrFloat(ctx.node, 'alpha', 0.2), beta = attrFloat(ctx.node, 'beta', 0.5);
  const t = ctx.b.node('Add', [ctx.b.node('Mul', [ctx.input(0), ctx.b.scalar(alpha)]), ctx.b.scalar(beta)]);
  const inside = ctx.b.node('Mul', [mask(ctx, 'Greater', t, ctx.b.scalar(0)), mask(ctx, 'Less', t, ctx.b.scalar(1))]);
  return [ctx.b.node('Mul', [dY!, ctx.b.node('Mul', [inside, ctx.b.scalar(alpha)])])];
};

export const HardSwish: BackwardRule = (ctx, [dY]) => {
  // y = x * clip(x/6 + 1/2, 0, 1): dy/dx = 0 below -3, 1 above 3, (2x + 3)/6 between
  const x = ctx.input(0);
  const lo = mask(ctx, 'Greater', x, ctx.b.scalar(-3));
  const hi = mask(ctx, 'Greater', x, ctx.b.scalar(3));
  const mid = ctx.b.node('Add', [ctx.b.node('Mul', [x, ctx.b.scalar(1 / 3)]), ctx.b.scalar(0.5)]);
  // lo*(1-hi)*mid + hi
  const inner = ctx.b.node('Mul', [ctx.b.node('Mul', [lo, ctx.b.node('Sub', [ctx.b.scalar(1), hi])]), mid]);
  return [ctx.b.node('Mul', [dY!, ctx.b.node('Add', [inner, hi])])];
};

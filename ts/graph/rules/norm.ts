// BatchNormalization (inference statistics) and InstanceNormalization.
import { attrFloat } from '../ir.js';
import type { BackwardRule, RuleContext } from './types.js';

/** Reshape a per-channel vector [C] to [C, 1, ..., 1] so it broadcasts over an NC... tensor. */
function perChannel(ctx: RuleContext, v: string, rank: number): string {
  return ctx.b.node('Unsqueeze', [v, ctx.b.ints(Array.from({ length: rank - 2 }, (_, i) => i + 1))]);
}

export const BatchNormalization: BackwardRule = (ctx, [dY]) => {
  if ([1, 2, 3, 4].some((i) => ctx.needs(i))) ctx.fail('statistics computed from the image are not supported');
  const b = ctx.b, rank = ctx.rank(ctx.input(0));
  const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
  const k = b.node('Div', [ctx.input(1), b.node('Sqrt', [b.node('Add', [ctx.input(4), b.scalar(eps)])])]);
  return [b.node('Mul', [dY!, perChannel(ctx, k, rank)]), null, null, null, null];
};

export const InstanceNormalization: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1) || ctx.needs(2)) ctx.fail('scale or bias computed from the image is not supported');
  const b = ctx.b, x = ctx.input(0), rank = ctx.rank(x);
  const eps = attrFloat(ctx.node, 'epsilon', 1e-5);
  const axes = { axes: { t: 'ints' as const, v: Array.from({ length: rank - 2 }, (_, i) => i + 2) } };
  const mean = (t: string) => b.node('ReduceMean', [t], axes);
  const centred = b.node('Sub', [x, mean(x)]);
  const rstd = b.node('Reciprocal', [b.node('Sqrt', [b.node('Add', [mean(b.node('Mul', [centred, centred])), b.scalar(eps)])])]);
  const xhat = b.node('Mul', [centred, rstd]);
  const g = dY!;
  // dx = scale * rstd * (g - mean(g) - xhat * mean(g * xhat))
  const inner = b.node('Sub', [b.node('Sub', [g, mean(g)]), b.node('Mul', [xhat, mean(b.node('Mul', [g, xhat]))])]);
  const scaled = b.node('Mul', [b.node('Mul', [inner, rstd]), perChannel(ctx, ctx.input(1), rank)]);
  return [scaled, null, null];
};

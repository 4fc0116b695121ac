// Add, Sub, Mul, Div, Sum with numpy broadcasting.
import { unbroadcast } from './broadcast.js';
import type { BackwardRule } from './types.js';

export const Add: BackwardRule = (ctx, [dY]) => {
  const out = ctx.shape(ctx.output());
  return ctx.node.inputs.map((_, i) => (ctx.needs(i) ? unbroadcast(ctx, dY!, out, ctx.input(i)) : null));
};

export const Sum = Add;

export const Sub: BackwardRule = (ctx, [dY]) => {
  const out = ctx.shape(ctx.output());
  return [
    ctx.needs(0) ? unbroadcast(ctx, dY!, out, ctx.input(0)) : null,
    ctx.needs(1) ? unbroadcast(ctx, ctx.b.node('Neg', [dY!]), out, ctx.input(1)) : null,
  ];
};

export const Mul: BackwardRule = (ctx, [dY]) => {
  const out = ctx.shape(ctx.output());
  const [a, b] = [ctx.input(0), ctx.input(1)];
  return [
    ctx.needs(0) ? unbroadcast(ctx, ctx.b.node('Mul', [dY!, b]), out, a) : null,
    ctx.needs(1) ? unbroadcast(ctx, ctx.b.node('Mul', [dY!, a]), out, b) : null,
  ];
};

export const Div: BackwardRule = (ctx, [dY]) => {
  const out = ctx.shape(ctx.output());
  const [a, b] = [ctx.input(0), ctx.input(1)];
  const dA = ctx.b.node('Div', [dY!, b]);
  // d(a/b)/db = -a/b^2 = -y/b, so dB = -(dY/b) * y
  const dB = ctx.needs(1) ? ctx.b.node('Neg', [ctx.b.node('Mul', [dA, ctx.output()])]) : null;
  return [ctx.needs(0) ? unbroadcast(ctx, dA, out, a) : null, dB ? unbroadcast(ctx, dB, out, b) : null];
};

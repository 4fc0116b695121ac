// Gemm and MatMul.
import { attrFloat, attrInt, iAttr, fAttr, isAttr } from '../ir.js';
import { unbroadcast } from './broadcast.js';
import type { BackwardRule, RuleContext } from './types.js';

export const Gemm: BackwardRule = (ctx, [dY]) => {
  const b = ctx.b, n = ctx.node;
  const alpha = attrFloat(n, 'alpha', 1), beta = attrFloat(n, 'beta', 1);
  const transA = attrInt(n, 'transA', 0) === 1, transB = attrInt(n, 'transB', 0) === 1;
  const [A, B] = [ctx.input(0), ctx.input(1)];
  // Y = alpha * A' B' + beta * C with A' = transA ? A^T : A (likewise B'):
  // dA' = alpha dY B'^T, dB' = alpha A'^T dY; transpose back where the input was transposed.
  const dA = ctx.needs(0)
    ? (transA
      ? b.node('Gemm', [B, dY!], { alpha: fAttr(alpha), transA: iAttr(transB ? 1 : 0), transB: iAttr(1) })
      : b.node('Gemm', [dY!, B], { alpha: fAttr(alpha), transB: iAttr(transB ? 0 : 1) }))
    : null;
  const dB = ctx.needs(1)
    ? (transB
      ? b.node('Gemm', [dY!, A], { alpha: fAttr(alpha), transA: iAttr(1), transB: iAttr(transA ? 1 : 0) })
      : b.node('Gemm', [A, dY!], { alpha: fAttr(alpha), transA: iAttr(transA ? 0 : 1) }))
    : null;
  const dC = n.inputs[2] && ctx.needs(2)
    ? unbroadcast(ctx, beta === 1 ? dY! : b.node('Mul', [dY!, b.scalar(beta)]), ctx.shape(ctx.output()), ctx.input(2))
    : null;
  return [dA, dB, dC];
};

function swapLast(ctx: RuleContext, t: string): string {
  const r = ctx.rank(t);
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return ctx.b.node('Transpose', [t], { perm: isAttr(perm) });
}

export const MatMul: BackwardRule = (ctx, [dY]) => {
  const [A, B] = [ctx.input(0), ctx.input(1)];
  if (ctx.rank(A) < 2 || ctx.rank(B) < 2) ctx.fail('MatMul with a 1-D operand is not supported');
  const out = ctx.shape(ctx.output());
  return [
    ctx.needs(0) ? unbroadcast(ctx, ctx.b.node('MatMul', [dY!, swapLast(ctx, B)]), out.slice(0, -1).concat(ctx.shape(A).slice(-1)), A) : null,
    ctx.needs(1) ? unbroadcast(ctx, ctx.b.node('MatMul', [swapLast(ctx, A), dY!]), out.slice(0, -2).concat(ctx.shape(B).slice(-2)), B) : null,
  ];
};

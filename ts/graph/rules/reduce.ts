// ReduceMean and ReduceSum: spread the gradient back over the reduced axes.
import { attrInt, attrInts, iAttr } from '../ir.js';
import type { BackwardRule, RuleContext } from './types.js';

function reducedAxes(ctx: RuleContext): number[] {
  const rank = ctx.rank(ctx.input(0));
  const axes = ctx.node.op === 'ReduceSum'
    ? (ctx.node.inputs[1] ? ctx.constInts(1, 'ReduceSum axes') : null)
    : attrInts(ctx.node, 'axes', null);
  if (!axes || axes.length === 0) {
    if (ctx.node.op === 'ReduceSum' && attrInt(ctx.node, 'noop_with_empty_axes', 0) === 1) return [];
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => (a < 0 ? a + rank : a));
}

function spread(ctx: RuleContext, dY: string, axes: number[]): string {
  const b = ctx.b, x = ctx.input(0);
  const kept = attrInt(ctx.node, 'keepdims', 1) === 1 ? dY : b.node('Unsqueeze', [dY, b.ints(axes)]);
  return b.node('Expand', [kept, ctx.shapeOf(x)]);
}

export const ReduceSum: BackwardRule = (ctx, [dY]) => [spread(ctx, dY!, reducedAxes(ctx)), null];

export const ReduceMean: BackwardRule = (ctx, [dY]) => {
  const axes = reducedAxes(ctx);
  const xs = ctx.shape(ctx.input(0));
  const b = ctx.b;
  let count: string;
  if (axes.every((a) => typeof xs[a] === 'number')) {
    count = b.scalar(axes.reduce((p, a) => p * (xs[a] as number), 1));
  } else {
    const dims = b.node('Gather', [b.node('Shape', [ctx.input(0)]), b.ints(axes)]);
    count = b.node('Cast', [b.node('ReduceProd', [dims], { keepdims: iAttr(0) })], { to: iAttr(1) });
  }
  return [b.node('Div', [spread(ctx, dY!, axes), count])];
};

// Reduces a gradient computed at a broadcast output shape back to an operand's shape.
import type { Dim } from '../ir.js';
import { iAttr } from '../ir.js';
import type { RuleContext } from './types.js';

export function unbroadcast(ctx: RuleContext, grad: string, outShape: Dim[], operand: string): string {
  const shape = ctx.shape(operand);
  const lead = outShape.length - shape.length;
  const axes: number[] = [];
  outShape.forEach((d, i) => {
    if (i < lead) { axes.push(i); return; }
    const e = shape[i - lead]!;
    if (e === d) return;
    if (e === 1) { axes.push(i); return; }
    if (typeof e === 'number' && typeof d === 'number') ctx.fail(`cannot broadcast size ${e} to ${d}`);
    // one side symbolic: broadcasting is ruled out unless the operand's size is 1, which we cannot see
    if (typeof d === 'number' && d !== 1) return; // operand must equal d (a non-1 size cannot broadcast)
    ctx.fail(`cannot tell whether '${operand}' (shape [${shape.join(', ')}]) is broadcast to [${outShape.join(', ')}]`);
  });
  if (axes.length === 0) return grad;
  const summed = ctx.b.node('ReduceSum', [grad, ctx.b.ints(axes)], { keepdims: iAttr(1) });
  return lead > 0 ? ctx.b.node('Reshape', [summed, ctx.shapeOf(operand)]) : summed;
}

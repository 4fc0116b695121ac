// Softmax and LogSoftmax inside a graph (opset-13 semantics: along one axis).
import { attrInt, iAttr } from '../ir.js';
import type { BackwardRule } from './types.js';

export const Softmax: BackwardRule = (ctx, [dY]) => {
  const b = ctx.b, y = ctx.output();
  const axis = b.ints([attrInt(ctx.node, 'axis', -1)]);
  const dot = b.node('ReduceSum', [b.node('Mul', [dY!, y]), axis], { keepdims: iAttr(1) });
  return [b.node('Mul', [y, b.node('Sub', [dY!, dot])])];
};

export const LogSoftmax: BackwardRule = (ctx, [dY]) => {
  const b = ctx.b;
  const axis = b.ints([attrInt(ctx.node, 'axis', -1)]);
  const total = b.node('ReduceSum', [dY!, axis], { keepdims: iAttr(1) });
  return [b.node('Sub', [dY!, b.node('Mul', [b.node('Exp', [ctx.output()]), total])])];
};

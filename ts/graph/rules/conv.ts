// Conv and ConvTranspose, with respect to their data input (weights stay fixed).
import { attrInt, attrInts, attrString, isAttr, iAttr } from '../ir.js';
import { resolveWindow } from '../window.js';
import { scatterWindows } from './scatter.js';
import type { BackwardRule } from './types.js';

export const Conv: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1) || ctx.needs(2)) ctx.fail('weights computed from the image are not supported');
  const x = ctx.input(0), wName = ctx.input(1);
  const xs = ctx.staticShape(x, 'the convolution backward pass');
  const ys = ctx.staticShape(ctx.output(), 'the convolution backward pass');
  const ws = ctx.staticShape(wName, 'the convolution backward pass');
  const w = resolveWindow(ctx.node, xs.slice(2), ws.slice(2));
  return [scatterWindows(ctx, dY!, wName, w, xs.slice(2), ys.slice(2), attrInt(ctx.node, 'group', 1)), null, null];
};

export const ConvTranspose: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1) || ctx.needs(2)) ctx.fail('weights computed from the image are not supported');
  const autoPad = attrString(ctx.node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') ctx.fail(`auto_pad=${autoPad} is not supported; export with explicit pads`);
  const x = ctx.input(0), wName = ctx.input(1);
  const xs = ctx.staticShape(x, 'the transposed convolution backward pass');
  const ys = ctx.staticShape(ctx.output(), 'the transposed convolution backward pass');
  const ws = ctx.staticShape(wName, 'the transposed convolution backward pass');
  const w = resolveWindow(ctx.node, xs.slice(2), ws.slice(2));
  // The adjoint of ConvTranspose is Conv with the same weight tensor: y is cropped from a full
  // result by padsBegin at the start, and the end padding is whatever the output size leaves.
  const r = xs.length - 2;
  const padsEnd = Array.from({ length: r }, (_, i) => {
    const full = w.strides[i]! * (xs[i + 2]! - 1) + (w.kernel[i]! - 1) * w.dilations[i]! + 1 + (attrInts(ctx.node, 'output_padding', null)?.[i] ?? 0);
    return full - w.padsBegin[i]! - ys[i + 2]!;
  });
  if (padsEnd.some((p) => p < 0)) ctx.fail('output_shape larger than the stride pattern is not supported');
  const dX = ctx.b.node('Conv', [dY!, wName], {
    strides: isAttr(w.strides), dilations: isAttr(w.dilations), group: iAttr(attrInt(ctx.node, 'group', 1)),
    pads: isAttr([...w.padsBegin, ...padsEnd]), kernel_shape: isAttr(w.kernel),
  });
  return [dX, null, null];
};

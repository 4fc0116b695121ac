// Conv and ConvTranspose, with respect to their data input (weights stay fixed).
import { type Tensor, attrInt, attrInts, attrString, isAttr, iAttr } from '../ir.js';
import { type Window, resolveWindow } from '../window.js';
import type { RuleContext } from './types.js';
import { scatterWindows } from './scatter.js';
import type { BackwardRule } from './types.js';

export const Conv: BackwardRule = (ctx, [dY]) => {
  if (ctx.needs(1) || ctx.needs(2)) ctx.fail('weights computed from the image are not supported');
  const x = ctx.input(0), wName = ctx.input(1);
  const xs = ctx.staticShape(x, 'the convolution backward pass');
  const ys = ctx.staticShape(ctx.output(), 'the convolution backward pass');
  const ws = ctx.staticShape(wName, 'the convolution backward pass');
  const w = resolveWindow(ctx.node, xs.slice(2), ws.slice(2));
  const group = attrInt(ctx.node, 'group', 1);
  const viaConv = stride1AsConv(ctx, dY!, wName, w, group);
  return [viaConv ?? scatterWindows(ctx, dY!, wName, w, xs.slice(2), ys.slice(2), group), null, null];
};

/**
 * For a stride-1 convolution the input gradient is itself a convolution: dY correlated with the
 * spatially flipped, channel-transposed kernel, padded by extent-1-pad. onnxruntime runs Conv much
 * faster than ConvTranspose, so this form is used whenever it applies (constant weights, pads no
 * larger than the kernel's extent).
 */
function stride1AsConv(ctx: RuleContext, dY: string, wName: string, w: Window, group: number): string | null {
  const weight = ctx.b.graph.initializers.get(wName);
  if (!weight || weight.dtype !== 'float32' || w.strides.some((s) => s !== 1)) return null;
  const extents = w.kernel.map((k, i) => (k - 1) * w.dilations[i]!);
  const padsBegin = extents.map((e, i) => e - w.padsBegin[i]!), padsEnd = extents.map((e, i) => e - w.padsEnd[i]!);
  if ([...padsBegin, ...padsEnd].some((p) => p < 0)) return null;
  return ctx.b.node('Conv', [dY, ctx.b.tensor(transposedKernel(weight, group), 'conv_grad_weight')], {
    group: iAttr(group), dilations: isAttr(w.dilations), pads: isAttr([...padsBegin, ...padsEnd]), kernel_shape: isAttr(w.kernel),
  });
}

/** W [M, C/g, k...] -> W' [C, M/g, k...]: per group, in and out channels swapped, space flipped. */
function transposedKernel(weight: Tensor, group: number): Tensor {
  const [M, Cg, ...k] = weight.dims as [number, number, ...number[]];
  const K = k.reduce((a, b) => a * b, 1), Mg = M / group;
  const src = weight.data as Float32Array, out = new Float32Array(src.length);
  for (let j = 0; j < group; j++) {
    for (let m = 0; m < Mg; m++) {
      for (let c = 0; c < Cg; c++) {
        const from = ((j * Mg + m) * Cg + c) * K, to = ((j * Cg + c) * Mg + m) * K;
        // reversing the flattened spatial index flips every spatial axis at once
        for (let t = 0; t < K; t++) out[to + K - 1 - t] = src[from + t]!;
      }
    }
  }
  return { dtype: 'float32', dims: [Cg * group, Mg, ...k], data: out };
}

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

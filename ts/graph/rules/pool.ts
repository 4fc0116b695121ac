// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool.
// MaxPool backward does not use MaxPool's Indices output (the webgpu runtime rejects it): for each
// kernel offset it compares the strided input slice with the pooled output, keeps the first match
// in row-major window order (the element onnxruntime and PyTorch select), and scatters the routed
// gradients back with a depthwise ConvTranspose whose kernel is one-hot at that offset.
import { type Tensor, attrInt, floatTensor, iAttr } from '../ir.js';
import { resolveWindow, extent, windowOutput, type Window } from '../window.js';
import { scatterWindows } from './scatter.js';
import type { BackwardRule, RuleContext } from './types.js';

const INT64_MAX = Number.MAX_SAFE_INTEGER;

function poolGeometry(ctx: RuleContext) {
  const xs = ctx.staticShape(ctx.input(0), 'the pooling backward pass');
  const ys = ctx.staticShape(ctx.output(), 'the pooling backward pass');
  if (xs.length !== 4) ctx.fail(`only 2-D pooling is supported (input rank ${xs.length})`);
  const w = resolveWindow(ctx.node, xs.slice(2));
  return { xs, ys, w, C: xs[1]! };
}

/** Output size as the ONNX spec's shape inference computes it (no dropped last window). */
function specOutput(w: Window, n: number, i: number): number {
  const span = n + w.padsBegin[i]! + w.padsEnd[i]! - extent(w, i);
  return (w.ceil ? Math.ceil(span / w.strides[i]!) : Math.floor(span / w.strides[i]!)) + 1;
}

/** Depthwise ConvTranspose weights [C, 1, kh, kw], one-hot at kernel offset k for every channel. */
function oneHotKernel(C: number, w: Window, k: number): Tensor {
  const K = w.kernel[0]! * w.kernel[1]!;
  const data = new Float32Array(C * K);
  for (let c = 0; c < C; c++) data[c * K + k] = 1;
  return floatTensor([C, 1, w.kernel[0]!, w.kernel[1]!], data);
}

export const MaxPool: BackwardRule = (ctx, [dY]) => {
  const { xs, ys, w, C } = poolGeometry(ctx);
  if (attrInt(ctx.node, 'storage_order', 0) !== 0) ctx.fail('storage_order=1 is not supported');
  const b = ctx.b;
  const [Ho, Wo] = [ys[2]!, ys[3]!];
  // pad with the lowest float so padded cells never equal a max (-Infinity breaks WGSL), far enough
  // that every strided slice has Ho x Wo
  const endPad = [0, 1].map((i) => Math.max(0, (ys[i + 2]! - 1) * w.strides[i]! + extent(w, i) - w.padsBegin[i]! - xs[i + 2]!));
  const padded = b.node('Pad', [ctx.input(0), b.ints([0, 0, w.padsBegin[0]!, w.padsBegin[1]!, 0, 0, endPad[0]!, endPad[1]!]), b.scalar(-3.4028234663852886e38)]);
  // onnxruntime drops a last ceil_mode window that starts in the end padding, but ONNX shape
  // inference does not; slicing y and dY to the true size keeps both views consistent
  let y = ctx.output(), grad = dY!;
  if (windowOutput({ ...w, ceil: w.ceil }, xs.slice(2)).some((d, i) => d !== specOutput(w, xs[i + 2]!, i))) {
    const crop = (t: string) => b.node('Slice', [t, b.ints([0, 0]), b.ints([Ho, Wo]), b.ints([2, 3])]);
    y = crop(y);
    grad = crop(grad);
  }
  let taken: string | null = null;
  const scattered: string[] = [];
  for (let a = 0; a < w.kernel[0]!; a++) {
    for (let c = 0; c < w.kernel[1]!; c++) {
      const h0 = a * w.dilations[0]!, w0 = c * w.dilations[1]!;
      const slice = b.node('Slice', [padded, b.ints([h0, w0]), b.ints([h0 + (Ho - 1) * w.strides[0]! + 1, w0 + (Wo - 1) * w.strides[1]! + 1]), b.ints([2, 3]), b.ints(w.strides)]);
      let hit = b.node('Cast', [b.node('Equal', [slice, y])], { to: iAttr(1) });
      if (taken) hit = b.node('Mul', [hit, b.node('Sub', [b.scalar(1), taken])]);
      taken = taken ? b.node('Add', [taken, hit]) : hit;
      // depthwise scatter of this offset's share (one grouped ConvTranspose over all offsets would
      // be cheaper, but onnxruntime's webgpu kernel gets grouped ConvTranspose wrong)
      const kernel = b.tensor(oneHotKernel(C, w, scattered.length), 'maxpool_onehot');
      scattered.push(scatterWindows(ctx, b.node('Mul', [grad, hit]), kernel, w, xs.slice(2), ys.slice(2), C));
    }
  }
  return [scattered.length === 1 ? scattered[0]! : b.node('Sum', scattered)];
};

/** 1/divisor per output cell, as onnxruntime divides (windows clipped to the padded or real extent). */
function inverseDivisors(w: Window, xs: number[], ys: number[], includePad: boolean): Tensor {
  const axis = (i: number) => Array.from({ length: ys[i + 2]! }, (_, o) => {
    const start = o * w.strides[i]! - w.padsBegin[i]!;
    const lo = includePad ? -w.padsBegin[i]! : 0;
    const hi = includePad ? xs[i + 2]! + w.padsEnd[i]! : xs[i + 2]!;
    return Math.min(start + w.kernel[i]!, hi) - Math.max(start, lo);
  });
  const dh = axis(0), dw = axis(1);
  return floatTensor([1, 1, dh.length, dw.length], dh.flatMap((a) => dw.map((c) => 1 / (a * c))));
}

export const AveragePool: BackwardRule = (ctx, [dY]) => {
  const { xs, ys, w, C } = poolGeometry(ctx);
  if (w.dilations.some((d) => d !== 1)) ctx.fail('dilated average pooling is not supported');
  const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
  const b = ctx.b;
  const scaled = b.node('Mul', [dY!, b.tensor(inverseDivisors(w, xs, ys, includePad), 'avgpool_divisors')]);
  const ones = b.tensor(floatTensor([C, 1, w.kernel[0]!, w.kernel[1]!], new Float32Array(C * w.kernel[0]! * w.kernel[1]!).fill(1)), 'avgpool_ones');
  return [scatterWindows(ctx, scaled, ones, w, xs.slice(2), ys.slice(2), C)];
};

/** Number of spatial elements of x as a float scalar tensor (static when known). */
function spatialCount(ctx: RuleContext, x: string): string {
  const s = ctx.shape(x).slice(2);
  if (s.every((d) => typeof d === 'number')) return ctx.b.scalar((s as number[]).reduce((p, q) => p * q, 1));
  const dims = ctx.b.node('Slice', [ctx.b.node('Shape', [x]), ctx.b.ints([2]), ctx.b.ints([INT64_MAX])]);
  return ctx.b.node('Cast', [ctx.b.node('ReduceProd', [dims], { keepdims: iAttr(0) })], { to: iAttr(1) });
}

export const GlobalAveragePool: BackwardRule = (ctx, [dY]) => {
  const x = ctx.input(0);
  const spread = ctx.b.node('Expand', [dY!, ctx.shapeOf(x)]);
  return [ctx.b.node('Div', [spread, spatialCount(ctx, x)])];
};

export const GlobalMaxPool: BackwardRule = (ctx, [dY]) => {
  // route to the first maximum of each channel, as ArgMax picks it
  const b = ctx.b, x = ctx.input(0);
  const flat = b.node('Reshape', [x, b.ints([0, 0, -1])]);
  const argmax = b.node('ArgMax', [flat], { axis: iAttr(2), keepdims: iAttr(1) });
  const count = b.node('Cast', [spatialCount(ctx, x)], { to: iAttr(7) });
  const positions = b.node('Range', [b.ints([0], true), count, b.ints([1], true)]);
  const hit = b.node('Cast', [b.node('Equal', [positions, argmax])], { to: iAttr(1) });
  const routed = b.node('Mul', [hit, b.node('Reshape', [dY!, b.ints([0, 0, 1])])]);
  return [b.node('Reshape', [routed, ctx.shapeOf(x)])];
};

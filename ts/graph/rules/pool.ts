// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool.
// MaxPool backward does not use MaxPool's Indices output (the webgpu runtime rejects it): for each
// kernel offset it compares the strided input slice with the pooled output, keeps the first match
// in row-major window order (the element onnxruntime and PyTorch select), and scatters the routed
// gradients back onto the input grid by data movement alone (see scatterOffsets).
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

/** Crops or zero-pads axes 2 and 3 of t (lengths `length`) to [start, start + size). */
function window2d(ctx: RuleContext, t: string, length: number[], start: number[], size: number[]): string {
  const b = ctx.b;
  const cropBegin = start.map((s) => Math.max(0, s)), padBegin = start.map((s) => Math.max(0, -s));
  const kept = length.map((l, i) => Math.max(0, Math.min(l - cropBegin[i]!, size[i]! - padBegin[i]!)));
  if (cropBegin.some((v) => v > 0) || kept.some((k, i) => k < length[i]! - cropBegin[i]!)) {
    t = b.node('Slice', [t, b.ints(cropBegin), b.ints(cropBegin.map((v, i) => v + kept[i]!)), b.ints([2, 3])]);
  }
  const padEnd = size.map((n, i) => n - padBegin[i]! - kept[i]!);
  if ([...padBegin, ...padEnd].some((v) => v > 0)) t = b.node('Pad', [t, b.ints([0, 0, padBegin[0]!, padBegin[1]!, 0, 0, padEnd[0]!, padEnd[1]!])]);
  return t;
}

/**
 * Scatters the routed gradients of every kernel offset back onto the input grid as data movement
 * only (no ConvTranspose). Offset (a, c) sends window (i, j) to padded row a*dh + sh*i: that is
 * row a*dh mod sh of coarse row i + floor(a*dh / sh). So the offsets are summed, shifted, on s*s
 * coarse "parity planes", which are then interleaved into the fine grid once and cropped.
 */
function scatterOffsets(ctx: RuleContext, routed: Map<string, string>, C: number, w: Window, ys: number[], xs: number[]): string {
  const b = ctx.b;
  const [sh, sw] = w.strides as [number, number], [dh, dw] = w.dilations as [number, number];
  const [Ho, Wo] = [ys[2]!, ys[3]!];
  const Mh = Ho + Math.floor(((w.kernel[0]! - 1) * dh) / sh), Mw = Wo + Math.floor(((w.kernel[1]! - 1) * dw) / sw);
  const planes: string[][] = Array.from({ length: sh }, () => Array<string>(sw));
  for (let ph = 0; ph < sh; ph++) {
    for (let pw = 0; pw < sw; pw++) {
      const terms: string[] = [];
      for (const [key, g] of routed) {
        const [a, c] = key.split(',').map(Number) as [number, number];
        if ((a * dh) % sh !== ph || (c * dw) % sw !== pw) continue;
        terms.push(window2d(ctx, g, [Ho, Wo], [-Math.floor((a * dh) / sh), -Math.floor((c * dw) / sw)], [Mh, Mw]));
      }
      // a kernel smaller than its stride leaves some planes empty
      const zeros = () => b.node('Mul', [window2d(ctx, routed.values().next().value!, [Ho, Wo], [0, 0], [Mh, Mw]), b.scalar(0)]);
      planes[ph]![pw] = terms.length === 0 ? zeros() : terms.length === 1 ? terms[0]! : b.node('Sum', terms);
    }
  }
  let fine: string;
  if (sh === 1 && sw === 1) {
    fine = planes[0]![0]!;
  } else {
    // [N, C, Mh, sh, Mw, sw] with [.., m, ph, n, pw] = plane[ph][pw][m][n], read as [N, C, Mh*sh, Mw*sw]
    const cell = (t: string) => b.node('Reshape', [t, b.ints([0, C, Mh, 1, Mw, 1])]);
    const rows = planes.map((row) => (sw === 1 ? cell(row[0]!) : b.node('Concat', row.map(cell), { axis: iAttr(5) })));
    const stacked = sh === 1 ? rows[0]! : b.node('Concat', rows, { axis: iAttr(3) });
    fine = b.node('Reshape', [stacked, b.ints([0, C, Mh * sh, Mw * sw])]);
  }
  return window2d(ctx, fine, [Mh * sh, Mw * sw], [w.padsBegin[0]!, w.padsBegin[1]!], [xs[2]!, xs[3]!]);
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
  const routed = new Map<string, string>();
  for (let a = 0; a < w.kernel[0]!; a++) {
    for (let c = 0; c < w.kernel[1]!; c++) {
      const h0 = a * w.dilations[0]!, w0 = c * w.dilations[1]!;
      const slice = b.node('Slice', [padded, b.ints([h0, w0]), b.ints([h0 + (Ho - 1) * w.strides[0]! + 1, w0 + (Wo - 1) * w.strides[1]! + 1]), b.ints([2, 3]), b.ints(w.strides)]);
      let hit = b.node('Cast', [b.node('Equal', [slice, y])], { to: iAttr(1) });
      if (taken) hit = b.node('Mul', [hit, b.node('Sub', [b.scalar(1), taken])]);
      taken = taken ? b.node('Add', [taken, hit]) : hit;
      routed.set(`${a},${c}`, b.node('Mul', [grad, hit]));
    }
  }
  return [scatterOffsets(ctx, routed, C, w, ys, xs)];
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

// An independent float64 reference interpreter for ONNX graphs in deepinside's IR, used as the test
// oracle: gradients are checked against finite differences of the forward graph run here.
//
// It shares nothing with the code under test except the IR types, and favours plain, obviously
// correct loops over speed. Semantics follow the ONNX operator spec at opset 17 (with a few
// older/newer input forms accepted where that costs one line); where the spec text is silent or
// onnxruntime's behaviour is what the tests must match (pooling in ceil mode), the comment says so.
//
// Values: floats of every width are held as Float64Array (so Cast to float does not round), integer
// tensors as BigInt64Array, booleans as Float64Array of 0/1.

import type { Model, Node, Tensor } from '../../ts/graph/ir.js';
import { attrFloat, attrInt, attrInts, attrString } from '../../ts/graph/ir.js';

export interface F64Tensor {
  dims: number[];
  data: Float64Array | BigInt64Array;
}

type T = F64Tensor;
type IntTensor = { dims: number[]; data: BigInt64Array };

// ---------------------------------------------------------------------------------------------
// small helpers

const size = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

function stridesOf(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

const isInt = (t: T): t is IntTensor => t.data instanceof BigInt64Array;

/** The values as float64 (a view when they already are). */
const f64 = (t: T): Float64Array => (t.data instanceof Float64Array ? t.data : Float64Array.from(t.data, Number));

/** The values as plain numbers (for shapes, axes, indices). */
const nums = (t: T): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);

const floats = (dims: number[], data: Float64Array): T => ({ dims, data });
const ints = (dims: number[], values: ArrayLike<number>): T => ({
  dims,
  data: BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))),
});

function fail(node: Node, msg: string): never {
  throw new Error(`${node.op} node '${node.name}': ${msg}`);
}

const normAxis = (node: Node, axis: number, rank: number): number => {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(node, `axis ${axis} is out of range for rank ${rank}`);
  return a;
};

function requireRank(node: Node, t: T, rank: number, what = 'input'): void {
  if (t.dims.length !== rank) fail(node, `${what} must have rank ${rank} (only 2-D spatial is supported), got [${t.dims}]`);
}

/** Copies elements `idx` of t into a new tensor of shape dims, keeping its element kind. */
function take(t: T, dims: number[], idx: ArrayLike<number>): T {
  const n = idx.length;
  if (t.data instanceof BigInt64Array) {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = t.data[idx[i]];
    return { dims, data: out };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = t.data[idx[i]];
  return { dims, data: out };
}

/**
 * For every element of a row-major tensor of shape outDims, offset + sum(coord[a] * strides[a]).
 * One odometer drives broadcasting (stride 0), transposition (permuted strides) and slicing.
 */
function stridedIndex(outDims: readonly number[], strides: readonly number[], offset = 0): Int32Array {
  const n = size(outDims);
  const idx = new Int32Array(n);
  const rank = outDims.length;
  const coord = new Array<number>(rank).fill(0);
  let cur = offset;
  for (let i = 0; i < n; i++) {
    idx[i] = cur;
    for (let a = rank - 1; a >= 0; a--) {
      coord[a]++;
      cur += strides[a];
      if (coord[a] < outDims[a]) break;
      cur -= strides[a] * outDims[a];
      coord[a] = 0;
    }
  }
  return idx;
}

// ---------------------------------------------------------------------------------------------
// numpy-style broadcasting, shared by the element-wise ops, Expand, Where, MatMul and the reductions

function broadcastShape(node: Node, shapes: number[][]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      if (s[i] === out[o] || s[i] === 1) continue;
      if (out[o] !== 1) fail(node, `shapes ${shapes.map((x) => `[${x}]`).join(', ')} do not broadcast`);
      out[o] = s[i];
    }
  }
  return out;
}

/** For each element of outDims, the flat index of the element of inDims that broadcasts onto it. */
function broadcastIndex(outDims: readonly number[], inDims: readonly number[]): Int32Array {
  const off = outDims.length - inDims.length;
  const inStrides = stridesOf(inDims);
  const strides = outDims.map((_, a) => (a < off || inDims[a - off] === 1 ? 0 : inStrides[a - off]));
  return stridedIndex(outDims, strides);
}

type NumFn = (x: number, y: number) => number;
type BigFn = (x: bigint, y: bigint) => bigint;

/** Broadcasting binary op; stays in int64 when both inputs are integers and an int64 rule is given. */
function binary(node: Node, a: T, b: T, f: NumFn, fb?: BigFn): T {
  const dims = broadcastShape(node, [a.dims, b.dims]);
  const ia = broadcastIndex(dims, a.dims);
  const ib = broadcastIndex(dims, b.dims);
  if (fb && isInt(a) && isInt(b)) {
    const out = new BigInt64Array(ia.length);
    for (let i = 0; i < out.length; i++) out[i] = fb(a.data[ia[i]], b.data[ib[i]]);
    return { dims, data: out };
  }
  const x = f64(a);
  const y = f64(b);
  const out = new Float64Array(ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x[ia[i]], y[ib[i]]);
  return floats(dims, out);
}

/** Broadcasting comparison; integers are compared exactly. Result is 0/1. */
function compare(node: Node, a: T, b: T, f: (x: number, y: number) => boolean, fb: (x: bigint, y: bigint) => boolean): T {
  const dims = broadcastShape(node, [a.dims, b.dims]);
  const ia = broadcastIndex(dims, a.dims);
  const ib = broadcastIndex(dims, b.dims);
  const out = new Float64Array(ia.length);
  if (isInt(a) && isInt(b)) {
    for (let i = 0; i < out.length; i++) out[i] = fb(a.data[ia[i]], b.data[ib[i]]) ? 1 : 0;
  } else {
    const x = f64(a);
    const y = f64(b);
    for (let i = 0; i < out.length; i++) out[i] = f(x[ia[i]], y[ib[i]]) ? 1 : 0;
  }
  return floats(dims, out);
}

function unary(t: T, f: (x: number) => number, fb?: (x: bigint) => bigint): T {
  if (fb && isInt(t)) return { dims: t.dims, data: t.data.map(fb) };
  return floats(t.dims, f64(t).map(f));
}

/** Variadic broadcasting op (Sum, Max, Min): a left fold of the binary rule. */
function variadic(node: Node, xs: T[], f: NumFn, fb?: BigFn): T {
  if (xs.length === 0) fail(node, 'needs at least one input');
  let acc = xs[0];
  for (let i = 1; i < xs.length; i++) acc = binary(node, acc, xs[i], f, fb);
  return xs.length === 1 ? { dims: acc.dims, data: acc.data.slice() } : acc;
}

// ---------------------------------------------------------------------------------------------
// sliding-window geometry shared by Conv, MaxPool and AveragePool (2-D)

interface Window {
  strides: number[];
  dilations: number[];
  begin: number[];
  end: number[];
  out: number[];
}

function slidingWindow(node: Node, spatial: number[], kernel: number[], ceilMode: boolean): Window {
  const r = spatial.length;
  if (kernel.length !== r) fail(node, `kernel_shape [${kernel}] does not match ${r} spatial dims`);
  const strides = attrInts(node, 'strides', null) ?? new Array<number>(r).fill(1);
  const dilations = attrInts(node, 'dilations', null) ?? new Array<number>(r).fill(1);
  const pads = attrInts(node, 'pads', null) ?? new Array<number>(2 * r).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const w: Window = { strides, dilations, begin: [], end: [], out: [] };
  for (let i = 0; i < r; i++) {
    const [n, s] = [spatial[i], strides[i]];
    const extent = (kernel[i] - 1) * dilations[i] + 1;
    let [pb, pe, out] = [0, 0, 0];
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      // output = ceil(n / s); odd total padding puts the extra pixel at the end (UPPER) or start (LOWER)
      out = Math.ceil(n / s);
      const total = Math.max(0, (out - 1) * s + extent - n);
      pb = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : total - Math.floor(total / 2);
      pe = total - pb;
    } else {
      if (autoPad !== 'NOTSET' && autoPad !== 'VALID') fail(node, `unknown auto_pad '${autoPad}'`);
      if (autoPad === 'NOTSET') [pb, pe] = [pads[i], pads[i + r]];
      const span = n + pb + pe - extent;
      if (span < 0) fail(node, `kernel extent ${extent} is larger than the padded input ${n + pb + pe}`);
      out = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
      // In ceil mode the last window must start inside the input or its leading padding
      // (onnxruntime, and ONNX's reference since onnx/onnx#5741); otherwise it is dropped.
      if (ceilMode && (out - 1) * s >= n + pb) out--;
    }
    w.begin.push(pb);
    w.end.push(pe);
    w.out.push(out);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// convolutions

function conv(node: Node, x: T, wt: T, bias: T | undefined): T {
  requireRank(node, x, 4);
  requireRank(node, wt, 4, 'weight');
  const [N, C, H, W] = x.dims;
  const [M, Cg, KH, KW] = wt.dims;
  const group = attrInt(node, 'group', 1);
  if (Cg * group !== C || M % group !== 0) fail(node, `weight [${wt.dims}] with group ${group} does not fit input [${x.dims}]`);
  const kernel = attrInts(node, 'kernel_shape', null) ?? [KH, KW];
  if (kernel.join() !== [KH, KW].join()) fail(node, `kernel_shape [${kernel}] differs from the weight's [${KH},${KW}]`);
  const win = slidingWindow(node, [H, W], kernel, false);
  const [OH, OW] = win.out;
  const [sh, sw] = win.strides;
  const [dh, dw] = win.dilations;
  const [ph, pw] = win.begin;
  const xd = f64(x);
  const wd = f64(wt);
  const bd = bias ? f64(bias) : null;
  const Mg = M / group;
  const out = new Float64Array(N * M * OH * OW);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let acc = bd ? bd[m] : 0;
          for (let c = 0; c < Cg; c++) {
            const ci = g * Cg + c;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * sh - ph + kh * dh;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * sw - pw + kw * dw;
                if (iw < 0 || iw >= W) continue;
                acc += xd[((n * C + ci) * H + ih) * W + iw] * wd[((m * Cg + c) * KH + kh) * KW + kw];
              }
            }
          }
          out[((n * M + m) * OH + oh) * OW + ow] = acc;
        }
    }
  return floats([N, M, OH, OW], out);
}

function convTranspose(node: Node, x: T, wt: T, bias: T | undefined): T {
  requireRank(node, x, 4);
  requireRank(node, wt, 4, 'weight');
  const [N, C, H, W] = x.dims;
  const [Cw, Mg, KH, KW] = wt.dims;
  const group = attrInt(node, 'group', 1);
  if (Cw !== C || C % group !== 0) fail(node, `weight [${wt.dims}] with group ${group} does not fit input [${x.dims}]`);
  const M = Mg * group;
  const Cg = C / group;
  const kernel = attrInts(node, 'kernel_shape', null) ?? [KH, KW];
  const strides = attrInts(node, 'strides', null) ?? [1, 1];
  const dilations = attrInts(node, 'dilations', null) ?? [1, 1];
  const outPad = attrInts(node, 'output_padding', null) ?? [0, 0];
  const pads = attrInts(node, 'pads', null) ?? [0, 0, 0, 0];
  const outputShape = attrInts(node, 'output_shape', null);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  const begin: number[] = [];
  const outDims: number[] = [];
  [H, W].forEach((n, i) => {
    const full = strides[i] * (n - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1;
    // The spec: an explicit output_shape (spatial dims; or SAME_*, meaning output = input * stride)
    // fixes the output size and the pads are derived from it; an odd total puts the extra pixel at
    // the end for SAME_UPPER and at the start otherwise (onnxruntime 1.30 agrees).
    let target: number | null = null;
    if (outputShape) target = outputShape[outputShape.length - 2 + i];
    else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') target = n * strides[i];
    if (target !== null) {
      const total = full - target;
      const half = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? half : total - half);
      outDims.push(target);
    } else {
      const [pb, pe] = autoPad === 'VALID' ? [0, 0] : [pads[i], pads[i + 2]];
      begin.push(pb);
      outDims.push(full - pb - pe);
    }
  });
  const [OH, OW] = outDims;
  const xd = f64(x);
  const wd = f64(wt);
  const bd = bias ? f64(bias) : null;
  const out = new Float64Array(N * M * OH * OW);
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) out.fill(bd ? bd[m] : 0, (n * M + m) * OH * OW, (n * M + m + 1) * OH * OW);
  // Scatter form: every input pixel adds kernel-weighted copies of itself to the output.
  for (let n = 0; n < N; n++)
    for (let ci = 0; ci < C; ci++) {
      const g = Math.floor(ci / Cg);
      for (let ih = 0; ih < H; ih++)
        for (let iw = 0; iw < W; iw++) {
          const v = xd[((n * C + ci) * H + ih) * W + iw];
          for (let m = 0; m < Mg; m++) {
            const oc = g * Mg + m;
            for (let kh = 0; kh < KH; kh++) {
              const oh = ih * strides[0] + kh * dilations[0] - begin[0];
              if (oh < 0 || oh >= OH) continue;
              for (let kw = 0; kw < KW; kw++) {
                const ow = iw * strides[1] + kw * dilations[1] - begin[1];
                if (ow < 0 || ow >= OW) continue;
                out[((n * M + oc) * OH + oh) * OW + ow] += v * wd[((ci * Mg + m) * KH + kh) * KW + kw];
              }
            }
          }
        }
    }
  return floats([N, M, OH, OW], out);
}

// ---------------------------------------------------------------------------------------------
// pooling

function maxPool(node: Node, x: T): T {
  requireRank(node, x, 4);
  const [N, C, H, W] = x.dims;
  const kernel = attrInts(node, 'kernel_shape', null) ?? fail(node, 'kernel_shape is required');
  const win = slidingWindow(node, [H, W], kernel, attrInt(node, 'ceil_mode', 0) === 1);
  const [OH, OW] = win.out;
  const xd = f64(x);
  const out = new Float64Array(N * C * OH * OW);
  for (let nc = 0; nc < N * C; nc++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        // padding never wins: only real pixels take part
        let best = -Infinity;
        for (let kh = 0; kh < kernel[0]; kh++) {
          const ih = oh * win.strides[0] - win.begin[0] + kh * win.dilations[0];
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < kernel[1]; kw++) {
            const iw = ow * win.strides[1] - win.begin[1] + kw * win.dilations[1];
            if (iw < 0 || iw >= W) continue;
            best = Math.max(best, xd[(nc * H + ih) * W + iw]);
          }
        }
        out[(nc * OH + oh) * OW + ow] = best;
      }
  return floats([N, C, OH, OW], out);
}

function averagePool(node: Node, x: T): T {
  requireRank(node, x, 4);
  const [N, C, H, W] = x.dims;
  const kernel = attrInts(node, 'kernel_shape', null) ?? fail(node, 'kernel_shape is required');
  const win = slidingWindow(node, [H, W], kernel, attrInt(node, 'ceil_mode', 0) === 1);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  const [OH, OW] = win.out;
  const [sh, sw] = win.strides;
  const [dh, dw] = win.dilations;
  const xd = f64(x);
  const out = new Float64Array(N * C * OH * OW);
  for (let nc = 0; nc < N * C; nc++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        // As onnxruntime does: a ceil-mode window is first clipped to the padded extent; with
        // count_include_pad the divisor is that clipped window, otherwise the real pixels in it.
        const h0 = oh * sh - win.begin[0];
        const w0 = ow * sw - win.begin[1];
        const h1 = Math.min(h0 + kernel[0] * dh, H + win.end[0]);
        const w1 = Math.min(w0 + kernel[1] * dw, W + win.end[1]);
        let sum = 0;
        let real = 0;
        for (let ih = h0; ih < h1; ih += dh) {
          if (ih < 0 || ih >= H) continue;
          for (let iw = w0; iw < w1; iw += dw) {
            if (iw < 0 || iw >= W) continue;
            sum += xd[(nc * H + ih) * W + iw];
            real++;
          }
        }
        const clipped = (1 + Math.floor((h1 - h0 - 1) / dh)) * (1 + Math.floor((w1 - w0 - 1) / dw));
        out[(nc * OH + oh) * OW + ow] = real === 0 ? 0 : sum / (includePad ? clipped : real);
      }
  return floats([N, C, OH, OW], out);
}

function globalPool(node: Node, x: T, kind: 'mean' | 'max'): T {
  if (x.dims.length < 3) fail(node, `input must have spatial dims, got [${x.dims}]`);
  return reduce(node, x, x.dims.slice(2).map((_, i) => i + 2), true, kind);
}

// ---------------------------------------------------------------------------------------------
// reductions

/** Reduces over `axes` (already chosen by the caller); the output keeps or drops the reduced axes. */
function reduce(node: Node, x: T, axes: number[], keepdims: boolean, kind: 'sum' | 'mean' | 'max'): T {
  const rank = x.dims.length;
  const reduced = new Set(axes.map((a) => normAxis(node, a, rank)));
  const kept = x.dims.map((d, a) => (reduced.has(a) ? 1 : d));
  // the kept-dims shape broadcasts onto x, so broadcastIndex maps each input element to its slot
  const slot = broadcastIndex(x.dims, kept);
  const xd = f64(x);
  const acc = new Float64Array(size(kept)).fill(kind === 'max' ? -Infinity : 0);
  for (let i = 0; i < xd.length; i++) acc[slot[i]] = kind === 'max' ? Math.max(acc[slot[i]], xd[i]) : acc[slot[i]] + xd[i];
  if (kind === 'mean') {
    const count = xd.length / acc.length;
    for (let i = 0; i < acc.length; i++) acc[i] /= count;
  }
  return floats(keepdims ? kept : x.dims.filter((_, a) => !reduced.has(a)), acc);
}

/** ReduceSum (opset 13) takes axes as an input; ReduceMean/ReduceMax (opset < 18) as an attribute. */
function reduceOp(node: Node, args: Args, kind: 'sum' | 'mean' | 'max'): T {
  const x = args.req(0);
  const axesIn = args.opt(1);
  const axes = axesIn ? nums(axesIn) : attrInts(node, 'axes', []) ?? [];
  if (axes.length === 0 && attrInt(node, 'noop_with_empty_axes', 0) === 1) return x;
  const all = x.dims.map((_, a) => a);
  return reduce(node, x, axes.length === 0 ? all : axes, attrInt(node, 'keepdims', 1) === 1, kind);
}

// ---------------------------------------------------------------------------------------------
// normalisation

function lrn(node: Node, x: T): T {
  const n = attrInt(node, 'size', 0);
  if (n <= 0) fail(node, 'size is required');
  const alpha = attrFloat(node, 'alpha', 0.0001);
  const beta = attrFloat(node, 'beta', 0.75);
  const bias = attrFloat(node, 'bias', 1.0);
  const [N, C] = x.dims;
  const inner = size(x.dims.slice(2));
  // the channel window is asymmetric for even sizes: floor((n-1)/2) below, ceil((n-1)/2) above
  const below = Math.floor((n - 1) / 2);
  const above = Math.ceil((n - 1) / 2);
  const xd = f64(x);
  const out = new Float64Array(xd.length);
  for (let b = 0; b < N; b++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < inner; p++) {
        let sq = 0;
        for (let k = Math.max(0, c - below); k <= Math.min(C - 1, c + above); k++) sq += xd[(b * C + k) * inner + p] ** 2;
        const i = (b * C + c) * inner + p;
        out[i] = xd[i] / (bias + (alpha / n) * sq) ** beta;
      }
  return floats(x.dims, out);
}

function batchNorm(node: Node, args: Args): T {
  if (attrInt(node, 'training_mode', 0) === 1) fail(node, 'training_mode=1 is not supported');
  const x = args.req(0);
  const [scale, b, mean, variance] = [1, 2, 3, 4].map((i) => f64(args.req(i)));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const C = x.dims[1];
  const inner = size(x.dims.slice(2));
  const xd = f64(x);
  const out = new Float64Array(xd.length);
  for (let i = 0; i < xd.length; i++) {
    const c = Math.floor(i / inner) % C;
    out[i] = ((xd[i] - mean[c]) / Math.sqrt(variance[c] + eps)) * scale[c] + b[c];
  }
  return floats(x.dims, out);
}

function instanceNorm(node: Node, x: T, scaleT: T, biasT: T): T {
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const C = x.dims[1];
  const inner = size(x.dims.slice(2));
  const [xd, scale, bias] = [f64(x), f64(scaleT), f64(biasT)];
  const out = new Float64Array(xd.length);
  for (let nc = 0; nc < xd.length / inner; nc++) {
    const c = nc % C;
    const base = nc * inner;
    let mean = 0;
    for (let p = 0; p < inner; p++) mean += xd[base + p];
    mean /= inner;
    let v = 0; // population variance, as the spec's formula
    for (let p = 0; p < inner; p++) v += (xd[base + p] - mean) ** 2;
    v /= inner;
    for (let p = 0; p < inner; p++) out[base + p] = ((xd[base + p] - mean) / Math.sqrt(v + eps)) * scale[c] + bias[c];
  }
  return floats(x.dims, out);
}

function softmax(node: Node, x: T, log: boolean): T {
  const axis = normAxis(node, attrInt(node, 'axis', -1), x.dims.length);
  const len = x.dims[axis];
  const inner = size(x.dims.slice(axis + 1));
  const outer = size(x.dims.slice(0, axis));
  const xd = f64(x);
  const out = new Float64Array(xd.length);
  for (let o = 0; o < outer; o++)
    for (let p = 0; p < inner; p++) {
      const at = (k: number) => (o * len + k) * inner + p;
      let max = -Infinity;
      for (let k = 0; k < len; k++) max = Math.max(max, xd[at(k)]);
      let sum = 0;
      for (let k = 0; k < len; k++) sum += Math.exp(xd[at(k)] - max);
      for (let k = 0; k < len; k++) out[at(k)] = log ? xd[at(k)] - max - Math.log(sum) : Math.exp(xd[at(k)] - max) / sum;
    }
  return floats(x.dims, out);
}

// ---------------------------------------------------------------------------------------------
// linear algebra

function gemm(node: Node, a: T, b: T, c: T | undefined): T {
  requireRank(node, a, 2, 'A');
  requireRank(node, b, 2, 'B');
  const transA = attrInt(node, 'transA', 0) === 1;
  const transB = attrInt(node, 'transB', 0) === 1;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const [M, K] = transA ? [a.dims[1], a.dims[0]] : a.dims;
  const [K2, N] = transB ? [b.dims[1], b.dims[0]] : b.dims;
  if (K !== K2) fail(node, `inner dims differ: A [${a.dims}], B [${b.dims}]`);
  const [ad, bd] = [f64(a), f64(b)];
  const A = (i: number, k: number) => (transA ? ad[k * M + i] : ad[i * K + k]);
  const B = (k: number, j: number) => (transB ? bd[j * K + k] : bd[k * N + j]);
  // C broadcasts unidirectionally onto [M, N]
  if (c && broadcastShape(node, [[M, N], c.dims]).join() !== [M, N].join()) fail(node, `C [${c.dims}] does not broadcast to [${M},${N}]`);
  const ci = c ? broadcastIndex([M, N], c.dims) : new Int32Array(M * N);
  const cd = c ? f64(c) : Float64Array.of(0);
  const out = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A(i, k) * B(k, j);
      out[i * N + j] = alpha * s + beta * cd[ci[i * N + j]];
    }
  return floats([M, N], out);
}

function matmul(node: Node, a: T, b: T): T {
  // numpy: a 1-D left operand gains a leading 1, a 1-D right operand a trailing 1, removed afterwards
  const aDims = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bDims = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  if (aDims.length < 2 || bDims.length < 2) fail(node, 'scalar operands are not allowed');
  const [M, K] = aDims.slice(-2);
  const [K2, N] = bDims.slice(-2);
  if (K !== K2) fail(node, `inner dims differ: [${a.dims}] x [${b.dims}]`);
  const aBatch = aDims.slice(0, -2);
  const bBatch = bDims.slice(0, -2);
  const batch = broadcastShape(node, [aBatch, bBatch]);
  const ia = broadcastIndex(batch, aBatch);
  const ib = broadcastIndex(batch, bBatch);
  const [ad, bd] = [f64(a), f64(b)];
  const out = new Float64Array(size(batch) * M * N);
  for (let t = 0; t < ia.length; t++) {
    const [ao, bo, oo] = [ia[t] * M * K, ib[t] * K * N, t * M * N];
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += ad[ao + i * K + k] * bd[bo + k * N + j];
        out[oo + i * N + j] = s;
      }
  }
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [M]), ...(b.dims.length === 1 ? [] : [N])];
  return floats(dims, out);
}

// ---------------------------------------------------------------------------------------------
// shape manipulation

const withDims = (t: T, dims: number[]): T => ({ dims, data: t.data });

function flatten(node: Node, x: T): T {
  const r = x.dims.length;
  let axis = attrInt(node, 'axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) fail(node, `axis out of range for rank ${r}`);
  return withDims(x, [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))]);
}

function reshape(node: Node, x: T, shapeT: T): T {
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const dims = nums(shapeT).map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
  const known = size(dims.filter((d) => d !== -1));
  const inferred = dims.map((d) => (d === -1 ? size(x.dims) / known : d));
  if (size(inferred) !== size(x.dims) || inferred.some((d) => !Number.isInteger(d) || d < 0))
    fail(node, `cannot reshape [${x.dims}] to [${nums(shapeT)}]`);
  return withDims(x, inferred);
}

function transpose(node: Node, x: T): T {
  const r = x.dims.length;
  const perm = attrInts(node, 'perm', null) ?? x.dims.map((_, i) => r - 1 - i);
  const inStrides = stridesOf(x.dims);
  const dims = perm.map((p) => x.dims[p]);
  return take(x, dims, stridedIndex(dims, perm.map((p) => inStrides[p])));
}

/** Axes from input 1 (opset 13) or the attribute (older opsets); null when neither is given. */
function axesArg(node: Node, args: Args): number[] | null {
  const t = args.opt(1);
  return t ? nums(t) : attrInts(node, 'axes', null);
}

function squeeze(node: Node, args: Args): T {
  const x = args.req(0);
  const given = axesArg(node, args);
  const axes = given ? given.map((a) => normAxis(node, a, x.dims.length)) : x.dims.flatMap((d, a) => (d === 1 ? [a] : []));
  for (const a of axes) if (x.dims[a] !== 1) fail(node, `cannot squeeze axis ${a} of [${x.dims}]`);
  return withDims(x, x.dims.filter((_, a) => !axes.includes(a)));
}

function unsqueeze(node: Node, args: Args): T {
  const x = args.req(0);
  const given = axesArg(node, args) ?? fail(node, 'axes are required');
  const rank = x.dims.length + given.length;
  const axes = new Set(given.map((a) => normAxis(node, a, rank)));
  const dims: number[] = [];
  let k = 0;
  for (let a = 0; a < rank; a++) dims.push(axes.has(a) ? 1 : x.dims[k++]);
  return withDims(x, dims);
}

function concat(node: Node, xs: T[]): T {
  if (!('axis' in node.attrs)) fail(node, 'axis is required');
  const axis = normAxis(node, attrInt(node, 'axis', 0), xs[0].dims.length);
  const dims = xs[0].dims.slice();
  dims[axis] = xs.reduce((s, t) => s + t.dims[axis], 0);
  // gather the source index of every output element, then copy once (keeps int64 exact)
  const outer = size(dims.slice(0, axis));
  const src: number[] = [];
  const from: number[] = [];
  for (let o = 0; o < outer; o++)
    xs.forEach((t, k) => {
      const chunk = size(t.dims.slice(axis));
      for (let p = 0; p < chunk; p++) {
        src.push(o * chunk + p);
        from.push(k);
      }
    });
  if (xs.every(isInt)) {
    const data = (xs as IntTensor[]).map((t) => t.data);
    return { dims, data: BigInt64Array.from(src, (s, i) => data[from[i]][s]) };
  }
  const data = xs.map(f64);
  return floats(dims, Float64Array.from(src, (s, i) => data[from[i]][s]));
}

/** Strided slice: per axis a start, step and length (already normalised). */
function sliceT(x: T, starts: number[], steps: number[], dims: number[]): T {
  const inStrides = stridesOf(x.dims);
  const offset = starts.reduce((s, st, a) => s + st * inStrides[a], 0);
  return take(x, dims, stridedIndex(dims, steps.map((st, a) => st * inStrides[a]), offset));
}

/** Equal parts; when d does not divide, ceil-sized parts and a shorter last one (as opset 18 says). */
function equalParts(d: number, n: number): number[] {
  const chunk = Math.ceil(d / n);
  return Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, d - i * chunk)));
}

function split(node: Node, args: Args): T[] {
  const x = args.req(0);
  const axis = normAxis(node, attrInt(node, 'axis', 0), x.dims.length);
  const d = x.dims[axis];
  const splitIn = args.opt(1);
  const parts = splitIn ? nums(splitIn) : attrInts(node, 'split', null) ?? equalParts(d, node.outputs.length);
  if (parts.reduce((a, b) => a + b, 0) !== d) fail(node, `split [${parts}] does not sum to ${d}`);
  let at = 0;
  return parts.map((len) => {
    const starts = x.dims.map((_, a) => (a === axis ? at : 0));
    const dims = x.dims.map((dd, a) => (a === axis ? len : dd));
    at += len;
    return sliceT(x, starts, x.dims.map(() => 1), dims);
  });
}

function slice(node: Node, args: Args): T {
  const x = args.req(0);
  const r = x.dims.length;
  const starts = nums(args.req(1));
  const ends = nums(args.req(2));
  const axes = args.opt(3) ? nums(args.req(3)) : starts.map((_, i) => i);
  const stepsIn = args.opt(4) ? nums(args.req(4)) : starts.map(() => 1);
  const st = x.dims.map(() => 0);
  const steps = x.dims.map(() => 1);
  const dims = x.dims.slice();
  axes.forEach((axis, i) => {
    const a = normAxis(node, axis, r);
    const d = x.dims[a];
    const step = stepsIn[i];
    if (step === 0) fail(node, 'step 0 is not allowed');
    let s = starts[i] < 0 ? starts[i] + d : starts[i];
    let e = ends[i] < 0 ? ends[i] + d : ends[i];
    // clamp to [0, d] going forward, to [0, d-1] (start) and [-1, d-1] (end) going backward
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      s = Math.min(Math.max(s, 0), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    st[a] = s;
    steps[a] = step;
    dims[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return sliceT(x, st, steps, dims);
}

function pad(node: Node, args: Args): T {
  const x = args.req(0);
  const r = x.dims.length;
  const mode = attrString(node, 'mode', 'constant');
  const padsIn = args.opt(1);
  const raw = padsIn ? nums(padsIn) : attrInts(node, 'pads', null) ?? fail(node, 'pads are required');
  const cv = args.opt(2);
  const value = cv && size(cv.dims) > 0 ? f64(cv)[0] : attrFloat(node, 'value', 0);
  // opset 18's optional axes input; without it the pads cover every axis
  const axes = args.opt(3) ? nums(args.req(3)).map((a) => normAxis(node, a, r)) : x.dims.map((_, a) => a);
  const begin = x.dims.map(() => 0);
  const end = x.dims.map(() => 0);
  axes.forEach((a, i) => {
    begin[a] = raw[i];
    end[a] = raw[i + axes.length];
  });
  const dims = x.dims.map((d, a) => d + begin[a] + end[a]);
  // per axis, the source coordinate of each output coordinate (-1: the constant)
  const source = dims.map((od, a) =>
    Array.from({ length: od }, (_, o) => {
      const n = x.dims[a];
      let i = o - begin[a];
      if (i >= 0 && i < n) return i;
      if (mode === 'constant') return -1;
      if (mode === 'edge') return Math.min(Math.max(i, 0), n - 1);
      if (mode !== 'reflect') fail(node, `unknown mode '${mode}'`);
      if (n === 1) return 0;
      while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i; // mirror without repeating the edge
      return i;
    }),
  );
  const inStrides = stridesOf(x.dims);
  const outStrides = stridesOf(dims);
  const total = size(dims);
  const offsets = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    let off = 0;
    for (let a = 0; a < r && off >= 0; a++) {
      const s = source[a][Math.floor(i / outStrides[a]) % dims[a]];
      off = s < 0 ? -1 : off + s * inStrides[a];
    }
    offsets[i] = off;
  }
  if (isInt(x)) return { dims, data: BigInt64Array.from(offsets, (o) => (o < 0 ? BigInt(Math.trunc(value)) : x.data[o])) };
  const xd = f64(x);
  return floats(dims, Float64Array.from(offsets, (o) => (o < 0 ? value : xd[o])));
}

function gather(node: Node, x: T, indices: T): T {
  const axis = normAxis(node, attrInt(node, 'axis', 0), x.dims.length);
  const d = x.dims[axis];
  const idx = nums(indices).map((i) => {
    if (i < -d || i >= d) fail(node, `index ${i} is out of range for dim ${d}`);
    return i < 0 ? i + d : i;
  });
  const outer = size(x.dims.slice(0, axis));
  const inner = size(x.dims.slice(axis + 1));
  const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
  const src: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const i of idx)
      for (let p = 0; p < inner; p++) src.push((o * d + i) * inner + p);
  return take(x, dims, src);
}

function expand(node: Node, x: T, shapeT: T): T {
  const dims = broadcastShape(node, [x.dims, nums(shapeT)]);
  return take(x, dims, broadcastIndex(dims, x.dims));
}

function where(node: Node, cond: T, a: T, b: T): T {
  const dims = broadcastShape(node, [cond.dims, a.dims, b.dims]);
  const [ic, ia, ib] = [cond, a, b].map((t) => broadcastIndex(dims, t.dims));
  const c = f64(cond);
  if (isInt(a) && isInt(b)) {
    const out = new BigInt64Array(ic.length);
    for (let i = 0; i < out.length; i++) out[i] = c[ic[i]] !== 0 ? a.data[ia[i]] : b.data[ib[i]];
    return { dims, data: out };
  }
  const [x, y] = [f64(a), f64(b)];
  const out = new Float64Array(ic.length);
  for (let i = 0; i < out.length; i++) out[i] = c[ic[i]] !== 0 ? x[ia[i]] : y[ib[i]];
  return floats(dims, out);
}

// ---------------------------------------------------------------------------------------------
// constants and types

const FLOAT_TYPES = new Set([1, 10, 11, 16]); // float, float16, double, bfloat16
const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 12, 13]); // (u)int8/16/32/64
const BOOL = 9;

/** IR tensor to interpreter value: floats widen to float64, integers to int64, bool to 0/1. */
function fromTensor(t: Tensor): T {
  const dims = t.dims.slice();
  switch (t.dtype) {
    case 'float32':
    case 'float64':
      return floats(dims, Float64Array.from(t.data as ArrayLike<number>));
    case 'int64':
      return { dims, data: BigInt64Array.from(t.data as BigInt64Array) };
    case 'int32':
    case 'int8':
    case 'uint8':
      return ints(dims, t.data as ArrayLike<number>);
    case 'bool':
      return floats(dims, Float64Array.from(t.data as ArrayLike<number>, (v) => (v ? 1 : 0)));
  }
}

function cast(node: Node, x: T): T {
  const to = attrInt(node, 'to', NaN);
  // float targets stay float64 on purpose: the oracle must not round to float32
  if (FLOAT_TYPES.has(to)) return floats(x.dims, f64(x).slice());
  if (INT_TYPES.has(to)) return isInt(x) ? { dims: x.dims, data: x.data.slice() } : ints(x.dims, f64(x)); // truncates toward zero
  if (to === BOOL) return floats(x.dims, f64(x).map((v) => (v !== 0 ? 1 : 0)));
  return fail(node, `unsupported target type ${to}`);
}

function constant(node: Node): T {
  const a = node.attrs;
  if (a.value?.t === 'tensor') return fromTensor(a.value.v);
  if (a.value_float?.t === 'float') return floats([], Float64Array.of(a.value_float.v));
  if (a.value_floats?.t === 'floats') return floats([a.value_floats.v.length], Float64Array.from(a.value_floats.v));
  if (a.value_int?.t === 'int') return ints([], [a.value_int.v]);
  if (a.value_ints?.t === 'ints') return ints([a.value_ints.v.length], a.value_ints.v);
  return fail(node, `unsupported value attribute (${Object.keys(a).join(', ') || 'none'})`);
}

function constantOfShape(node: Node, shapeT: T): T {
  const dims = nums(shapeT);
  const v = node.attrs.value?.t === 'tensor' ? fromTensor(node.attrs.value.v) : floats([1], Float64Array.of(0));
  if (v.data instanceof BigInt64Array) return { dims, data: new BigInt64Array(size(dims)).fill(v.data[0]) };
  return floats(dims, new Float64Array(size(dims)).fill(v.data[0]));
}

function range(start: T, limit: T, delta: T): T {
  const [s, l, d] = [start, limit, delta].map((t) => nums(t)[0]);
  const n = Math.max(Math.ceil((l - s) / d), 0);
  const values = Array.from({ length: n }, (_, i) => s + i * d);
  return isInt(start) && isInt(limit) && isInt(delta) ? ints([n], values) : floats([n], Float64Array.from(values));
}

function shape(node: Node, x: T): T {
  const r = x.dims.length;
  const clampAxis = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clampAxis(attrInt(node, 'start', 0));
  const end = clampAxis(attrInt(node, 'end', r));
  const dims = x.dims.slice(start, Math.max(start, end));
  return ints([dims.length], dims);
}

// ---------------------------------------------------------------------------------------------
// activations and clipping

function clip(node: Node, args: Args): T {
  const x = args.req(0);
  const lo = args.opt(1) ? f64(args.req(1))[0] : attrFloat(node, 'min', -Infinity);
  const hi = args.opt(2) ? f64(args.req(2))[0] : attrFloat(node, 'max', Infinity);
  return unary(x, (v) => Math.min(Math.max(v, lo), hi));
}

function prelu(node: Node, x: T, slope: T): T {
  // the slope broadcasts unidirectionally: the result keeps X's shape
  if (broadcastShape(node, [x.dims, slope.dims]).join() !== x.dims.join()) fail(node, `slope [${slope.dims}] does not broadcast to [${x.dims}]`);
  return binary(node, x, slope, (v, s) => (v < 0 ? s * v : v));
}

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

// ---------------------------------------------------------------------------------------------
// dispatch

class Args {
  constructor(
    private readonly node: Node,
    private readonly values: (T | undefined)[],
  ) {}
  /** A required input. */
  req(i: number): T {
    return this.values[i] ?? fail(this.node, `input ${i} is required`);
  }
  /** An optional input: undefined when absent or given as ''. */
  opt(i: number): T | undefined {
    return this.values[i];
  }
  /** All inputs, for the variadic ops. */
  all(): T[] {
    return this.values.map((v, i) => v ?? this.req(i));
  }
}

type Op = (node: Node, args: Args) => T | T[];

const big = {
  add: (a: bigint, b: bigint) => a + b,
  sub: (a: bigint, b: bigint) => a - b,
  mul: (a: bigint, b: bigint) => a * b,
  div: (a: bigint, b: bigint) => a / b, // truncates toward zero, as C++ integer division
  max: (a: bigint, b: bigint) => (a > b ? a : b),
  min: (a: bigint, b: bigint) => (a < b ? a : b),
};

const OPS = new Map<string, Op>([
  ['Conv', (n, a) => conv(n, a.req(0), a.req(1), a.opt(2))],
  ['ConvTranspose', (n, a) => convTranspose(n, a.req(0), a.req(1), a.opt(2))],
  ['Relu', (_, a) => unary(a.req(0), (v) => Math.max(0, v))],
  ['LeakyRelu', (n, a) => {
    const alpha = attrFloat(n, 'alpha', 0.01);
    return unary(a.req(0), (v) => (v < 0 ? alpha * v : v));
  }],
  ['PRelu', (n, a) => prelu(n, a.req(0), a.req(1))],
  ['Clip', clip],
  ['Sigmoid', (_, a) => unary(a.req(0), sigmoid)],
  ['HardSigmoid', (n, a) => {
    const [alpha, beta] = [attrFloat(n, 'alpha', 0.2), attrFloat(n, 'beta', 0.5)];
    return unary(a.req(0), (v) => Math.max(0, Math.min(1, alpha * v + beta)));
  }],
  ['HardSwish', (_, a) => unary(a.req(0), (v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)))],
  ['Tanh', (_, a) => unary(a.req(0), Math.tanh)],
  ['Add', (n, a) => binary(n, a.req(0), a.req(1), (x, y) => x + y, big.add)],
  ['Sub', (n, a) => binary(n, a.req(0), a.req(1), (x, y) => x - y, big.sub)],
  ['Mul', (n, a) => binary(n, a.req(0), a.req(1), (x, y) => x * y, big.mul)],
  ['Div', (n, a) => binary(n, a.req(0), a.req(1), (x, y) => x / y, big.div)],
  ['Sum', (n, a) => variadic(n, a.all(), (x, y) => x + y, big.add)],
  ['Max', (n, a) => variadic(n, a.all(), Math.max, big.max)],
  ['Min', (n, a) => variadic(n, a.all(), Math.min, big.min)],
  ['Mean', (n, a) => unary(variadic(n, a.all(), (x, y) => x + y), (v) => v / a.all().length)],
  ['Equal', (n, a) => compare(n, a.req(0), a.req(1), (x, y) => x === y, (x, y) => x === y)],
  ['Greater', (n, a) => compare(n, a.req(0), a.req(1), (x, y) => x > y, (x, y) => x > y)],
  ['Less', (n, a) => compare(n, a.req(0), a.req(1), (x, y) => x < y, (x, y) => x < y)],
  ['Where', (n, a) => where(n, a.req(0), a.req(1), a.req(2))],
  ['Sqrt', (_, a) => unary(a.req(0), Math.sqrt)],
  ['Exp', (_, a) => unary(a.req(0), Math.exp)],
  ['Log', (_, a) => unary(a.req(0), Math.log)],
  ['Neg', (_, a) => unary(a.req(0), (v) => -v, (v) => -v)],
  ['Abs', (_, a) => unary(a.req(0), Math.abs, (v) => (v < 0n ? -v : v))],
  ['MaxPool', (n, a) => maxPool(n, a.req(0))],
  ['AveragePool', (n, a) => averagePool(n, a.req(0))],
  ['GlobalAveragePool', (n, a) => globalPool(n, a.req(0), 'mean')],
  ['GlobalMaxPool', (n, a) => globalPool(n, a.req(0), 'max')],
  ['ReduceMean', (n, a) => reduceOp(n, a, 'mean')],
  ['ReduceSum', (n, a) => reduceOp(n, a, 'sum')],
  ['ReduceMax', (n, a) => reduceOp(n, a, 'max')],
  ['LRN', (n, a) => lrn(n, a.req(0))],
  ['BatchNormalization', batchNorm],
  ['InstanceNormalization', (n, a) => instanceNorm(n, a.req(0), a.req(1), a.req(2))],
  ['Softmax', (n, a) => softmax(n, a.req(0), false)],
  ['LogSoftmax', (n, a) => softmax(n, a.req(0), true)],
  ['Gemm', (n, a) => gemm(n, a.req(0), a.req(1), a.opt(2))],
  ['MatMul', (n, a) => matmul(n, a.req(0), a.req(1))],
  ['Flatten', (n, a) => flatten(n, a.req(0))],
  ['Reshape', (n, a) => reshape(n, a.req(0), a.req(1))],
  ['Transpose', (n, a) => transpose(n, a.req(0))],
  ['Squeeze', squeeze],
  ['Unsqueeze', unsqueeze],
  ['Concat', (n, a) => concat(n, a.all())],
  ['Split', split],
  ['Slice', slice],
  ['Pad', pad],
  ['Dropout', (n, a) => {
    // inference: identity, and a mask of all true when asked for
    const x = a.req(0);
    return n.outputs.length > 1 ? [x, floats(x.dims, new Float64Array(size(x.dims)).fill(1))] : x;
  }],
  ['Identity', (_, a) => a.req(0)],
  ['Cast', (n, a) => cast(n, a.req(0))],
  ['Shape', (n, a) => shape(n, a.req(0))],
  ['Gather', (n, a) => gather(n, a.req(0), a.req(1))],
  ['Constant', (n) => constant(n)],
  ['ConstantOfShape', (n, a) => constantOfShape(n, a.req(0))],
  ['Range', (_, a) => range(a.req(0), a.req(1), a.req(2))],
  ['Expand', (n, a) => expand(n, a.req(0), a.req(1))],
]);

/**
 * Runs the graph in float64 and returns the named values (default: the graph outputs).
 * Feeds override initializers of the same name, as ONNX allows, and also values a node computes (for
 * differences with respect to an intermediate tensor). Nodes run in the order given.
 */
export function runReference(model: Model, feeds: Record<string, F64Tensor>, outputs?: string[]): Record<string, F64Tensor> {
  const env = new Map<string, T>();
  for (const [name, t] of model.graph.initializers) env.set(name, fromTensor(t));
  for (const [name, t] of Object.entries(feeds)) {
    if (t.data.length !== size(t.dims)) throw new Error(`feed '${name}': shape [${t.dims}] needs ${size(t.dims)} values, got ${t.data.length}`);
    env.set(name, t);
  }
  for (const node of model.graph.nodes) {
    const op = node.domain === '' || node.domain === 'ai.onnx' ? OPS.get(node.op) : undefined;
    if (!op) throw new Error(`reference interpreter: unsupported op '${node.domain ? `${node.domain}.` : ''}${node.op}' (node '${node.name}')`);
    const values = node.inputs.map((name) => {
      if (name === '') return undefined;
      return env.get(name) ?? fail(node, `input '${name}' has not been computed`);
    });
    const result = op(node, new Args(node, values));
    const outs = Array.isArray(result) ? result : [result];
    node.outputs.forEach((name, i) => {
      // a fed intermediate tensor keeps its fed value (central differences with respect to it)
      if (name === '' || name in feeds) return;
      if (!outs[i]) fail(node, `produces no output ${i} ('${name}')`);
      env.set(name, outs[i]);
    });
  }
  const result: Record<string, F64Tensor> = {};
  for (const name of outputs ?? model.graph.outputs.map((o) => o.name)) {
    const value = env.get(name);
    if (!value) throw new Error(`reference interpreter: no value named '${name}'`);
    result[name] = value;
  }
  return result;
}

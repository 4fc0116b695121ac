// Sliding-window geometry shared by Conv, ConvTranspose and the pools: kernel, strides, dilations,
// explicit pads (auto_pad resolved) and output sizes, for shape inference and the backward rules.
import { type Dim, type Node, attrInt, attrInts, attrString } from './ir.js';
import { freshDim, isKnown } from './dims.js';

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  padsBegin: number[];
  padsEnd: number[];
  ceil: boolean;
}

/** Effective kernel extent with dilation. */
export const extent = (w: Window, i: number) => (w.kernel[i]! - 1) * w.dilations[i]! + 1;

export function resolveWindow(node: Node, spatial: Dim[], kernel?: number[]): Window {
  const r = spatial.length;
  const k = attrInts(node, 'kernel_shape', null) ?? kernel;
  if (!k || k.length !== r) throw new Error(`node '${node.name}' (${node.op}): kernel_shape must have ${r} entries`);
  const strides = attrInts(node, 'strides', null) ?? Array(r).fill(1);
  const dilations = attrInts(node, 'dilations', null) ?? Array(r).fill(1);
  const w: Window = { kernel: k, strides, dilations, padsBegin: Array(r).fill(0), padsEnd: Array(r).fill(0), ceil: attrInt(node, 'ceil_mode', 0) === 1 };
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET') {
    const pads = attrInts(node, 'pads', null) ?? Array(2 * r).fill(0);
    w.padsBegin = pads.slice(0, r);
    w.padsEnd = pads.slice(r);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    for (let i = 0; i < r; i++) {
      const n = spatial[i]!;
      if (!isKnown(n)) throw new Error(`node '${node.name}' (${node.op}): auto_pad=${autoPad} needs a static spatial size (give the input a fixed size)`);
      const out = Math.ceil(n / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + extent(w, i) - n);
      const small = Math.floor(total / 2);
      w.padsBegin[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      w.padsEnd[i] = total - w.padsBegin[i]!;
    }
  } else if (autoPad !== 'VALID') {
    throw new Error(`node '${node.name}' (${node.op}): unknown auto_pad '${autoPad}'`);
  }
  return w;
}

/** Output spatial sizes of a Conv or pool (ceil_mode as onnxruntime and PyTorch apply it). */
export function windowOutput(w: Window, spatial: Dim[]): Dim[] {
  return spatial.map((n, i) => {
    if (!isKnown(n)) return freshDim('w');
    const span = n + w.padsBegin[i]! + w.padsEnd[i]! - extent(w, i);
    let out = (w.ceil ? Math.ceil(span / w.strides[i]!) : Math.floor(span / w.strides[i]!)) + 1;
    // a last window that would start inside the end padding is dropped
    if (w.ceil && (out - 1) * w.strides[i]! >= n + w.padsBegin[i]!) out--;
    return out;
  });
}

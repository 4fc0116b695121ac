// Grad-CAM (Selvaraju et al. 2017): a class's map from a feature map A_k and the gradient of the
// class score with respect to it, cam = ReLU(sum_k alpha_k A_k) with alpha_k = the spatial mean of
// dS/dA_k. Coarse (the feature map's resolution) but it covers the object's extent, where the
// paper's input gradient marks edges; `gated` multiplies the two.
import { resizeMap } from './image/geometry.js';

/** How a class saliency map is made: the paper's input gradient, Grad-CAM, or their product. */
export type MapKind = 'gradient' | 'gradcam' | 'gated';
export const MAP_KINDS: readonly MapKind[] = ['gradient', 'gradcam', 'gated'];
/** the paper's map, used when none is asked for */
export const DEFAULT_MAP: MapKind = 'gradient';

export function checkMapName(kind: unknown): asserts kind is MapKind {
  if (!MAP_KINDS.includes(kind as MapKind)) throw new RangeError(`map must be one of ${MAP_KINDS.join(', ')}, got '${String(kind)}'`);
}

export interface FeatureMap {
  /** one image's feature map and its gradient, channels x height x width in `layout` */
  activation: Float32Array;
  gradient: Float32Array;
  channels: number;
  width: number;
  height: number;
  layout: 'NCHW' | 'NHWC';
}

/**
 * The Grad-CAM map at the feature map's resolution (width x height values, >= 0). Where no position
 * has positive evidence (the ReLU would leave a constant zero map, which seeds nothing), the map is
 * the evidence less its minimum instead: it still ranks positions, least negative first.
 */
export function gradCam(f: FeatureMap): Float32Array {
  const { activation: a, gradient: g, channels: C, width: w, height: h } = f;
  const hw = w * h;
  if (a.length !== C * hw || g.length !== C * hw) throw new Error(`gradCam: ${a.length} activations and ${g.length} gradients for a ${C}x${h}x${w} feature map`);
  // channel c, position p at c*cs + p*ps: NCHW c*hw + p, NHWC p*C + c
  const [cs, ps] = f.layout === 'NCHW' ? [hw, 1] : [1, C];
  const alpha = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < hw; p++) s += g[c * cs + p * ps]!;
    alpha[c] = s / hw;
  }
  const evidence = new Float64Array(hw);
  for (let c = 0; c < C; c++) {
    const k = alpha[c]!;
    if (k !== 0) for (let p = 0; p < hw; p++) evidence[p]! += k * a[c * cs + p * ps]!;
  }
  let lo = Infinity, hi = -Infinity;
  for (const v of evidence) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return Float32Array.from(evidence, (v) => (hi > 0 ? Math.max(v, 0) : v - lo));
}

/** Grad-CAM brought to the input's size (bilinear), for comparing with or gating the gradient map. */
export function gradCamAt(f: FeatureMap, width: number, height: number): Float32Array {
  return resizeMap(gradCam(f), f.width, f.height, width, height);
}

/** The map of a kind, from the paper's gradient map and the upsampled Grad-CAM (same size). */
export function combineMaps(kind: MapKind, gradientMap: Float32Array, cam: Float32Array | null): Float32Array {
  if (kind === 'gradient') return gradientMap;
  if (!cam) throw new Error(`combineMaps: '${kind}' needs a Grad-CAM map`);
  if (kind === 'gradcam') return cam;
  return Float32Array.from(gradientMap, (v, i) => v * cam[i]!);
}

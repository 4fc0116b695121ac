// Colour maps for saliency heat maps, and blending them over the input image.
import type { RgbImage } from './decode.js';

export type ColormapName = 'viridis' | 'jet';

// matplotlib's viridis (CC0) sampled at 33 evenly spaced points; linear interpolation between
// them stays within about one 8-bit level of the 256-entry original.
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [71, 13, 96], [72, 24, 106], [72, 35, 116], [71, 45, 123], [69, 55, 129],
  [66, 64, 134], [62, 73, 137], [59, 82, 139], [55, 91, 141], [51, 99, 141], [47, 107, 142],
  [44, 114, 142], [41, 122, 142], [38, 130, 142], [35, 137, 142], [33, 145, 140], [31, 151, 139],
  [31, 159, 136], [33, 166, 133], [39, 173, 129], [49, 181, 123], [61, 188, 116], [76, 194, 108],
  [92, 200, 99], [110, 206, 88], [129, 211, 77], [149, 216, 64], [170, 220, 50], [192, 223, 37],
  [213, 226, 26], [234, 229, 26], [253, 231, 37],
];

function viridis(t: number, out: Uint8Array, o: number): void {
  const f = t * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(f), VIRIDIS.length - 2);
  const a = f - i;
  for (let c = 0; c < 3; c++) out[o + c] = Math.round(VIRIDIS[i][c] * (1 - a) + VIRIDIS[i + 1][c] * a);
}

// matplotlib's jet, as its piecewise-linear segments: [position, value] per channel.
const JET: ReadonlyArray<ReadonlyArray<readonly [number, number]>> = [
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
];

function piecewise(segs: ReadonlyArray<readonly [number, number]>, t: number): number {
  for (let k = 1; k < segs.length; k++) {
    const [x1, y1] = segs[k];
    if (t <= x1) {
      const [x0, y0] = segs[k - 1];
      return y0 + ((y1 - y0) * (t - x0)) / (x1 - x0);
    }
  }
  return segs[segs.length - 1][1];
}

function jet(t: number, out: Uint8Array, o: number): void {
  for (let c = 0; c < 3; c++) out[o + c] = Math.round(255 * piecewise(JET[c], t));
}

/** Maps values in 0..1 (clamped; NaN counts as 0) to interleaved RGB. */
export function applyColormap(map: Float32Array, name: ColormapName = 'viridis'): Uint8Array {
  const fn = name === 'viridis' ? viridis : name === 'jet' ? jet : undefined;
  if (!fn) throw new Error(`unknown colormap "${String(name)}"; valid colormaps: viridis, jet`);
  const out = new Uint8Array(map.length * 3);
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    fn(v > 0 ? Math.min(v, 1) : 0, out, i * 3);
  }
  return out;
}

/** Rescales to 0..1 by min/max; a constant (or empty) map gives all zeros. Non-finite values become 0. */
export function normalise(map: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(map.length);
  if (!(hi > lo)) return out;
  const k = 1 / (hi - lo);
  for (let i = 0; i < map.length; i++) out[i] = Number.isFinite(map[i]) ? (map[i] - lo) * k : 0;
  return out;
}

export interface OverlayOptions {
  colormap?: ColormapName;
  /** Weight of the coloured map where the map is 1 (it fades with the map, so cold areas show the image). */
  alpha?: number;
}

/** Blends the coloured map (values 0..1, one per pixel) over the image, weighted by the map. */
export function overlay(img: RgbImage, map: Float32Array, opts: OverlayOptions = {}): RgbImage {
  const alpha = opts.alpha ?? 0.8;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlay: alpha must be in [0, 1], got ${alpha}`);
  const n = img.width * img.height;
  if (map.length !== n) {
    throw new Error(`overlay: map has ${map.length} values but the image is ${img.width}x${img.height} (${n} pixels)`);
  }
  const colours = applyColormap(map, opts.colormap ?? 'viridis');
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n * 3; i++) {
    const a = alpha * Math.min(1, Math.max(0, map[(i / 3) | 0]! || 0));
    out[i] = Math.round(img.data[i]! * (1 - a) + colours[i]! * a);
  }
  return { data: out, width: img.width, height: img.height };
}

/**
 * Rescales a non-negative map to 0..1 for display, saturating at the given quantile: saliency maps
 * are dominated by a few peaks, and min/max scaling would leave the rest of the object invisible.
 */
export function normaliseForDisplay(map: Float32Array, quantile = 0.99): Float32Array {
  // plain loops: TypedArray.filter with a callback is several times slower on a 224x224 map
  const finite = new Float32Array(map.length);
  let n = 0;
  for (let i = 0; i < map.length; i++) if (Number.isFinite(map[i]!)) finite[n++] = map[i]!;
  const top = n ? selectKth(finite.subarray(0, n), Math.min(n - 1, Math.floor(quantile * (n - 1)))) : 0;
  const out = new Float32Array(map.length);
  if (!(top > 0)) return normalise(map);
  for (let i = 0; i < map.length; i++) out[i] = Number.isFinite(map[i]) ? Math.min(1, Math.max(0, map[i]! / top)) : 0;
  return out;
}

/** The k-th smallest value (0-based) of `a`, which it reorders: Hoare's quickselect, O(n) on average. */
export function selectKth(a: Float32Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

// Seed selection: which saliency quantiles seed GrabCut best depends on the object's size, which one
// fixed pair cannot know (small objects want tight seeds, large ones wide). A selector runs GrabCut
// from several seedings and keeps the mask a linear scorer rates best. The scorer is fitted to
// generated scenes with exact masks (models/fit-selector.mts: which of a scene's masks overlap the
// exact one most) and travels in the model's metadata, so it is made for one model's maps; its
// features are plain measurements of each candidate mask, and its score only ranks one map's masks.
import type { RgbImage } from './image/types.js';

/** What the scorer measures of each candidate, in this order. */
export const SELECTOR_FEATURES = [
  'fgQuantile', 'bgQuantile', 'refined', 'area', 'boxArea', 'fill', 'logArea', 'logBoxArea', 'areaSquared',
  'edge', 'colourJump', 'perimeter', 'border', 'mapIn', 'mapOut', 'mapContrast', 'mapTop', 'energy',
] as const;
export type SelectorFeature = (typeof SELECTOR_FEATURES)[number];

export interface SeedSelector {
  /** the candidate seedings: every fg × bg quantile pair (bg < fg), each without and with each refine margin */
  fgQuantiles: number[];
  bgQuantiles: number[];
  refine: (number | false)[];
  /** a linear score of the standardised features: sum of weights[i] * (feature[i] - mean[i]) / scale[i], plus bias */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** One seeding a selector tries. */
export interface Seeding { fgQuantile: number; bgQuantile: number; refine: number | false }

/** The grid of seedings a selector tries: every fg × bg pair with bg < fg, each with every refine setting. */
export type SeedingGrid = Pick<SeedSelector, 'fgQuantiles' | 'bgQuantiles' | 'refine'>;

export function seedings(sel: SeedingGrid): Seeding[] {
  const out: Seeding[] = [];
  for (const fgQuantile of sel.fgQuantiles) for (const bgQuantile of sel.bgQuantiles) {
    if (bgQuantile < fgQuantile) for (const refine of sel.refine) out.push({ fgQuantile, bgQuantile, refine });
  }
  return out;
}

/** Throws a RangeError that names what is wrong with a selector. */
export function checkSelector(sel: unknown): asserts sel is SeedSelector {
  const s = sel as Partial<SeedSelector>;
  if (typeof s !== 'object' || s === null) throw new RangeError('select must be false or a seed selector object');
  const n = SELECTOR_FEATURES.length;
  const numbers = (name: keyof SeedSelector, v: unknown, len?: number) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x)) || (len !== undefined && v.length !== len) || v.length === 0) {
      throw new RangeError(`select.${name} must be ${len ? `${len} finite numbers (one per feature: ${SELECTOR_FEATURES.join(', ')})` : 'a non-empty list of finite numbers'}`);
    }
  };
  numbers('fgQuantiles', s.fgQuantiles); numbers('bgQuantiles', s.bgQuantiles);
  for (const q of [...s.fgQuantiles!, ...s.bgQuantiles!]) if (!(q > 0 && q < 1)) throw new RangeError(`select: quantiles must lie strictly between 0 and 1, got ${q}`);
  if (!Array.isArray(s.refine) || s.refine.length === 0 || !s.refine.every((r) => r === false || (typeof r === 'number' && r >= 0 && r <= 1))) {
    throw new RangeError('select.refine must be a non-empty list of false or margins from 0 to 1');
  }
  numbers('mean', s.mean, n); numbers('scale', s.scale, n); numbers('weights', s.weights, n);
  if (!s.scale!.every((v) => v > 0)) throw new RangeError('select.scale must be positive');
  if (typeof s.bias !== 'number' || !Number.isFinite(s.bias)) throw new RangeError('select.bias must be a finite number');
  if (seedings(s as SeedingGrid).length === 0) throw new RangeError('select: no fg/bg quantile pair has bg < fg');
}

/**
 * Which candidate a selector keeps: the best score among those with an object (a mask with no
 * foreground is never chosen over one with an object), else the best of all; the first on ties.
 */
export function chosenCandidate(scores: readonly number[], hasObject: readonly boolean[]): number {
  let best = -1;
  for (const onlyObjects of [true, false]) {
    for (let k = 0; k < scores.length; k++) {
      if (onlyObjects && !hasObject[k]) continue;
      if (best < 0 || scores[k]! > scores[best]!) best = k;
    }
    if (best >= 0) return best;
  }
  throw new RangeError('a seed selector needs at least one candidate');
}

export function score(sel: SeedSelector, features: readonly number[]): number {
  let v = sel.bias;
  for (let i = 0; i < features.length; i++) v += sel.weights[i]! * (features[i]! - sel.mean[i]!) / sel.scale[i]!;
  return v;
}

/**
 * The features of one candidate mask (model-input grid, W × H): its seeding; its size and shape (area
 * and box as fractions of the image, boundary pixels on either side of the outline over the square
 * root of the area, the share of the outline on the image's edge); the image's gradient and the mean
 * colour change across the outline; how the (smoothed) saliency map sits inside and outside it (means
 * over the map's maximum, and the share of its top 5% inside); and GrabCut's final energy per grid pixel.
 */
export function candidateFeatures(image: RgbImage, map: Float32Array, mapMax: number, mapTop: number, mask: Uint8Array,
  box: readonly number[] | null, seeding: Seeding, energyPerPixel: number): number[] {
  const { width: W, height: H, data: rgb } = image;
  let area = 0, edgeSum = 0, boundary = 0, sidesToImageEdge = 0, sidesToBackground = 0, mapIn = 0, mapOut = 0, topIn = 0, topAll = 0, nIn = 0, nOut = 0;
  const cIn = [0, 0, 0], cOut = [0, 0, 0];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x, f = mask[i]!;
    area += f;
    if (f) mapIn += map[i]!; else mapOut += map[i]!;
    if (map[i]! >= mapTop) { topAll++; topIn += f; }
    const left = x > 0 && mask[i - 1] !== f, right = x < W - 1 && mask[i + 1] !== f, up = y > 0 && mask[i - W] !== f, down = y < H - 1 && mask[i + W] !== f;
    if (f) {
      // the mask's outline: sides of its pixels that face the image's edge or the background
      sidesToImageEdge += (x === 0 ? 1 : 0) + (y === 0 ? 1 : 0) + (x === W - 1 ? 1 : 0) + (y === H - 1 ? 1 : 0);
      sidesToBackground += (left ? 1 : 0) + (right ? 1 : 0) + (up ? 1 : 0) + (down ? 1 : 0);
    }
    if (!(left || right || up || down)) continue; // not a boundary pixel (either side of the outline)
    // the image gradient here: the largest channel's central-difference magnitude
    let g = 0;
    const l = 3 * (y * W + Math.max(0, x - 1)), r = 3 * (y * W + Math.min(W - 1, x + 1));
    const u = 3 * (Math.max(0, y - 1) * W + x), d = 3 * (Math.min(H - 1, y + 1) * W + x);
    for (let c = 0; c < 3; c++) g = Math.max(g, Math.hypot(rgb[r + c]! - rgb[l + c]!, rgb[d + c]! - rgb[u + c]!));
    edgeSum += g; boundary++;
    const side = f ? cIn : cOut;
    for (let c = 0; c < 3; c++) side[c] += rgb[3 * i + c]!;
    if (f) nIn++; else nOut++;
  }
  const n = W * H, areaFrac = area / n;
  const boxFrac = box ? ((box[2]! - box[0]! + 1) * (box[3]! - box[1]! + 1)) / n : 0;
  const colourJump = nIn && nOut ? Math.hypot(cIn[0]! / nIn - cOut[0]! / nOut, cIn[1]! / nIn - cOut[1]! / nOut, cIn[2]! / nIn - cOut[2]! / nOut) : 0;
  const inside = area ? mapIn / area / mapMax : 0, outside = n - area ? mapOut / (n - area) / mapMax : 0;
  const values: Record<SelectorFeature, number> = {
    fgQuantile: seeding.fgQuantile, bgQuantile: seeding.bgQuantile, refined: seeding.refine === false ? 0 : 1,
    area: areaFrac, boxArea: boxFrac, fill: boxFrac ? areaFrac / boxFrac : 0,
    logArea: Math.log(areaFrac + 1e-3), logBoxArea: Math.log(boxFrac + 1e-3), areaSquared: areaFrac * areaFrac,
    edge: boundary ? edgeSum / boundary : 0, colourJump, perimeter: boundary / Math.sqrt(Math.max(1, area)),
    border: sidesToImageEdge ? sidesToImageEdge / (sidesToImageEdge + sidesToBackground) : 0,
    mapIn: inside, mapOut: outside, mapContrast: inside - outside, mapTop: topAll ? topIn / topAll : 0,
    energy: energyPerPixel,
  };
  return SELECTOR_FEATURES.map((k) => values[k]);
}

// Weakly supervised object localisation (Simonyan et al. 2014, section 3.1): pixels above the
// fgQuantile of the class saliency map seed a foreground colour model, pixels below bgQuantile a
// background one; GrabCut labels every pixel; the largest connected foreground component is the
// object mask and its bounding box the localisation.
import { type ClassSaliency, type Explainer, type SaliencyOptions, type SaliencyResult, DEFAULT_NOISE } from './explainer.js';
import type { ImageInput, RgbImage } from './image/types.js';
import type { CropRect } from './image/geometry.js';
import type { CoreBackend, GrabCutParams } from './native/backend.js';
import { gaussianBlur } from './image/blur.js';
import { close } from './image/morphology.js';
import { poolMap, poolRgb, unpoolMask } from './image/pool.js';
import { type MapKind, DEFAULT_MAP } from './gradcam.js';
import { type SeedSelector, type Seeding, candidateFeatures, checkSelector, chosenCandidate, score, seedings } from './seed-selection.js';

export type Box = [x0: number, y0: number, x1: number, y1: number];

export interface LocaliseOptions extends SaliencyOptions {
  fgQuantile?: number;
  bgQuantile?: number;
  iterations?: number;
  components?: number;
  gamma?: number;
  connectivity?: 4 | 8;
  /** Gaussian blur (sigma, model-input pixels) of the saliency map before seeding; 0 = the paper */
  smoothing?: number;
  /** the box around the largest foreground component (the paper) or around all of the foreground */
  boxFrom?: 'largest' | 'all';
  /** fit the initial colour models to the seeds only (the paper) rather than to all pixels' labels */
  modelsFromSeeds?: boolean;
  /** morphological closing (square radius, model-input pixels) of the foreground before its components; 0 = the paper */
  closing?: number;
  /**
   * segment on the model-input grid pooled by this integer factor (block means), then scale the mask
   * back; 1 = the paper; 'auto' (the default) = one pooled pixel per 1/112 of the shorter side
   */
  downsample?: number | 'auto';
  /**
   * a frame along the image's edges, this fraction of each side wide, seeded as background; 0 = the
   * paper. The classic GrabCut prior (the object does not fill the frame), which keeps masks of
   * objects in front of background of their own colours from spreading to the edges.
   */
  border?: number;
  /**
   * false = the paper (one GrabCut from the saliency seeds). A number = a second GrabCut in the
   * classic rectangle mode (Rother et al. 2004): everything outside the first pass's box, grown by
   * this fraction of its width and height, is background, everything inside starts as probable
   * foreground. The first pass finds the object; the second one fills it out, since its colour
   * models no longer take the object's less salient parts for background.
   */
  refine?: number | false;
  /**
   * false = one seeding, the quantiles and refine above (the paper). A seed selector (its model's
   * recommendation, ts/seed-selection.ts) = GrabCut from each of its seedings, keeping the mask its
   * scorer rates best; fgQuantile, bgQuantile and refine are then the selector's to choose.
   */
  select?: SeedSelector | false;
}

export interface Localisation {
  target: ClassSaliency['target'];
  /** inclusive pixel box on the original image, or null when no foreground remains */
  box: Box | null;
  /** object mask on the original image's grid (1 = object) */
  mask: Uint8Array;
  /** the same at the model's input resolution, where the segmentation ran */
  modelBox: Box | null;
  modelMask: Uint8Array;
  /** the saliency map the seeds came from */
  saliency: ClassSaliency;
  /** GrabCut energy after each iteration */
  energy: number[];
  /** the same for the second, rectangle-mode pass (`refine`); empty when it did not run */
  refineEnergy: number[];
  /** the seeding that made this mask: the settings', or the one a seed selector chose */
  seeding: Seeding;
  /** the selector's score of the chosen mask, when a selector chose it */
  selectorScore?: number;
}

export interface LocaliseResult {
  name: string;
  predictions: SaliencyResult['predictions'];
  localisations: Localisation[];
  /** the region of the original image the model saw (all of it unless center-crop) */
  crop: CropRect;
  runtime: SaliencyResult['runtime'];
  backend: CoreBackend['name'];
  /** why the native core was not used, when it was not */
  fallbackReason?: string;
  timings: SaliencyResult['timings'] & { segmentMs: number };
  /** the settings that ran (the model's recommendation filled in under the caller's options) */
  settings: RanSettings;
}

export const LABEL = { BG: 0, FG: 1, PR_BG: 2, PR_FG: 3 } as const;

export type SegmentationSettings = Required<Omit<LocaliseOptions, keyof SaliencyOptions>>;

/**
 * The paper's settings (section 3.1): seeds at the 95% / 30% saliency quantiles fit the colour
 * models, the box is that of the largest connected foreground component.
 */
export const PAPER_SETTINGS: SegmentationSettings = {
  fgQuantile: 0.95, bgQuantile: 0.3, iterations: 5, components: 5, gamma: 50, connectivity: 8,
  smoothing: 0, boxFrom: 'largest', modelsFromSeeds: true, closing: 0, downsample: 1, border: 0, refine: false, select: false,
};

/**
 * The defaults: the paper's, with the saliency map smoothed (Gaussian sigma 2 px) before seeding
 * and the box drawn around all of the foreground, which localise far better on ILSVRC with
 * SqueezeNet (bench/localisation-study.mts; figures in README.md).
 */
export const DEFAULT_SETTINGS: SegmentationSettings = { ...PAPER_SETTINGS, smoothing: 2, boxFrom: 'all', modelsFromSeeds: false, downsample: 'auto' };

/**
 * The paper's method in full, for localise(): its segmentation settings and one gradient pass per
 * map, whatever settings the model recommends (Explainer.localiseDefaults).
 */
export const PAPER_OPTIONS: LocaliseOptions = { ...PAPER_SETTINGS, samples: 1, map: 'gradient' };

/** Option names a model may recommend in its 'deepinside.localise' metadata. */
export const RECOMMENDABLE = [...Object.keys(PAPER_SETTINGS), 'samples', 'noise', 'map'] as const;

/**
 * The settings that ran: segmentation, the SmoothGrad copies per map (1 = the paper's single pass)
 * and the kind of map ('gradient' = the paper's).
 */
export type RanSettings = SegmentationSettings & { samples: number; noise: number; map: MapKind };

/** Drops undefined values, so that spreading options never unsets a default. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Shorter side of the grid 'auto' segments on: 224² inputs are pooled 2×2, 128² ones are not. */
export const AUTO_GRID_SIDE = 112;

/**
 * The pooling factor that runs for a model input of width × height. 'auto' keeps the shorter side
 * at AUTO_GRID_SIDE or more: at 224² this halves the segmentation time and, on the ILSVRC
 * development set with SqueezeNet, moved top-1/top-5 localisation error from 52.5/39.0% to
 * 52.0/40.0% (bench/localisation-study.mts --only batch6).
 */
export function downsampleFactor(setting: number | 'auto', width: number, height: number): number {
  if (setting !== 'auto') return setting;
  return Math.min(8, Math.max(1, Math.floor(Math.min(width, height) / AUTO_GRID_SIDE)));
}

export function segmentationSettings(opts: LocaliseOptions): SegmentationSettings {
  const s = { ...DEFAULT_SETTINGS };
  for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof SegmentationSettings)[]) {
    if (opts[k] !== undefined) (s as Record<string, unknown>)[k] = opts[k];
  }
  checkQuantiles(s.fgQuantile, s.bgQuantile);
  if (!(s.smoothing >= 0 && s.smoothing <= 64)) throw new RangeError(`smoothing must be a sigma from 0 to 64 pixels, got ${s.smoothing}`);
  if (!(Number.isInteger(s.closing) && s.closing >= 0 && s.closing <= 64)) throw new RangeError(`closing must be an integer radius from 0 to 64, got ${s.closing}`);
  if (!(s.border >= 0 && s.border < 0.5)) throw new RangeError(`border must be a fraction of the side from 0 to below 0.5, got ${s.border}`);
  if (s.downsample !== 'auto' && !(Number.isInteger(s.downsample) && s.downsample >= 1 && s.downsample <= 8)) {
    throw new RangeError(`downsample must be 'auto' or an integer factor from 1 to 8, got ${s.downsample}`);
  }
  if (s.boxFrom !== 'all' && s.boxFrom !== 'largest') throw new RangeError(`boxFrom must be 'all' or 'largest', got ${String(s.boxFrom)}`);
  if (s.refine !== false && !(typeof s.refine === 'number' && s.refine >= 0 && s.refine <= 1)) {
    throw new RangeError(`refine must be false or a margin from 0 to 1 (a fraction of the box's sides), got ${String(s.refine)}`);
  }
  if (s.select !== false) checkSelector(s.select);
  return s;
}

function checkQuantiles(fg: number, bg: number) {
  if (!(fg > 0 && fg < 1 && bg > 0 && bg < 1 && bg < fg)) {
    throw new RangeError(`quantiles must satisfy 0 < bgQuantile < fgQuantile < 1, got bgQuantile ${bg} and fgQuantile ${fg}`);
  }
}

/** GrabCut labels from a saliency map: hard foreground above the fg quantile, hard background below the bg quantile. */
export function seedLabels(core: CoreBackend, raw: Float32Array, fgQuantile: number, bgQuantile: number): Uint8Array {
  const hi = core.quantile(raw, fgQuantile), lo = core.quantile(raw, bgQuantile);
  if (!(hi > lo)) throw new Error('the saliency map is constant: it gives no foreground or background seeds');
  // plain loops: Uint8Array.from with a map function is ~20x slower on a 224x224 map
  const labels = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) labels[i] = raw[i]! >= hi ? LABEL.FG : raw[i]! <= lo ? LABEL.BG : LABEL.PR_BG;
  return labels;
}

/** Marks a frame `fraction` of each side wide (at least one pixel) as hard background, in place. */
export function seedBorder(labels: Uint8Array, width: number, height: number, fraction: number): void {
  const bx = Math.max(1, Math.round(fraction * width)), by = Math.max(1, Math.round(fraction * height));
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (x < bx || x >= width - bx || y < by || y >= height - by) labels[y * width + x] = LABEL.BG;
  }
}

/**
 * The seeds with a background frame (seedBorder). A frame that covers every foreground seed would
 * leave GrabCut nothing to grow, so then the map's seeds stand alone.
 */
export function framed(seeds: Uint8Array, width: number, height: number, fraction: number): Uint8Array {
  const labels = seeds.slice();
  seedBorder(labels, width, height, fraction);
  return labels.includes(LABEL.FG) ? labels : seeds;
}

/** Inclusive bounding box of the non-zero pixels, or null. */
export function boundingBox(mask: Uint8Array, width: number, height: number): Box | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    if (!mask[y * width + x]) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    y1 = y;
  }
  return x1 < 0 ? null : [x0, y0, x1, y1];
}

/** Maps an inclusive box on the model's input grid back onto the original image. */
export function boxToSource(box: Box, modelW: number, modelH: number, crop: CropRect, srcW: number, srcH: number): Box {
  const sx = crop.width / modelW, sy = crop.height / modelH;
  return [
    Math.max(0, Math.floor(crop.x + box[0] * sx)),
    Math.max(0, Math.floor(crop.y + box[1] * sy)),
    Math.min(srcW - 1, Math.ceil(crop.x + (box[2] + 1) * sx) - 1),
    Math.min(srcH - 1, Math.ceil(crop.y + (box[3] + 1) * sy) - 1),
  ];
}

/** Nearest-neighbour placement of a model-resolution mask onto the original image (0 outside the crop). */
export function maskToSource(mask: Uint8Array, modelW: number, modelH: number, crop: CropRect, srcW: number, srcH: number): Uint8Array {
  const out = new Uint8Array(srcW * srcH);
  for (let y = crop.y; y < crop.y + crop.height; y++) {
    const my = Math.min(modelH - 1, Math.floor(((y - crop.y + 0.5) * modelH) / crop.height));
    for (let x = crop.x; x < crop.x + crop.width; x++) {
      const mx = Math.min(modelW - 1, Math.floor(((x - crop.x + 0.5) * modelW) / crop.width));
      out[y * srcW + x] = mask[my * modelW + mx]!;
    }
  }
  return out;
}

export function segment(core: CoreBackend, input: RgbImage, saliency: ClassSaliency, opts: LocaliseOptions, crop: CropRect) {
  const s = segmentationSettings(opts);
  const { width: W, height: H } = input;
  let best: Candidate, selectorScore: number | undefined;
  if (s.select === false) {
    best = segmentationCandidates(core, input, saliency, s, [{ fgQuantile: s.fgQuantile, bgQuantile: s.bgQuantile, refine: s.refine }], false)[0]!;
  } else {
    const sel = s.select;
    const candidates = segmentationCandidates(core, input, saliency, s, seedings(sel), true);
    const scores = candidates.map((c) => score(sel, c.features!));
    const k = chosenCandidate(scores, candidates.map((c) => c.modelBox !== null));
    best = candidates[k]!;
    selectorScore = scores[k];
  }
  const { modelMask, modelBox } = best;
  return {
    modelMask, modelBox,
    box: modelBox ? boxToSource(modelBox, W, H, crop, saliency.sourceWidth, saliency.sourceHeight) : null,
    mask: maskToSource(modelMask, W, H, crop, saliency.sourceWidth, saliency.sourceHeight),
    energy: best.energy, refineEnergy: best.refineEnergy,
    seeding: best.seeding, ...(selectorScore === undefined ? {} : { selectorScore }),
  };
}

export interface Candidate extends Cut {
  seeding: Seeding;
  /** the seed selector's features of this mask (ts/seed-selection.ts), when measured */
  features?: number[];
}

/**
 * GrabCut from each seeding of the map (model-input grid masks and boxes), with the seed selector's
 * features of each when `measure` is set. Seedings that differ only in refine share their first pass.
 */
export function segmentationCandidates(core: CoreBackend, input: RgbImage, saliency: ClassSaliency, s: SegmentationSettings, list: Seeding[], measure: boolean): Candidate[] {
  const { width: W, height: H } = input;
  const smoothed = s.smoothing ? gaussianBlur(saliency.raw, W, H, s.smoothing) : saliency.raw;
  // the colour segmentation runs on a grid pooled by s.downsample (itself when 1)
  const f = downsampleFactor(s.downsample, W, H);
  const grid = f > 1 ? poolRgb(input, f) : input;
  const map = f > 1 ? poolMap(smoothed, W, H, f) : smoothed;
  const params = { iterations: s.iterations, components: s.components, gamma: s.gamma, connectivity: s.connectivity, modelsFromSeeds: s.modelsFromSeeds };
  const firstPasses = new Map<string, FirstPass>();
  const cuts = list.map((q) => {
    const key = `${q.fgQuantile}/${q.bgQuantile}`;
    if (!firstPasses.has(key)) firstPasses.set(key, firstPass(core, grid, map, q, params, f, W, H, s));
    return { seeding: q, ...refinePass(core, grid, firstPasses.get(key)!, q.refine, params, f, W, H, s) };
  });
  if (!measure) return cuts;
  let mapMax = 0;
  for (const v of smoothed) if (v > mapMax) mapMax = v;
  const mapTop = core.quantile(smoothed, 0.95), pixels = grid.width * grid.height;
  return cuts.map((c) => {
    const energy = (c.seeding.refine === false ? c.energy : c.refineEnergy).at(-1) ?? 0;
    return { ...c, features: candidateFeatures(input, smoothed, mapMax || 1, mapTop, c.modelMask, c.modelBox, c.seeding, energy / pixels) };
  });
}

interface FirstPass { modelMask: Uint8Array; modelBox: Box | null; energy: number[] }
interface Cut extends FirstPass { refineEnergy: number[] }

/** GrabCut from the map's quantile seeds, and its object. */
function firstPass(core: CoreBackend, grid: RgbImage, map: Float32Array, q: Seeding, params: Partial<GrabCutParams>, f: number, W: number, H: number, s: SegmentationSettings): FirstPass {
  const seeds = seedLabels(core, map, q.fgQuantile, q.bgQuantile);
  const first = grabcutForeground(core, grid, s.border > 0 ? framed(seeds, grid.width, grid.height, s.border) : seeds, params, f, W, H);
  const { mask, box } = objectOf(core, first.fg, W, H, s);
  return { modelMask: mask, modelBox: box, energy: first.energy };
}

/** The rectangle-mode second pass inside the first pass's box grown by `margin`, or the first pass alone (false). */
function refinePass(core: CoreBackend, grid: RgbImage, first: FirstPass, margin: number | false, params: Partial<GrabCutParams>, f: number, W: number, H: number, s: SegmentationSettings): Cut {
  const rect = margin !== false && first.modelBox ? rectangleLabels(grid, first.modelBox, margin, f) : null;
  if (!rect) return { ...first, refineEnergy: [] };
  // the models are fitted to all labels here: inside the box (probable foreground) and outside it
  const second = grabcutForeground(core, grid, rect, { ...params, modelsFromSeeds: false }, f, W, H);
  const refined = objectOf(core, second.fg, W, H, s);
  // a second pass that finds nothing leaves the first pass's object
  return refined.box ? { modelMask: refined.mask, modelBox: refined.box, energy: first.energy, refineEnergy: second.energy } : { ...first, refineEnergy: second.energy };
}

/** GrabCut on the (pooled) grid; its foreground on the model's input grid, and the energies. */
function grabcutForeground(core: CoreBackend, grid: RgbImage, labels: Uint8Array, params: Partial<GrabCutParams>, f: number, W: number, H: number) {
  const cut = core.grabcut(grid.data, grid.width, grid.height, labels, params);
  const fg = new Uint8Array(cut.labels.length);
  for (let i = 0; i < fg.length; i++) fg[i] = cut.labels[i] === LABEL.FG || cut.labels[i] === LABEL.PR_FG ? 1 : 0;
  return { fg: f > 1 ? unpoolMask(fg, W, H, f) : fg, energy: cut.energy };
}

/** The object: the foreground (closed when asked), and its box — around all of it or its largest component. */
function objectOf(core: CoreBackend, foreground: Uint8Array, W: number, H: number, s: SegmentationSettings): { mask: Uint8Array; box: Box | null } {
  const fg = s.closing ? close(foreground, W, H, s.closing) : foreground;
  return s.boxFrom === 'all' ? { mask: fg, box: boundingBox(fg, W, H) } : core.largestComponent(fg, W, H);
}

/**
 * Rectangle-mode GrabCut labels on the (pooled) grid: background outside `box` (model-input pixels)
 * grown by `margin` of its sides, probable foreground inside; null when the grown box covers the
 * whole grid and leaves no background.
 */
export function rectangleLabels(grid: { width: number; height: number }, box: Box, margin: number, f = 1): Uint8Array | null {
  const mx = margin * (box[2] - box[0] + 1), my = margin * (box[3] - box[1] + 1);
  const x0 = Math.max(0, Math.floor((box[0] - mx) / f)), y0 = Math.max(0, Math.floor((box[1] - my) / f));
  const x1 = Math.min(grid.width - 1, Math.floor((box[2] + mx) / f)), y1 = Math.min(grid.height - 1, Math.floor((box[3] + my) / f));
  if (x0 === 0 && y0 === 0 && x1 === grid.width - 1 && y1 === grid.height - 1) return null;
  const labels = new Uint8Array(grid.width * grid.height); // LABEL.BG
  for (let y = y0; y <= y1; y++) labels.fill(LABEL.PR_FG, y * grid.width + x0, y * grid.width + x1 + 1);
  return labels;
}

/** Saliency, then segmentation, for each image and each requested class. */
export async function localise(explainer: Explainer, core: { core: CoreBackend; fallbackReason?: string }, images: ImageInput | ImageInput[], opts: LocaliseOptions = {}): Promise<LocaliseResult[]> {
  // the model's recommended settings (its metadata) under the caller's own
  const merged: LocaliseOptions = { ...explainer.localiseDefaults, ...definedOnly(opts) };
  // a caller who sets the seeds means them: the model's seed selector would overrule them
  const ownSeeds = opts.fgQuantile !== undefined || opts.bgQuantile !== undefined || opts.refine !== undefined;
  if (ownSeeds && opts.select === undefined) merged.select = false;
  const chosen = segmentationSettings(merged); // bad settings fail before any network work
  // results report the pooling factor that ran, not 'auto'
  const settings: RanSettings = {
    ...chosen, downsample: downsampleFactor(chosen.downsample, explainer.info.width, explainer.info.height),
    samples: merged.samples ?? 1, noise: merged.noise ?? DEFAULT_NOISE, map: merged.map ?? DEFAULT_MAP,
  };
  const results = await explainer.saliency(images, merged);
  return results.map((r) => {
    const t0 = performance.now();
    const localisations = r.maps.map((m) => ({ target: m.target, saliency: m, ...segment(core.core, r.input, m, settings, r.crop) }));
    return {
      name: r.name, predictions: r.predictions, localisations, crop: r.crop, runtime: r.runtime,
      backend: core.core.name, fallbackReason: core.fallbackReason,
      timings: { ...r.timings, segmentMs: performance.now() - t0 },
      settings,
    };
  });
}

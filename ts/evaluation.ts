// The ILSVRC localisation rule (as in the paper's evaluation): up to 5 (class, box) guesses per
// image; an image is an error unless some guess has the ground-truth class and IoU >= 0.5 with
// some ground-truth box. IoU counts pixels inclusively (width = x1 - x0 + 1).
import type { Box } from './localise.js';

/** Pixels in an inclusive box [x0, y0, x1, y1]. */
export function boxArea(r: readonly number[]): number {
  return (r[2]! - r[0]! + 1) * (r[3]! - r[1]! + 1);
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!) + 1;
  const ih = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!) + 1;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

export interface Guess {
  cls: number;
  box: Box | null;
}

export interface GroundTruth {
  cls: number;
  boxes: number[][];
}

/** Whether the first k guesses localise the object correctly. */
export function localised(guesses: Guess[], truth: GroundTruth, k: number, threshold = 0.5): boolean {
  return guesses.slice(0, k).some((g) => g.cls === truth.cls && g.box !== null && truth.boxes.some((b) => iou(g.box!, b) >= threshold));
}

export interface ErrorRates { top1Error: number; top5Error: number }

export function localisationError(all: Guess[][], truths: GroundTruth[]): ErrorRates {
  const rate = (k: number) => truths.filter((t, i) => !localised(all[i]!, t, k)).length / truths.length;
  return { top1Error: rate(1), top5Error: rate(5) };
}

/** Fixed boxes that ignore the image: the paper-style baselines a method must beat. */
export const FIXED_BOXES: Record<string, (w: number, h: number) => Box> = {
  wholeImage: (w, h) => [0, 0, w - 1, h - 1],
  centre80: (w, h) => [Math.round(0.1 * w), Math.round(0.1 * h), Math.round(0.9 * w) - 1, Math.round(0.9 * h) - 1],
};

/** Intersection over union of two masks of the same size (1 when both are empty). */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`maskIou: masks of ${a.length} and ${b.length} pixels`);
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0, y = b[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union ? inter / union : 1;
}

// Synthetic localisation scenes: a coloured object on a textured background, with its exact
// mask and box, and a saliency-like map that is bright on parts of the object and noisy elsewhere.
import { rng } from './net.js';

export interface Scene {
  width: number;
  height: number;
  rgb: Uint8Array;
  mask: Uint8Array;
  box: [number, number, number, number];
  saliency: Float32Array;
}

export function drawScene(seed: number, width = 96, height = 80): Scene {
  const r = rng(seed);
  const bg = [40 + 150 * r(), 40 + 150 * r(), 40 + 150 * r()];
  let fg = [255 * r(), 255 * r(), 255 * r()];
  // keep the object's colour clearly apart from the background's
  if (Math.hypot(fg[0]! - bg[0]!, fg[1]! - bg[1]!, fg[2]! - bg[2]!) < 120) fg = bg.map((c) => (c > 128 ? c - 110 : c + 110));
  const cx = width * (0.35 + 0.3 * r()), cy = height * (0.35 + 0.3 * r());
  const rx = width * (0.15 + 0.12 * r()), ry = height * (0.15 + 0.12 * r());
  const fx = 0.2 + 0.5 * r(), fy = 0.2 + 0.5 * r();
  const rgb = new Uint8Array(width * height * 3), mask = new Uint8Array(width * height), saliency = new Float32Array(width * height);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      const texture = 25 * Math.sin(x * fx) * Math.cos(y * fy);
      const base = inside ? fg : bg;
      for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.max(0, Math.min(255, Math.round(base[c]! + (inside ? 0.4 : 1) * texture + 18 * (r() - 0.5))));
      if (inside) { mask[p] = 1; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
      // gradient-like saliency: strong but speckled on the object, weak noise elsewhere
      const d = Math.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2);
      saliency[p] = (inside ? Math.max(0, 1.2 - d) * r() : 0) + 0.15 * r() * r();
    }
  }
  return { width, height, rgb, mask, box: [x0, y0, x1, y1], saliency };
}

/**
 * An object drawn as many emoji are: an outer ring of one colour around a disc of another, on a
 * textured background, with saliency on the ring only (where a gradient map is strong: the outline).
 * Seeded from the ring alone, the disc's colour looks like background to the first colour model.
 */
export function drawRingScene(seed: number, width = 96, height = 80): Scene {
  const r = rng(seed);
  const ring = [200 + 40 * r(), 40 * r(), 40 * r()], disc = [40 * r(), 60 + 40 * r(), 200 + 40 * r()];
  const cx = width * (0.4 + 0.2 * r()), cy = height * (0.4 + 0.2 * r()), rad = Math.min(width, height) * (0.25 + 0.08 * r());
  const rgb = new Uint8Array(width * height * 3), mask = new Uint8Array(width * height), saliency = new Float32Array(width * height);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x, d = Math.hypot(x - cx, y - cy) / rad;
      const base = d <= 0.65 ? disc : d <= 1 ? ring : [110 + 40 * Math.sin(x * 0.5), 130 + 40 * Math.cos(y * 0.4), 90];
      for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.max(0, Math.min(255, Math.round(base[c]! + 16 * (r() - 0.5))));
      if (d <= 1) { mask[p] = 1; x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
      saliency[p] = (d > 0.65 && d <= 1 ? 1 : 0) * (0.5 + 0.5 * r()) + 0.1 * r() * r();
    }
  }
  return { width, height, rgb, mask, box: [x0, y0, x1, y1], saliency };
}

/**
 * drawScene's object, and a stripe of the object's colour along the left edge that the map rates
 * in between (a distractor a colour model takes for object): the object's box excludes it.
 */
export function drawEdgeStripScene(seed: number, stripe = 4): Scene {
  const s = drawScene(seed), r = rng(seed + 1000);
  const object = [...s.mask.keys()].filter((p) => s.mask[p]);
  for (let y = 0; y < s.height; y++) for (let x = 0; x < stripe; x++) {
    const p = y * s.width + x, q = object[Math.floor(r() * object.length)]!; // the object's colours, texture and all
    for (let c = 0; c < 3; c++) s.rgb[3 * p + c] = s.rgb[3 * q + c]!;
    s.saliency[p] = 0.2;
  }
  return s;
}

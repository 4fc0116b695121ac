// Drawing primitives of the scene generator, in plain JS over float buffers: a photo crop resampled
// to the canvas, an artwork drawn as a layer (scaled, rotated, flipped, colour-transformed), and
// layers composited over the canvas ("over", premultiplied alpha).
import type { Artwork } from './artwork.js';
import type { Photo } from './backgrounds.js';

/** A 3x3 colour matrix, row-major, applied to RGB column vectors. */
export type ColourMatrix = readonly number[];

export const IDENTITY: ColourMatrix = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function multiply(a: ColourMatrix, b: ColourMatrix): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[3 * r + c] = a[3 * r]! * b[c]! + a[3 * r + 1]! * b[3 + c]! + a[3 * r + 2]! * b[6 + c]!;
  return out;
}

/** Hue rotation about the grey axis by `degrees`, then saturation (0 grey, 1 unchanged), then brightness (a gain). */
export function colourJitter(degrees: number, saturation: number, brightness: number): ColourMatrix {
  const a = (degrees * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const t = (1 - cos) / 3, s = Math.sqrt(1 / 3) * sin;
  const hue = [cos + t, t - s, t + s, t + s, cos + t, t - s, t - s, t + s, cos + t];
  const lum = [0.299, 0.587, 0.114];
  const sat = Array.from({ length: 9 }, (_, i) => (1 - saturation) * lum[i % 3]! + (i % 4 === 0 ? saturation : 0));
  return multiply(sat, hue).map((v) => v * brightness);
}

export interface Crop {
  /** top-left corner and side of a square crop, in pixels of the photo's level 0 */
  x: number;
  y: number;
  side: number;
  flip: boolean;
}

/**
 * Resamples a square crop of a photo onto a size x size RGB canvas (bilinear, from the pyramid level
 * at most twice the canvas resolution), then applies `matrix` and a contrast gain about mid-grey.
 */
export function drawBackground(photo: Photo, crop: Crop, size: number, matrix: ColourMatrix, contrast: number): Float32Array {
  const f = crop.side / size; // level-0 pixels per canvas pixel
  const L = Math.max(0, Math.min(photo.levels.length - 1, Math.floor(Math.log2(Math.max(1, f)))));
  const lv = photo.levels[L]!, k = 2 ** L, step = f / k;
  const { data, width: W, height: H } = lv;
  const out = new Float32Array(size * size * 3);
  // per-column source indices and weights, shared by every row
  const cx0 = new Int32Array(size), cx1 = new Int32Array(size), cfx = new Float32Array(size);
  for (let x = 0; x < size; x++) {
    const xx = crop.flip ? size - 1 - x : x;
    const sx = Math.min(W - 1, Math.max(0, crop.x / k + (xx + 0.5) * step - 0.5));
    const x0 = Math.floor(sx);
    cx0[x] = 3 * x0; cx1[x] = 3 * Math.min(W - 1, x0 + 1); cfx[x] = sx - x0;
  }
  const m0 = matrix[0]!, m1 = matrix[1]!, m2 = matrix[2]!, m3 = matrix[3]!, m4 = matrix[4]!, m5 = matrix[5]!, m6 = matrix[6]!, m7 = matrix[7]!, m8 = matrix[8]!;
  const off = 128 - 128 * contrast;
  let o = 0;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(H - 1, Math.max(0, (crop.y + (y + 0.5) * f) / k - 0.5));
    const y0 = Math.floor(sy), fy = sy - y0;
    const r0 = 3 * y0 * W, r1 = 3 * Math.min(H - 1, y0 + 1) * W;
    for (let x = 0; x < size; x++, o += 3) {
      const a = r0 + cx0[x]!, b = r0 + cx1[x]!, c = r1 + cx0[x]!, d = r1 + cx1[x]!, fx = cfx[x]!;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const r = w00 * data[a]! + w01 * data[b]! + w10 * data[c]! + w11 * data[d]!;
      const g = w00 * data[a + 1]! + w01 * data[b + 1]! + w10 * data[c + 1]! + w11 * data[d + 1]!;
      const bl = w00 * data[a + 2]! + w01 * data[b + 2]! + w10 * data[c + 2]! + w11 * data[d + 2]!;
      out[o] = (m0 * r + m1 * g + m2 * bl) * contrast + off;
      out[o + 1] = (m3 * r + m4 * g + m5 * bl) * contrast + off;
      out[o + 2] = (m6 * r + m7 * g + m8 * bl) * contrast + off;
    }
  }
  return out;
}

export interface Placement {
  /** centre of the drawn artwork on the canvas, in pixels */
  cx: number;
  cy: number;
  /** canvas pixels per artwork level-0 pixel */
  scale: number;
  /** clockwise, radians */
  angle: number;
  /** mirror left-right */
  flip: boolean;
}

/** Half the width and height of the canvas box around an artwork so placed. */
export function extent(art: Artwork, p: Pick<Placement, 'scale' | 'angle'>): { hw: number; hh: number } {
  const c = Math.abs(Math.cos(p.angle)), s = Math.abs(Math.sin(p.angle));
  return { hw: ((art.width * c + art.height * s) * p.scale) / 2, hh: ((art.width * s + art.height * c) * p.scale) / 2 };
}

/** An artwork drawn on the canvas grid: premultiplied RGB (0..255) and alpha (0..1) over a box. */
export interface Layer {
  x0: number;
  y0: number;
  width: number;
  height: number;
  rgb: Float32Array;
  alpha: Float32Array;
}

/** Draws an artwork at a placement, colour-transformed by `matrix`; null when it misses the canvas. */
export function drawLayer(art: Artwork, p: Placement, matrix: ColourMatrix, size: number): Layer | null {
  const f = 1 / p.scale; // level-0 pixels per canvas pixel
  const L = Math.max(0, Math.min(art.levels.length - 1, Math.floor(Math.log2(Math.max(1, f)))));
  const lv = art.levels[L]!, k = 2 ** L;
  const { data, width: W, height: H } = lv;
  const { hw, hh } = extent(art, p);
  const x0 = Math.max(0, Math.floor(p.cx - hw - 1)), x1 = Math.min(size - 1, Math.ceil(p.cx + hw + 1));
  const y0 = Math.max(0, Math.floor(p.cy - hh - 1)), y1 = Math.min(size - 1, Math.ceil(p.cy + hh + 1));
  if (x1 < x0 || y1 < y0) return null;
  const width = x1 - x0 + 1, height = y1 - y0 + 1;
  const rgb = new Float32Array(width * height * 3), alpha = new Float32Array(width * height);
  const cos = Math.cos(p.angle), sin = Math.sin(p.angle), sign = p.flip ? -1 : 1;
  // canvas (x, y) -> level-L continuous coordinates (u, v): u = ux*x + uy*y + u0, same for v
  const ox = 1 + art.width / 2, oy = 1 + art.height / 2; // artwork centre at level 0 (1-pixel border)
  const ux = (sign * cos) / p.scale / k, uy = (sign * sin) / p.scale / k;
  const vx = -sin / p.scale / k, vy = cos / p.scale / k;
  const m = matrix;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - p.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - p.cx;
      const u = ux * dx + uy * dy + ox / k - 0.5, v = vx * dx + vy * dy + oy / k - 0.5;
      if (u <= -1 || v <= -1 || u >= W || v >= H) continue;
      const i0 = Math.floor(u), j0 = Math.floor(v), fx = u - i0, fy = v - j0;
      let r = 0, g = 0, b = 0, a = 0;
      if (i0 >= 0 && j0 >= 0 && i0 + 1 < W && j0 + 1 < H) {
        const q00 = 4 * (j0 * W + i0), q01 = q00 + 4, q10 = q00 + 4 * W, q11 = q10 + 4;
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        a = w00 * data[q00 + 3]! + w01 * data[q01 + 3]! + w10 * data[q10 + 3]! + w11 * data[q11 + 3]!;
        if (a <= 0) continue;
        r = w00 * data[q00]! + w01 * data[q01]! + w10 * data[q10]! + w11 * data[q11]!;
        g = w00 * data[q00 + 1]! + w01 * data[q01 + 1]! + w10 * data[q10 + 1]! + w11 * data[q11 + 1]!;
        b = w00 * data[q00 + 2]! + w01 * data[q01 + 2]! + w10 * data[q10 + 2]! + w11 * data[q11 + 2]!;
      } else {
        for (let t = 0; t < 4; t++) {
          const i = i0 + (t & 1), j = j0 + (t >> 1);
          if (i < 0 || j < 0 || i >= W || j >= H) continue;
          const w = ((t & 1) ? fx : 1 - fx) * ((t >> 1) ? fy : 1 - fy);
          const q = 4 * (j * W + i);
          r += w * data[q]!; g += w * data[q + 1]!; b += w * data[q + 2]!; a += w * data[q + 3]!;
        }
        if (a <= 0) continue;
      }
      const o = (y - y0) * width + (x - x0);
      const cap = a; // premultiplied colour stays within [0, alpha * 255]
      rgb[3 * o] = Math.min(cap, Math.max(0, m[0]! * r + m[1]! * g + m[2]! * b));
      rgb[3 * o + 1] = Math.min(cap, Math.max(0, m[3]! * r + m[4]! * g + m[5]! * b));
      rgb[3 * o + 2] = Math.min(cap, Math.max(0, m[6]! * r + m[7]! * g + m[8]! * b));
      alpha[o] = a / 255;
    }
  }
  return { x0, y0, width, height, rgb, alpha };
}

/** Composites a layer over the canvas; where `covered` is given, multiplies it by (1 - layer alpha). */
export function composite(canvas: Float32Array, size: number, layer: Layer, covered?: Float32Array): void {
  const { x0, y0, width, height, rgb, alpha } = layer;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * width + x, a = alpha[o]!;
      if (a <= 0) continue;
      const p = (y + y0) * size + x + x0;
      canvas[3 * p] = rgb[3 * o]! + canvas[3 * p]! * (1 - a);
      canvas[3 * p + 1] = rgb[3 * o + 1]! + canvas[3 * p + 1]! * (1 - a);
      canvas[3 * p + 2] = rgb[3 * o + 2]! + canvas[3 * p + 2]! * (1 - a);
      if (covered) covered[p] = covered[p]! * (1 - a);
    }
  }
}

/** The layer's alpha spread over the whole canvas. */
export function layerCoverage(layer: Layer, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < layer.height; y++) out.set(layer.alpha.subarray(y * layer.width, (y + 1) * layer.width), (y + layer.y0) * size + layer.x0);
  return out;
}

/** Counts pixels where coverage * (1 - occluder alpha) stays above 0.5. */
export function visibleAfter(coverage: Float32Array, size: number, occluder: Layer | null): number {
  let n = 0;
  for (let p = 0; p < coverage.length; p++) if (coverage[p]! > 0.5) n++;
  if (!occluder) return n;
  const { x0, y0, width, height, alpha } = occluder;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = coverage[(y + y0) * size + x + x0]!;
      if (c > 0.5 && c * (1 - alpha[y * width + x]!) <= 0.5) n--;
    }
  }
  return n;
}

/**
 * The layer redrawn in an outlined style, as OpenMoji and other flat sets draw: a dark line of
 * `width` canvas pixels around the silhouette, and along inner edges where the colour changes
 * sharply. A training-only augmentation, so that a model learns objects whatever the artist's line.
 */
export function outlineLayer(layer: Layer, size: number, width: number, ink: number): Layer {
  const pad = Math.ceil(width) + 1;
  const x0 = Math.max(0, layer.x0 - pad), y0 = Math.max(0, layer.y0 - pad);
  const x1 = Math.min(size - 1, layer.x0 + layer.width - 1 + pad), y1 = Math.min(size - 1, layer.y0 + layer.height - 1 + pad);
  const W = x1 - x0 + 1, H = y1 - y0 + 1;
  const rgb = new Float32Array(W * H * 3), alpha = new Float32Array(W * H);
  for (let y = 0; y < layer.height; y++) {
    for (let x = 0; x < layer.width; x++) {
      const i = y * layer.width + x, o = (y + layer.y0 - y0) * W + (x + layer.x0 - x0);
      alpha[o] = layer.alpha[i]!;
      for (let c = 0; c < 3; c++) rgb[3 * o + c] = layer.rgb[3 * i + c]!;
    }
  }
  const solid = (x: number, y: number) => x >= 0 && y >= 0 && x < W && y < H && alpha[y * W + x]! >= 0.5;
  const colourStep = (p: number, q: number) => {
    // unpremultiplied colour difference, summed over channels (0..765)
    let d = 0;
    for (let c = 0; c < 3; c++) d += Math.abs(rgb[3 * p + c]! / alpha[p]! - rgb[3 * q + c]! / alpha[q]!);
    return d;
  };
  const inkAlpha = new Float32Array(W * H);
  const r = pad; // a pixel at distance d (centre to centre) from the silhouette's last pixel starts d - 0.5 past its edge
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = y * W + x;
      if (!solid(x, y)) {
        // outside: the share of the pixel within `width` of the silhouette's edge (antialiased ring)
        let best = Infinity;
        for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (solid(x + dx, y + dy)) best = Math.min(best, Math.hypot(dx, dy));
        inkAlpha[p] = Math.min(1, Math.max(0, width + 1 - best));
      } else if ((solid(x + 1, y) && colourStep(p, p + 1) > 160) || (solid(x, y + 1) && colourStep(p, p + W) > 160)) {
        inkAlpha[p] = 1; // an inner edge (marked on one side, so the line is about one pixel wide)
      }
    }
  }
  for (let p = 0; p < W * H; p++) {
    const a = inkAlpha[p]!;
    if (a <= 0) continue;
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = ink * a + rgb[3 * p + c]! * (1 - a);
    alpha[p] = a + alpha[p]! * (1 - a);
  }
  return { x0, y0, width: W, height: H, rgb, alpha };
}

// Resizing to the model's input size in plain TypeScript, for browsers (Node uses sharp,
// resize.ts). It reproduces libvips' vips_resize with the linear kernel as sharp calls it, so that
// a page and Node feed the network the same pixels:
//  - reductions under 4x: libvips' reduce (a triangle filter as wide as the reduction, 12-bit
//    fixed-point taps from a table of 64 sub-pixel positions, edges copied; vertical pass first,
//    then horizontal, each rounded to 8 bits) — the same bytes as sharp (test/resample.test.ts);
//  - reductions of 4x and more: a box pre-shrink by floor(factor / 2) then that reduce, as libvips
//    does; its rounding differs from libvips' in places, so a few levels off sharp;
//  - enlargements: plain bilinear (align_corners = false), as torch's F.interpolate; Node enlarges
//    with this code too (resize.ts), since sharp's enlargement is a sub-pixel shift away from it.
import type { RgbImage } from './types.js';
import { type CropRect, type ResizeMode, checkResize, cropFor } from './geometry.js';

const SUBPIXELS = 64; // VIPS_TRANSFORM_SCALE
const SCALE = 4096; // VIPS_INTERPOLATE_SCALE (12-bit taps)

/** Resizes to exactly width x height (see resize.ts for the modes); the same result shape as resizeRgb. */
export function resampleRgb(img: RgbImage, width: number, height: number, mode: ResizeMode): { image: RgbImage; crop: CropRect } {
  checkResize(width, height, mode);
  const crop = cropFor(img, width, height, mode);
  let data = extract(img, crop), w = crop.width, h = crop.height;
  let fx = w / width, fy = h / height;
  const ix = fx >= 4 ? Math.floor(fx / 2) : 1, iy = fy >= 4 ? Math.floor(fy / 2) : 1;
  if (ix > 1 || iy > 1) {
    ({ data, w, h } = boxShrink(data, w, h, ix, iy));
    fx /= ix; fy /= iy;
  }
  if (height !== h) { data = axis(data, w, h, height, fy, false); h = height; }
  if (width !== w) { data = axis(data, w, h, width, fx, true); w = width; }
  return { image: { data, width, height }, crop };
}

function extract(img: RgbImage, c: CropRect): Uint8Array {
  if (c.x === 0 && c.y === 0 && c.width === img.width && c.height === img.height) return img.data.slice();
  const out = new Uint8Array(c.width * c.height * 3);
  for (let y = 0; y < c.height; y++) {
    const from = ((c.y + y) * img.width + c.x) * 3;
    out.set(img.data.subarray(from, from + c.width * 3), y * c.width * 3);
  }
  return out;
}

/** Block means over fx x fy blocks (the last blocks padded by copying the edge), rounded. */
function boxShrink(src: Uint8Array, w: number, h: number, fx: number, fy: number): { data: Uint8Array; w: number; h: number } {
  const W = Math.ceil(w / fx), H = Math.ceil(h / fy), n = fx * fy;
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let j = 0; j < fy; j++) {
      const sy = Math.min(y * fy + j, h - 1);
      for (let i = 0; i < fx; i++) s += src[(sy * w + Math.min(x * fx + i, w - 1)) * 3 + c]!;
    }
    out[(y * W + x) * 3 + c] = Math.floor((s + (n >> 1)) / n);
  }
  return { data: out, w: W, h: H };
}

/** libvips' vips_reduce_make_mask for the linear kernel, normalised, as 12-bit integers. */
function taps(points: number, shrink: number, x: number): Int32Array {
  const half = x + points / 2 - 1;
  const f = new Float64Array(points);
  let sum = 0;
  for (let i = 0; i < points; i++) { f[i] = Math.max(0, 1 - Math.abs((i - half) / shrink)); sum += f[i]!; }
  return Int32Array.from(f, (v) => Math.trunc((v / sum) * SCALE));
}

/** One axis, from `len` to `out` samples (horizontal or vertical), shrink = len / out before any box shrink. */
function axis(src: Uint8Array, w: number, h: number, out: number, shrink: number, horizontal: boolean): Uint8Array {
  const len = horizontal ? w : h, across = horizontal ? h : w;
  const outW = horizontal ? out : w;
  const dst = new Uint8Array((horizontal ? out * h : w * out) * 3);
  // stride between successive samples along the axis, and between lines across it
  const along = horizontal ? 3 : w * 3, line = horizontal ? w * 3 : 3;
  const dAlong = horizontal ? 3 : outW * 3, dLine = horizontal ? outW * 3 : 3;
  if (shrink < 1) {
    // enlargement: bilinear, pixel centres aligned
    for (let o = 0; o < out; o++) {
      const f = Math.min(Math.max((o + 0.5) * (len / out) - 0.5, 0), len - 1);
      const i0 = Math.floor(f), i1 = Math.min(i0 + 1, len - 1), a = f - i0;
      for (let k = 0; k < across; k++) for (let c = 0; c < 3; c++) {
        const v = src[k * line + i0 * along + c]! * (1 - a) + src[k * line + i1 * along + c]! * a;
        dst[k * dLine + o * dAlong + c] = Math.round(v);
      }
    }
    return dst;
  }
  const points = 2 * Math.round(shrink) + 1;
  const table = Array.from({ length: SUBPIXELS + 1 }, (_, t) => taps(points, shrink, t / SUBPIXELS));
  const offset = (1 + (out * shrink - len)) / 2 - 1; // libvips' hoffset / voffset
  const pad = Math.floor(points / 2);
  for (let o = 0; o < out; o++) {
    const X = (o + 0.5) * shrink - 0.5 - offset;
    const first = Math.trunc(X) - pad;
    const sub = Math.trunc(X * SUBPIXELS * 2) & (SUBPIXELS * 2 - 1);
    const tap = table[(sub + 1) >> 1]!;
    for (let k = 0; k < across; k++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let i = 0; i < points; i++) {
        const p = Math.min(Math.max(first + i, 0), len - 1);
        s += tap[i]! * src[k * line + p * along + c]!;
      }
      dst[k * dLine + o * dAlong + c] = Math.min(255, Math.max(0, (s + SCALE / 2) >> 12));
    }
  }
  return dst;
}

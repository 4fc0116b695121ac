// Integer-factor grid changes for the segmentation: block means down, nearest neighbour up.
import type { RgbImage } from './decode.js';

/** The size of a w x h grid pooled by `factor` (a partial block at the right or bottom edge counts). */
export function pooledSize(w: number, h: number, factor: number): [number, number] {
  return [Math.ceil(w / factor), Math.ceil(h / factor)];
}

/** Block means of `channels` interleaved values per pixel; edge blocks average the pixels they have. */
function poolMean<T extends Uint8Array | Float32Array>(src: T, w: number, h: number, channels: number, factor: number, out: T): T {
  const [pw, ph] = pooledSize(w, h, factor);
  const sum = new Float64Array(pw * ph * channels), count = new Uint32Array(pw * ph);
  for (let y = 0; y < h; y++) {
    const py = Math.floor(y / factor) * pw;
    for (let x = 0; x < w; x++) {
      const q = py + Math.floor(x / factor), s = (y * w + x) * channels;
      count[q]!++;
      for (let c = 0; c < channels; c++) sum[q * channels + c]! += src[s + c]!;
    }
  }
  const round = out instanceof Uint8Array;
  for (let q = 0; q < pw * ph; q++) {
    for (let c = 0; c < channels; c++) {
      const v = sum[q * channels + c]! / count[q]!;
      out[q * channels + c] = round ? Math.round(v) : v;
    }
  }
  return out;
}

export function poolRgb(img: RgbImage, factor: number): RgbImage {
  const [pw, ph] = pooledSize(img.width, img.height, factor);
  return { width: pw, height: ph, data: poolMean(img.data, img.width, img.height, 3, factor, new Uint8Array(pw * ph * 3)) };
}

export function poolMap(map: Float32Array, w: number, h: number, factor: number): Float32Array {
  const [pw, ph] = pooledSize(w, h, factor);
  return poolMean(map, w, h, 1, factor, new Float32Array(pw * ph));
}

/** The w x h mask whose pixel (x, y) is the pooled mask's block (x / factor, y / factor). */
export function unpoolMask(mask: Uint8Array, w: number, h: number, factor: number): Uint8Array {
  const [pw] = pooledSize(w, h, factor);
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = Math.floor(y / factor) * pw;
    for (let x = 0; x < w; x++) out[y * w + x] = mask[row + Math.floor(x / factor)]!;
  }
  return out;
}

// Separable Gaussian blur of a float map (edges clamped).
export function gaussianBlur(map: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.from(map);
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const norm = k.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k.length; i++) k[i]! /= norm;
  const tmp = new Float32Array(map.length), out = new Float32Array(map.length);
  blurRows(map, tmp, width, height, k, r);
  // the vertical pass is the horizontal one on the transposed map
  const t1 = transpose(tmp, width, height), t2 = new Float32Array(map.length);
  blurRows(t1, t2, height, width, k, r);
  out.set(transpose(t2, height, width));
  return out;
}

/** Blurs each row; the clamped index arithmetic only runs within r pixels of an edge. */
function blurRows(src: Float32Array, dst: Float32Array, width: number, height: number, k: Float32Array, r: number) {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let s = 0;
      if (x >= r && x + r < width) {
        for (let i = -r, j = row + x - r; i <= r; i++, j++) s += k[i + r]! * src[j]!;
      } else {
        for (let i = -r; i <= r; i++) s += k[i + r]! * src[row + Math.min(width - 1, Math.max(0, x + i))]!;
      }
      dst[row + x] = s;
    }
  }
}

function transpose(src: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = src[y * width + x]!;
  return out;
}

// The browser's resize (plain TypeScript) against sharp, Node's: the same bytes for reductions
// under 4x (what the bundled model's 256-pixel examples and most photographs at 224 need), a few
// levels off for larger ones. Enlargements are the same code in both (plain bilinear, as torch's
// F.interpolate with align_corners=False).
import { describe, expect, it } from 'vitest';
import { resampleRgb } from '../ts/image/resample.js';
import { resizeRgb } from '../ts/image/resize.js';
import { decodeImage, type RgbImage } from '../ts/image/decode.js';
import { rng } from './helpers/net.js';

function image(w: number, h: number, seed: number, smooth = false): RgbImage {
  const r = rng(seed), data = new Uint8Array(w * h * 3);
  // half noise, half smooth ramps: both edges and gradients
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = smooth ? Math.round(127 + 100 * Math.sin(x / 9 + c) * Math.cos(y / 13)) : (x >> 4) % 2 ? Math.floor(r() * 256) : (x * 3 + y * 5 + c * 40) & 255;
  }
  return { data, width: w, height: h };
}

function compare(a: Uint8Array, b: Uint8Array) {
  let max = 0, sum = 0, differ = 0;
  for (let i = 0; i < a.length; i++) { const d = Math.abs(a[i]! - b[i]!); max = Math.max(max, d); sum += d; if (d) differ++; }
  return { max, mean: sum / a.length, differ };
}

describe('resampleRgb (browser resize) against sharp', () => {
  for (const [w, h, W, H, mode] of [[256, 256, 128, 128, 'stretch'], [500, 375, 224, 224, 'stretch'], [640, 480, 224, 224, 'center-crop'], [97, 131, 64, 64, 'stretch'], [200, 150, 128, 128, 'stretch'], [300, 200, 128, 96, 'center-crop']] as const) {
    it(`${w}x${h} -> ${W}x${H} (${mode}): the same bytes`, async () => {
      const img = image(w, h, w + h);
      const a = resampleRgb(img, W, H, mode), b = await resizeRgb(img, W, H, mode);
      expect(a.crop).toEqual(b.crop);
      expect(compare(a.image.data, b.image.data).differ).toBe(0);
    });
  }

  it('the bundled examples at the bundled model\'s 144x144: the same bytes', async () => {
    const img = await decodeImage(new URL('../examples/dog.png', import.meta.url).pathname);
    expect(compare(resampleRgb(img, 144, 144, 'stretch').image.data, (await resizeRgb(img, 144, 144, 'stretch')).image.data).differ).toBe(0);
  });

  it("enlargements: bilinear with pixel centres aligned (torch's F.interpolate, align_corners=False), in Node as in browsers", async () => {
    // 2x1 -> 4x1: output centres at source x -0.25 (clamped to 0), 0.25, 0.75 and 1.25 (clamped to 1)
    const src = { data: Uint8Array.from([0, 0, 0, 100, 200, 40]), width: 2, height: 1 };
    for (const r of [resampleRgb(src, 4, 1, 'stretch'), await resizeRgb(src, 4, 1, 'stretch')]) {
      expect(Array.from(r.image.data)).toEqual([0, 0, 0, 25, 50, 10, 75, 150, 30, 100, 200, 40]);
    }
    // a 128-pixel scene into a 144-pixel input, and an enlargement along one axis only
    for (const [w, h, W, H] of [[128, 128, 144, 144], [64, 300, 128, 128]] as const) {
      const img = image(w, h, 3);
      expect(compare(resampleRgb(img, W, H, 'stretch').image.data, (await resizeRgb(img, W, H, 'stretch')).image.data).differ).toBe(0);
    }
  });

  for (const [w, h, W, H, smooth] of [[1000, 750, 224, 224, false], [2000, 1500, 128, 128, false]] as const) {
    it(`${w}x${h} -> ${W}x${H}: within 5 levels on average (box pre-shrink)`, async () => {
      const img = image(w, h, 7, smooth);
      const c = compare(resampleRgb(img, W, H, 'stretch').image.data, (await resizeRgb(img, W, H, 'stretch')).image.data);
      expect(c.mean).toBeLessThan(5);
    });
  }
});

// The browser's resize (plain TypeScript) against sharp, Node's: the same bytes for reductions
// under 4x (what the bundled model's 256-pixel examples and most photographs at 224 need), a few
// levels off otherwise.
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

  it('the bundled examples at the bundled model\'s 128x128: the same bytes', async () => {
    const img = await decodeImage(new URL('../examples/dog.png', import.meta.url).pathname);
    expect(compare(resampleRgb(img, 128, 128, 'stretch').image.data, (await resizeRgb(img, 128, 128, 'stretch')).image.data).differ).toBe(0);
  });

  for (const [w, h, W, H, smooth] of [[1000, 750, 224, 224, false], [2000, 1500, 128, 128, false], [100, 80, 128, 128, true], [64, 300, 128, 128, true]] as const) {
    it(`${w}x${h} -> ${W}x${H}: within 5 levels on average (box pre-shrink, or enlargement of a smooth image)`, async () => {
      const img = image(w, h, 7, smooth);
      const c = compare(resampleRgb(img, W, H, 'stretch').image.data, (await resizeRgb(img, W, H, 'stretch')).image.data);
      expect(c.mean).toBeLessThan(5);
    });
  }
});

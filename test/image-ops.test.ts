import { describe, expect, it } from 'vitest';
import { gaussianBlur } from '../ts/image/blur.js';
import { close, dilate, erode } from '../ts/image/morphology.js';
import { drawBox, tintMask } from '../ts/image/draw.js';
import { normaliseForDisplay, selectKth } from '../ts/image/colormap.js';
import { seededRandom } from '../ts/random.js';

const grid = (rows: string[]) => Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
const show = (m: Uint8Array, w: number) => Array.from({ length: m.length / w }, (_, y) => Array.from(m.slice(y * w, (y + 1) * w), (v) => (v ? '#' : '.')).join(''));

describe('morphology', () => {
  it('dilates and erodes with a square element, treating the border as neutral', () => {
    const m = grid(['.....', '.....', '..#..', '.....', '.....']);
    expect(show(dilate(m, 5, 5, 1), 5)).toEqual(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(show(erode(dilate(m, 5, 5, 1), 5, 5, 1), 5)).toEqual(show(m, 5));
    const edge = grid(['##...', '##...', '.....']);
    expect(show(erode(edge, 5, 3, 1), 5)).toEqual(['#....', '.....', '.....']);
  });
  it('closing joins nearby parts and fills holes but keeps distant parts apart', () => {
    const m = grid(['##.##......##', '##.##......##', '#.###......##']);
    expect(show(close(m, 13, 3, 1), 13)).toEqual(['#####......##', '#####......##', '#####......##']);
  });
});

describe('blur and drawing', () => {
  it('blurs with unit gain and keeps a constant map constant', () => {
    const impulse = new Float32Array(21 * 21); impulse[220] = 1; // the centre, far from the edges
    const b = gaussianBlur(impulse, 21, 21, 1.5);
    expect(b.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    expect(b[220]).toBeGreaterThan(b[221]!);
    expect(b[221]).toBeCloseTo(b[219]!, 7);
    expect(Array.from(gaussianBlur(new Float32Array(16).fill(2), 4, 4, 2)).every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
  });
  it('blurs like a direct clamped 2-D convolution, edges and non-square maps included', () => {
    const rnd = seededRandom(5), w = 37, h = 23, sigma = 1.7, r = Math.ceil(3 * sigma);
    const map = Float32Array.from({ length: w * h }, () => rnd());
    const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const sum = k.reduce((a, b) => a + b, 0);
    const at = (x: number, y: number) => map[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
    const b = gaussianBlur(map, w, h, sigma);
    let worst = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) for (let i = -r; i <= r; i++) s += (k[i + r]! * k[j + r]! * at(x + i, y + j)) / (sum * sum);
      worst = Math.max(worst, Math.abs(s - b[y * w + x]!));
    }
    expect(worst).toBeLessThan(1e-5);
  });
  it('selects the k-th smallest value as sorting does, with ties', () => {
    const rnd = seededRandom(9);
    for (const n of [1, 2, 7, 100, 1001]) {
      const a = Float32Array.from({ length: n }, () => Math.floor(rnd() * 20));
      const sorted = Float32Array.from(a).sort();
      for (const k of [0, n >> 1, n - 1]) expect(selectKth(Float32Array.from(a), k)).toBe(sorted[k]);
    }
  });
  it('normalises for display at the 99th percentile and ignores non-finite values', () => {
    const map = Float32Array.from({ length: 201 }, (_, i) => i / 2);
    map[5] = NaN;
    const out = normaliseForDisplay(map);
    expect(out[5]).toBe(0);
    expect(out[100]).toBeCloseTo(50 / 99, 6); // the finite values' 99% quantile is 99 (index 198 of 200)
    expect(out[200]).toBe(1);
  });
  it('draws box outlines and tints masks', () => {
    const img = { data: new Uint8Array(5 * 4 * 3), width: 5, height: 4 };
    const boxed = drawBox(img, [1, 1, 3, 2], [255, 0, 0], 1);
    const red = (x: number, y: number) => boxed.data[3 * (y * 5 + x)] === 255;
    expect([red(1, 1), red(3, 2), red(2, 1), red(0, 0), red(4, 3)]).toEqual([true, true, true, false, false]);
    const tinted = tintMask(img, Uint8Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0)), [200, 100, 0], 0.5);
    expect(Array.from(tinted.data.slice(0, 6))).toEqual([100, 50, 0, 0, 0, 0]);
  });
});

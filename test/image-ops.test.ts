import { describe, expect, it } from 'vitest';
import { gaussianBlur } from '../ts/image/blur.js';
import { close, dilate, erode } from '../ts/image/morphology.js';
import { drawBox, tintMask } from '../ts/image/draw.js';

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
  it('draws box outlines and tints masks', () => {
    const img = { data: new Uint8Array(5 * 4 * 3), width: 5, height: 4 };
    const boxed = drawBox(img, [1, 1, 3, 2], [255, 0, 0], 1);
    const red = (x: number, y: number) => boxed.data[3 * (y * 5 + x)] === 255;
    expect([red(1, 1), red(3, 2), red(2, 1), red(0, 0), red(4, 3)]).toEqual([true, true, true, false, false]);
    const tinted = tintMask(img, Uint8Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0)), [200, 100, 0], 0.5);
    expect(Array.from(tinted.data.slice(0, 6))).toEqual([100, 50, 0, 0, 0, 0]);
  });
});

// The C++ core (native/include/deepinside.h) through both backends: the N-API addon and the
// WebAssembly build. Same tests for each, then native vs wasm bit-for-bit, then a leak check.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoreError, addonCandidates, loadCore, type CoreBackend, type GrabCutParams } from '../ts/native/index.js';
import { cutCapacity, referenceMaxflow, totalCapacity, type GridProblem } from './helpers/maxflow-reference.js';
import { seededRandom as rng } from '../ts/random.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INDEX_TS = join(ROOT, 'ts', 'native', 'index.ts');
/** Set DEEPINSIDE_SKIP_NATIVE=1 to test only the WebAssembly core (a machine without cmake/g++). */
const SKIP_NATIVE = process.env.DEEPINSIDE_SKIP_NATIVE === '1';
const BACKENDS = SKIP_NATIVE ? (['wasm'] as const) : (['native', 'wasm'] as const);

// ---- deterministic test data --------------------------------------------------------------------


function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A capacity: often zero, small integers, fractions, and now and then huge values. */
function capacity(r: () => number, huge: boolean): number {
  const u = r();
  if (u < 0.25) return 0;
  if (u < 0.55) return Math.floor(r() * 10);
  if (huge && u < 0.62) return r() < 0.5 ? 1e30 : 3.4e38;
  if (huge && u < 0.68) return 1e12 * r();
  return Math.fround(r() * 5);
}

function randomGrid(seed: number): GridProblem {
  const r = rng(seed);
  const width = 1 + Math.floor(r() * 7);
  const height = 1 + Math.floor(r() * 7);
  const connectivity = r() < 0.5 ? 4 : 8;
  const huge = seed % 5 === 0;
  const n = width * height;
  const source = new Float32Array(n).map(() => capacity(r, huge));
  const sink = new Float32Array(n).map(() => capacity(r, huge));
  const edges = new Float32Array(n * (connectivity === 4 ? 2 : 4)).map(() => capacity(r, huge));
  return { width, height, connectivity, source, sink, edges };
}

/** A disc on a graded background with noise, and GrabCut labels: a box around the disc is
 * "probably foreground" (3), outside it background seeds (0). */
function discScene(width: number, height: number, seed: number, noise = 12) {
  const r = rng(seed);
  const rgb = new Uint8Array(width * height * 3);
  const truth = new Uint8Array(width * height);
  const labels = new Uint8Array(width * height);
  const cx = width / 2 + (r() - 0.5) * width * 0.1;
  const cy = height / 2 + (r() - 0.5) * height * 0.1;
  const rad = Math.min(width, height) * (0.22 + 0.08 * r());
  const fg = [200 + 40 * r(), 40 * r(), 60 + 40 * r()];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < rad * rad;
      truth[p] = inside ? 1 : 0;
      const bg = [40 + (120 * x) / width, 90 + (100 * y) / height, 160];
      const c = inside ? fg : bg;
      for (let k = 0; k < 3; k++) rgb[p * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + noise * gauss(r))));
      const m = rad * 1.35;
      labels[p] = Math.abs(x - cx) < m && Math.abs(y - cy) < m ? 3 : 0;
    }
  }
  return { rgb, labels, truth };
}

function randomScene(seed: number) {
  const r = rng(seed);
  const width = 4 + Math.floor(r() * 24);
  const height = 4 + Math.floor(r() * 24);
  const rgb = new Uint8Array(width * height * 3);
  // blocky random colours plus noise: ties and near-ties in abundance
  const blocks = 1 + Math.floor(r() * 6);
  const palette = Array.from({ length: 4 }, () => [r() * 255, r() * 255, r() * 255]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = palette[(Math.floor((x * blocks) / width) + 2 * Math.floor((y * blocks) / height)) % 4]!;
      for (let k = 0; k < 3; k++) rgb[(y * width + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + 20 * gauss(r))));
    }
  }
  const labels = new Uint8Array(width * height);
  const x0 = Math.floor(r() * width * 0.4);
  const y0 = Math.floor(r() * height * 0.4);
  const x1 = x0 + 1 + Math.floor(r() * (width - x0 - 1));
  const y1 = y0 + 1 + Math.floor(r() * (height - y0 - 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inBox = x >= x0 && x <= x1 && y >= y0 && y <= y1;
      let l = inBox ? 3 : r() < 0.5 ? 0 : 2;
      if (r() < 0.02) l = 1;
      labels[y * width + x] = l;
    }
  }
  labels[0] = 0; // at least one background and one foreground label
  labels[width * height - 1] = 3;
  const params: Partial<GrabCutParams> = {
    components: 1 + Math.floor(r() * 6),
    iterations: 1 + Math.floor(r() * 6),
    gamma: [0, 1, 50, 500][Math.floor(r() * 4)]!,
    connectivity: r() < 0.5 ? 4 : 8,
    seed: Math.floor(r() * 4294967296),
  };
  return { width, height, rgb, labels, params };
}

/** numpy's default ("linear") quantile, in float64 on the float32 values. */
function referenceQuantile(values: Float32Array, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function expectCoreError(f: () => unknown, code: string | string[], message: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a CoreError').toBeInstanceOf(CoreError);
  expect(caught).toBeInstanceOf(Error);
  expect(Array.isArray(code) ? code : [code]).toContain((caught as CoreError).code);
  expect((caught as CoreError).message).toMatch(message);
}

// ---- both backends ------------------------------------------------------------------------------

describe.each(BACKENDS)('%s core', (name) => {
  let core: CoreBackend;
  beforeAll(async () => {
    const loaded = await loadCore(name);
    core = loaded.core;
    expect(core.name).toBe(name);
  });

  it('reports a version and the default GrabCut parameters', () => {
    expect(core.version).toMatch(/\S/);
    expect(core.grabcutDefaults()).toEqual({ components: 5, iterations: 5, gamma: 50, connectivity: 8, seed: 0, modelsFromSeeds: false });
  });

  describe('max-flow', () => {
    it('matches Edmonds-Karp on 300 random grids, and its labels cut at the flow', () => {
      for (let seed = 1; seed <= 300; seed++) {
        const g = randomGrid(seed);
        const copies = [g.source.slice(), g.sink.slice(), g.edges.slice()];
        const { label, flow } = core.maxflowGrid(g.width, g.height, g.connectivity, g.source, g.sink, g.edges);
        const ref = referenceMaxflow(g);
        const tol = 1e-9 * Math.max(1, totalCapacity(g));
        const where = `seed ${seed} (${g.width}x${g.height}, connectivity ${g.connectivity})`;
        expect(label.length, where).toBe(g.width * g.height);
        expect(label.every((v) => v === 0 || v === 1), where).toBe(true);
        expect(Math.abs(flow - ref), `${where}: flow ${flow} vs reference ${ref}`).toBeLessThanOrEqual(tol);
        expect(Math.abs(cutCapacity(g, label) - flow), `${where}: cut vs flow`).toBeLessThanOrEqual(tol);
        expect([g.source, g.sink, g.edges]).toEqual(copies);
      }
    });

    it('puts pixels on the side of their dominant terminal when edges are zero', () => {
      const source = new Float32Array([5, 0, 2, 0]);
      const sink = new Float32Array([0, 3, 1, 0]);
      const { label, flow } = core.maxflowGrid(2, 2, 4, source, sink, new Float32Array(8));
      expect(Array.from(label.subarray(0, 3))).toEqual([1, 0, 1]);
      expect(flow).toBe(1);
    });

    it('cuts a zero-capacity grid at flow 0', () => {
      const { flow } = core.maxflowGrid(3, 2, 8, new Float32Array(6), new Float32Array(6), new Float32Array(24));
      expect(flow).toBe(0);
    });
  });

  describe('GrabCut', () => {
    it('never increases the energy and finds the disc on synthetic images', () => {
      for (const [w, h, seed, connectivity] of [
        [40, 32, 1, 8],
        [33, 47, 2, 4],
        [64, 48, 3, 8],
        [25, 25, 4, 4],
      ] as const) {
        const { rgb, labels, truth } = discScene(w, h, seed);
        const labelsCopy = labels.slice();
        const rgbCopy = rgb.slice();
        const res = core.grabcut(rgb, w, h, labels, { iterations: 8, connectivity });
        expect(labels).toEqual(labelsCopy);
        expect(rgb).toEqual(rgbCopy);
        expect(res.iterations).toBeGreaterThanOrEqual(1);
        expect(res.iterations).toBeLessThanOrEqual(8);
        expect(res.energy).toHaveLength(res.iterations);
        expect(res.beta).toBeGreaterThan(0);
        for (let i = 1; i < res.energy.length; i++) {
          expect(res.energy[i]!, `energy at iteration ${i}: ${res.energy.join(', ')}`).toBeLessThanOrEqual(
            res.energy[i - 1]! + 1e-9 * Math.abs(res.energy[i - 1]!),
          );
        }
        let inter = 0;
        let union = 0;
        for (let p = 0; p < w * h; p++) {
          if (labels[p] === 0) expect(res.labels[p]).toBe(0);
          else expect([2, 3]).toContain(res.labels[p]);
          const fg = res.labels[p] === 3 || res.labels[p] === 1;
          inter += fg && truth[p] ? 1 : 0;
          union += fg || truth[p] ? 1 : 0;
        }
        expect(inter / union, `IoU with the disc, ${w}x${h}`).toBeGreaterThan(0.9);
      }
    });

    it('keeps hard seeds and defaults its parameters', () => {
      const { rgb, labels } = discScene(30, 30, 9);
      labels[0] = 1; // a foreground seed in the background: stays 1
      labels[15 * 30 + 15] = 0; // a background seed in the disc: stays 0
      const res = core.grabcut(rgb, 30, 30, labels);
      expect(res.labels[0]).toBe(1);
      expect(res.labels[15 * 30 + 15]).toBe(0);
      expect(res.iterations).toBeLessThanOrEqual(5);
    });

    it('runs on a constant image', () => {
      const rgb = new Uint8Array(20 * 10 * 3).fill(128);
      const labels = new Uint8Array(200).map((_, p) => (p % 20 >= 5 && p % 20 < 15 ? 3 : 0));
      const res = core.grabcut(rgb, 20, 10, labels);
      expect(res.labels).toHaveLength(200);
      for (let p = 0; p < 200; p++) expect(labels[p] === 0 ? [0] : [2, 3]).toContain(res.labels[p]);
      expect(res.energy.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(res.beta)).toBe(true);
    });
  });

  describe('GMM', () => {
    const truth = [
      [30, 30, 200],
      [200, 40, 40],
      [40, 200, 60],
    ];
    const weights = [0.5, 0.3, 0.2];
    function samples(n: number, seed: number): Float32Array {
      const r = rng(seed);
      const out = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) {
        const u = r();
        const c = u < weights[0]! ? 0 : u < weights[0]! + weights[1]! ? 1 : 2;
        for (let k = 0; k < 3; k++) out[i * 3 + k] = truth[c]![k]! + (4 + 2 * k) * gauss(r);
      }
      return out;
    }

    it('recovers known clusters', () => {
      const x = samples(3000, 5);
      const g = core.gmmFit(x, 3, { seed: 7, iterations: 10 });
      expect(g.k).toBe(3);
      expect(g.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      for (let t = 0; t < 3; t++) {
        // the fitted component nearest to each true centre
        let best = -1;
        let bestD = Infinity;
        for (let c = 0; c < g.k; c++) {
          const d = Math.hypot(...[0, 1, 2].map((k) => g.mean[c * 3 + k]! - truth[t]![k]!));
          if (d < bestD) [best, bestD] = [c, d];
        }
        expect(bestD, `centre ${t}`).toBeLessThan(1.5);
        expect(Math.abs(g.weight[best]! - weights[t]!), `weight ${t}`).toBeLessThan(0.03);
        for (let k = 0; k < 3; k++) {
          const sd = Math.sqrt(g.cov[best * 9 + k * 4]!);
          expect(Math.abs(sd - (4 + 2 * k)), `sd ${t}/${k}`).toBeLessThan(0.2 * (4 + 2 * k));
        }
      }
    });

    it('gives log-likelihoods that match the fitted parameters', () => {
      const x = samples(500, 6);
      const g = core.gmmFit(x, 3, { seed: 1 });
      const ll = core.gmmLogLik(g, x);
      expect(ll).toBeInstanceOf(Float32Array);
      expect(ll).toHaveLength(500);
      for (let i = 0; i < 500; i += 7) {
        const terms: number[] = [];
        for (let c = 0; c < g.k; c++) {
          const d = [0, 1, 2].map((k) => x[i * 3 + k]! - g.mean[c * 3 + k]!);
          let q = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) q += d[a]! * g.inv[c * 9 + a * 3 + b]! * d[b]!;
          terms.push(g.logNorm[c]! - 0.5 * q);
        }
        const m = Math.max(...terms);
        const ref = m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
        expect(Math.abs(ll[i]! - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)));
      }
      // a point far from every cluster is much less likely than a cluster centre
      const far = core.gmmLogLik(g, new Float32Array([255, 255, 0, 30, 30, 200]));
      expect(far[0]!).toBeLessThan(far[1]! - 20);
    });
  });

  describe('quantile', () => {
    it('matches the sorted-array formula', () => {
      const r = rng(11);
      for (let t = 0; t < 200; t++) {
        const n = 1 + Math.floor(r() * (t < 100 ? 20 : 2000));
        const map = new Float32Array(n).map(() => (r() < 0.1 ? Math.round(r() * 3) : (r() - 0.3) * 1000));
        const copy = map.slice();
        for (const q of [0, 1, 0.5, 0.01, 0.25, 0.9, 0.99, r()]) {
          const got = core.quantile(map, q);
          const ref = referenceQuantile(map, q);
          const scale = Math.max(...Array.from(map, Math.abs));
          expect(Math.abs(got - ref), `n ${n}, q ${q}`).toBeLessThanOrEqual(1e-6 * scale);
          if (q === 0) expect(got).toBe(Math.min(...map));
          if (q === 1) expect(got).toBe(Math.max(...map));
        }
        expect(map).toEqual(copy);
      }
    });

    it('returns the middle value exactly for odd n and q = 0.5', () => {
      expect(core.quantile(new Float32Array([3, -1, 7.25, 2, 100]), 0.5)).toBe(3);
      expect(core.quantile(new Float32Array([42]), 0.3)).toBe(42);
    });
  });

  describe('largest component', () => {
    const parse = (rows: string[]) => ({
      w: rows[0]!.length,
      h: rows.length,
      mask: Uint8Array.from(rows.join(''), (ch) => (ch === '.' ? 0 : ch === '#' ? 1 : 255)),
    });

    it('takes the largest 8-connected component', () => {
      const { w, h, mask } = parse([
        '##.......', //
        '##...#...',
        '......#..',
        '.......@.',
        '......#.#',
        '.##......',
      ]);
      const copy = mask.slice();
      const res = core.largestComponent(mask, w, h);
      // the diagonal chain (5 pixels, 255 counts as set) beats the 2x2 block (4) and the pair (2)
      expect(res.area).toBe(5);
      expect(res.box).toEqual([5, 1, 8, 4]);
      const on: number[] = [];
      res.mask.forEach((v, p) => v && on.push(p));
      expect(on).toEqual([1 * w + 5, 2 * w + 6, 3 * w + 7, 4 * w + 6, 4 * w + 8]);
      expect(res.mask.every((v) => v === 0 || v === 1)).toBe(true);
      expect(mask).toEqual(copy);
    });

    it('handles empty, full and single-pixel masks', () => {
      const empty = core.largestComponent(new Uint8Array(12), 4, 3);
      expect(empty).toEqual({ mask: new Uint8Array(12), box: null, area: 0 });
      const full = core.largestComponent(new Uint8Array(12).fill(1), 4, 3);
      expect(full.area).toBe(12);
      expect(full.box).toEqual([0, 0, 3, 2]);
      const one = core.largestComponent(Uint8Array.of(0, 0, 0, 0, 0, 7), 3, 2);
      expect(one).toEqual({ mask: Uint8Array.of(0, 0, 0, 0, 0, 1), box: [2, 1, 2, 1], area: 1 });
    });

    it('does not join components that touch only across the image edge', () => {
      const { w, h, mask } = parse(['#..##', '#...#', '#....']);
      const res = core.largestComponent(mask, w, h);
      expect(res.area).toBe(3);
    });
  });

  describe('bad input', () => {
    // 3x3, connectivity 4: edges[1] is pixel 0's edge down, inside the grid
    const g: GridProblem = {
      width: 3,
      height: 3,
      connectivity: 4,
      source: new Float32Array(9).fill(1),
      sink: new Float32Array(9).fill(2),
      edges: new Float32Array(18).fill(0.5),
    };
    const { rgb, labels } = discScene(16, 12, 1);

    it('rejects typed arrays of the wrong length or kind, naming the argument', () => {
      expect(() => core.maxflowGrid(g.width, g.height, g.connectivity, g.source.subarray(1), g.sink, g.edges)).toThrow(/source has length/);
      expect(() => core.maxflowGrid(g.width, g.height, g.connectivity, g.source, g.sink, g.edges.subarray(1))).toThrow(/edges has length/);
      expect(() => core.maxflowGrid(g.width, g.height, g.connectivity === 4 ? 8 : 4, g.source, g.sink, g.edges)).toThrow(/edges has length/);
      expect(() => core.grabcut(rgb.subarray(3), 16, 12, labels)).toThrow(RangeError);
      expect(() => core.grabcut(rgb.subarray(3), 16, 12, labels)).toThrow(/rgb has length 573, expected 3\*width\*height/);
      expect(() => core.grabcut(rgb, 16, 12, labels.subarray(0, 100))).toThrow(/labels has length 100/);
      expect(() => core.grabcut(rgb, 12, 16 + 1, labels)).toThrow(/has length/);
      expect(() => core.largestComponent(new Uint8Array(5), 2, 3)).toThrow(/mask has length 5, expected width\*height \(2x3\) = 6/);
      expect(() => core.quantile(new Float64Array(4) as unknown as Float32Array, 0.5)).toThrow(TypeError);
      expect(() => core.quantile(new Float64Array(4) as unknown as Float32Array, 0.5)).toThrow(/map must be a Float32Array, got a Float64Array/);
      expect(() => core.grabcut(rgb, 16, 12, Array.from(labels) as unknown as Uint8Array)).toThrow(/labels must be a Uint8Array, got an Array/);
      expect(() => core.maxflowGrid(2.5, 2, 4, g.source, g.sink, g.edges)).toThrow(/width must be a 32-bit integer, got 2.5/);
      expect(() => core.maxflowGrid(2, 2, 6 as 4, new Float32Array(4), new Float32Array(4), new Float32Array(8))).toThrow(/connectivity must be 4 or 8/);
      expect(() => core.gmmFit(new Float32Array(10), 2)).toThrow(/samples has length 10, not a multiple of 3/);
      expect(() => core.grabcut(rgb, 16, 12, labels, { iteration: 3 } as Partial<GrabCutParams>)).toThrow(/params.iteration is not a GrabCut parameter/);
      expect(() => core.grabcut(rgb, 16, 12, labels, { gamma: '5' as unknown as number })).toThrow(/params.gamma must be a number/);
      expect(() => core.grabcut(rgb, 16, 12, labels, { seed: -1 })).toThrow(/params.seed must be an integer in 0..4294967295/);
    });

    it('needs foreground and background labels', () => {
      expectCoreError(() => core.grabcut(rgb, 16, 12, new Uint8Array(192).fill(2)), 'DI_E_SEEDS', /foreground/i);
      expectCoreError(() => core.grabcut(rgb, 16, 12, new Uint8Array(192).fill(0)), 'DI_E_SEEDS', /foreground/i);
      expectCoreError(() => core.grabcut(rgb, 16, 12, new Uint8Array(192).fill(3)), 'DI_E_SEEDS', /background/i);
      expectCoreError(() => core.grabcut(rgb, 16, 12, new Uint8Array(192).fill(1)), 'DI_E_SEEDS', /background/i);
    });

    it('rejects labels outside 0..3 and parameters out of range', () => {
      const bad = labels.slice();
      bad[17] = 4;
      expectCoreError(() => core.grabcut(rgb, 16, 12, bad), 'DI_E_ARGUMENT', /label/i);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { iterations: 0 }), 'DI_E_ARGUMENT', /iterations/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { iterations: 65 }), 'DI_E_ARGUMENT', /iterations/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { components: 0 }), 'DI_E_ARGUMENT', /components/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { components: 17 }), 'DI_E_ARGUMENT', /components/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { connectivity: 6 as 4 }), 'DI_E_ARGUMENT', /connectivity/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { gamma: -1 }), 'DI_E_ARGUMENT', /gamma/);
      expectCoreError(() => core.grabcut(rgb, 16, 12, labels, { gamma: NaN }), ['DI_E_ARGUMENT', 'DI_E_VALUE'], /gamma/);
      expectCoreError(() => core.gmmFit(new Float32Array(30), 0), 'DI_E_ARGUMENT', /k/);
      expectCoreError(() => core.gmmFit(new Float32Array(30), 17), 'DI_E_ARGUMENT', /k/);
      expectCoreError(() => core.quantile(new Float32Array(3), 1.5), 'DI_E_ARGUMENT', /q/);
      expectCoreError(() => core.quantile(new Float32Array(3), NaN), ['DI_E_ARGUMENT', 'DI_E_VALUE'], /q/);
    });

    it('rejects NaN and infinite values, naming the argument', () => {
      const map = new Float32Array(50).map((_, i) => i);
      map[33] = NaN;
      expectCoreError(() => core.quantile(map, 0.5), 'DI_E_VALUE', /map/);
      map[33] = -Infinity;
      expectCoreError(() => core.quantile(map, 0.5), 'DI_E_VALUE', /map/);
      const x = new Float32Array(30).map((_, i) => i);
      x[4] = NaN;
      expectCoreError(() => core.gmmFit(x, 2), 'DI_E_VALUE', /samples/);
      for (const [arg, v] of [
        ['source', Infinity],
        ['sink', NaN],
        ['edge', Infinity],
        ['edge', NaN],
        ['source', -1],
        ['edge', -0.5],
      ] as const) {
        const bad = { source: g.source.slice(), sink: g.sink.slice(), edges: g.edges.slice() };
        (arg === 'edge' ? bad.edges : bad[arg])[1] = v;
        // a negative capacity is finite but out of range: either code will do
        const codes = v < 0 ? ['DI_E_VALUE', 'DI_E_ARGUMENT'] : 'DI_E_VALUE';
        expectCoreError(() => core.maxflowGrid(g.width, g.height, g.connectivity, bad.source, bad.sink, bad.edges), codes, new RegExp(arg));
      }
    });

    it('rejects empty and absurd sizes', () => {
      const e = new Float32Array(0);
      const size = /width|height|size|pixels/i;
      expectCoreError(() => core.maxflowGrid(0, 0, 4, e, e, e), 'DI_E_SIZE', size);
      expectCoreError(() => core.maxflowGrid(0, 5, 4, e, e, e), 'DI_E_SIZE', size);
      expectCoreError(() => core.maxflowGrid(100000, 100000, 8, e, e, e), 'DI_E_SIZE', size);
      expectCoreError(() => core.maxflowGrid(65536, 65536, 4, e, e, e), 'DI_E_SIZE', size);
      expectCoreError(() => core.maxflowGrid(-3, 4, 4, e, e, e), 'DI_E_SIZE', size);
      expectCoreError(() => core.grabcut(new Uint8Array(0), 0, 0, new Uint8Array(0)), 'DI_E_SIZE', size);
      expectCoreError(() => core.grabcut(rgb, 70000, 1, labels), 'DI_E_SIZE', size);
      expectCoreError(() => core.grabcut(rgb, 2147483647, 2147483647, labels), 'DI_E_SIZE', size);
      expectCoreError(() => core.largestComponent(new Uint8Array(0), 0, 0), 'DI_E_SIZE', size);
      expectCoreError(() => core.largestComponent(new Uint8Array(4), 1 << 16, 1 << 11), 'DI_E_SIZE', size);
      expectCoreError(() => core.quantile(new Float32Array(0), 0.5), 'DI_E_SIZE', /n|empty/i);
      expectCoreError(() => core.gmmFit(new Float32Array(0), 2), 'DI_E_SIZE', /n|sample/i);
    });

    it('still works after errors', () => {
      expect(core.quantile(new Float32Array([1, 2, 3]), 0.5)).toBe(2);
    });
  });
});

// ---- native vs wasm -----------------------------------------------------------------------------

describe.skipIf(SKIP_NATIVE)('native and wasm cores agree bit for bit', () => {
  let native: CoreBackend;
  let wasm: CoreBackend;
  beforeAll(async () => {
    native = (await loadCore('native')).core;
    wasm = (await loadCore('wasm')).core;
  });

  it('on 300 random max-flow problems', () => {
    for (let seed = 1000; seed < 1300; seed++) {
      const g = randomGrid(seed);
      const a = native.maxflowGrid(g.width, g.height, g.connectivity, g.source, g.sink, g.edges);
      const b = wasm.maxflowGrid(g.width, g.height, g.connectivity, g.source, g.sink, g.edges);
      expect(b.label, `seed ${seed}`).toEqual(a.label);
      expect(Object.is(a.flow, b.flow), `seed ${seed}: flow ${a.flow} vs ${b.flow}`).toBe(true);
    }
  });

  it('on 200 random GrabCut problems (labels, energies, beta)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const s = randomScene(seed);
      const a = native.grabcut(s.rgb, s.width, s.height, s.labels, s.params);
      const b = wasm.grabcut(s.rgb, s.width, s.height, s.labels, s.params);
      const where = `seed ${seed} (${s.width}x${s.height}, ${JSON.stringify(s.params)})`;
      expect(b.labels, where).toEqual(a.labels);
      expect(b.iterations, where).toBe(a.iterations);
      expect(b.energy, where).toEqual(a.energy);
      expect(Object.is(a.beta, b.beta), where).toBe(true);
    }
  });

  it('on GrabCut over larger synthetic images', () => {
    for (const [w, h, seed] of [
      [96, 80, 21],
      [128, 64, 22],
    ] as const) {
      const { rgb, labels } = discScene(w, h, seed, 30);
      const a = native.grabcut(rgb, w, h, labels, { iterations: 10 });
      const b = wasm.grabcut(rgb, w, h, labels, { iterations: 10 });
      expect(b.labels).toEqual(a.labels);
      expect(b.energy).toEqual(a.energy);
    }
  });

  it('on GMM fits, log-likelihoods and quantiles', () => {
    const r = rng(99);
    for (let t = 0; t < 30; t++) {
      const n = 5 + Math.floor(r() * 400);
      const x = new Float32Array(3 * n).map(() => Math.floor(r() * 256));
      const k = 1 + Math.floor(r() * 5);
      const opts = { seed: t, iterations: Math.floor(r() * 8) };
      const ga = native.gmmFit(x, k, opts);
      const gb = wasm.gmmFit(x, k, opts);
      expect(gb).toEqual(ga);
      expect(wasm.gmmLogLik(ga, x)).toEqual(native.gmmLogLik(ga, x));
      const q = r();
      expect(Object.is(wasm.quantile(x, q), native.quantile(x, q))).toBe(true);
    }
  });
});

// ---- loading ------------------------------------------------------------------------------------

/** Runs a snippet against ts/native/index.ts in a fresh Node (tsx), returns its JSON output. */
async function inChild(code: string, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(INDEX_TS).href)}); ${code}`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('loadCore', () => {
  it.skipIf(SKIP_NATIVE)('auto picks the addon and never loads the WebAssembly module', async () => {
    const out = await inChild(`
      const w = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'ts', 'native', 'wasm.ts')).href)});
      const { core, fallbackReason } = await m.loadCore();
      console.log(JSON.stringify({ name: core.name, fallbackReason: fallbackReason ?? null, wasmLoaded: w.wasmModuleLoaded() }));
    `);
    expect(out).toEqual({ name: 'native', fallbackReason: null, wasmLoaded: false });
  });

  it('auto falls back to wasm with the loader\'s reason when the addon is missing or broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepinside-core-'));
    const missing = join(dir, 'missing.node');
    const snippet = `
      const { core, fallbackReason } = await m.loadCore('auto');
      let nativeError = null;
      try { await m.loadCore('native'); } catch (e) { nativeError = e.name + ': ' + e.message; }
      console.log(JSON.stringify({ name: core.name, fallbackReason, nativeError, q: core.quantile(new Float32Array([1, 2, 3, 4]), 0.5) }));
    `;
    const a = await inChild(snippet, { DEEPINSIDE_NATIVE_ADDON: missing });
    expect(a.name).toBe('wasm');
    expect(a.q).toBe(2.5);
    expect(a.fallbackReason).toContain(`${missing}: not found`);
    expect(a.nativeError).toMatch(/^NativeLoadError: .*not found/);

    const corrupt = join(dir, 'corrupt.node');
    writeFileSync(corrupt, 'not a shared object');
    const b = await inChild(snippet, { DEEPINSIDE_NATIVE_ADDON: corrupt });
    expect(b.name).toBe('wasm');
    expect(b.fallbackReason).toContain(corrupt);
    expect(b.fallbackReason).toMatch(/invalid ELF header|too short|not a valid|file too short/i);
  });

  it('looks for the addon in build/native/Release and prebuilds/', () => {
    const saved = process.env.DEEPINSIDE_NATIVE_ADDON;
    delete process.env.DEEPINSIDE_NATIVE_ADDON;
    try {
      expect(addonCandidates()).toEqual([
        join(ROOT, 'build', 'native', 'Release', 'deepinside_native.node'),
        join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'deepinside_native.node'),
      ]);
    } finally {
      if (saved !== undefined) process.env.DEEPINSIDE_NATIVE_ADDON = saved;
    }
  });
});

// ---- leaks --------------------------------------------------------------------------------------

describe.skipIf(SKIP_NATIVE)('native addon memory', () => {
  it('keeps RSS flat over 10,000 rounds of GrabCut and every other call, failing ones too', async () => {
    const addonPath = join(ROOT, 'build', 'native', 'Release', 'deepinside_native.node');
    const script = `
      const a = require(${JSON.stringify(addonPath)});
      const w = 24, h = 20, n = w * h;
      const rgb = new Uint8Array(n * 3).map((_, i) => (i * 37 + (i % 3) * 91) & 255);
      const labels = new Uint8Array(n).map((_, p) => ((p % w) > 5 && (p % w) < 18 && p > 4 * w && p < 16 * w ? 3 : 0));
      const noFg = new Uint8Array(n);
      const caps = new Float32Array(4 * n).map((_, i) => (i * 7) % 5);
      const samples = new Float32Array(rgb);
      const step = () => {
        a.grabcut(rgb, w, h, labels, { iterations: 2, components: 3 });
        try { a.grabcut(rgb, w, h, noFg); } catch {}
        a.maxflowGrid(w, h, 8, caps.subarray(0, n), caps.subarray(n, 2 * n), caps);
        a.gmmLogLik(a.gmmFit(samples, 2, 1, 1), samples.subarray(0, 30));
        a.largestComponent(labels, w, h);
        try { a.quantile(new Float32Array([1, NaN]), 0.5); } catch {}
        try { a.maxflowGrid(w, h, 4, caps, caps, caps); } catch {}
      };
      for (let i = 0; i < 3000; i++) step();
      global.gc(); global.gc();
      const before = process.memoryUsage().rss;
      const t = Date.now();
      for (let i = 0; i < 10000; i++) { step(); if (i % 1000 === 999) global.gc(); }
      global.gc(); global.gc();
      const after = process.memoryUsage().rss;
      console.log(JSON.stringify({ before, after, ms: Date.now() - t }));
    `;
    const { stdout } = await run(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT });
    const { before, after, ms } = JSON.parse(stdout.trim()) as { before: number; after: number; ms: number };
    const growthMB = (after - before) / 2 ** 20;
    expect(growthMB, `RSS ${before} -> ${after} bytes over 10,000 rounds (${ms} ms)`).toBeLessThan(4);
  }, 120_000);
});

// Weakly supervised localisation: the segmentation on synthetic scenes with a known box, the
// geometry helpers, the ILSVRC rule, and the localise() API on both cores.
import { beforeAll, describe, expect, it } from 'vitest';
import { Explainer } from '../ts/explainer.js';
import { FIXED_BOXES, iou, localisationError, localised, maskIou } from '../ts/evaluation.js';
import { type LocaliseOptions, LABEL, PAPER_OPTIONS, PAPER_SETTINGS, boundingBox, downsampleFactor, boxToSource, maskToSource, framed, rectangleLabels, seedBorder, seedLabels, segment } from '../ts/localise.js';
import { loadCore, type CoreBackend } from '../ts/native/index.js';
import type { ClassSaliency } from '../ts/explainer.js';
import { drawEdgeStripScene, drawRingScene, drawScene } from './helpers/scenes.js';
import { rng } from './helpers/net.js';
import { poolMap, poolRgb, unpoolMask } from '../ts/image/pool.js';
import { sceneImage, tinyClassifier } from './helpers/fixtures.js';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';

const FULL = { x: 0, y: 0, width: 96, height: 80 };
function asSaliency(raw: Float32Array, w: number, h: number): ClassSaliency {
  return { target: { index: 0, label: '0', score: 0, probability: 1 }, raw, map: raw, width: w, height: h, sourceMap: raw, sourceWidth: w, sourceHeight: h };
}

describe.each(['native', 'wasm'] as const)('segmentation on synthetic scenes (%s core)', (name) => {
  let core: CoreBackend;
  beforeAll(async () => { core = (await loadCore(name)).core; });

  const settings: [string, LocaliseOptions][] = [['default settings', {}], ["the paper's settings", PAPER_SETTINGS], ['models from all labels, largest component', { modelsFromSeeds: false, boxFrom: 'largest' }],
    ['on the grid pooled 2x2', { downsample: 2 }]];
  for (const [what, opts] of settings) {
    it(`finds the object's box with IoU >= 0.8 (${what})`, () => {
      const ious: number[] = [];
      for (let seed = 1; seed <= 12; seed++) {
        const s = drawScene(seed);
        const r = segment(core, { data: s.rgb, width: s.width, height: s.height }, asSaliency(s.saliency, s.width, s.height), opts, FULL);
        ious.push(r.box ? iou(r.box, s.box) : 0);
        // energies never rise
        r.energy.forEach((e, i) => i > 0 && expect(e).toBeLessThanOrEqual(r.energy[i - 1]!));
      }
      expect(Math.min(...ious), `IoUs ${ious.map((v) => v.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(0.8);
    });
  }
});

describe.each(['native', 'wasm'] as const)('border: a background frame along the edges (%s core)', (name) => {
  let core: CoreBackend;
  beforeAll(async () => { core = (await loadCore(name)).core; });

  it("keeps the mask off an edge stripe of the object's colour that the map rates in between", () => {
    for (let seed = 1; seed <= 6; seed++) {
      const s = drawEdgeStripScene(seed);
      const input = { data: s.rgb, width: s.width, height: s.height }, sal = asSaliency(s.saliency, s.width, s.height);
      const without = segment(core, input, sal, {}, FULL);
      // the colour model takes the stripe for object, and the box runs to the left edge
      expect(without.box![0], `seed ${seed}`).toBe(0);
      expect(iou(without.box!, s.box)).toBeLessThan(0.7);
      for (const downsample of [1, 2]) {
        const r = segment(core, input, sal, { border: 0.05, downsample }, FULL);
        expect(iou(r.box!, s.box), `seed ${seed} downsample ${downsample}`).toBeGreaterThanOrEqual(0.85);
        r.energy.forEach((e, i) => i > 0 && expect(e).toBeLessThanOrEqual(r.energy[i - 1]!));
      }
    }
  });

  it('falls back to the map seeds alone when the frame would cover all of the foreground ones', () => {
    const s = drawScene(1), r = rng(5);
    const sal = Float32Array.from({ length: s.width * s.height }, (_, p) => ((p % s.width) < 3 ? 1 + r() : 0.1 * r()));
    const input = { data: s.rgb, width: s.width, height: s.height }, opts = { fgQuantile: 0.97 };
    const plain = segment(core, input, asSaliency(sal, s.width, s.height), opts, FULL);
    const withFrame = segment(core, input, asSaliency(sal, s.width, s.height), { ...opts, border: 0.05 }, FULL);
    expect(withFrame.box).not.toBeNull();
    expect(withFrame.modelMask).toEqual(plain.modelMask);
  });

  it('leaves the synthetic scenes, whose objects keep off the edges, as well localised', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const s = drawScene(seed);
      const r = segment(core, { data: s.rgb, width: s.width, height: s.height }, asSaliency(s.saliency, s.width, s.height), { border: 0.05 }, FULL);
      expect(iou(r.box!, s.box), `seed ${seed}`).toBeGreaterThanOrEqual(0.8);
    }
  });
});

describe('framed seeds', () => {
  it('adds the frame to the seeds without changing them, unless it would cover every foreground seed', () => {
    const w = 10, h = 10, seeds = new Uint8Array(w * h).fill(LABEL.PR_BG);
    seeds[0] = LABEL.FG; // a corner: inside any frame
    expect(framed(seeds, w, h, 0.1)).toBe(seeds);
    seeds[55] = LABEL.FG; // the middle
    const f = framed(seeds, w, h, 0.1);
    expect(f).not.toBe(seeds);
    expect([f[0], f[55], f[44], seeds[0]]).toEqual([LABEL.BG, LABEL.FG, LABEL.PR_BG, LABEL.FG]);
  });
});

describe('seedBorder', () => {
  it('marks a frame of the given fraction of each side (at least one pixel) as background and nothing else', () => {
    const w = 20, h = 10, labels = new Uint8Array(w * h).fill(LABEL.PR_BG);
    seedBorder(labels, w, h, 0.1); // 2 columns, 1 row
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const frame = x < 2 || x >= w - 2 || y < 1 || y >= h - 1;
      expect(labels[y * w + x], `${x},${y}`).toBe(frame ? LABEL.BG : LABEL.PR_BG);
    }
    const tiny = new Uint8Array(w * h).fill(LABEL.FG);
    seedBorder(tiny, w, h, 0.001);
    expect(tiny.filter((v) => v === LABEL.BG).length).toBe(2 * w + 2 * (h - 2));
  });
});

describe.each(['native', 'wasm'] as const)("refine: a second GrabCut in rectangle mode (%s core)", (name) => {
  let core: CoreBackend;
  beforeAll(async () => { core = (await loadCore(name)).core; });

  it('fills out an object whose salient outline seeded only part of it', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const s = drawRingScene(seed);
      const input = { data: s.rgb, width: s.width, height: s.height }, sal = asSaliency(s.saliency, s.width, s.height);
      const first = segment(core, input, sal, {}, FULL);
      // seeded from the ring, the first pass takes the disc inside it for background
      expect(maskIou(first.modelMask, s.mask)).toBeLessThan(0.7);
      expect(first.refineEnergy).toEqual([]);
      for (const refine of [0, 0.1]) {
        const r = segment(core, input, sal, { refine }, FULL);
        expect(maskIou(r.modelMask, s.mask), `seed ${seed} refine ${refine}`).toBeGreaterThanOrEqual(0.95);
        expect(iou(r.box!, s.box)).toBeGreaterThanOrEqual(0.9);
        expect(r.energy).toEqual(first.energy); // the first pass is the same
        expect(r.refineEnergy.length).toBe(5);
        r.refineEnergy.forEach((e, i) => i > 0 && expect(e).toBeLessThanOrEqual(r.refineEnergy[i - 1]!));
      }
    }
  });

  it('keeps the first pass when the grown box leaves no background', () => {
    const s = drawRingScene(3);
    const input = { data: s.rgb, width: s.width, height: s.height }, sal = asSaliency(s.saliency, s.width, s.height);
    const first = segment(core, input, sal, {}, FULL), wide = segment(core, input, sal, { refine: 1 }, FULL);
    expect(wide.refineEnergy).toEqual([]);
    expect(Buffer.from(wide.modelMask).equals(Buffer.from(first.modelMask))).toBe(true);
  });
});

describe('rectangle labels', () => {
  it('background outside the box grown by the margin, probable foreground inside, on the pooled grid', () => {
    const l = rectangleLabels({ width: 10, height: 8 }, [4, 2, 5, 5], 0.5)!;
    // 2x4 box grown by 1 and 2 pixels: x 3..6, y 0..7
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) expect(l[y * 10 + x], `${x},${y}`).toBe(x >= 3 && x <= 6 ? LABEL.PR_FG : LABEL.BG);
    const pooled = rectangleLabels({ width: 5, height: 4 }, [4, 2, 5, 5], 0, 2)!; // model pixels 4..5 x 2..5 -> grid 2 x 1..2
    expect(Array.from(pooled).map((v, i) => (v === LABEL.PR_FG ? i : -1)).filter((i) => i >= 0)).toEqual([7, 12]);
    expect(rectangleLabels({ width: 10, height: 8 }, [0, 0, 9, 7], 0)).toBeNull();
    expect(rectangleLabels({ width: 10, height: 8 }, [2, 2, 7, 5], 0.5)).toBeNull();
  });
});

describe("downsample 'auto'", () => {
  it('pools 224-pixel inputs 2x2 and leaves 128-pixel ones alone', () => {
    expect(downsampleFactor('auto', 224, 224)).toBe(2);
    expect(downsampleFactor('auto', 128, 128)).toBe(1);
    expect(downsampleFactor('auto', 96, 80)).toBe(1);
    expect(downsampleFactor('auto', 900, 500)).toBe(4);
    expect(downsampleFactor('auto', 4000, 4000)).toBe(8);
    expect(downsampleFactor(3, 224, 224)).toBe(3);
  });
  it('segments exactly as the factor it resolves to', async () => {
    const { core } = await loadCore('native');
    const s = drawScene(5, 224, 224);
    const input = { data: s.rgb, width: s.width, height: s.height }, crop = { x: 0, y: 0, width: 224, height: 224 };
    const auto = segment(core, input, asSaliency(s.saliency, 224, 224), { downsample: 'auto' }, crop);
    const two = segment(core, input, asSaliency(s.saliency, 224, 224), { downsample: 2 }, crop);
    const one = segment(core, input, asSaliency(s.saliency, 224, 224), { downsample: 1 }, crop);
    expect(Buffer.from(auto.modelMask).equals(Buffer.from(two.modelMask))).toBe(true);
    expect(auto.energy).toEqual(two.energy);
    expect(auto.energy).not.toEqual(one.energy);
  });
});

describe('native and wasm cores agree bit for bit', () => {
  it('gives identical masks and energies on the same scenes', async () => {
    const native = (await loadCore('native')).core, wasm = (await loadCore('wasm')).core;
    for (let seed = 1; seed <= 8; seed++) {
      const s = drawScene(seed, 70, 50);
      const input = { data: s.rgb, width: s.width, height: s.height };
      for (const opts of [{}, { modelsFromSeeds: true, smoothing: 2 }, { refine: 0.1, boxFrom: 'largest' as const }]) {
        const a = segment(native, input, asSaliency(s.saliency, s.width, s.height), opts, { x: 0, y: 0, width: 70, height: 50 });
        const b = segment(wasm, input, asSaliency(s.saliency, s.width, s.height), opts, { x: 0, y: 0, width: 70, height: 50 });
        expect(Buffer.from(a.modelMask).equals(Buffer.from(b.modelMask))).toBe(true);
        expect(a.energy).toEqual(b.energy);
        expect(a.refineEnergy).toEqual(b.refineEnergy);
      }
    }
  });
});

describe('localisation geometry', () => {
  it('seeds: hard foreground above the fg quantile, hard background below the bg quantile', async () => {
    const { core } = await loadCore('wasm');
    const raw = Float32Array.from({ length: 100 }, (_, i) => i);
    const labels = seedLabels(core, raw, 0.95, 0.3);
    expect(labels.filter((l) => l === 1).length).toBe(5);   // 95..99 (the quantile is 94.05)
    expect(labels.filter((l) => l === 0).length).toBe(30);  // 0..29 (the quantile is 29.7)
    expect(labels.filter((l) => l === 2).length).toBe(65);
    expect(() => seedLabels(core, new Float32Array(10).fill(3), 0.95, 0.3)).toThrow(/saliency map is constant/);
  });

  it('maps boxes and masks from the model grid back to the original image', () => {
    // a 4x4 model grid over a 40x20 original (stretch)
    expect(boxToSource([1, 1, 2, 2], 4, 4, { x: 0, y: 0, width: 40, height: 20 }, 40, 20)).toEqual([10, 5, 29, 14]);
    // centre crop: the model saw x 10..29 of a 40x20 image
    expect(boxToSource([0, 0, 3, 3], 4, 4, { x: 10, y: 0, width: 20, height: 20 }, 40, 20)).toEqual([10, 0, 29, 19]);
    const m = maskToSource(Uint8Array.from([0, 1, 0, 0]), 2, 2, { x: 0, y: 0, width: 4, height: 2 }, 4, 2);
    expect(Array.from(m)).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    expect(boundingBox(Uint8Array.from([0, 0, 0, 0, 1, 1, 0, 0, 0]), 3, 3)).toEqual([1, 1, 2, 1]);
    expect(boundingBox(new Uint8Array(9), 3, 3)).toBeNull();
  });
});

describe('the ILSVRC localisation rule', () => {
  it('mask IoU: intersection over union of the non-zero pixels', () => {
    expect(maskIou(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0]))).toBeCloseTo(1 / 3, 12);
    expect(maskIou(Uint8Array.from([1, 255, 0]), Uint8Array.from([1, 1, 0]))).toBe(1);
    expect(maskIou(new Uint8Array(3), new Uint8Array(3))).toBe(1);
    expect(() => maskIou(new Uint8Array(3), new Uint8Array(4))).toThrow(/masks of 3 and 4 pixels/);
  });
  it('counts pixels inclusively', () => {
    expect(iou([0, 0, 9, 9], [0, 0, 9, 9])).toBe(1);
    expect(iou([0, 0, 9, 9], [5, 0, 14, 9])).toBeCloseTo(50 / 150, 12);
    expect(iou([0, 0, 0, 0], [1, 1, 1, 1])).toBe(0);
  });
  it('needs the right class and IoU >= 0.5 among the first k guesses', () => {
    const truth = { cls: 3, boxes: [[0, 0, 9, 9], [50, 50, 59, 59]] };
    const guesses = [{ cls: 1, box: [0, 0, 9, 9] as [number, number, number, number] }, { cls: 3, box: [51, 50, 60, 59] as [number, number, number, number] }];
    expect(localised(guesses, truth, 1)).toBe(false);
    expect(localised(guesses, truth, 5)).toBe(true);
    expect(localised([{ cls: 3, box: null }], truth, 5)).toBe(false);
    expect(localisationError([guesses, [{ cls: 3, box: [0, 0, 9, 9] }]], [truth, truth])).toEqual({ top1Error: 0.5, top5Error: 0 });
    expect(FIXED_BOXES['centre80']!(100, 50)).toEqual([10, 5, 89, 44]);
  });
});

describe('pooled segmentation grid', () => {
  it('pools by block means (partial edge blocks included) and scales masks back by nearest neighbour', () => {
    // 5 x 3 RGB, factor 2 -> 3 x 2 blocks
    const data = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i % 3 === 0 ? Math.floor(i / 3) * 10 : i % 3));
    const p = poolRgb({ data, width: 5, height: 3 }, 2);
    expect([p.width, p.height]).toEqual([3, 2]);
    // block (0,0): pixels 0, 1, 5, 6 -> red 0, 10, 50, 60 -> 30; block (2,1): pixel 14 alone -> 140
    expect(p.data[0]).toBe(30);
    expect(p.data[3 * 5]).toBe(140);
    expect(p.data[1]).toBe(1);
    const map = poolMap(Float32Array.from({ length: 15 }, (_, i) => i), 5, 3, 2);
    expect(Array.from(map)).toEqual([3, 5, 6.5, 10.5, 12.5, 14]);
    expect(Array.from(unpoolMask(Uint8Array.from([1, 0, 1, 0, 1, 0]), 5, 3, 2))).toEqual([1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0]);
  });
});

describe('localise() API', () => {
  it('returns a mask, a box and the saliency map per target, and says which core ran', async () => {
    for (const backend of ['native', 'wasm'] as const) {
      const ex = await Explainer.load(tinyClassifier(), { preset: 'unit', backend });
      const [r] = await ex.localise(await sceneImage(48, 40), { topK: 2 });
      expect(r!.backend).toBe(backend);
      expect(r!.settings.downsample).toBe(1); // 'auto' resolved for the 32x32 model input
      expect(r!.localisations).toHaveLength(2);
      for (const l of r!.localisations) {
        expect(l.mask.length).toBe(48 * 40);
        expect(l.modelMask.length).toBe(32 * 32);
        if (l.box) {
          expect(l.box[0]).toBeGreaterThanOrEqual(0);
          expect(l.box[2]).toBeLessThan(48);
          expect(l.box[3]).toBeLessThan(40);
        }
        expect(l.saliency.raw.length).toBe(32 * 32);
      }
      await ex.close();
    }
  });
  it('rejects bad settings before any work', async () => {
    const ex = await Explainer.load(tinyClassifier(), { preset: 'unit' });
    const img = await sceneImage();
    await expect(ex.localise(img, { fgQuantile: 0.2, bgQuantile: 0.3 })).rejects.toThrow(/0 < bgQuantile < fgQuantile < 1/);
    await expect(ex.localise(img, { smoothing: -1 })).rejects.toThrow(/smoothing must be a sigma from 0 to 64/);
    await expect(ex.localise(img, { closing: 1.5 })).rejects.toThrow(/closing must be an integer radius/);
    await expect(ex.localise(img, { border: 0.5 })).rejects.toThrow(/border must be a fraction of the side from 0 to below 0.5, got 0.5/);
    await expect(ex.localise(img, { border: Number.NaN })).rejects.toThrow(/border must be a fraction/);
    await expect(ex.localise(img, { iterations: 0 })).rejects.toThrow(/iterations/);
    await expect(ex.localise(img, { downsample: 0 })).rejects.toThrow(/downsample must be 'auto' or an integer factor from 1 to 8/);
    await expect(ex.localise(img, { downsample: 'half' as 'auto' })).rejects.toThrow(/downsample must be 'auto' or an integer factor from 1 to 8, got half/);
    for (const refine of [-0.1, 1.5, NaN, true as unknown as number]) {
      await expect(ex.localise(img, { refine })).rejects.toThrow(/refine must be false or a margin from 0 to 1/);
    }
  });
});

describe("a model's recommended localisation settings (metadata 'deepinside.localise')", () => {
  const withMetadata = (value: string) => {
    const m = decodeModel(tinyClassifier(), 'tiny');
    m.metadata['deepinside.localise'] = value;
    return encodeModel(m);
  };
  it('fill in what the caller leaves out, and the paper options and explicit ones win', async () => {
    const ex = await Explainer.load(withMetadata(JSON.stringify({ samples: 3, smoothing: 4, boxFrom: 'largest' })), { preset: 'unit' });
    expect(ex.localiseDefaults).toEqual({ samples: 3, smoothing: 4, boxFrom: 'largest' });
    const img = await sceneImage();
    const [rec] = await ex.localise(img);
    expect(rec!.settings).toMatchObject({ samples: 3, noise: 0.1, smoothing: 4, boxFrom: 'largest', fgQuantile: 0.95 });
    // the map really is the 3-copy SmoothGrad map
    const [sg] = await ex.saliency(img, { samples: 3 });
    expect(rec!.localisations[0]!.saliency.raw).toEqual(sg!.maps[0]!.raw);
    const [own] = await ex.localise(img, { samples: 1, smoothing: undefined, boxFrom: 'all' });
    expect(own!.settings).toMatchObject({ samples: 1, smoothing: 4, boxFrom: 'all' });
    const [paper] = await ex.localise(img, PAPER_OPTIONS);
    expect(paper!.settings).toMatchObject({ ...PAPER_SETTINGS, samples: 1 });
    await ex.close();
  });
  it('are checked at load, with an error naming the model and the metadata', async () => {
    await expect(Explainer.load(withMetadata('{samples: 8'), { preset: 'unit' })).rejects.toThrow(/model buffer: metadata 'deepinside.localise' is not JSON/);
    await expect(Explainer.load(withMetadata('[1]'), { preset: 'unit' })).rejects.toThrow(/must be a JSON object/);
    await expect(Explainer.load(withMetadata('{"topK": 3}'), { preset: 'unit' })).rejects.toThrow(/unknown option\(s\) topK/);
    await expect(Explainer.load(withMetadata('{"samples": 0}'), { preset: 'unit' })).rejects.toThrow(/'deepinside.localise': samples must be an integer from 1 to 256, got 0/);
    await expect(Explainer.load(withMetadata('{"fgQuantile": 2}'), { preset: 'unit' })).rejects.toThrow(/'deepinside.localise': quantiles must satisfy/);
  });
});

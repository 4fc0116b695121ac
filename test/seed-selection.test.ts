// Seed selection (ts/seed-selection.ts): the candidate seedings, the features measured of a mask, the
// selector's checks, and segment() keeping the candidate its scorer rates best.
import { beforeAll, describe, expect, it } from 'vitest';
import { type SeedSelector, SELECTOR_FEATURES, candidateFeatures, checkSelector, chosenCandidate, score, seedings } from '../ts/seed-selection.js';
import { type LocaliseOptions, segment, segmentationCandidates, segmentationSettings } from '../ts/localise.js';
import { loadCore, type CoreBackend } from '../ts/native/index.js';
import type { ClassSaliency } from '../ts/explainer.js';
import { Explainer } from '../ts/explainer.js';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';
import { drawScene } from './helpers/scenes.js';
import { sceneImage, tinyClassifier } from './helpers/fixtures.js';

const D = SELECTOR_FEATURES.length;
const feature = (values: number[], name: (typeof SELECTOR_FEATURES)[number]) => values[SELECTOR_FEATURES.indexOf(name)]!;

/** A selector whose score is one feature (weight +1 or -1) on the given grid. */
function selectorOn(name: (typeof SELECTOR_FEATURES)[number], sign: number, grid: Partial<SeedSelector> = {}): SeedSelector {
  const weights = new Array(D).fill(0);
  weights[SELECTOR_FEATURES.indexOf(name)] = sign;
  return { fgQuantiles: [0.97, 0.9], bgQuantiles: [0.3, 0.7], refine: [false, 0], mean: new Array(D).fill(0), scale: new Array(D).fill(1), weights, bias: 0, ...grid };
}

describe('seed selector', () => {
  it('tries every fg x bg quantile pair with bg < fg, each with every refine setting', () => {
    const s = seedings(selectorOn('area', 1, { fgQuantiles: [0.95, 0.6], bgQuantiles: [0.3, 0.7], refine: [false, 0.1] }));
    expect(s).toEqual([
      { fgQuantile: 0.95, bgQuantile: 0.3, refine: false }, { fgQuantile: 0.95, bgQuantile: 0.3, refine: 0.1 },
      { fgQuantile: 0.95, bgQuantile: 0.7, refine: false }, { fgQuantile: 0.95, bgQuantile: 0.7, refine: 0.1 },
      { fgQuantile: 0.6, bgQuantile: 0.3, refine: false }, { fgQuantile: 0.6, bgQuantile: 0.3, refine: 0.1 },
    ]);
  });

  it('scores the standardised features linearly', () => {
    const sel = { ...selectorOn('area', 1), mean: new Array(D).fill(1), scale: new Array(D).fill(2), weights: Array.from({ length: D }, (_, i) => i), bias: 0.5 };
    const f = Array.from({ length: D }, (_, i) => 3 + i);
    const expected = 0.5 + f.reduce((a, v, i) => a + i * (v - 1) / 2, 0);
    expect(score(sel, f)).toBeCloseTo(expected, 12);
  });

  it('keeps the best-scored candidate with an object, else the best of all, the first on ties', () => {
    expect(chosenCandidate([0.2, 0.9, 0.5, 0.5], [true, false, true, true])).toBe(2);
    expect(chosenCandidate([0.2, 0.9, 0.5], [false, false, false])).toBe(1);
    expect(() => chosenCandidate([], [])).toThrow(/at least one candidate/);
  });

  it('names what is wrong with a bad selector', () => {
    const good = selectorOn('area', 1);
    expect(() => checkSelector(good)).not.toThrow();
    expect(() => checkSelector(null)).toThrow(/select must be false or a seed selector object/);
    expect(() => checkSelector({ ...good, weights: [1, 2] })).toThrow(new RegExp(`select.weights must be ${D} finite numbers \\(one per feature: fgQuantile, bgQuantile`));
    expect(() => checkSelector({ ...good, mean: [...good.mean.slice(1), NaN] })).toThrow(/select.mean must be/);
    expect(() => checkSelector({ ...good, scale: good.scale.map(() => 0) })).toThrow(/select.scale must be positive/);
    expect(() => checkSelector({ ...good, fgQuantiles: [1.2] })).toThrow(/quantiles must lie strictly between 0 and 1, got 1.2/);
    expect(() => checkSelector({ ...good, fgQuantiles: [] })).toThrow(/select.fgQuantiles must be a non-empty list/);
    expect(() => checkSelector({ ...good, refine: [true] })).toThrow(/select.refine must be a non-empty list of false or margins/);
    expect(() => checkSelector({ ...good, bias: undefined })).toThrow(/select.bias must be a finite number/);
    expect(() => checkSelector({ ...good, fgQuantiles: [0.3], bgQuantiles: [0.5] })).toThrow(/no fg\/bg quantile pair has bg < fg/);
    expect(() => segmentationSettings({ select: { ...good, weights: [] } })).toThrow(/select.weights/);
  });
});

describe('the features of a candidate mask', () => {
  // 20 x 16: red left half, blue right half; the map is 1 on the left half, 0 on the right
  const W = 20, H = 16;
  const rgb = new Uint8Array(W * H * 3), map = new Float32Array(W * H), mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const i = y * W + x, left = x < W / 2;
    rgb.set(left ? [255, 0, 0] : [0, 0, 255], 3 * i);
    map[i] = left ? 1 : 0;
    mask[i] = left ? 1 : 0;
  }
  const image = { data: rgb, width: W, height: H };

  it('measures a mask that follows a colour edge exactly', () => {
    const f = candidateFeatures(image, map, 1, 1, mask, [0, 0, 9, 15], { fgQuantile: 0.9, bgQuantile: 0.5, refine: 0 }, 2.5);
    expect(f).toHaveLength(D);
    expect(feature(f, 'fgQuantile')).toBe(0.9);
    expect(feature(f, 'bgQuantile')).toBe(0.5);
    expect(feature(f, 'refined')).toBe(1);
    expect(feature(f, 'area')).toBe(0.5);
    expect(feature(f, 'boxArea')).toBe(0.5);
    expect(feature(f, 'fill')).toBe(1);
    expect(feature(f, 'logArea')).toBeCloseTo(Math.log(0.501), 12);
    // both sides of the outline sit on the red/blue step: the largest channel's gradient there is 255
    expect(feature(f, 'edge')).toBe(255);
    expect(feature(f, 'colourJump')).toBeCloseTo(Math.hypot(255, 0, 255), 9);
    expect(feature(f, 'perimeter')).toBeCloseTo(32 / Math.sqrt(160), 12);
    // outline sides: 16 facing the blue half, 16 + 10 + 10 on the image's edge
    expect(feature(f, 'border')).toBeCloseTo(36 / 52, 12);
    expect(feature(f, 'mapIn')).toBe(1);
    expect(feature(f, 'mapOut')).toBe(0);
    expect(feature(f, 'mapContrast')).toBe(1);
    expect(feature(f, 'mapTop')).toBe(1);
    expect(feature(f, 'energy')).toBe(2.5);
  });

  it('measures an empty mask without dividing by zero', () => {
    const f = candidateFeatures(image, map, 1, 1, new Uint8Array(W * H), null, { fgQuantile: 0.9, bgQuantile: 0.5, refine: false }, 0);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(feature(f, 'refined')).toBe(0);
    expect(feature(f, 'area')).toBe(0);
    expect(feature(f, 'mapTop')).toBe(0);
  });
});

function asSaliency(raw: Float32Array, w: number, h: number): ClassSaliency {
  return { target: { index: 0, label: '0', score: 0, probability: 1 }, raw, map: raw, width: w, height: h, sourceMap: raw, sourceWidth: w, sourceHeight: h };
}

describe.each(['native', 'wasm'] as const)('segment() with a seed selector (%s core)', (name) => {
  let core: CoreBackend;
  beforeAll(async () => { core = (await loadCore(name)).core; });
  const FULL = { x: 0, y: 0, width: 96, height: 80 };

  it('keeps the candidate its scorer rates highest, and says which seeding made it', () => {
    for (const [feat, sign] of [['area', 1], ['area', -1], ['edge', 1], ['mapContrast', 1]] as const) {
      for (let seed = 1; seed <= 4; seed++) {
        const s = drawScene(seed);
        const input = { data: s.rgb, width: s.width, height: s.height }, sal = asSaliency(s.saliency, s.width, s.height);
        const sel = selectorOn(feat, sign);
        const r = segment(core, input, sal, { select: sel }, FULL);
        // the oracle: every candidate scored on its own
        const all = segmentationCandidates(core, input, sal, segmentationSettings({}), seedings(sel), true).filter((c) => c.modelBox);
        const scores = all.map((c) => score(sel, c.features!));
        const best = all[scores.indexOf(Math.max(...scores))]!;
        expect(r.seeding).toEqual(best.seeding);
        expect(r.selectorScore).toBe(Math.max(...scores));
        expect(r.modelMask).toEqual(best.modelMask);
      }
    }
  });

  it('with one seeding, is exactly that seeding without a selector', () => {
    const s = drawScene(3);
    const input = { data: s.rgb, width: s.width, height: s.height }, sal = asSaliency(s.saliency, s.width, s.height);
    const one: LocaliseOptions = { select: selectorOn('area', 1, { fgQuantiles: [0.9], bgQuantiles: [0.5], refine: [0.05] }) };
    const a = segment(core, input, sal, one, FULL);
    const b = segment(core, input, sal, { fgQuantile: 0.9, bgQuantile: 0.5, refine: 0.05 }, FULL);
    expect(a.modelMask).toEqual(b.modelMask);
    expect(a.energy).toEqual(b.energy);
    expect(a.refineEnergy).toEqual(b.refineEnergy);
    expect(b.seeding).toEqual({ fgQuantile: 0.9, bgQuantile: 0.5, refine: 0.05 });
    expect(b.selectorScore).toBeUndefined();
  });
});

describe("a model's recommended seed selector", () => {
  const withSelector = (select: unknown) => {
    const m = decodeModel(tinyClassifier(), 'tiny');
    m.metadata['deepinside.localise'] = JSON.stringify({ select });
    return encodeModel(m);
  };
  it('runs unless the caller sets the seeds, turns it off, or asks for the paper', async () => {
    const sel = selectorOn('area', 1);
    const ex = await Explainer.load(withSelector(sel), { preset: 'unit' });
    const img = await sceneImage();
    const [rec] = await ex.localise(img);
    expect(rec!.settings.select).toEqual(sel);
    expect(rec!.localisations[0]!.selectorScore).toEqual(expect.any(Number));
    expect(seedings(sel)).toContainEqual(rec!.localisations[0]!.seeding);
    const [own] = await ex.localise(img, { fgQuantile: 0.8 });
    expect(own!.settings.select).toBe(false);
    expect(own!.localisations[0]!.seeding).toEqual({ fgQuantile: 0.8, bgQuantile: 0.3, refine: false });
    const [off] = await ex.localise(img, { select: false });
    expect(off!.localisations[0]!.selectorScore).toBeUndefined();
    await ex.close();
  });
  it('is checked at load, with an error naming the model and the metadata', async () => {
    await expect(Explainer.load(withSelector({ ...selectorOn('area', 1), weights: [1] }), { preset: 'unit' }))
      .rejects.toThrow(/'deepinside.localise': select.weights must be/);
  });
});

// The bundled default model (models/): it is the file its checksum records, loads with its labels
// and preset, and classifies and localises generated held-out scenes far above what a broken
// pipeline could (chance is 1 in 20).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Explainer } from '../ts/explainer.js';
import { DEFAULT_MODEL, DEFAULT_MODEL_CHECKSUM, EXAMPLES_DIR, MODELS_DIR } from '../ts/default-model.js';
import { SCENE_CLASSES, createSceneGenerator } from '../ts/scenes/index.js';
import { iou, maskIou } from '../ts/evaluation.js';

describe('the bundled default model', () => {
  let ex: Explainer;
  beforeAll(async () => { ex = await Explainer.load(); });
  afterAll(async () => { await ex?.close(); });

  it('is the file its recorded SHA-256 names', () => {
    const recorded = readFileSync(DEFAULT_MODEL_CHECKSUM, 'utf8').trim().split(/\s+/)[0];
    const actual = createHash('sha256').update(readFileSync(DEFAULT_MODEL)).digest('hex');
    expect(actual).toBe(recorded);
  });

  it('loads by default with its labels (the scene classes) and the imagenet preset', () => {
    expect(ex.info.source).toBe(DEFAULT_MODEL);
    expect(ex.classes).toBe(SCENE_CLASSES.length);
    expect(ex.labels?.names).toEqual(SCENE_CLASSES.map((c) => c.name));
    expect(ex.preset.name).toBe('imagenet');
    // SmoothGrad, wider smoothing, gating by Grad-CAM, a rectangle-mode second pass and the seed selector
    // (models/fit-selector.mts, the file it exported) localise this small net's scenes far better (models/MODEL.md)
    const selector = JSON.parse(readFileSync(`${MODELS_DIR}deepinside-scenes.selector.json`, 'utf8'));
    expect(ex.localiseDefaults).toEqual({ samples: 8, noise: 0.1, smoothing: 5, bgQuantile: 0.5, boxFrom: 'largest', map: 'gated', refine: 0, select: selector });
    expect(ex.info.width).toBe(144);
  });

  it('classifies and localises 40 generated test-split scenes (unseen artwork and photographs)', async () => {
    const gen = createSceneGenerator({ split: 'test' });
    let correct = 0, boxes = 0, maskSum = 0;
    const N = 40;
    for (let i = 0; i < N; i++) {
      const s = await gen.generate(910_000 + i, { classIndex: i % SCENE_CLASSES.length });
      const image = { data: s.rgb, width: s.width, height: s.height, channels: 3 as const };
      const [r] = await ex.localise(image, { target: 'top' });
      const l = r!.localisations[0]!;
      if (l.target.index !== s.classIndex) continue;
      correct++;
      if (l.box && iou(l.box, s.box) >= 0.5) boxes++;
      maskSum += maskIou(l.mask, s.mask);
    }
    // floors below the benchmark's figures (MODEL.md), far above what chance (1 in 20) or a broken pipeline gives;
    // session 7's weights and settings measured 0.95 / 0.775 / 0.630 here; with session 8's seed selector,
    // 0.95 / 0.925 / 0.698; with session 9's, 0.95 / 0.875 / 0.691 (one standard error on 40 scenes is
    // about 5 points, so the box floor sits at 0.8, under the benchmark's 85.2%); the centre 80% box localises 12.9%
    // of scenes, and the paper's single-pass settings 32.6% (stage 3's weights)
    console.log(`default model on ${N} test scenes: top-1 ${correct / N}, localised ${boxes / N}, mean mask IoU ${(maskSum / N).toFixed(3)}`);
    expect(correct / N, 'top-1 accuracy').toBeGreaterThanOrEqual(0.9);
    expect(boxes / N, 'correct class and box IoU >= 0.5').toBeGreaterThanOrEqual(0.8);
    expect(maskSum / N, 'mean mask IoU (0 for a wrong class)').toBeGreaterThanOrEqual(0.62);
  }, 120_000);

  it('names the class of each bundled example scene', async () => {
    const examples = JSON.parse(readFileSync(`${EXAMPLES_DIR}annotations.json`, 'utf8')) as { file: string; label: string }[];
    const results = await ex.classify(examples.map((e) => `${EXAMPLES_DIR}${e.file}`), 1);
    expect(results.map((r) => r.predictions[0]!.label)).toEqual(examples.map((e) => e.label));
  });
});

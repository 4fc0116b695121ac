import { describe, expect, it, beforeAll } from 'vitest';
import { Explainer, channelMaxAbs } from '../ts/explainer.js';
import { CLASSES, SIZE, sceneImage, tempDir, tinyClassifier, writeFixture } from './helpers/fixtures.js';
import { runGradientModel } from './helpers/gradcheck.js';
import { decodeModel } from '../ts/onnx/codec.js';
import { decodeImage } from '../ts/image/decode.js';
import { resizeRgb } from '../ts/image/resize.js';
import { getPreset, toTensorData } from '../ts/image/preprocess.js';

describe('saliency API', () => {
  let ex: Explainer;
  let image: Buffer;
  const labels = Array.from({ length: CLASSES }, (_, i) => `class${i}`);
  beforeAll(async () => {
    ex = await Explainer.load(tinyClassifier(), { preset: 'unit', labels: { names: labels, ids: labels.map(() => null) } });
    image = await sceneImage(48, 40);
  });

  it('maps the paper definition: max over channels of |dS_c/dI| for the predicted class', async () => {
    const [r] = await ex.saliency(image);
    const m = r!.maps[0]!;
    expect(m.target.index).toBe(r!.predictions[0]!.index);
    expect([m.width, m.height, m.raw.length]).toEqual([SIZE, SIZE, SIZE * SIZE]);
    // recompute the gradient independently with the test's own gradient-model runner
    const rgb = await decodeImage(image);
    const { image: resized } = await resizeRgb(rgb, SIZE, SIZE, 'stretch');
    const x = toTensorData([resized], getPreset('unit'), 'NCHW');
    const w = new Float32Array(CLASSES); w[m.target.index] = 1;
    const { gradient } = await runGradientModel(decodeModel(tinyClassifier(), 'tiny'), x, [1, 3, SIZE, SIZE], w, CLASSES);
    let maxDiff = 0;
    for (let p = 0; p < SIZE * SIZE; p++) {
      const expected = Math.max(...[0, 1, 2].map((c) => Math.abs(gradient[c * SIZE * SIZE + p]!)));
      maxDiff = Math.max(maxDiff, Math.abs(expected - m.raw[p]!));
    }
    expect(maxDiff).toBeLessThan(1e-7);
    expect(Math.max(...m.raw)).toBeGreaterThan(0);
    expect(Math.max(...m.map)).toBeCloseTo(1, 5);
    expect(Math.min(...m.map)).toBeGreaterThanOrEqual(0);
    // mapped back onto the 48x40 original
    expect([m.sourceWidth, m.sourceHeight, m.sourceMap.length]).toEqual([48, 40, 48 * 40]);
  });

  it('explains a class given by index or label, several targets, and top-k', async () => {
    const [byIndex] = await ex.saliency(image, { target: 3 });
    const [byLabel] = await ex.saliency(image, { target: 'class3' });
    expect(byIndex!.maps[0]!.target.index).toBe(3);
    expect(Array.from(byLabel!.maps[0]!.raw)).toEqual(Array.from(byIndex!.maps[0]!.raw));
    const [many] = await ex.saliency(image, { target: [1, 'top', 7] });
    expect(many!.maps.map((m) => m.target.index)).toEqual([1, many!.predictions[0]!.index, 7]);
    const [topk] = await ex.saliency(image, { topK: 3 });
    expect(topk!.maps.map((m) => m.target.index)).toEqual(topk!.predictions.slice(0, 3).map((p) => p.index));
    // different classes give different maps
    expect(Array.from(many!.maps[0]!.raw)).not.toEqual(Array.from(many!.maps[2]!.raw));
  });

  it('gives the same maps for a batch as one by one', async () => {
    const other = await sceneImage(30, 50, 'jpeg');
    const batch = await ex.saliency([image, other], { target: 5 });
    const single = await ex.saliency(other, { target: 5 });
    const a = batch[1]!.maps[0]!.raw, b = single[0]!.maps[0]!.raw;
    let d = 0;
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
    expect(d).toBeLessThan(1e-6 * Math.max(...b));
  });

  it('SmoothGrad: samples average the maps of noisy copies, reproducibly', async () => {
    const [plain] = await ex.saliency(image, { target: 2 });
    const [zeroNoise] = await ex.saliency(image, { target: 2, samples: 4, noise: 0 });
    const a = plain!.maps[0]!.raw, b = zeroNoise!.maps[0]!.raw;
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6 * Math.max(...a));
    const [s1] = await ex.saliency(image, { target: 2, samples: 4, noise: 0.2 });
    const [s2] = await ex.saliency(image, { target: 2, samples: 4, noise: 0.2 });
    expect(Array.from(s1!.maps[0]!.raw)).toEqual(Array.from(s2!.maps[0]!.raw));
    expect(Array.from(s1!.maps[0]!.raw)).not.toEqual(Array.from(a));
    expect(s1!.predictions).toEqual(plain!.predictions);
    await expect(ex.saliency(image, { samples: 0 })).rejects.toThrow(/samples must be an integer from 1 to 256/);
  });

  it('classifies with probabilities that sum to one over all classes', async () => {
    const [r] = await ex.classify([image], CLASSES);
    const total = r!.predictions.reduce((s, p) => s + p.probability, 0);
    expect(total).toBeCloseTo(1, 5);
    expect(r!.predictions[0]!.score).toBeGreaterThanOrEqual(r!.predictions[1]!.score);
  });

  it('rejects targets out of range and unknown labels', async () => {
    await expect(ex.saliency(image, { target: CLASSES })).rejects.toThrow(/target 10 is out of range: the model has classes 0 to 9/);
    await expect(ex.saliency(image, { target: 'zebra' })).rejects.toThrow(/'zebra' is not a class label/);
    await expect(ex.saliency(image, { topK: 0 })).rejects.toThrow(/topK/);
  });

  it('works on a model with a fixed batch size, and from a file', async () => {
    const dir = tempDir();
    const path = writeFixture(dir, 'fixed.onnx', tinyClassifier(1));
    const fixed = await Explainer.load(path, { preset: 'unit' });
    const [a] = await fixed.saliency(image, { target: 2 });
    const [b] = await ex.saliency(image, { target: 2 });
    expect(Array.from(a!.maps[0]!.raw)).toEqual(Array.from(b!.maps[0]!.raw));
    expect(fixed.label(2)).toBe('2');
  });

  it('channelMaxAbs reads NCHW and NHWC', () => {
    const nchw = Float32Array.from([1, -5, 2, 0, -3, 4]); // C=3, 2 pixels: [1,-5],[2,0],[-3,4]
    expect(Array.from(channelMaxAbs(nchw, 'NCHW', 2, 1))).toEqual([3, 5]);
    const nhwc = Float32Array.from([1, 2, -3, -5, 0, 4]);
    expect(Array.from(channelMaxAbs(nhwc, 'NHWC', 2, 1))).toEqual([3, 5]);
  });
});

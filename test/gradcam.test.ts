// Grad-CAM: the feature map gradify exposes and its gradient (against float64 central differences
// with respect to that feature map), the map itself (against CAM's closed form for a global-pool +
// linear head), and the API and CLI that offer it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { CAM_ACTIVATION, CAM_GRADIENT, gradify } from '../ts/graph/gradify.js';
import { normaliseModel } from '../ts/graph/normalise.js';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';
import { tensorValues } from '../ts/graph/ir.js';
import { combineMaps, gradCam, gradCamAt } from '../ts/gradcam.js';
import { Explainer } from '../ts/explainer.js';
import { runReference } from './reference/interpreter.js';
import { FAMILIES } from './helpers/families.js';
import { CLASSES, SIZE, sceneImage, tempDir, tinyClassifier, writeFixture } from './helpers/fixtures.js';
import { TestNet, int, rng } from './helpers/net.js';
import { cli } from './helpers/cli.js';
import { centralDifferences } from './helpers/gradcheck.js';

async function runWithCam(model: ReturnType<typeof decodeModel>, x: Float32Array, xShape: number[], weights: Float32Array) {
  const { model: gm, info } = gradify(model);
  const session = await ort.InferenceSession.create(encodeModel(gm));
  const out = await session.run({ [info.imageInput]: new ort.Tensor('float32', x, xShape), class_weights: new ort.Tensor('float32', weights, [xShape[0]!, info.classes]) });
  return { info, activation: out[CAM_ACTIVATION]!.data as Float32Array, gradient: out[CAM_GRADIENT]!.data as Float32Array };
}

describe('the Grad-CAM feature map and its gradient', () => {
  for (const f of FAMILIES) {
    it(`${f.name}: d(sum w*scores)/dA matches central differences with respect to A`, async () => {
      const model = f.build();
      const rand = rng(11);
      const x = Float32Array.from({ length: f.input.reduce((a, b) => a * b, 1) }, () => (f.scale ?? 1) * (2 * rand() - 1));
      const weights = Float32Array.from({ length: f.input[0]! * CLASSES }, () => 2 * rand() - 1);
      const { info, activation, gradient } = await runWithCam(model, x, f.input, weights);
      const cam = info.cam!;
      expect(cam, 'a feature map is found').not.toBeNull();
      const spatial = info.layout === 'NCHW' ? cam.shape.slice(2) : cam.shape.slice(1, 3);
      expect((spatial as number[]).some((d) => d > 1)).toBe(true);
      expect(activation.length).toBe(gradient.length);

      // the scores with the feature map held at a given value, everything else computed from x
      const reference = normaliseModel(structuredClone(model));
      const objective = (a: Float64Array) => {
        const out = runReference(reference, { [info.imageInput]: { dims: f.input, data: Float64Array.from(x) }, [cam.tensor]: { dims: cam.shape as number[], data: a } }, [info.logits]);
        return (out[info.logits]!.data as Float64Array).reduce((s, v, i) => s + weights[i]! * v, 0);
      };
      const picks = Array.from({ length: 24 }, () => Math.floor(rand() * activation.length));
      const { maxErr, maxFd } = centralDifferences(objective, Float64Array.from(activation), picks, 1e-4, gradient);
      expect(maxFd, 'the gradient should not vanish at every probe').toBeGreaterThan(1e-6);
      expect(maxErr / maxFd).toBeLessThan(2e-3);
    });
  }

  it('picks the last spatial feature map (SqueezeNet: the classifier conv ReLU before global pooling), or the one named', () => {
    const sq = FAMILIES.find((f) => f.name.toLowerCase().includes('squeeze'))!.build();
    const { model: gm, info } = gradify(sq);
    const consumer = gm.graph.nodes.find((n) => n.inputs.includes(info.cam!.tensor) && n.op !== 'Identity' && !n.name.startsWith('grad/'));
    expect(consumer?.op).toBe('GlobalAveragePool');
    expect(info.cam!.shape).toEqual([1, CLASSES, 3, 3]);
    const earlier = normaliseModel(structuredClone(sq)).graph.nodes.find((n) => n.op === 'MaxPool')!.outputs[0]!;
    expect(gradify(sq, { camLayer: earlier }).info.cam!.tensor).toBe(earlier);
    expect(() => gradify(sq, { camLayer: 'nope' })).toThrow(/camLayer 'nope' is not a tensor computed by the model/);
  });

  it('finds no feature map in a model without one, and names what it needs', async () => {
    const t = new TestNet(['N', 3, 8, 8], 5, 'flat');
    const h = t.op('Gemm', [t.op('Flatten', [t.x]), t.weight([4, 192], 0.1), t.weight([4], 0.1)], { transB: int(1) });
    const bytes = encodeModel(t.done(h));
    expect(gradify(decodeModel(bytes, 'flat.onnx')).info.cam).toBeNull();
    const ex = await Explainer.load(writeFixture(tempDir(), 'flat.onnx', bytes), { preset: 'unit', inputSize: [8, 8] });
    const image = await sceneImage(8, 8);
    expect((await ex.saliency(image))[0]!.maps[0]!.kind).toBe('gradient');
    await expect(ex.saliency(image, { map: 'gradcam' })).rejects.toThrow(/flat\.onnx: map 'gradcam' needs a feature map for Grad-CAM/);
    await ex.close();
  });
});

describe('gradCam', () => {
  it("equals CAM's closed form for global average pooling and a linear layer: ReLU(sum_k W_ck A_k) / (h w)", async () => {
    // (less its minimum instead of the ReLU for a class with no positive evidence anywhere)
    const model = decodeModel(tinyClassifier(), 'tiny');
    const rand = rng(4);
    const x = Float32Array.from({ length: 3 * SIZE * SIZE }, () => rand());
    let positive = 0;
    for (let c = 0; c < CLASSES; c++) {
      const w = new Float32Array(CLASSES); w[c] = 1;
      const { info, activation, gradient } = await runWithCam(model, x, [1, 3, SIZE, SIZE], w);
      const [, C, H, W] = info.cam!.shape as number[];
      const gemm = model.graph.nodes.find((n) => n.op === 'Gemm')!;
      const weights = tensorValues(model.graph.initializers.get(gemm.inputs[1]!)!); // [classes, C]
      const cam = gradCam({ activation, gradient, channels: C!, width: W!, height: H!, layout: 'NCHW' });
      const evidence = Array.from({ length: H! * W! }, (_, p) => {
        let s = 0;
        for (let k = 0; k < C!; k++) s += weights[c * C! + k]! * activation[k * H! * W! + p]!;
        return s / (H! * W!);
      });
      const hi = Math.max(...evidence), lo = Math.min(...evidence);
      if (hi > 0) positive++;
      let maxDiff = 0;
      evidence.forEach((e, p) => { maxDiff = Math.max(maxDiff, Math.abs(cam[p]! - (hi > 0 ? Math.max(0, e) : e - lo))); });
      expect(maxDiff).toBeLessThan(1e-6);
    }
    expect(positive, 'some of the maps are positive').toBeGreaterThan(0);
  });

  it('reads NHWC like NCHW, and upsamples to the input size', () => {
    const C = 3, H = 2, W = 3, rand = rng(9);
    const a = Float32Array.from({ length: C * H * W }, () => rand() - 0.3);
    const g = Float32Array.from({ length: C * H * W }, () => rand() - 0.5);
    const toNhwc = (t: Float32Array) => Float32Array.from({ length: t.length }, (_, i) => t[(i % C) * H * W + Math.floor(i / C)]!);
    const nchw = gradCam({ activation: a, gradient: g, channels: C, width: W, height: H, layout: 'NCHW' });
    const nhwc = gradCam({ activation: toNhwc(a), gradient: toNhwc(g), channels: C, width: W, height: H, layout: 'NHWC' });
    for (let i = 0; i < nchw.length; i++) expect(nhwc[i]).toBeCloseTo(nchw[i]!, 6);
    expect(gradCamAt({ activation: a, gradient: g, channels: C, width: W, height: H, layout: 'NCHW' }, 12, 8)).toHaveLength(96);
    expect(() => gradCam({ activation: a, gradient: g.subarray(1), channels: C, width: W, height: H, layout: 'NCHW' })).toThrow(/17 gradients for a 3x2x3 feature map/);
  });

  it('ranks positions by the least negative evidence when none is positive, rather than a constant zero map', () => {
    // one channel, alpha = 1: the evidence is the activation itself
    const a = Float32Array.of(-3, -1, -2, -5), g = Float32Array.of(1, 1, 1, 1);
    expect(Array.from(gradCam({ activation: a, gradient: g, channels: 1, width: 2, height: 2, layout: 'NCHW' }))).toEqual([2, 4, 3, 0]);
    // with some positive evidence, the ReLU
    const b = Float32Array.of(-3, 1, 2, -5);
    expect(Array.from(gradCam({ activation: b, gradient: g, channels: 1, width: 2, height: 2, layout: 'NCHW' }))).toEqual([0, 1, 2, 0]);
  });

  it('gates the gradient map by the Grad-CAM map', () => {
    const g = Float32Array.of(1, 2, 3), cam = Float32Array.of(0, 0.5, 2);
    expect(Array.from(combineMaps('gated', g, cam))).toEqual([0, 1, 6]);
    expect(combineMaps('gradcam', g, cam)).toBe(cam);
    expect(combineMaps('gradient', g, null)).toBe(g);
  });
});

describe('Grad-CAM in the API and CLI', () => {
  it("saliency({map}) gives Grad-CAM, and 'gated' is the gradient map times Grad-CAM", async () => {
    const ex = await Explainer.load(tinyClassifier(), { preset: 'unit' });
    const image = await sceneImage(48, 40);
    const [grad, cam, gated] = await Promise.all((['gradient', 'gradcam', 'gated'] as const).map(async (map) => (await ex.saliency(image, { target: 2, map }))[0]!.maps[0]!));
    expect([grad!.kind, cam!.kind, gated!.kind]).toEqual(['gradient', 'gradcam', 'gated']);
    expect(cam!.raw).toHaveLength(SIZE * SIZE);
    expect(Math.min(...cam!.raw)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...cam!.raw)).toBeGreaterThan(0);
    for (let i = 0; i < grad!.raw.length; i++) expect(gated!.raw[i]).toBeCloseTo(grad!.raw[i]! * cam!.raw[i]!, 6);
    await expect(ex.saliency(image, { map: 'edges' as never })).rejects.toThrow(/map must be one of gradient, gradcam, gated, got 'edges'/);
    // localise() reports the kind of map it ran on
    const [loc] = await ex.localise(image, { target: 2, map: 'gradcam' });
    expect(loc!.settings.map).toBe('gradcam');
    expect(loc!.localisations[0]!.saliency.kind).toBe('gradcam');
    await ex.close();
  });

  it('deepinside saliency --map gradcam (--samples 2: SmoothGrad) writes the map and says its kind; a bad kind is refused', async () => {
    const dir = tempDir();
    const model = writeFixture(dir, 'tiny.onnx', tinyClassifier());
    const png = writeFixture(dir, 'scene.png', await sceneImage(48, 40));
    const out = join(dir, 'out');
    const r = await cli(['saliency', png, '--model', model, '--preset', 'unit', '--map', 'gradcam', '--samples', '2', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'scene.json'), 'utf8'));
    expect(json.maps[0].kind).toBe('gradcam');
    const bad = await cli(['saliency', png, '--model', model, '--map', 'edges', '--out', out]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--map <kind>' argument 'edges' is invalid/);
  });
});

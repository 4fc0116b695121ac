// The gradient model in a real browser: onnxruntime-web's webgpu runtime (Chromium's software
// adapter) and its wasm runtime must match onnxruntime-node.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradify } from '../../ts/graph/gradify.js';
import { decodeModel, encodeModel } from '../../ts/onnx/codec.js';
import { tinyClassifier } from '../helpers/fixtures.js';
import { rng } from '../helpers/net.js';
import { type BrowserHarness, startBrowser } from './harness.js';

type Result = { scores: number[]; gradient: number[] };

describe('gradient model in Chromium', () => {
  let h: BrowserHarness;
  const { model, info } = gradify(decodeModel(tinyClassifier(), 'tiny'));
  const bytes = encodeModel(model);
  const shape = [2, 3, 32, 32];
  const rand = rng(9);
  const x = Array.from({ length: 2 * 3 * 32 * 32 }, () => 2 * rand() - 1);
  const w = Array.from({ length: 2 * info.classes }, () => 2 * rand() - 1);
  let reference: Result;

  beforeAll(async () => {
    h = await startBrowser();
    h.serve('/tiny-grad.onnx', bytes);
    const s = await ort.InferenceSession.create(bytes);
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from(x), shape), class_weights: new ort.Tensor('float32', Float32Array.from(w), [2, info.classes]) });
    reference = { scores: Array.from(out['scores']!.data as Float32Array), gradient: Array.from(out['input_gradient']!.data as Float32Array) };
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  const run = (ep: string) => h.page.evaluate(
    ([ep, x, shape, w]) => (window as unknown as { runGradient: (...a: unknown[]) => Promise<Result> }).runGradient('/tiny-grad.onnx', ep, 'x', x, shape, w),
    [ep, x, shape, w] as const,
  );
  const relDiff = (a: number[], b: number[]) => {
    let d = 0, m = 0;
    a.forEach((v, i) => { d = Math.max(d, Math.abs(v - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); });
    return d / m;
  };

  it('wasm in the page matches onnxruntime-node', async () => {
    const r = await run('wasm');
    expect(relDiff(r.gradient, reference.gradient)).toBeLessThan(1e-4);
    expect(relDiff(r.scores, reference.scores)).toBeLessThan(1e-4);
  }, 60_000);

  it('webgpu (software adapter) runs the gradient model and matches', async () => {
    const adapter = await h.page.evaluate(() => (window as unknown as { adapterInfo: () => Promise<unknown> }).adapterInfo());
    expect(adapter, 'Chromium offers a WebGPU adapter with --enable-unsafe-webgpu').not.toBeNull();
    const r = await run('webgpu');
    expect(relDiff(r.gradient, reference.gradient)).toBeLessThan(1e-3);
    expect(relDiff(r.scores, reference.scores)).toBeLessThan(1e-3);
  }, 120_000);
});

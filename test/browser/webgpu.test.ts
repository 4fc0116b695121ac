// The gradient model in a real browser: onnxruntime-web's wasm runtime and its webgpu runtime
// (Chromium's software adapter) must match onnxruntime-node, for every network family.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradify } from '../../ts/graph/gradify.js';
import type { Model } from '../../ts/graph/ir.js';
import { decodeModel, encodeModel } from '../../ts/onnx/codec.js';
import { tinyClassifier } from '../helpers/fixtures.js';
import { FAMILIES } from '../helpers/families.js';
import { TestNet, int, ints, rng } from '../helpers/net.js';
import { WEBGPU_PROVIDER } from '../../ts/runtime/session.js';
import { type BrowserHarness, startBrowser } from './harness.js';

type Outputs = { scores: number[]; input_gradient: number[] };

/** Grouped (not depthwise) convolution, as AlexNet's Caffe models have. */
function groupedConv(): Model {
  const t = new TestNet([1, 4, 9, 9], 21, 'grouped');
  const h = t.op('Relu', [t.conv(t.x, 4, 6, 3, { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, 2)]);
  return t.done(t.op('Gemm', [t.op('Flatten', [h]), t.weight([5, 6 * 5 * 5], 0.1)], { transB: int(1) }));
}

const MODELS: { name: string; input: number[]; build: () => Model }[] = [
  { name: 'tiny classifier, batch 2', input: [2, 3, 32, 32], build: () => decodeModel(tinyClassifier(), 'tiny') },
  { name: 'grouped convolution', input: [1, 4, 9, 9], build: groupedConv },
  ...FAMILIES.map((f) => ({ name: f.name, input: f.input, build: f.build })),
];

function relDiff(a: number[], b: ArrayLike<number>): number {
  let d = 0, m = 0;
  a.forEach((v, i) => { d = Math.max(d, Math.abs(v - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); });
  return d / m;
}

describe('gradient models in Chromium (onnxruntime-web)', () => {
  let h: BrowserHarness;
  beforeAll(async () => { h = await startBrowser(); }, 60_000);
  afterAll(async () => { await h?.close(); });

  it('Chromium offers a WebGPU adapter (--enable-unsafe-webgpu)', async () => {
    const adapter = await h.page.evaluate(() => (window as unknown as { adapterInfo: () => Promise<unknown> }).adapterInfo());
    expect(adapter).not.toBeNull();
  });

  for (const m of MODELS) {
    it(`${m.name}: wasm and webgpu match onnxruntime-node`, async () => {
      const { model, info } = gradify(m.build());
      const bytes = encodeModel(model);
      const url = `/${m.name.replace(/\W+/g, '_')}.onnx`;
      h.serve(url, bytes);
      const rand = rng(9);
      const x = Array.from({ length: m.input.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1);
      const w = Array.from({ length: m.input[0]! * info.classes }, () => 2 * rand() - 1);
      const feeds = { [info.imageInput]: { data: x, dims: m.input }, class_weights: { data: w, dims: [m.input[0]!, info.classes] } };
      const s = await ort.InferenceSession.create(bytes);
      const ref = await s.run({
        [info.imageInput]: new ort.Tensor('float32', Float32Array.from(x), m.input),
        class_weights: new ort.Tensor('float32', Float32Array.from(w), [m.input[0]!, info.classes]),
      });
      const run = (ep: unknown) => h.page.evaluate(([u, ep, f]) => (window as unknown as { runModel: (...a: unknown[]) => Promise<Outputs> }).runModel(u, ep, f), [url, ep, feeds] as const);
      for (const [name, ep, tol] of [['wasm', 'wasm', 1e-4], ['webgpu', WEBGPU_PROVIDER, 1e-3]] as const) {
        const r = await run(ep);
        expect(relDiff(r.input_gradient, ref['input_gradient']!.data as Float32Array), `${name} gradient`).toBeLessThan(tol);
        expect(relDiff(r.scores, ref['scores']!.data as Float32Array), `${name} scores`).toBeLessThan(tol);
      }
    }, 120_000);
  }
});

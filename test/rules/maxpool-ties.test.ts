// At ties a max has no derivative; deepinside routes the gradient to the first maximum in
// row-major window order, as onnxruntime's MaxPool Indices output (and PyTorch) pick it.
// Oracle: scatter the class weights through the Indices that onnxruntime-node reports.
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { encodeModel } from '../../ts/onnx/codec.js';
import { runGradientModel } from '../helpers/gradcheck.js';
import { TestNet, int, ints, rng } from '../helpers/net.js';

const CASES = [
  { name: '3x3 stride 2 overlapping, ceil_mode', shape: [1, 2, 9, 8], attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) } },
  { name: '2x2 stride 1 with pads', shape: [2, 1, 5, 5], attrs: { kernel_shape: ints([2, 2]), pads: ints([1, 0, 0, 1]) } },
];

for (const c of CASES) {
  it(`MaxPool ties: ${c.name}`, async () => {
    const t = new TestNet(c.shape, 4, 'ties');
    const y = t.op('MaxPool', [t.x], c.attrs);
    const model = t.done(y);
    const rand = rng(2);
    // few distinct values: most windows hold ties
    const x = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => Math.floor(3 * rand()));
    // Indices from onnxruntime's own MaxPool
    const withIndices = new TestNet(c.shape, 4, 'indices');
    const [yy, idx] = withIndices.opN('MaxPool', [withIndices.x], 2, c.attrs);
    const m2 = withIndices.done(yy!);
    m2.graph.outputs.push({ name: idx!, dtype: 'int64', shape: null });
    const s = await ort.InferenceSession.create(encodeModel(m2));
    const out = await s.run({ x: new ort.Tensor('float32', x, c.shape) });
    const indices = out[idx!]!.data as BigInt64Array;
    const weights = Float32Array.from({ length: indices.length }, () => 2 * rand() - 1);
    const expected = new Float32Array(x.length);
    indices.forEach((i, k) => { expected[Number(i)] += weights[k]!; });

    const { gradient } = await runGradientModel(model, x, c.shape, weights, indices.length / c.shape[0]!);
    // equal up to float summation order where several windows route to one element
    const diff = Array.from(gradient, (g, i) => Math.abs(g - expected[i]!));
    expect(Math.max(...diff)).toBeLessThan(1e-6);
    expect(expected.some((v) => v === 0) && expected.some((v) => v !== 0)).toBe(true);
  });
}

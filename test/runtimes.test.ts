// The same gradient model must give the same gradient on onnxruntime-node and onnxruntime-web (wasm).
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { gradify } from '../ts/graph/gradify.js';
import type { Model } from '../ts/graph/ir.js';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';
import { tinyClassifier } from './helpers/fixtures.js';
import { TestNet, float, int, ints, rng } from './helpers/net.js';

type Ort = typeof ortNode | typeof ortWeb;

async function gradientOn(ort: Ort, bytes: Uint8Array, input: string, x: Float32Array, shape: number[], w: Float32Array) {
  const s = await (ort.InferenceSession as typeof ortNode.InferenceSession).create(bytes);
  const out = await s.run({
    [input]: new ort.Tensor('float32', x, shape) as ortNode.Tensor,
    class_weights: new ort.Tensor('float32', w, [shape[0]!, w.length / shape[0]!]) as ortNode.Tensor,
  });
  return { scores: out['scores']!.data as Float32Array, gradient: out['input_gradient']!.data as Float32Array };
}

/** A net that touches the rules whose formulation differs most between runtimes. */
function mixedNet(): Model {
  const t = new TestNet([2, 3, 17, 17], 11, 'mixed');
  let h = t.op('LRN', [t.op('Relu', [t.conv(t.x, 3, 6, 3, { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) })])], { size: int(3), alpha: float(1e-2) });
  h = t.op('MaxPool', [h], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) });
  const a = t.op('AveragePool', [h], { kernel_shape: ints([3, 3]), pads: ints([1, 1, 1, 1]) });
  const b = t.op('HardSwish', [t.op('BatchNormalization', [h, t.weight([6], 0.2, 1), t.weight([6]), t.weight([6]), t.weight([6], 0.1, 1)])]);
  h = t.op('Concat', [a, b], { axis: int(1) });
  h = t.op('Mul', [h, t.op('Sigmoid', [t.op('GlobalAveragePool', [h])])]);
  h = t.op('Flatten', [t.op('GlobalMaxPool', [h])]);
  return t.done(t.op('Gemm', [h, t.weight([12, 5])]));
}

describe('onnxruntime-node and onnxruntime-web (wasm) agree', () => {
  const cases: [string, () => Model, number[]][] = [
    ['tiny classifier', () => decodeModel(tinyClassifier(), 'tiny'), [2, 3, 32, 32]],
    ['mixed net (LRN, ceil MaxPool, AveragePool, BN, SE, GlobalMaxPool)', mixedNet, [2, 3, 17, 17]],
  ];
  for (const [name, build, shape] of cases) {
    it(name, async () => {
      const { model, info } = gradify(build());
      const bytes = encodeModel(model);
      const rand = rng(5);
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rand() - 1);
      const w = Float32Array.from({ length: shape[0]! * info.classes }, () => 2 * rand() - 1);
      const n = await gradientOn(ortNode, bytes, info.imageInput, x, shape, w);
      const web = await gradientOn(ortWeb, bytes, info.imageInput, x, shape, w);
      let maxG = 0, diff = 0;
      n.gradient.forEach((v, i) => { maxG = Math.max(maxG, Math.abs(v)); diff = Math.max(diff, Math.abs(v - web.gradient[i]!)); });
      expect(maxG).toBeGreaterThan(0);
      expect(diff / maxG).toBeLessThan(1e-4);
      n.scores.forEach((v, i) => expect(Math.abs(v - web.scores[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
    });
  }
});

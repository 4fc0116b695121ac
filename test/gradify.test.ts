// The gradient model's contract and gradify's errors.
import { describe, expect, it } from 'vitest';
import { gradify } from '../ts/graph/gradify.js';
import { normaliseModel } from '../ts/graph/normalise.js';
import { TestNet, int } from './helpers/net.js';
import { gradCheck } from './helpers/gradcheck.js';

function classifier(t: TestNet): string {
  return t.op('Gemm', [t.op('Flatten', [t.op('GlobalAveragePool', [t.conv(t.x, 3, 4, 3)])]), t.weight([4, 10])]);
}

describe('gradify contract', () => {
  it('keeps the image input, adds class_weights, outputs scores and input_gradient', () => {
    const t = new TestNet(['batch', 3, 8, 8], 1, 'contract');
    const { model, info } = gradify(t.done(t.op('Softmax', [classifier(t)], { axis: int(1) })));
    expect(model.graph.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['batch', 3, 8, 8] },
      { name: 'class_weights', dtype: 'float32', shape: ['batch', 10] },
    ]);
    const [scores, gradient, ...cam] = model.graph.outputs.map((o) => [o.name, o.shape]);
    expect([scores, gradient]).toEqual([['scores', ['batch', 10]], ['input_gradient', ['batch', 3, 8, 8]]]);
    // and the last feature map with its gradient, for Grad-CAM (test/gradcam.test.ts)
    expect(cam.map(([name]) => name)).toEqual(['cam_activation', 'cam_gradient']);
    expect(info).toMatchObject({ imageInput: 'x', layout: 'NCHW', classes: 10, removedSoftmax: 'Softmax' });
    expect(model.metadata['deepinside.removed_softmax']).toBe('Softmax');
    expect(model.graph.nodes.some((n) => n.op === 'Softmax'), 'the trailing softmax is gone').toBe(false);
  });

  it('removes a softmax behind a float Cast (fp16 converters with float32 outputs)', async () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'castout');
    const logits = classifier(t);
    const model = t.done(t.op('Cast', [t.op('Softmax', [logits], { axis: int(1) })], { to: int(1) }));
    expect(gradify(model).info).toMatchObject({ removedSoftmax: 'Softmax', logits });
    expect((await gradCheck(model, [1, 3, 4, 4])).relError).toBeLessThan(1e-3);
  });

  it('removes LogSoftmax, and keeps outputs without one', () => {
    const a = new TestNet([1, 3, 4, 4], 1, 'log');
    expect(gradify(a.done(a.op('LogSoftmax', [classifier(a)]))).info.removedSoftmax).toBe('LogSoftmax');
    const b = new TestNet([1, 3, 4, 4], 1, 'plain');
    expect(gradify(b.done(classifier(b))).info.removedSoftmax).toBeNull();
  });

  it('does not change the model it is given', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'pure');
    const m = t.done(classifier(t));
    const before = JSON.stringify(m.graph.nodes);
    gradify(m);
    expect(JSON.stringify(m.graph.nodes)).toBe(before);
  });
});

describe('gradify errors name the model, the node and the op', () => {
  it('several image inputs', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'two');
    t.model.graph.inputs.push({ name: 'y', dtype: 'float32', shape: [1, 3, 4, 4] });
    expect(() => gradify(t.done(t.op('Add', [t.x, 'y'])))).toThrow(/two\.onnx: several image-like inputs.*x float32\[1,3,4,4\]; y float32/);
  });
  it('an image input that is named but absent', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'named');
    expect(() => gradify(t.done(classifier(t)), { imageInput: 'pixels' })).toThrow(/named\.onnx: there is no input named 'pixels'/);
  });
  it('scores that do not depend on the image', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'const');
    t.op('Relu', [t.x]);
    expect(() => gradify(t.done(t.op('Relu', [t.weight([1, 10])])))).toThrow(/const\.onnx: the scores .* do not depend on the image input 'x'/);
  });
  it('an op without a backward rule', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'erf');
    expect(() => gradify(t.done(t.op('Erf', [classifier(t)])))).toThrow(/erf\.onnx: op 'Erf' \(node 'Erf'\) has no backward rule/);
  });
  it('a rule that cannot apply (reflect padding)', () => {
    const t = new TestNet([1, 3, 4, 4], 1, 'reflect');
    expect(() => gradify(t.done(t.op('Pad', [t.x, t.ints([0, 0, 1, 1, 0, 0, 1, 1])], { mode: { t: 'string', v: 'reflect' } }))))
      .toThrow(/reflect\.onnx: node 'Pad' \(Pad\): Pad mode 'reflect' is not supported/);
  });
  it('opsets outside 7..17', () => {
    for (const opset of [6, 18]) {
      const t = new TestNet([1, 3, 4, 4], 1, `opset${opset}`, opset);
      expect(() => normaliseModel(t.done(classifier(t)))).toThrow(new RegExp(`opset${opset}\\.onnx: opset ${opset} is not supported`));
    }
  });
  it('a dynamic image size the convolution needs fixed, and the inputSize option that fixes it', async () => {
    const t = new TestNet(['N', 3, 'H', 'W'], 1, 'dynamic');
    const m = t.done(classifier(t));
    expect(() => gradify(m)).toThrow(/dynamic\.onnx: node 'Conv' \(Conv\): the convolution backward pass needs the static shape/);
    const { info } = gradify(m, { inputSize: [6, 5] });
    expect(info.imageShape).toEqual(['N', 3, 6, 5]);
    expect((await gradCheck(m, [2, 3, 6, 5], { gradify: { inputSize: [6, 5] } })).relError).toBeLessThan(1e-3);
  });
});

// Hand-computed cases pinning the semantics the reference interpreter is trusted for.
import { describe, it, expect } from 'vitest';
import { floatTensor, int64Tensor, iAttr, isAttr, fAttr, sAttr } from '../../ts/graph/ir.js';
import type { Attr, Model, Node, Tensor } from '../../ts/graph/ir.js';
import { runReference, type F64Tensor } from './interpreter.js';

const f64 = (dims: number[], values: number[]): F64Tensor => ({ dims, data: Float64Array.from(values) });
const iota = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => i + from);

function makeModel(nodes: Node[], outputs: string[], initializers = new Map<string, Tensor>()): Model {
  return {
    graph: { name: 'g', nodes, inputs: [], outputs: outputs.map((name) => ({ name, dtype: 'float32', shape: null })), initializers },
    opset: 17,
    irVersion: 8,
    producer: 'test',
    metadata: {},
    source: 'test',
  };
}

/**
 * Runs a one-node graph. IR tensors (with a dtype) become initializers, F64Tensors feeds, and
 * null an absent optional input.
 */
function runOp(op: string, inputs: (F64Tensor | Tensor | null)[], attrs: Record<string, Attr> = {}, nOut = 1): F64Tensor[] {
  const feeds: Record<string, F64Tensor> = {};
  const inits = new Map<string, Tensor>();
  const names = inputs.map((t, i) => {
    if (t === null) return '';
    const name = `in${i}`;
    if ('dtype' in t) inits.set(name, t);
    else feeds[name] = t;
    return name;
  });
  const outs = iota(nOut, 0).map((i) => `out${i}`);
  const node: Node = { name: `${op}_0`, op, domain: '', inputs: names, outputs: outs, attrs };
  const res = runReference(makeModel([node], outs, inits), feeds);
  return outs.map((o) => res[o]);
}

function expectTensor(t: F64Tensor, dims: number[], values: number[]): void {
  expect(t.dims).toEqual(dims);
  expect(t.data.length).toBe(values.length);
  Array.from(t.data as ArrayLike<number | bigint>, Number).forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(values[i], 12));
}

describe('Conv', () => {
  it('handles pads, strides and groups with a bias', () => {
    // two groups of one channel; channel 0 uses a diagonal kernel, channel 1 all ones plus bias 100
    const x = f64([1, 2, 3, 3], [...iota(9), ...iota(9, 10)]);
    const w = floatTensor([2, 1, 2, 2], [1, 0, 0, 1, 1, 1, 1, 1]);
    const b = floatTensor([2], [0, 100]);
    const [y] = runOp('Conv', [x, w, b], { group: iAttr(2), pads: isAttr([1, 1, 1, 1]), strides: isAttr([2, 2]) });
    // windows start at input rows/cols -1 and 1
    expectTensor(y, [1, 2, 2, 2], [1, 3, 7, 14, 110, 123, 129, 164]);
  });

  it('splits odd SAME padding at the end for SAME_UPPER and at the start for SAME_LOWER', () => {
    const x = f64([1, 1, 4, 4], iota(16));
    const w = floatTensor([1, 1, 3, 3], new Array(9).fill(1));
    const attrs = { strides: isAttr([2, 2]) };
    const [upper] = runOp('Conv', [x, w], { ...attrs, auto_pad: sAttr('SAME_UPPER') });
    expectTensor(upper, [1, 1, 2, 2], [54, 45, 72, 54]);
    const [lower] = runOp('Conv', [x, w], { ...attrs, auto_pad: sAttr('SAME_LOWER') });
    expectTensor(lower, [1, 1, 2, 2], [14, 30, 57, 99]);
  });

  it('dilates the kernel', () => {
    const x = f64([1, 1, 3, 3], iota(9));
    const w = floatTensor([1, 1, 2, 2], [1, 1, 1, 1]);
    const [y] = runOp('Conv', [x, w], { dilations: isAttr([2, 2]) });
    expectTensor(y, [1, 1, 1, 1], [1 + 3 + 7 + 9]);
  });
});

describe('ConvTranspose', () => {
  const x = f64([1, 1, 2, 2], [1, 2, 3, 4]);
  const ones = floatTensor([1, 1, 2, 2], [1, 1, 1, 1]);

  it('overlaps kernel copies at stride 1', () => {
    const [y] = runOp('ConvTranspose', [x, ones]);
    expectTensor(y, [1, 1, 3, 3], [1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('applies strides, pads, output_padding and bias', () => {
    const b = floatTensor([1], [0.5]);
    const [y] = runOp('ConvTranspose', [x, ones, b], { strides: isAttr([2, 2]), pads: isAttr([1, 0, 0, 1]), output_padding: isAttr([1, 1]) });
    // full 5x5 result is 2x2 blocks of 1,2 / 3,4 plus a zero last row and column; top row and right column cropped
    const full = [
      [1, 1, 2, 2, 0],
      [1, 1, 2, 2, 0],
      [3, 3, 4, 4, 0],
      [3, 3, 4, 4, 0],
      [0, 0, 0, 0, 0],
    ];
    expectTensor(y, [1, 1, 4, 4], full.slice(1).flatMap((row) => row.slice(0, 4)).map((v) => v + 0.5));
  });

  it('derives pads from output_shape with the odd pixel at the start (spec, auto_pad NOTSET)', () => {
    const [y] = runOp('ConvTranspose', [x, ones], { strides: isAttr([2, 2]), output_shape: isAttr([3, 3]) });
    expectTensor(y, [1, 1, 3, 3], [1, 2, 2, 3, 4, 4, 3, 4, 4]);
  });

  it('keeps groups apart', () => {
    const [y] = runOp('ConvTranspose', [f64([1, 2, 1, 1], [1, 2]), floatTensor([2, 1, 1, 1], [3, 5])], { group: iAttr(2) });
    expectTensor(y, [1, 2, 1, 1], [3, 10]);
  });
});

describe('MaxPool', () => {
  const x = f64([1, 1, 4, 4], iota(16));

  it('adds a partial window in ceil_mode', () => {
    const attrs = { kernel_shape: isAttr([3, 3]), strides: isAttr([2, 2]) };
    expectTensor(runOp('MaxPool', [x], attrs)[0], [1, 1, 1, 1], [11]);
    expectTensor(runOp('MaxPool', [x], { ...attrs, ceil_mode: iAttr(1) })[0], [1, 1, 2, 2], [11, 12, 15, 16]);
  });

  it('drops a ceil_mode window that would start in the end padding', () => {
    const attrs = { kernel_shape: isAttr([2, 2]), strides: isAttr([2, 2]), pads: isAttr([0, 0, 1, 1]), ceil_mode: iAttr(1) };
    expectTensor(runOp('MaxPool', [f64([1, 1, 2, 2], [1, 2, 3, 4])], attrs)[0], [1, 1, 1, 1], [4]);
  });

  it('ignores padding (a negative input still wins over zero pads)', () => {
    const [y] = runOp('MaxPool', [f64([1, 1, 1, 2], [-5, -3])], { kernel_shape: isAttr([1, 2]), pads: isAttr([0, 1, 0, 1]) });
    expectTensor(y, [1, 1, 1, 3], [-5, -3, -3]);
  });
});

describe('AveragePool', () => {
  const x = f64([1, 1, 3, 3], iota(9));
  const attrs = { kernel_shape: isAttr([2, 2]), pads: isAttr([1, 1, 1, 1]) };

  it('divides by the real pixels when count_include_pad=0', () => {
    const [y] = runOp('AveragePool', [x], attrs);
    expectTensor(y, [1, 1, 4, 4], [1, 1.5, 2.5, 3, 2.5, 3, 4, 4.5, 5.5, 6, 7, 7.5, 7, 7.5, 8.5, 9]);
  });

  it('divides by the whole window when count_include_pad=1', () => {
    const [y] = runOp('AveragePool', [x], { ...attrs, count_include_pad: iAttr(1) });
    expectTensor(y, [1, 1, 4, 4], [1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9].map((s) => s / 4));
  });

  it('clips ceil_mode windows to the padded extent for the divisor', () => {
    const ceil = { kernel_shape: isAttr([2, 2]), strides: isAttr([2, 2]), ceil_mode: iAttr(1) };
    for (const cip of [0, 1]) {
      const [y] = runOp('AveragePool', [x], { ...ceil, count_include_pad: iAttr(cip) });
      expectTensor(y, [1, 1, 2, 2], [3, 4.5, 7.5, 9]);
    }
  });
});

describe('LRN', () => {
  const x = f64([1, 3, 1, 1], [1, 2, 3]);

  it('uses the asymmetric channel window for even sizes', () => {
    // size 2: channels c .. c+1
    const [y] = runOp('LRN', [x], { size: iAttr(2), alpha: fAttr(2), beta: fAttr(1), bias: fAttr(1) });
    expectTensor(y, [1, 3, 1, 1], [1 / 6, 2 / 14, 3 / 10]);
  });

  it('uses c-1 .. c+1 for size 3 and divides alpha by size', () => {
    const [y] = runOp('LRN', [x], { size: iAttr(3), alpha: fAttr(3), beta: fAttr(0.5), bias: fAttr(2) });
    expectTensor(y, [1, 3, 1, 1], [1 / Math.sqrt(7), 2 / Math.sqrt(16), 3 / Math.sqrt(15)]);
  });
});

describe('Slice', () => {
  const x = f64([2, 5], iota(10, 0));

  it('walks backwards with negative steps and clamps the ends', () => {
    const minInt64 = -9223372036854775808;
    const [a] = runOp('Slice', [x, int64Tensor([1], [-1]), int64Tensor([1], [minInt64]), int64Tensor([1], [1]), int64Tensor([1], [-2])]);
    expectTensor(a, [2, 3], [4, 2, 0, 9, 7, 5]);
    const [b] = runOp('Slice', [x, int64Tensor([1], [10]), int64Tensor([1], [0]), int64Tensor([1], [1]), int64Tensor([1], [-1])]);
    expectTensor(b, [2, 4], [4, 3, 2, 1, 9, 8, 7, 6]);
  });

  it('combines axes with mixed step signs', () => {
    const [y] = runOp('Slice', [x, int64Tensor([2], [-1, 1]), int64Tensor([2], [-3, 100]), int64Tensor([2], [0, 1]), int64Tensor([2], [-1, 2])]);
    expectTensor(y, [2, 2], [6, 8, 1, 3]);
  });

  it('defaults axes and steps', () => {
    const [y] = runOp('Slice', [x, int64Tensor([2], [0, 1]), int64Tensor([2], [1, -1])]);
    expectTensor(y, [1, 3], [1, 2, 3]);
  });
});

describe('Gemm', () => {
  it('applies transB, alpha, beta and a broadcast C', () => {
    const a = f64([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = floatTensor([4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const c = floatTensor([4], [10, 20, 30, 40]);
    const [y] = runOp('Gemm', [a, b, c], { transB: iAttr(1), alpha: fAttr(2), beta: fAttr(0.5) });
    expectTensor(y, [2, 4], [7, 14, 21, 32, 13, 20, 27, 50]);
  });
});

describe('broadcasting', () => {
  it('adds a column to a row', () => {
    const [y] = runOp('Add', [f64([2, 1], [1, 2]), f64([3], [10, 20, 30])]);
    expectTensor(y, [2, 3], [11, 21, 31, 12, 22, 32]);
  });

  it('adds across ranks', () => {
    const [y] = runOp('Add', [f64([2, 1, 3], [0, 1, 2, 10, 11, 12]), f64([2, 1], [100, 200])]);
    expectTensor(y, [2, 2, 3], [100, 101, 102, 200, 201, 202, 110, 111, 112, 210, 211, 212]);
  });

  it('rejects incompatible shapes', () => {
    expect(() => runOp('Mul', [f64([2], [1, 2]), f64([3], [1, 2, 3])])).toThrow(/broadcast/);
  });

  it('keeps int64 arithmetic exact and truncates division', () => {
    const [y] = runOp('Div', [int64Tensor([2], [7, -7]), int64Tensor([1], [2])]);
    expect(Array.from(y.data as BigInt64Array)).toEqual([3n, -3n]);
  });
});

describe('other ops', () => {
  it('MatMul broadcasts batches and promotes 1-D operands', () => {
    const a = f64([2, 1, 2], [1, 2, 3, 4]);
    const b = f64([2, 1], [10, 1]);
    expectTensor(runOp('MatMul', [a, b])[0], [2, 1, 1], [12, 34]);
    expectTensor(runOp('MatMul', [f64([2], [1, 2]), f64([2, 2], [1, 2, 3, 4])])[0], [2], [7, 10]);
  });

  it('Pad reflects, repeats edges and fills constants', () => {
    const x = f64([1, 3], [1, 2, 3]);
    const pads = int64Tensor([4], [0, 2, 0, 1]);
    expectTensor(runOp('Pad', [x, pads], { mode: sAttr('reflect') })[0], [1, 6], [3, 2, 1, 2, 3, 2]);
    expectTensor(runOp('Pad', [x, pads], { mode: sAttr('edge') })[0], [1, 6], [1, 1, 1, 2, 3, 3]);
    expectTensor(runOp('Pad', [x, pads, f64([], [9])])[0], [1, 6], [9, 9, 1, 2, 3, 9]);
  });

  it('Softmax and LogSoftmax work along the last axis by default', () => {
    const x = f64([1, 2], [0, Math.log(3)]);
    expectTensor(runOp('Softmax', [x])[0], [1, 2], [0.25, 0.75]);
    expectTensor(runOp('LogSoftmax', [x])[0], [1, 2], [Math.log(0.25), Math.log(0.75)]);
  });

  it('ReduceSum takes axes as an input and ReduceMean as an attribute', () => {
    const x = f64([2, 3], iota(6));
    expectTensor(runOp('ReduceSum', [x, int64Tensor([1], [1])], { keepdims: iAttr(0) })[0], [2], [6, 15]);
    expectTensor(runOp('ReduceSum', [x])[0], [1, 1], [21]);
    expectTensor(runOp('ReduceSum', [x], { noop_with_empty_axes: iAttr(1) })[0], [2, 3], iota(6));
    expectTensor(runOp('ReduceMean', [x], { axes: isAttr([0]) })[0], [1, 3], [2.5, 3.5, 4.5]);
    expectTensor(runOp('ReduceMax', [x], { axes: isAttr([-1]), keepdims: iAttr(0) })[0], [2], [3, 6]);
  });

  it('runs a Shape/Gather/Concat/Reshape chain in int64', () => {
    const nodes: Node[] = [
      { name: 's', op: 'Shape', domain: '', inputs: ['x'], outputs: ['shape'], attrs: {} },
      { name: 'g', op: 'Gather', domain: '', inputs: ['shape', 'zero'], outputs: ['n'], attrs: { axis: iAttr(0) } },
      { name: 'u', op: 'Unsqueeze', domain: '', inputs: ['n', 'zero'], outputs: ['n1'], attrs: {} },
      { name: 'c', op: 'Concat', domain: '', inputs: ['n1', 'minus1'], outputs: ['target'], attrs: { axis: iAttr(0) } },
      { name: 'r', op: 'Reshape', domain: '', inputs: ['x', 'target'], outputs: ['y'], attrs: {} },
    ];
    const inits = new Map<string, Tensor>([
      ['zero', int64Tensor([], [0])],
      ['minus1', int64Tensor([1], [-1])],
    ]);
    const model = makeModel(nodes, ['y'], inits);
    const res = runReference(model, { x: f64([2, 3, 2], iota(12)) }, ['y', 'target']);
    expect(Array.from(res.target.data as BigInt64Array)).toEqual([2n, -1n]);
    expectTensor(res.y, [2, 6], iota(12));
  });

  it('names the op and node of an unsupported op', () => {
    expect(() => runOp('FancyOp', [f64([1], [1])])).toThrow(/FancyOp.*FancyOp_0/);
  });
});

describe('shape, type and constant ops', () => {
  it('Split takes explicit sizes or splits equally', () => {
    const x = f64([2, 3], iota(6));
    const [a, b] = runOp('Split', [x, int64Tensor([2], [1, 2])], { axis: iAttr(1) }, 2);
    expectTensor(a, [2, 1], [1, 4]);
    expectTensor(b, [2, 2], [2, 3, 5, 6]);
    const [c, d] = runOp('Split', [x], {}, 2);
    expectTensor(c, [1, 3], [1, 2, 3]);
    expectTensor(d, [1, 3], [4, 5, 6]);
  });

  it('Squeeze removes given or all unit axes; Unsqueeze inserts them', () => {
    const x = f64([1, 2, 1], [1, 2]);
    expect(runOp('Squeeze', [x])[0].dims).toEqual([2]);
    expect(runOp('Squeeze', [x, int64Tensor([1], [-1])])[0].dims).toEqual([1, 2]);
    expect(runOp('Unsqueeze', [x, int64Tensor([2], [0, -1])])[0].dims).toEqual([1, 1, 2, 1, 1]);
  });

  it('Greater feeds Where', () => {
    const nodes: Node[] = [
      { name: 'gt', op: 'Greater', domain: '', inputs: ['x', 'zero'], outputs: ['pos'], attrs: {} },
      { name: 'w', op: 'Where', domain: '', inputs: ['pos', 'x', 'zero'], outputs: ['y'], attrs: {} },
    ];
    const res = runReference(makeModel(nodes, ['y'], new Map([['zero', floatTensor([], [0])]])), { x: f64([4], [-2, -0.5, 0.5, 3]) }, ['pos', 'y']);
    expectTensor(res.pos, [4], [0, 0, 1, 1]);
    expectTensor(res.y, [4], [0, 0, 0.5, 3]);
  });

  it('Cast truncates to int64 and keeps float64 precision for float', () => {
    const [i] = runOp('Cast', [f64([3], [1.7, -1.7, 2])], { to: iAttr(7) });
    expect(Array.from(i.data as BigInt64Array)).toEqual([1n, -1n, 2n]);
    const [f] = runOp('Cast', [f64([1], [0.1])], { to: iAttr(1) });
    expect(f.data[0]).toBe(0.1);
  });

  it('Range, ConstantOfShape, Constant, Expand and Dropout', () => {
    const [r] = runOp('Range', [int64Tensor([], [5]), int64Tensor([], [0]), int64Tensor([], [-2])]);
    expect(Array.from(r.data as BigInt64Array)).toEqual([5n, 3n, 1n]);
    expectTensor(runOp('Range', [f64([], [0]), f64([], [1]), f64([], [0.25])])[0], [4], [0, 0.25, 0.5, 0.75]);
    expectTensor(runOp('ConstantOfShape', [int64Tensor([2], [2, 1])], { value: { t: 'tensor', v: floatTensor([1], [7]) } })[0], [2, 1], [7, 7]);
    expectTensor(runOp('ConstantOfShape', [int64Tensor([1], [2])])[0], [2], [0, 0]);
    expectTensor(runOp('Constant', [], { value_floats: { t: 'floats', v: [1, 2] } })[0], [2], [1, 2]);
    expectTensor(runOp('Expand', [f64([2, 1], [1, 2]), int64Tensor([2], [1, 3])])[0], [2, 3], [1, 1, 1, 2, 2, 2]);
    const [y, mask] = runOp('Dropout', [f64([2], [3, 4])], {}, 2);
    expectTensor(y, [2], [3, 4]);
    expectTensor(mask, [2], [1, 1]);
  });
});

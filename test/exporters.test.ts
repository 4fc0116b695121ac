// Models written the way real exporters write them (Constant nodes, PyTorch's dynamic view, fp16,
// old opsets, both Clip spellings). Each goes through the bytes a user's file would (encode with
// its own opset, decode), and is checked two ways: (a) the gradient model's scores equal
// onnxruntime's output of the ORIGINAL model (the removed softmax applied to the scores, or the
// pre-softmax tensor exposed as an extra output), and (b) a gradient check of the same model.
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { gradify } from '../ts/graph/gradify.js';
import { type Attr, type Model, type Node, type Tensor, int64Tensor } from '../ts/graph/ir.js';
import { decodeModel, encodeModel, halfToFloat } from '../ts/onnx/codec.js';
import { Net } from './helpers/families.js';
import { gradCheck, runGradientModel } from './helpers/gradcheck.js';
import { float, int, ints, rng, str } from './helpers/net.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { onnx } = onnxProto as any;

const SCORE_TOLERANCE = 1e-4;
const FP16_TOLERANCE = 1e-2;
const GRAD_TOLERANCE = 1e-3;
const CLASSES = 10;

// ---------------------------------------------------------------------------------------------
// helpers

/** float -> IEEE half bits, round to nearest even (subnormals, overflow to infinity, NaN kept). */
function floatToHalf(value: number): number {
  const f = new Float32Array([value]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000; // implicit leading one
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry into the exponent is the right result
  return sign | h;
}

/** Values in [-scale, scale], reproducible. */
function randomValues(n: number, seed: number, scale = 1): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: n }, () => scale * (2 * rand() - 1));
}

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** max |a - b| / max |b| */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0, ref = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    ref = Math.max(ref, Math.abs(b[i]!));
  }
  return err / Math.max(ref, 1e-12);
}

/** Softmax / LogSoftmax over the last axis of a [rows, classes] array. */
function softmaxRows(v: ArrayLike<number>, classes: number, log: boolean): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length / classes; r++) {
    const row = Array.from({ length: classes }, (_, c) => v[r * classes + c]!);
    const m = Math.max(...row);
    const z = row.reduce((s, x) => s + Math.exp(x - m), 0);
    out.push(...row.map((x) => (log ? x - m - Math.log(z) : Math.exp(x - m) / z)));
  }
  return out;
}

/** An output of onnxruntime as plain numbers (float16 bits widened). */
function numbers(t: ort.Tensor): number[] {
  if (t.type === 'float16') {
    const d = t.data as ArrayLike<number>;
    return d instanceof Uint16Array ? Array.from(d, halfToFloat) : Array.from(d);
  }
  return Array.from(t.data as Float32Array);
}

/** Runs the original model's bytes in onnxruntime. */
async function runOriginal(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, numbers(t)]));
}

interface ScoreCheck {
  /** relative difference between the gradient model's scores and the original's output */
  rel: number;
  removedSoftmax: string | null;
  gradModel: Model;
}

/**
 * (a) Decodes `bytes` as a user's file, gradifies it and runs the gradient model on x; runs the
 * original bytes on the same x (as float16 when `fp16`) and compares. The original's first output
 * is compared after applying the removed softmax to the scores, or `logitsOutput` (an extra output
 * of the original exposing the pre-softmax tensor) is compared with the scores directly.
 */
async function checkScores(bytes: Uint8Array, xShape: number[], o: { seed?: number; scale?: number; fp16?: boolean; logitsOutput?: string } = {}): Promise<ScoreCheck> {
  const model = decodeModel(bytes, 'user.onnx');
  let x = randomValues(size(xShape), o.seed ?? 3, o.scale ?? 1);
  if (o.fp16) x = Float32Array.from(x, (v) => halfToFloat(floatToHalf(v))); // the same input for both
  const { info } = gradify(model);
  const weights = randomValues(xShape[0]! * info.classes, 5);
  const { scores, gradModel } = await runGradientModel(model, x, xShape, weights, info.classes);
  const input = o.fp16 ? new ort.Tensor('float16', Uint16Array.from(x, floatToHalf), xShape) : new ort.Tensor('float32', x, xShape);
  const original = await runOriginal(bytes, { [info.imageInput]: input });
  let rel: number;
  if (o.logitsOutput) {
    rel = relDiff(scores, original[o.logitsOutput]!);
  } else {
    const name = model.graph.outputs[0]!.name;
    const expected = original[name]!;
    const got = info.removedSoftmax ? softmaxRows(scores, info.classes, info.removedSoftmax === 'LogSoftmax') : Array.from(scores);
    rel = relDiff(got, expected);
  }
  return { rel, removedSoftmax: info.removedSoftmax, gradModel };
}

/** (b) the gradient check, on the decoded model */
async function checkGradient(bytes: Uint8Array, xShape: number[], scale = 1): Promise<void> {
  const r = await gradCheck(decodeModel(bytes, 'user.onnx'), xShape, { samples: 48, scale });
  expect(r.maxAbsGrad, 'gradient should not vanish').toBeGreaterThan(1e-6);
  expect(r.relError).toBeLessThan(GRAD_TOLERANCE);
}

const tensorAttr = (v: Tensor): Attr => ({ t: 'tensor', v });

/** A Constant node emitted in place (before the nodes that use it). */
function constant(t: Net, value: Tensor): string {
  return t.op('Constant', [], { value: tensorAttr(value) });
}

/**
 * Moves every initializer into a Constant node at the head of the graph, in the three spellings
 * exporters use: value_ints for 1-D int64 (shapes), value_float for float scalars, value (a
 * tensor) for everything else.
 */
function initializersToConstants(model: Model): Model {
  const g = model.graph;
  const heads: Node[] = [];
  for (const [name, t] of g.initializers) {
    const attrs: Record<string, Attr> =
      t.dtype === 'int64' && t.dims.length === 1 ? { value_ints: ints(Array.from(t.data as BigInt64Array, Number)) }
        : t.dtype === 'float32' && t.dims.length === 0 ? { value_float: float(t.data[0] as number) }
          : { value: tensorAttr(t) };
    heads.push({ name: `Constant_${name}`, op: 'Constant', domain: '', inputs: [], outputs: [name], attrs });
  }
  g.nodes = [...heads, ...g.nodes];
  g.initializers = new Map();
  return model;
}

// ---------------------------------------------------------------------------------------------
// (1) Constant nodes instead of initializers

function constantNodesModel(): Model {
  const t = new Net([1, 3, 8, 8], 11, 'constants', 13);
  let x = t.relu(t.conv2d(t.x, 3, 6, 3, { pad: 1 }));
  x = t.op('Mul', [x, t.b.scalar(0.75)]); // a scalar constant on the path
  x = t.maxPool(x, 2, 2); // [1,6,4,4]
  x = t.op('Reshape', [x, t.ints([1, -1])]); // the reshape target as a constant
  x = t.relu(t.linear(x, 96, 16, 2));
  x = t.linear(x, 16, CLASSES);
  return initializersToConstants(t.done(t.softmax(x), [1, CLASSES]));
}

// (2) PyTorch x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape

function torchViewModel(opset: 9 | 13): Model {
  const t = new Net(['batch', 3, 8, 8], 22, `view_opset${opset}`, opset);
  let x = t.relu(t.conv2d(t.x, 3, 4, 3, { pad: 1 }));
  x = t.maxPool(x, 2, 2); // [batch,4,4,4]
  const batch = t.op('Gather', [t.op('Shape', [x]), constant(t, int64Tensor([], [0]))], { axis: int(0) });
  const batch1 = opset >= 13
    ? t.op('Unsqueeze', [batch, constant(t, int64Tensor([1], [0]))])
    : t.op('Unsqueeze', [batch], { axes: ints([0]) });
  const target = t.op('Concat', [batch1, constant(t, int64Tensor([1], [-1]))], { axis: int(0) });
  x = t.op('Reshape', [x, target]); // [batch, 64]
  x = t.relu(t.linear(x, 64, 16, 2));
  return t.done(t.linear(x, 16, CLASSES), ['batch', CLASSES]);
}

// (3) fp16, written as protobuf bytes by hand

const T = onnx.AttributeProto.AttributeType;
const FLOAT = 1, FLOAT16 = 10;

function halfTensor(name: string, dims: number[], values: ArrayLike<number>): object {
  const raw = new Uint8Array(2 * values.length);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(2 * i, floatToHalf(values[i]!), true);
  return { name, dims, dataType: FLOAT16, rawData: raw };
}

function valueInfo(name: string, elemType: number, shape: number[]): object {
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

/**
 * A converted half-precision classifier: float16 input, weights and output; LRN kept in float32
 * between Cast nodes (as float16 converters do for blocked ops); the logits exposed as a second
 * output beside the softmax.
 */
function fp16ModelBytes(): Uint8Array {
  const rand = rng(33);
  const u = (n: number, s: number, offset = 0) => Array.from({ length: n }, () => offset + s * (2 * rand() - 1));
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({ name: `${opType}_${output[0]}`, opType, input, output, attribute });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'onnxconverter-common',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'fp16net',
      node: [
        node('Conv', ['x', 'conv_w', 'conv_b'], ['conv'], [{ name: 'pads', type: T.INTS, ints: [1, 1, 1, 1] }, { name: 'kernel_shape', type: T.INTS, ints: [3, 3] }]),
        node('Relu', ['conv'], ['relu']),
        node('Cast', ['relu'], ['relu32'], [{ name: 'to', type: T.INT, i: FLOAT }]),
        node('LRN', ['relu32'], ['lrn32'], [{ name: 'size', type: T.INT, i: 3 }, { name: 'alpha', type: T.FLOAT, f: 0.05 }, { name: 'beta', type: T.FLOAT, f: 0.75 }]),
        node('Cast', ['lrn32'], ['lrn'], [{ name: 'to', type: T.INT, i: FLOAT16 }]),
        node('MaxPool', ['lrn'], ['pool'], [{ name: 'kernel_shape', type: T.INTS, ints: [2, 2] }, { name: 'strides', type: T.INTS, ints: [2, 2] }]),
        node('Flatten', ['pool'], ['flat']),
        node('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], [{ name: 'transB', type: T.INT, i: 1 }]),
        node('Softmax', ['logits'], ['probs'], [{ name: 'axis', type: T.INT, i: 1 }]),
      ],
      initializer: [
        halfTensor('conv_w', [6, 3, 3, 3], u(162, Math.sqrt(6 / 27))),
        halfTensor('conv_b', [6], u(6, 0.05)),
        halfTensor('fc_w', [CLASSES, 96], u(960, Math.sqrt(3 / 96))),
        halfTensor('fc_b', [CLASSES], u(CLASSES, 0.05)),
      ],
      input: [valueInfo('x', FLOAT16, [1, 3, 8, 8])],
      output: [valueInfo('probs', FLOAT16, [1, CLASSES]), valueInfo('logits', FLOAT16, [1, CLASSES])],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

// (4) old opsets

/**
 * The Caffe2 SqueezeNet export at opset 7: Pad with a pads attribute, BatchNormalization with
 * spatial, Dropout with ratio (and its mask output), Squeeze/Unsqueeze with axes attributes, and a
 * default-axis Softmax over a 4-D [N,C,1,1] tensor as the output.
 */
function opset7Model(): Model {
  const t = new Net([1, 3, 12, 12], 44, 'caffe2_opset7', 7);
  let x = t.op('Pad', [t.x], { pads: ints([0, 0, 1, 1, 0, 0, 1, 1]), mode: str('constant'), value: float(0) });
  x = t.conv2d(x, 3, 8, 3); // [1,8,12,12]
  x = t.op('BatchNormalization', [x, t.weight([8], 0.2, 1), t.weight([8], 0.1), t.weight([8], 0.1), t.weight([8], 0.3, 1)], { epsilon: float(1e-5), momentum: float(0.9), spatial: int(1) });
  x = t.relu(x);
  x = t.opN('Dropout', [x], 2, { ratio: float(0.5) })[0]!;
  x = t.maxPool(x, 3, 2); // [1,8,5,5] (MaxPool-1: no ceil_mode before opset 10)
  x = t.relu(t.op('Conv', [x, t.scaled([CLASSES, 8, 1, 1], 8, 2), t.weight([CLASSES], 0.1, 0.3)]));
  x = t.gap(x); // [1,10,1,1]
  x = t.op('Unsqueeze', [t.op('Squeeze', [x], { axes: ints([3]) })], { axes: ints([3]) });
  return t.done(t.op('Softmax', [x]), [1, CLASSES, 1, 1]);
}

/** An opset-9 export: Slice with starts/ends/axes attributes (spatial crop and channel slice). */
function opset9SliceModel(): Model {
  const t = new Net([1, 3, 10, 10], 55, 'slice_opset9', 9);
  let x = t.relu(t.conv2d(t.x, 3, 8, 3, { pad: 1 })); // [1,8,10,10]
  x = t.op('Slice', [x], { starts: ints([1, 1]), ends: ints([-1, 9]), axes: ints([2, 3]) }); // [1,8,8,8]
  x = t.op('Slice', [x], { starts: ints([0, 2]), ends: ints([1, 7]) }); // axes default: [1,5,8,8]
  x = t.maxPool(x, 2, 2); // [1,5,4,4]
  x = t.flatten(x);
  x = t.linear(x, 80, CLASSES);
  return t.done(t.op('LogSoftmax', [x], { axis: int(1) }), [1, CLASSES]);
}

// (5) Clip as attributes (opset <= 10) and as inputs (opset >= 11)

function clipModel(opset: 10 | 11): Model {
  const t = new Net([1, 3, 8, 8], 66 + opset, `clip_opset${opset}`, opset);
  const clip = (x: string, lo: number | null, hi: number | null): string => {
    if (opset <= 10) {
      const attrs: Record<string, Attr> = {};
      if (lo !== null) attrs['min'] = float(lo);
      if (hi !== null) attrs['max'] = float(hi);
      return t.op('Clip', [x], attrs);
    }
    // PyTorch writes the bounds as Constant nodes; a missing bound is an empty input name
    const bound = (v: number | null) => (v === null ? '' : constant(t, { dtype: 'float32', dims: [], data: Float32Array.of(v) }));
    const inputs = [x, bound(lo), bound(hi)];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    return t.op('Clip', inputs);
  };
  // ReLU6: with inputs in [-4, 4] (the tests' scale) both bounds are hit
  let x = clip(t.conv2d(t.x, 3, 8, 3, { pad: 1 }), 0, 6);
  x = clip(t.conv2d(x, 8, 8, 3, { pad: 1, group: 8 }), null, 1.5); // max only
  x = clip(t.conv2d(x, 8, 8, 1), -0.5, null); // min only
  x = t.flatten(t.gap(x));
  x = t.linear(x, 8, CLASSES);
  return t.done(t.softmax(x), [1, CLASSES]);
}

/** The bytes a user's file holds: the IR model encoded with its own (old) opset. */
const bytesOf = (m: Model): Uint8Array => encodeModel(m);

// ---------------------------------------------------------------------------------------------

describe('float16 helper', () => {
  it('converts floats to half bits (round to nearest even) and back', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    for (const v of randomValues(200, 9, 10)) expect(Math.abs(halfToFloat(floatToHalf(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
  });
});

describe('exporter idioms: scores match the original model and gradients check', () => {
  it('(1) Constant nodes for weights, scalars and reshape shapes', async () => {
    const model = constantNodesModel();
    expect(model.graph.initializers.size).toBe(0);
    const spellings = new Set(model.graph.nodes.filter((n) => n.op === 'Constant').flatMap((n) => Object.keys(n.attrs)));
    expect([...spellings].sort()).toEqual(['value', 'value_float', 'value_ints']);
    const bytes = bytesOf(model);
    const s = await checkScores(bytes, [1, 3, 8, 8]);
    expect(s.removedSoftmax).toBe('Softmax');
    expect(s.rel).toBeLessThan(SCORE_TOLERANCE);
    await checkGradient(bytes, [1, 3, 8, 8]);
  });

  for (const opset of [13, 9] as const) {
    it(`(2) PyTorch view(x.size(0), -1) with a dynamic batch (opset ${opset}) at batch 1 and 3`, async () => {
      const bytes = bytesOf(torchViewModel(opset));
      const decoded = decodeModel(bytes, 'user.onnx');
      expect(decoded.graph.inputs[0]!.shape).toEqual(['batch', 3, 8, 8]);
      const { info } = gradify(decoded);
      expect(info.scoresShape).toEqual(['batch', CLASSES]);
      expect(info.removedSoftmax).toBeNull();
      for (const batch of [1, 3]) {
        const s = await checkScores(bytes, [batch, 3, 8, 8], { seed: batch });
        expect(s.rel, `batch ${batch}`).toBeLessThan(SCORE_TOLERANCE);
        await checkGradient(bytes, [batch, 3, 8, 8]);
      }
    });
  }

  it('(3) float16 model: widened to float32, scores within fp16 tolerance', async () => {
    const bytes = fp16ModelBytes();
    const decoded = decodeModel(bytes, 'user.onnx');
    const { model: gm, info } = gradify(decoded);
    expect(info.removedSoftmax).toBe('Softmax');
    expect(info.logits).toBe('logits');
    // the gradient model is float32 through and through
    const reread = onnx.ModelProto.decode(encodeModel(gm));
    for (const v of [...reread.graph.input, ...reread.graph.output]) expect(v.type.tensorType.elemType).toBe(FLOAT);
    for (const t of reread.graph.initializer) expect(t.dataType).not.toBe(FLOAT16);
    for (const n of reread.graph.node.filter((n: { opType: string }) => n.opType === 'Cast')) {
      expect(n.attribute.find((a: { name: string }) => a.name === 'to').i).not.toBe(FLOAT16);
    }
    // compared against the pre-softmax logits and the softmax output of the fp16 model
    const logits = await checkScores(bytes, [1, 3, 8, 8], { fp16: true, logitsOutput: 'logits' });
    expect(logits.rel).toBeLessThan(FP16_TOLERANCE);
    const probs = await checkScores(bytes, [1, 3, 8, 8], { fp16: true });
    expect(probs.rel).toBeLessThan(FP16_TOLERANCE);
    await checkGradient(bytes, [1, 3, 8, 8]);
  });

  it('(4) opset 7 Caffe2 SqueezeNet style: Pad/Squeeze/Unsqueeze attributes, BN spatial, Dropout ratio, 4-D Softmax', async () => {
    const bytes = bytesOf(opset7Model());
    expect(decodeModel(bytes, 'user.onnx').opset).toBe(7);
    const s = await checkScores(bytes, [1, 3, 12, 12]);
    expect(s.removedSoftmax).toBe('Softmax');
    expect(s.rel).toBeLessThan(SCORE_TOLERANCE);
    await checkGradient(bytes, [1, 3, 12, 12]);
  });

  it('(4) opset 9 Slice with starts/ends/axes attributes, LogSoftmax', async () => {
    const bytes = bytesOf(opset9SliceModel());
    const s = await checkScores(bytes, [1, 3, 10, 10]);
    expect(s.removedSoftmax).toBe('LogSoftmax');
    expect(s.rel).toBeLessThan(SCORE_TOLERANCE);
    await checkGradient(bytes, [1, 3, 10, 10]);
  });

  for (const opset of [10, 11] as const) {
    it(`(5) Clip with min/max ${opset <= 10 ? 'attributes (opset 10)' : 'inputs (opset 11)'}`, async () => {
      const bytes = bytesOf(clipModel(opset));
      const s = await checkScores(bytes, [1, 3, 8, 8], { scale: 4 });
      expect(s.removedSoftmax).toBe('Softmax');
      expect(s.rel).toBeLessThan(SCORE_TOLERANCE);
      await checkGradient(bytes, [1, 3, 8, 8], 4);
    });
  }
});

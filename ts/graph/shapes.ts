// Shape inference over the canonical (opset-17) graph, with symbolic dims, and partial evaluation
// of small int64 shape tensors (Shape -> Gather -> Concat -> Reshape chains exporters write).
import { type DType, type Dim, type Model, type Node, attrInt, attrInts, tensorValues } from './ir.js';
import { addDims, divDims, freshDim, isKnown, mulDims, prodDims } from './dims.js';
import { resolveWindow, windowOutput } from './window.js';

export interface ValueShape {
  dtype: DType;
  shape: Dim[] | null;
  /** the elements of a small int64 tensor, when known (dims of a Shape output, say) */
  value?: Dim[];
}

export type ShapeMap = Map<string, ValueShape>;

const UNARY = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Identity', 'Softmax', 'LogSoftmax',
  'LRN', 'BatchNormalization', 'InstanceNormalization', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Erf', 'Reciprocal', 'Elu',
  'Selu', 'Softplus', 'Softsign', 'Mish', 'Not', 'Floor', 'Ceil', 'Round', 'Sign', 'Gelu',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Where', 'Max', 'Min', 'Sum', 'Mean']);
const BOOL_OUT = new Set(['Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Not']);
const CAST_TO: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64' };

export function broadcastShapes(shapes: Dim[][]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const e = s[i - rank + s.length];
      if (e === undefined || e === 1) continue;
      if (d === 1 || (!isKnown(d) && isKnown(e))) d = e;
    }
    out.push(d);
  }
  return out;
}

const normAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);

export function inferShapes(model: Model): ShapeMap {
  const g = model.graph;
  const m: ShapeMap = new Map();
  for (const v of g.inputs) m.set(v.name, { dtype: v.dtype, shape: v.shape ? [...v.shape] : null });
  for (const [name, t] of g.initializers) {
    const small = t.dtype === 'int64' && t.data.length <= 16;
    m.set(name, { dtype: t.dtype, shape: [...t.dims], value: small ? tensorValues(t) : undefined });
  }
  for (const n of g.nodes) {
    let res: ValueShape[];
    try {
      res = inferNode(n, n.inputs.map((i) => (i ? m.get(i) : undefined)));
    } catch (e) {
      throw new Error(`${model.source}: node '${n.name}' (${n.op}): ${(e as Error).message}`);
    }
    n.outputs.forEach((o, i) => o && m.set(o, res[i] ?? { dtype: 'float32', shape: null }));
  }
  return m;
}

function inferNode(n: Node, ins: (ValueShape | undefined)[]): ValueShape[] {
  const x = ins[0];
  const xs = x?.shape ?? null;
  const dt = x?.dtype ?? 'float32';
  const same = (shape: Dim[] | null, dtype: DType = dt, value?: Dim[]): ValueShape[] => [{ dtype, shape, value }];
  if (UNARY.has(n.op)) return same(xs, BOOL_OUT.has(n.op) ? 'bool' : dt);
  if (BROADCAST.has(n.op)) {
    const shapes = ins.map((i) => i?.shape);
    const dtype = BOOL_OUT.has(n.op) ? 'bool' : n.op === 'Where' ? ins[1]!.dtype : dt;
    if (shapes.some((s) => !s)) return same(null, dtype);
    const shape = broadcastShapes(shapes as Dim[][]);
    // arithmetic on known shape values (e.g. a batch size times a constant)
    let value: Dim[] | undefined;
    if (['Add', 'Sub', 'Mul', 'Div'].includes(n.op) && ins.every((i) => i?.value) && shape.length <= 1) {
      const a = ins[0]!.value!, b = ins[1]!.value!;
      const len = Math.max(a.length, b.length);
      value = Array.from({ length: len }, (_, k) => {
        const p = a[a.length === 1 ? 0 : k]!, q = b[b.length === 1 ? 0 : k]!;
        if (!isKnown(p) || !isKnown(q)) return freshDim('v');
        return n.op === 'Add' ? p + q : n.op === 'Sub' ? p - q : n.op === 'Mul' ? p * q : Math.trunc(p / q);
      });
    }
    return same(shape, dtype, value);
  }
  switch (n.op) {
    case 'Cast': return same(xs, CAST_TO[attrInt(n, 'to', 1)] ?? 'float32', x?.value);
    case 'Shape': {
      if (!xs) return same(null, 'int64');
      const start = normAxis(attrInt(n, 'start', 0), xs.length), end = normAxis(attrInt(n, 'end', xs.length), xs.length);
      const value = xs.slice(start, end);
      return same([value.length], 'int64', value);
    }
    case 'Conv': case 'MaxPool': case 'AveragePool': {
      if (!xs) return same(null);
      const wShape = n.op === 'Conv' ? ins[1]?.shape : null;
      const w = resolveWindow(n, xs.slice(2), wShape ? (wShape.slice(2) as number[]) : undefined);
      const channels = n.op === 'Conv' ? wShape![0]! : xs[1]!;
      return n.op === 'MaxPool' && n.outputs.length > 1
        ? [{ dtype: dt, shape: [xs[0]!, channels, ...windowOutput(w, xs.slice(2))] }, { dtype: 'int64', shape: null }]
        : same([xs[0]!, channels, ...windowOutput(w, xs.slice(2))]);
    }
    case 'ConvTranspose': {
      const wShape = ins[1]?.shape;
      if (!xs || !wShape) return same(null);
      const w = resolveWindow(n, xs.slice(2), wShape.slice(2) as number[]);
      const outPad = attrInts(n, 'output_padding', null) ?? w.kernel.map(() => 0);
      const explicit = attrInts(n, 'output_shape', null);
      const spatial = explicit ?? xs.slice(2).map((d, i) => (isKnown(d)
        ? w.strides[i]! * (d - 1) + outPad[i]! + (w.kernel[i]! - 1) * w.dilations[i]! + 1 - w.padsBegin[i]! - w.padsEnd[i]!
        : freshDim('t')));
      return same([xs[0]!, mulDims(wShape[1]!, attrInt(n, 'group', 1)), ...spatial]);
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool':
      return same(xs ? [xs[0]!, xs[1]!, ...xs.slice(2).map(() => 1)] : null);
    case 'ReduceMean': case 'ReduceMax': case 'ReduceSum': case 'ReduceMin': case 'ReduceProd': {
      if (!xs) return same(null);
      const axesIn = n.op === 'ReduceSum' ? ins[1]?.value : attrInts(n, 'axes', null);
      if (n.op === 'ReduceSum' && n.inputs[1] && !axesIn) return same(null);
      const axes = (axesIn ?? xs.map((_, i) => i)).map((a) => normAxis(a as number, xs.length));
      const keep = attrInt(n, 'keepdims', 1) === 1;
      const shape = keep ? xs.map((d, i) => (axes.includes(i) ? 1 : d)) : xs.filter((_, i) => !axes.includes(i));
      return same(shape);
    }
    case 'Gemm': {
      const a = xs, b = ins[1]?.shape;
      if (!a || !b) return same(null);
      const M = attrInt(n, 'transA', 0) ? a[1]! : a[0]!;
      const N = attrInt(n, 'transB', 0) ? b[0]! : b[1]!;
      return same([M, N]);
    }
    case 'MatMul': {
      const a = xs, b = ins[1]?.shape;
      if (!a || !b || a.length < 2 || b.length < 1) return same(null);
      if (b.length === 1) return same(a.slice(0, -1));
      const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)]);
      return same([...batch, a[a.length - 2]!, b[b.length - 1]!]);
    }
    case 'Flatten': {
      if (!xs) return same(null);
      const axis = normAxis(attrInt(n, 'axis', 1), xs.length);
      return same([prodDims(xs.slice(0, axis)), prodDims(xs.slice(axis))]);
    }
    case 'Reshape': {
      const target = ins[1]?.value;
      if (!target) return same(ins[1]?.shape && isKnown(ins[1].shape[0]!) ? Array.from({ length: ins[1].shape[0] as number }, () => freshDim('r')) : null);
      const allowZero = attrInt(n, 'allowzero', 0) === 1;
      const shape = target.map((d, i) => (d === 0 && !allowZero && xs ? xs[i]! : d));
      const hole = shape.indexOf(-1);
      if (hole >= 0) shape[hole] = xs ? divDims(prodDims(xs), prodDims(shape.filter((_, i) => i !== hole))) : freshDim('r');
      return same(shape, dt, shape.length <= 16 && x?.value ? x.value : undefined);
    }
    case 'Transpose': {
      if (!xs) return same(null);
      const perm = attrInts(n, 'perm', null) ?? xs.map((_, i) => xs.length - 1 - i);
      return same(perm.map((p) => xs[p]!));
    }
    case 'Squeeze': case 'Unsqueeze': {
      if (!xs) return same(null);
      const axesV = ins[1]?.value;
      if (n.inputs[1] && !axesV) return same(null);
      if (n.op === 'Squeeze') {
        const axes = axesV ? axesV.map((a) => normAxis(a as number, xs.length)) : xs.flatMap((d, i) => (d === 1 ? [i] : []));
        return same(xs.filter((_, i) => !axes.includes(i)), dt, x?.value);
      }
      const rank = xs.length + axesV!.length;
      const axes = axesV!.map((a) => normAxis(a as number, rank));
      const out: Dim[] = [];
      for (let i = 0, j = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : xs[j++]!);
      return same(out, dt, x?.value);
    }
    case 'Concat': {
      const shapes = ins.map((i) => i?.shape);
      if (shapes.some((s) => !s)) return same(null);
      const rank = shapes[0]!.length;
      const axis = normAxis(attrInt(n, 'axis', 0), rank);
      const shape = [...shapes[0]!];
      shape[axis] = shapes.map((s) => s![axis]!).reduce((a, b) => addDims(a, b));
      const value = ins.every((i) => i?.value) ? ins.flatMap((i) => i!.value!) : undefined;
      return same(shape, dt, value);
    }
    case 'Split': {
      if (!xs) return ins.map(() => ({ dtype: dt, shape: null }));
      const axis = normAxis(attrInt(n, 'axis', 0), xs.length);
      const sizes = ins[1]?.value ?? Array(n.outputs.length).fill(isKnown(xs[axis]!) ? (xs[axis] as number) / n.outputs.length : freshDim('p'));
      return sizes.map((s) => ({ dtype: dt, shape: xs.map((d, i) => (i === axis ? s : d)) }));
    }
    case 'Slice': {
      if (!xs) return same(null);
      const starts = ins[1]?.value, ends = ins[2]?.value;
      const axes = n.inputs[3] ? ins[3]?.value : starts?.map((_, i) => i);
      const steps = n.inputs[4] ? ins[4]?.value : starts?.map(() => 1);
      if (!starts || !ends || !axes || !steps) return same(xs.map(() => freshDim('s')));
      const shape = [...xs];
      let value = x?.value ? [...x.value] : undefined;
      axes.forEach((a, k) => {
        const ax = normAxis(a as number, xs.length);
        const range = sliceRange(xs[ax]!, starts[k]!, ends[k]!, steps[k]!);
        shape[ax] = range ? range.count : freshDim('s');
        if (value && ax === 0 && range && x?.value) value = Array.from({ length: range.count }, (_, i) => x.value![range.start + i * (steps[k] as number)]!);
        else if (ax === 0) value = undefined;
      });
      return same(shape, dt, value);
    }
    case 'Pad': {
      const pads = ins[1]?.value;
      if (!xs || !pads) return same(xs ? xs.map(() => freshDim('p')) : null);
      const r = xs.length;
      return same(xs.map((d, i) => addDims(addDims(d, pads[i]!), pads[i + r]!)));
    }
    case 'Gather': {
      const idx = ins[1];
      if (!xs || !idx?.shape) return same(null);
      const axis = normAxis(attrInt(n, 'axis', 0), xs.length);
      const shape = [...xs.slice(0, axis), ...idx.shape, ...xs.slice(axis + 1)];
      let value: Dim[] | undefined;
      if (x?.value && idx.value && xs.length === 1) value = idx.value.map((i) => x.value![normAxis(i as number, x.value!.length)]!);
      return same(shape, dt, value);
    }
    case 'ConstantOfShape': {
      const v = ins[0]?.value;
      const valueAttr = n.attrs['value'];
      const dtype = valueAttr?.t === 'tensor' ? valueAttr.v.dtype : 'float32';
      return same(v ? [...v] : null, dtype);
    }
    case 'Expand': {
      const target = ins[1]?.value;
      return same(xs && target ? broadcastShapes([xs, target]) : null);
    }
    case 'ArgMax': case 'ArgMin': {
      if (!xs) return same(null, 'int64');
      const axis = normAxis(attrInt(n, 'axis', 0), xs.length);
      const keep = attrInt(n, 'keepdims', 1) === 1;
      return same(keep ? xs.map((d, i) => (i === axis ? 1 : d)) : xs.filter((_, i) => i !== axis), 'int64');
    }
    default:
      return n.outputs.map(() => ({ dtype: dt, shape: null }));
  }
}

/** Elements a Slice keeps along one axis of size `size` (null when the size is symbolic). */
export function sliceRange(size: Dim, start: Dim, end: Dim, step: Dim): { start: number; end: number; count: number } | null {
  if (!isKnown(start) || !isKnown(end) || !isKnown(step)) return null;
  if (!isKnown(size)) return null;
  let s = start < 0 ? start + size : start;
  let e = end < 0 ? end + size : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), size);
    e = Math.min(Math.max(e, 0), size);
  } else {
    s = Math.min(Math.max(s, -1), size - 1);
    e = Math.min(Math.max(e, -1), size - 1);
  }
  const count = Math.max(0, Math.ceil((e - s) / step));
  return { start: s, end: e, count };
}

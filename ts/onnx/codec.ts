// ONNX protobuf <-> ir.Model. Decoding widens float16 to float32 everywhere (tensors, types,
// Cast targets), so the rest of deepinside only ever sees float32.
import onnxProto from 'onnx-proto';
import type { Attr, DType, Dim, Graph, Model, Node, Tensor, ValueInfo } from '../graph/ir.js';

// protobufjs's generated typings fight strict mode; the shapes we read are checked by hand below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Proto = any;
const onnx: Proto = (onnxProto as Proto).onnx;
type TensorProto = Proto;

const ONNX_TO_DTYPE: Record<number, DType | 'float16'> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64',
};
const DTYPE_TO_ONNX: Record<DType, number> = {
  float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11,
};
export const ONNX_FLOAT = 1;
export const ONNX_FLOAT16 = 10;

export class ModelFormatError extends Error {}

function dtypeOf(code: number, where: string): DType {
  const d = ONNX_TO_DTYPE[code];
  if (!d) throw new ModelFormatError(`${where}: element type ${code} is not supported (only float16/32/64, int8/32/64, uint8, bool)`);
  return d === 'float16' ? 'float32' : d;
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const toNum = (v: number | { toNumber(): number }): number => (typeof v === 'number' ? v : v.toNumber());

function decodeTensor(t: TensorProto, where: string): Tensor {
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length > 0)) {
    throw new ModelFormatError(`${where}: tensor '${t.name}' uses external data, which deepinside does not read; save the model with its weights inside`);
  }
  const dims = ((t.dims ?? []) as number[]).map(toNum);
  const n = dims.reduce((a: number, b: number) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const code = t.dataType ?? 0;
  const kind = ONNX_TO_DTYPE[code];
  const check = (have: number) => {
    if (have !== n) throw new ModelFormatError(`${where}: tensor '${t.name}' of shape [${dims}] holds ${have} values, expected ${n}`);
  };
  switch (kind) {
    case 'float32': {
      const data = new Float32Array(n);
      if (view) { check(view.byteLength / 4); for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true); }
      else { check(t.floatData.length); data.set(t.floatData); }
      return { dtype: 'float32', dims, data };
    }
    case 'float16': {
      const data = new Float32Array(n);
      if (view) { check(view.byteLength / 2); for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(i * 2, true)); }
      else { check(t.int32Data.length); for (let i = 0; i < n; i++) data[i] = halfToFloat(t.int32Data[i]!); }
      return { dtype: 'float32', dims, data };
    }
    case 'float64': {
      const data = new Float64Array(n);
      if (view) { check(view.byteLength / 8); for (let i = 0; i < n; i++) data[i] = view.getFloat64(i * 8, true); }
      else { check(t.doubleData.length); data.set(t.doubleData); }
      return { dtype: 'float64', dims, data };
    }
    case 'int64': {
      const data = new BigInt64Array(n);
      if (view) { check(view.byteLength / 8); for (let i = 0; i < n; i++) data[i] = view.getBigInt64(i * 8, true); }
      else { check(t.int64Data.length); for (let i = 0; i < n; i++) data[i] = BigInt(toNum(t.int64Data[i] as number)); }
      return { dtype: 'int64', dims, data };
    }
    case 'int32': case 'int8': case 'uint8': case 'bool': {
      const Ctor = kind === 'int32' ? Int32Array : kind === 'int8' ? Int8Array : Uint8Array;
      const width = kind === 'int32' ? 4 : 1;
      const data = new Ctor(n);
      if (view) {
        check(view.byteLength / width);
        for (let i = 0; i < n; i++) data[i] = kind === 'int32' ? view.getInt32(i * 4, true) : kind === 'int8' ? view.getInt8(i) : view.getUint8(i);
      } else { check(t.int32Data.length); for (let i = 0; i < n; i++) data[i] = t.int32Data[i]!; }
      return { dtype: kind, dims, data };
    }
    default:
      throw new ModelFormatError(`${where}: tensor '${t.name}' has element type ${code}, which is not supported`);
  }
}

function encodeTensor(name: string, t: Tensor): Proto {
  const d = t.data;
  return {
    name, dims: t.dims, dataType: DTYPE_TO_ONNX[t.dtype],
    rawData: new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)),
  };
}

function decodeAttr(a: Proto, where: string): Attr | null {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT: return { t: 'int', v: toNum(a.i as number) };
    case T.FLOAT: return { t: 'float', v: a.f };
    case T.STRING: return { t: 'string', v: new TextDecoder().decode(a.s) };
    case T.INTS: return { t: 'ints', v: a.ints.map((x: number) => toNum(x as number)) };
    case T.FLOATS: return { t: 'floats', v: [...a.floats] };
    case T.STRINGS: return { t: 'strings', v: a.strings.map((s: Uint8Array) => new TextDecoder().decode(s)) };
    case T.TENSOR: return { t: 'tensor', v: decodeTensor(a.t as TensorProto, where) };
    default:
      throw new ModelFormatError(`${where}: attribute '${a.name}' of type ${a.type} (graphs/sparse tensors) is not supported`);
  }
}

function encodeAttr(name: string, a: Attr): Proto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.t) {
    case 'int': return { name, type: T.INT, i: a.v };
    case 'float': return { name, type: T.FLOAT, f: a.v };
    case 'string': return { name, type: T.STRING, s: new TextEncoder().encode(a.v) };
    case 'ints': return { name, type: T.INTS, ints: a.v };
    case 'floats': return { name, type: T.FLOATS, floats: a.v };
    case 'strings': return { name, type: T.STRINGS, strings: a.v.map((s) => new TextEncoder().encode(s)) };
    case 'tensor': return { name, type: T.TENSOR, t: encodeTensor('', a.v) };
  }
}

function decodeValueInfo(v: Proto, where: string): ValueInfo {
  const tt = v.type?.tensorType;
  if (!tt) throw new ModelFormatError(`${where}: value '${v.name}' is not a tensor (sequences and maps are not supported)`);
  const shape: Dim[] | null = tt.shape
    ? tt.shape.dim.map((d: Proto, i: number) => (d.value === 'dimValue' ? toNum(d.dimValue as number) : d.dimParam || `${v.name}_dim${i}`))
    : null;
  return { name: v.name, dtype: dtypeOf(tt.elemType ?? 0, `${where}: value '${v.name}'`), shape };
}

function encodeValueInfo(v: ValueInfo): Proto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DTYPE_TO_ONNX[v.dtype],
        shape: v.shape ? { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
      },
    },
  };
}

/** Parse ONNX bytes. `source` names the model in every error message. */
export function decodeModel(bytes: Uint8Array, source: string): Model {
  let m: Proto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(`${source}: not an ONNX model (${(e as Error).message})`);
  }
  const g = m.graph;
  if (!g || g.node.length === 0) throw new ModelFormatError(`${source}: not an ONNX model (no graph or an empty graph)`);
  let opset = 0;
  for (const o of m.opsetImport) {
    if (!o.domain || o.domain === 'ai.onnx') opset = toNum(o.version as number);
  }
  if (!opset) throw new ModelFormatError(`${source}: the model declares no default-domain opset`);
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer) initializers.set(t.name, decodeTensor(t as TensorProto, `${source}: initializer`));
  const nodes: Node[] = g.node.map((n: Proto, i: number) => {
    const name = n.name || `${n.opType}_${i}`;
    const where = `${source}: node '${name}' (${n.opType})`;
    const attrs: Record<string, Attr> = {};
    for (const a of n.attribute) {
      const v = decodeAttr(a, where);
      if (v) attrs[a.name] = v;
    }
    return { name, op: n.opType, domain: n.domain || '', inputs: [...n.input], outputs: [...n.output], attrs };
  });
  const graph: Graph = {
    name: g.name || 'graph',
    nodes,
    inputs: g.input.filter((v: Proto) => !initializers.has(v.name)).map((v: Proto) => decodeValueInfo(v, `${source}: input`)),
    outputs: g.output.map((v: Proto) => decodeValueInfo(v, `${source}: output`)),
    initializers,
  };
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps) metadata[p.key] = p.value;
  return { graph, opset, irVersion: toNum(m.irVersion as number), producer: m.producerName ?? '', metadata, source };
}

export function encodeModel(model: Model): Uint8Array {
  const g = model.graph;
  const proto = onnx.ModelProto.create({
    irVersion: Math.max(model.irVersion, 8),
    producerName: model.producer || 'deepinside',
    opsetImport: [{ domain: '', version: model.opset }],
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: g.name,
      node: g.nodes.map((n) => ({
        name: n.name, opType: n.op, domain: n.domain, input: n.inputs, output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, a]) => encodeAttr(k, a)),
      })),
      initializer: [...g.initializers].map(([name, t]) => encodeTensor(name, t)),
      input: g.inputs.map(encodeValueInfo),
      output: g.outputs.map(encodeValueInfo),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

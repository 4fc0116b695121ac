// The in-memory graph that gradify reads and writes: a plain, mutable mirror of ONNX's GraphProto
// with tensors decoded into typed arrays. fp16 never appears here (it is widened on import).

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** A dimension: a known size, or a symbol (a named dynamic dimension such as 'N'). */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  dtype: DType;
  /** null when the rank is unknown */
  shape: Dim[] | null;
}

export type Attr =
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'ints'; v: number[] }
  | { t: 'floats'; v: number[] }
  | { t: 'strings'; v: string[] }
  | { t: 'tensor'; v: Tensor };

export interface Node {
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
}

export interface Model {
  graph: Graph;
  /** default-domain opset version */
  opset: number;
  irVersion: number;
  producer: string;
  metadata: Record<string, string>;
  /** where the model came from, for error messages */
  source: string;
}

export function tensorSize(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function floatTensor(dims: number[], values: ArrayLike<number>): Tensor {
  if (values.length !== tensorSize(dims)) throw new Error(`tensor of shape [${dims}] needs ${tensorSize(dims)} values, got ${values.length}`);
  return { dtype: 'float32', dims, data: Float32Array.from(values) };
}

export function int64Tensor(dims: number[], values: ArrayLike<number>): Tensor {
  if (values.length !== tensorSize(dims)) throw new Error(`tensor of shape [${dims}] needs ${tensorSize(dims)} values, got ${values.length}`);
  return { dtype: 'int64', dims, data: BigInt64Array.from(Array.from(values, (v) => BigInt(v))) };
}

/** Numbers of a tensor as a plain array (int64 converted, safe for shape-sized values). */
export function tensorValues(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

// ---- attribute readers (ONNX defaults are passed by the caller) ----

export function attrInt(node: Node, name: string, dflt: number): number {
  const a = node.attrs[name];
  if (!a) return dflt;
  if (a.t !== 'int' && a.t !== 'float') throw new Error(`node '${node.name}' (${node.op}): attribute '${name}' should be a number`);
  return a.v;
}
export const attrFloat = attrInt;

export function attrInts(node: Node, name: string, dflt: number[] | null): number[] | null {
  const a = node.attrs[name];
  if (!a) return dflt;
  if (a.t !== 'ints' && a.t !== 'floats') throw new Error(`node '${node.name}' (${node.op}): attribute '${name}' should be a list of numbers`);
  return a.v;
}

export function attrString(node: Node, name: string, dflt: string): string {
  const a = node.attrs[name];
  if (!a) return dflt;
  if (a.t !== 'string') throw new Error(`node '${node.name}' (${node.op}): attribute '${name}' should be a string`);
  return a.v;
}

export const iAttr = (v: number): Attr => ({ t: 'int', v });
export const fAttr = (v: number): Attr => ({ t: 'float', v });
export const isAttr = (v: number[]): Attr => ({ t: 'ints', v });
export const sAttr = (v: string): Attr => ({ t: 'string', v });

// Rewrites a decoded model (opset 7..17) into one canonical opset-17 form, so that shape inference
// and the backward rules meet each op in a single spelling: attributes that later opsets turned into
// inputs become inputs, Constant nodes become initializers, Dropout becomes Identity, and fp16 casts
// become fp32 casts (the codec already widened fp16 tensors and types).
import { GraphBuilder } from './builder.js';
import { type Model, type Node, attrInt, attrInts, floatTensor, int64Tensor, iAttr } from './ir.js';

export const MIN_OPSET = 7;
export const MAX_OPSET = 17;
export const CANONICAL_OPSET = 17;

export class UnsupportedModelError extends Error {}

const ONNX_FLOAT16 = 10;
const ONNX_FLOAT = 1;

export function normaliseModel(model: Model): Model {
  const { graph, opset, source } = model;
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UnsupportedModelError(`${source}: opset ${opset} is not supported (deepinside reads opsets ${MIN_OPSET} to ${MAX_OPSET})`);
  }
  const b = new GraphBuilder(graph);
  const consumers = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.outputs.forEach((o) => consumers.add(o.name));
  // Rebuild the node list in order; nodes the builder adds land before the node that needs them.
  const original = graph.nodes;
  graph.nodes = [];
  const out = graph.nodes;
  const where = (n: Node) => `${source}: node '${n.name}' (${n.op})`;
  /** Moves attribute `name` (ints) into an int64 initializer input at position `pos`. */
  const attrToInput = (n: Node, name: string, pos: number) => {
    const v = attrInts(n, name, null);
    delete n.attrs[name];
    while (n.inputs.length < pos) n.inputs.push('');
    n.inputs[pos] = v ? b.ints(v) : '';
  };
  for (const n of original) {
    if (n.domain && n.domain !== 'ai.onnx') {
      throw new UnsupportedModelError(`${where(n)}: custom domain '${n.domain}' is not supported`);
    }
    delete n.attrs['consumed_inputs'];
    switch (n.op) {
      case 'Constant': {
        const a = n.attrs['value'] ?? n.attrs['value_float'] ?? n.attrs['value_floats'] ?? n.attrs['value_int'] ?? n.attrs['value_ints'];
        if (!a) throw new UnsupportedModelError(`${where(n)}: only tensor, float(s) and int(s) constants are supported`);
        const t = a.t === 'tensor' ? a.v
          : a.t === 'float' ? floatTensor([], [a.v]) : a.t === 'floats' ? floatTensor([a.v.length], a.v)
          : a.t === 'int' ? int64Tensor([], [a.v]) : a.t === 'ints' ? int64Tensor([a.v.length], a.v) : null;
        if (!t) throw new UnsupportedModelError(`${where(n)}: unsupported constant`);
        graph.initializers.set(n.outputs[0]!, t);
        continue;
      }
      case 'Dropout': {
        if (n.outputs.length > 1 && n.outputs[1] && consumers.has(n.outputs[1])) {
          throw new UnsupportedModelError(`${where(n)}: the dropout mask output is used; inference graphs should not need it`);
        }
        out.push({ ...n, op: 'Identity', inputs: [n.inputs[0]!], outputs: [n.outputs[0]!], attrs: {} });
        continue;
      }
      case 'Cast':
        if (attrInt(n, 'to', 0) === ONNX_FLOAT16) n.attrs['to'] = iAttr(ONNX_FLOAT);
        break;
      case 'Squeeze': case 'Unsqueeze':
        if (opset < 13) attrToInput(n, 'axes', 1);
        break;
      case 'ReduceSum':
        if (opset < 13) attrToInput(n, 'axes', 1);
        break;
      case 'Split':
        if (opset < 13) attrToInput(n, 'split', 1);
        break;
      case 'Slice':
        if (opset < 10) {
          const starts = attrInts(n, 'starts', [])!, ends = attrInts(n, 'ends', [])!;
          const axes = attrInts(n, 'axes', null) ?? starts.map((_, i) => i);
          n.attrs = {};
          n.inputs = [n.inputs[0]!, b.ints(starts), b.ints(ends), b.ints(axes)];
        }
        break;
      case 'Pad':
        if (opset < 11) {
          const pads = attrInts(n, 'pads', null) ?? attrInts(n, 'paddings', [])!;
          const value = attrInt(n, 'value', 0);
          const mode = n.attrs['mode'];
          n.attrs = mode ? { mode } : {};
          n.inputs = [n.inputs[0]!, b.ints(pads), b.scalar(value)];
        }
        break;
      case 'Clip':
        if (opset < 11) {
          const lo = attrInt(n, 'min', -3.4028234663852886e38), hi = attrInt(n, 'max', 3.4028234663852886e38);
          n.attrs = {};
          n.inputs = [n.inputs[0]!, b.scalar(lo), b.scalar(hi)];
        }
        break;
      case 'BatchNormalization':
        if (attrInt(n, 'spatial', 1) !== 1) throw new UnsupportedModelError(`${where(n)}: spatial=0 batch normalisation is not supported`);
        delete n.attrs['spatial'];
        delete n.attrs['is_test'];
        if (n.outputs.slice(1).some((o) => o && consumers.has(o))) {
          throw new UnsupportedModelError(`${where(n)}: training-mode outputs (running statistics) are used; export the model in inference mode`);
        }
        n.outputs = [n.outputs[0]!];
        break;
      case 'Gemm':
        delete n.attrs['broadcast'];
        break;
      case 'Softmax': case 'LogSoftmax':
        if (opset < 13) {
          // Before opset 13 these flatten the input to 2-D around `axis` (default 1).
          const axis = attrInt(n, 'axis', 1);
          const flat = b.node('Flatten', [n.inputs[0]!], { axis: iAttr(axis) });
          const shape = b.node('Shape', [n.inputs[0]!]);
          const sm = b.node(n.op, [flat], { axis: iAttr(-1) });
          out.push({ ...n, op: 'Reshape', inputs: [sm, shape], attrs: {} });
          continue;
        }
        break;
    }
    out.push(n);
  }
  return { ...model, opset: CANONICAL_OPSET };
}

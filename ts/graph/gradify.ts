// gradify: an ONNX classifier in, a gradient model out.
//   (image, class_weights[N,C]) -> (scores[N,C], input_gradient = d sum(class_weights*scores) / d image)
// The backward pass is written into the graph as ordinary inference ops, so any ONNX runtime runs it.
import { GraphBuilder } from './builder.js';
import type { Dim, Graph, Model, Node, ValueInfo } from './ir.js';
import { iAttr } from './ir.js';
import { prodDims } from './dims.js';
import { normaliseModel } from './normalise.js';
import { BACKWARD_RULES, NON_DIFFERENTIABLE } from './rules/index.js';
import { GradifyError, RuleContext } from './rules/types.js';
import { type ShapeMap, inferShapes } from './shapes.js';

export { GradifyError };

export const CLASS_WEIGHTS = 'class_weights';
export const SCORES = 'scores';
export const INPUT_GRADIENT = 'input_gradient';
/** the feature map Grad-CAM reads (the last spatial one by default) and its gradient */
export const CAM_ACTIVATION = 'cam_activation';
export const CAM_GRADIENT = 'cam_gradient';

export interface GradifyOptions {
  /** name of the image input (default: the only float input of rank 3 or 4) */
  imageInput?: string;
  /** fix dynamic spatial dims of the image input: [height, width] */
  inputSize?: [number, number];
  /** the feature map for Grad-CAM (a tensor name; default: the last one with a spatial extent over 1x1) */
  camLayer?: string;
}

export interface CamLayerInfo {
  tensor: string;
  /** its shape in the model's layout, batch first */
  shape: Dim[];
}

export interface GradifyInfo {
  imageInput: string;
  /** the image input's shape in the gradient model */
  imageShape: Dim[];
  layout: 'NCHW' | 'NHWC';
  classes: number;
  /** shape of the scores output and of class_weights: [batch, classes] */
  scoresShape: [Dim, number];
  /** op of the trailing normalisation removed to expose the unnormalised scores, if any */
  removedSoftmax: string | null;
  /** original output the scores came from */
  logits: string;
  /** the feature map exposed as cam_activation / cam_gradient, or null when the model has none */
  cam: CamLayerInfo | null;
}

const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze']);

export function findImageInput(model: Model, wanted?: string): ValueInfo {
  const { inputs } = model.graph;
  const describe = () => inputs.map((v) => `${v.name} ${v.dtype}[${v.shape?.join(',') ?? '?'}]`).join('; ') || 'none';
  if (wanted) {
    const v = inputs.find((i) => i.name === wanted);
    if (!v) throw new GradifyError(`${model.source}: there is no input named '${wanted}' (inputs: ${describe()})`);
    return v;
  }
  // an image-like input is a float tensor with a batch axis; rank 4 (NCHW/NHWC) wins over others
  const floats = inputs.filter((v) => v.dtype === 'float32' && v.shape && v.shape.length >= 2);
  const images = floats.filter((v) => v.shape!.length === 4).length ? floats.filter((v) => v.shape!.length === 4) : floats;
  if (images.length !== 1) {
    throw new GradifyError(`${model.source}: ${images.length ? 'several' : 'no'} image-like inputs (a float tensor such as NCHW [N,3,H,W]); inputs: ${describe()}`);
  }
  if (inputs.length > 1) {
    throw new GradifyError(`${model.source}: the model has inputs besides the image, which deepinside cannot feed (inputs: ${describe()})`);
  }
  return images[0]!;
}

export function detectLayout(shape: Dim[]): 'NCHW' | 'NHWC' {
  const c = shape[1], last = shape[shape.length - 1];
  if ((c === 1 || c === 3) && last !== 1 && last !== 3) return 'NCHW';
  if ((last === 1 || last === 3) && c !== 1 && c !== 3) return 'NHWC';
  return 'NCHW';
}

/** Follows the output back through reshapes and float casts to a Softmax/LogSoftmax; returns the logits tensor. */
function findLogits(producer: Map<string, Node>, output: string): { logits: string; removed: string | null } {
  let t = output;
  for (;;) {
    const p = producer.get(t);
    if (!p) break;
    if (p.op === 'Softmax' || p.op === 'LogSoftmax') return { logits: p.inputs[0]!, removed: p.op };
    const floatCast = p.op === 'Cast' && [1, 10, 11].includes(Number(p.attrs['to']?.v));
    if (!PASS_THROUGH.has(p.op) && !floatCast) break;
    t = p.inputs[0]!;
  }
  return { logits: output, removed: null };
}

export function gradify(input: Model, opts: GradifyOptions = {}): { model: Model; info: GradifyInfo } {
  const model = normaliseModel(structuredClone(input));
  const g = model.graph;
  const image = findImageInput(model, opts.imageInput);
  if (image.dtype !== 'float32') throw new GradifyError(`${model.source}: input '${image.name}' is ${image.dtype}, not a float image`);
  const layout = detectLayout(image.shape!);
  if (opts.inputSize) {
    const [h, w] = opts.inputSize;
    const hw = layout === 'NCHW' ? [2, 3] : [1, 2];
    hw.forEach((axis, k) => {
      const d = image.shape![axis];
      const want = k === 0 ? h : w;
      if (typeof d === 'number' && d !== want) throw new GradifyError(`${model.source}: input '${image.name}' has a fixed size ${d}, not ${want}`);
      image.shape![axis] = want;
    });
  }
  if (g.outputs.length === 0) throw new GradifyError(`${model.source}: the model has no outputs`);

  const producer = new Map<string, Node>();
  for (const n of g.nodes) n.outputs.forEach((o) => producer.set(o, n));
  const { logits, removed } = findLogits(producer, g.outputs[0]!.name);
  const shapes = inferShapes(model);
  const logitsShape = shapes.get(logits)?.shape;
  if (!logitsShape || logitsShape.length < 1) throw new GradifyError(`${model.source}: cannot infer the shape of the scores '${logits}'`);
  const classes = prodDims(logitsShape.slice(1));
  if (typeof classes !== 'number') throw new GradifyError(`${model.source}: the number of classes of '${logits}' is not static ([${logitsShape.join(', ')}])`);

  // Which tensors depend on the image (forward), and which feed the logits (backward).
  const fromImage = new Set([image.name]);
  for (const n of g.nodes) {
    if (NON_DIFFERENTIABLE.has(n.op)) continue;
    if (n.inputs.some((i) => fromImage.has(i))) {
      n.outputs.forEach((o) => { if (o && shapes.get(o)?.dtype === 'float32') fromImage.add(o); });
    }
  }
  if (!fromImage.has(logits)) throw new GradifyError(`${model.source}: the scores '${logits}' do not depend on the image input '${image.name}'`);
  const toLogits = new Set([logits]);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => toLogits.has(o))) n.inputs.forEach((t) => t && toLogits.add(t));
  }
  const onPath = (t: string) => fromImage.has(t) && toLogits.has(t);

  const b = new GraphBuilder(g, 'grad/');
  const forwardNodes = [...g.nodes];
  const addNamed = (op: string, inputs: string[], output: string, attrs = {}) => {
    if (producer.has(output) || g.initializers.has(output)) throw new GradifyError(`${model.source}: the model already has a tensor named '${output}'`);
    g.nodes.push({ name: b.fresh(output), op, domain: '', inputs, outputs: [output], attrs });
  };
  addNamed('Flatten', [logits], SCORES, { axis: iAttr(1) });

  // Gradient contributions per tensor, summed when a tensor feeds several nodes.
  const contributions = new Map<string, string[]>();
  const add = (t: string, grad: string) => contributions.set(t, [...(contributions.get(t) ?? []), grad]);
  const totals = new Map<string, string>();
  const total = (t: string): string | null => {
    const c = contributions.get(t);
    if (!c || c.length === 0) return null;
    if (!totals.has(t)) totals.set(t, c.length === 1 ? c[0]! : b.node('Sum', c, {}, 'grad_sum'));
    return totals.get(t)!;
  };
  const logitsShapeTensor = logitsShape.every((d) => typeof d === 'number') ? b.ints(logitsShape as number[]) : b.node('Shape', [logits]);
  add(logits, b.node('Reshape', [CLASS_WEIGHTS, logitsShapeTensor]));

  for (let i = forwardNodes.length - 1; i >= 0; i--) {
    const n = forwardNodes[i]!;
    if (!n.outputs.some((o) => onPath(o))) continue;
    const dY = n.outputs.map((o) => (onPath(o) ? total(o) : null));
    if (dY.every((d) => d === null)) continue;
    const rule = BACKWARD_RULES[n.op];
    if (!rule) throw new GradifyError(`${model.source}: op '${n.op}' (node '${n.name}') has no backward rule in deepinside; supported ops: ${Object.keys(BACKWARD_RULES).join(', ')}`);
    const ctx = new RuleContext(b, shapes, n, onPath, model.source);
    const dX = rule(ctx, dY);
    n.inputs.forEach((t, k) => {
      if (!t || !onPath(t)) return;
      const d = dX[k];
      if (!d) return ctx.fail(`input '${t}' depends on the image but the rule gives it no gradient`);
      add(t, d);
    });
  }
  const dImage = total(image.name);
  if (!dImage) throw new GradifyError(`${model.source}: no gradient reaches the image input '${image.name}'`);
  addNamed('Identity', [dImage], INPUT_GRADIENT);
  const cam = findCamLayer(model, forwardNodes, shapes, onPath, image.name, layout, opts.camLayer);
  if (cam) {
    addNamed('Identity', [cam.tensor], CAM_ACTIVATION);
    addNamed('Identity', [total(cam.tensor)!], CAM_GRADIENT);
  }

  const batch = logitsShape[0]!;
  g.inputs = [
    { name: image.name, dtype: 'float32', shape: image.shape },
    { name: CLASS_WEIGHTS, dtype: 'float32', shape: [batch, classes] },
  ];
  g.outputs = [
    { name: SCORES, dtype: 'float32', shape: [batch, classes] },
    { name: INPUT_GRADIENT, dtype: 'float32', shape: image.shape },
    ...(cam ? [CAM_ACTIVATION, CAM_GRADIENT].map((name) => ({ name, dtype: 'float32' as const, shape: cam.shape })) : []),
  ];
  prune(g);
  model.metadata = {
    ...model.metadata,
    'deepinside.gradient_model': '1',
    'deepinside.image_input': image.name,
    'deepinside.removed_softmax': removed ?? '',
  };
  model.producer = 'deepinside';
  return {
    model,
    info: { imageInput: image.name, imageShape: image.shape!, layout, classes, scoresShape: [batch, classes], removedSoftmax: removed, logits, cam },
  };
}

/**
 * The feature map Grad-CAM reads: the one named, or the last tensor on the image-to-scores path with
 * a static spatial extent over 1x1 (a ConvNet's last convolutional block, before global pooling).
 */
function findCamLayer(model: Model, forwardNodes: Node[], shapes: ShapeMap, onPath: (t: string) => boolean, image: string, layout: 'NCHW' | 'NHWC', wanted?: string): CamLayerInfo | null {
  const spatialOf = (shape: Dim[]) => (layout === 'NCHW' ? shape.slice(2) : shape.slice(1, 3));
  // a feature map whose size is known once the image size is fixed
  const usable = (t: string) => {
    const shape = shapes.get(t)?.shape;
    return !!shape && shape.length === 4 && shapes.get(t)?.dtype === 'float32' && shape.slice(1).every((d) => typeof d === 'number');
  };
  if (wanted !== undefined) {
    if (!forwardNodes.some((n) => n.outputs.includes(wanted))) throw new GradifyError(`${model.source}: camLayer '${wanted}' is not a tensor computed by the model`);
    if (!onPath(wanted)) throw new GradifyError(`${model.source}: camLayer '${wanted}' does not lie between the image and the scores`);
    if (!usable(wanted)) throw new GradifyError(`${model.source}: camLayer '${wanted}' is not a float feature map of rank 4 with static channels and size ([${shapes.get(wanted)?.shape?.join(', ') ?? '?'}])`);
    return { tensor: wanted, shape: shapes.get(wanted)!.shape! };
  }
  for (let i = forwardNodes.length - 1; i >= 0; i--) {
    for (const t of forwardNodes[i]!.outputs) {
      if (!t || t === image || !onPath(t) || !usable(t)) continue;
      const shape = shapes.get(t)!.shape!;
      if ((spatialOf(shape) as number[]).some((d) => d > 1)) return { tensor: t, shape };
    }
  }
  return null;
}

/** The forward half of a gradient model: image in, scores out (for classification without a backward pass). */
export function forwardOnly(gradientModel: Model): Model {
  const m = structuredClone(gradientModel);
  m.graph.inputs = m.graph.inputs.filter((v) => v.name !== CLASS_WEIGHTS);
  m.graph.outputs = m.graph.outputs.filter((v) => v.name === SCORES);
  prune(m.graph);
  return m;
}

/** Drops nodes and initializers the outputs do not need (the removed softmax, dead branches). */
function prune(g: Graph): void {
  const needed = new Set(g.outputs.map((o) => o.name));
  const kept: Node[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    kept.push(n);
    n.inputs.forEach((t) => t && needed.add(t));
  }
  g.nodes = kept.reverse();
  for (const k of [...g.initializers.keys()]) if (!needed.has(k)) g.initializers.delete(k);
}

// Ops that only move elements: Identity, Cast, Flatten, Reshape, Squeeze, Unsqueeze, Transpose,
// Concat, Split, Slice, Pad.
import { attrInt, attrInts, attrString, iAttr, isAttr } from '../ir.js';
import { sliceRange } from '../shapes.js';
import type { BackwardRule } from './types.js';

const INT64_MAX = Number.MAX_SAFE_INTEGER;

export const Identity: BackwardRule = (_ctx, [dY]) => [dY];

export const Cast: BackwardRule = (ctx, [dY]) => {
  if (ctx.shapes.get(ctx.output())?.dtype !== 'float32') ctx.fail('a cast to a non-float type cannot carry a gradient');
  return [dY];
};

/** Any op that keeps elements in order and only changes the shape. */
export const Reshape: BackwardRule = (ctx, [dY]) => {
  const dX = ctx.b.node('Reshape', [dY!, ctx.shapeOf(ctx.input(0))]);
  return ctx.node.inputs.map((_, i) => (i === 0 ? dX : null));
};
export const Flatten = Reshape;
export const Squeeze = Reshape;
export const Unsqueeze = Reshape;

export const Transpose: BackwardRule = (ctx, [dY]) => {
  const rank = ctx.rank(ctx.input(0));
  const perm = attrInts(ctx.node, 'perm', null) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const inverse = Array<number>(rank);
  perm.forEach((p, i) => { inverse[p] = i; });
  return [ctx.b.node('Transpose', [dY!], { perm: isAttr(inverse) })];
};

export const Concat: BackwardRule = (ctx, [dY]) => {
  const rank = ctx.rank(ctx.output());
  let axis = attrInt(ctx.node, 'axis', 0);
  if (axis < 0) axis += rank;
  const sizes = ctx.node.inputs.map((t) => {
    const d = ctx.shape(t)[axis]!;
    if (typeof d !== 'number') return ctx.fail(`the size of '${t}' along the concatenation axis must be static`);
    return d;
  });
  const parts = ctx.b.nodeN('Split', [dY!, ctx.b.ints(sizes)], { axis: iAttr(axis) }, sizes.length);
  return parts.map((p, i) => (ctx.needs(i) ? p : null));
};

export const Split: BackwardRule = (ctx, dYs) => {
  const rank = ctx.rank(ctx.input(0));
  let axis = attrInt(ctx.node, 'axis', 0);
  if (axis < 0) axis += rank;
  const parts = ctx.node.outputs.map((o, i) => dYs[i] ?? ctx.b.node('ConstantOfShape', [ctx.shapeOf(o)]));
  return [ctx.b.node('Concat', parts, { axis: iAttr(axis) }), null];
};

export const Slice: BackwardRule = (ctx, [dY]) => {
  const x = ctx.input(0), xs = ctx.shape(x);
  const starts = ctx.constInts(1, 'Slice starts'), ends = ctx.constInts(2, 'Slice ends');
  const axes = ctx.node.inputs[3] ? ctx.constInts(3, 'Slice axes') : starts.map((_, i) => i);
  const steps = ctx.node.inputs[4] ? ctx.constInts(4, 'Slice steps') : starts.map(() => 1);
  if (steps.some((s) => s !== 1)) ctx.fail('Slice with steps other than 1 is not supported');
  const pads = Array(2 * xs.length).fill(0);
  axes.forEach((a, k) => {
    const ax = a < 0 ? a + xs.length : a;
    const r = sliceRange(xs[ax]!, starts[k]!, ends[k]!, 1);
    if (!r) return ctx.fail(`the sliced axis ${ax} of '${x}' must have a static size`);
    pads[ax] = r.start;
    pads[ax + xs.length] = (xs[ax] as number) - r.start - r.count;
  });
  return [ctx.b.node('Pad', [dY!, ctx.b.ints(pads)]), null, null, null, null];
};

export const Pad: BackwardRule = (ctx, [dY]) => {
  const mode = attrString(ctx.node, 'mode', 'constant');
  if (mode !== 'constant') ctx.fail(`Pad mode '${mode}' is not supported (only constant)`);
  const pads = ctx.constInts(1, 'Pad pads');
  if (ctx.node.inputs[3]) ctx.fail('Pad with an axes input is not supported');
  if (pads.some((p) => p < 0)) ctx.fail('negative pads (cropping) are not supported');
  const r = pads.length / 2;
  const axes = Array.from({ length: r }, (_, i) => i);
  const ends = axes.map((i) => (pads[i + r]! > 0 ? -pads[i + r]! : INT64_MAX));
  return [ctx.b.node('Slice', [dY!, ctx.b.ints(pads.slice(0, r)), ctx.b.ints(ends), ctx.b.ints(axes)]), null, null];
};

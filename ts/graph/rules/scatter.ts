// The adjoint of a strided window read: ConvTranspose with the forward window's strides and
// dilations, padded or cropped so the result has exactly the forward input's spatial size.
// Conv, AveragePool and MaxPool backward all end here, each with its own kernel.
import { iAttr, isAttr } from '../ir.js';
import type { Window } from '../window.js';
import { extent } from '../window.js';
import type { RuleContext } from './types.js';

export function scatterWindows(
  ctx: RuleContext, grad: string, weight: string, w: Window, inSpatial: number[], outSpatial: number[], group: number,
): string {
  const r = inSpatial.length;
  const padsEnd: number[] = [], outputPadding: number[] = [];
  for (let i = 0; i < r; i++) {
    // ConvTranspose yields s*(out-1) + extent - padsBegin - padsEnd + outputPadding elements
    const excess = w.strides[i]! * (outSpatial[i]! - 1) + extent(w, i) - w.padsBegin[i]! - inSpatial[i]!;
    padsEnd.push(Math.max(0, excess));
    outputPadding.push(Math.max(0, -excess));
  }
  const attrs = {
    strides: isAttr(w.strides), dilations: isAttr(w.dilations),
    pads: isAttr([...w.padsBegin, ...padsEnd]), output_padding: isAttr(outputPadding),
    kernel_shape: isAttr(w.kernel),
  };
  const weightShape = ctx.b.graph.initializers.get(weight)?.dims ?? ctx.staticShape(weight, 'the window scatter');
  if (group === 1 || weightShape[0] === group) {
    return ctx.b.node('ConvTranspose', [grad, weight], { ...attrs, group: iAttr(group) });
  }
  // Grouped (not depthwise): one ConvTranspose per group. onnxruntime's webgpu kernel computes
  // grouped ConvTranspose with several input channels per group wrongly; this form runs everywhere.
  const grads = ctx.b.nodeN('Split', [grad, ctx.b.ints(Array(group).fill(weightShape[0]! / group))], { axis: iAttr(1) }, group);
  const weights = ctx.b.nodeN('Split', [weight, ctx.b.ints(Array(group).fill(weightShape[0]! / group))], { axis: iAttr(0) }, group);
  const parts = grads.map((g, i) => ctx.b.node('ConvTranspose', [g, weights[i]!], attrs));
  return ctx.b.node('Concat', parts, { axis: iAttr(1) });
}

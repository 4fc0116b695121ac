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
  return ctx.b.node('ConvTranspose', [grad, weight], {
    strides: isAttr(w.strides), dilations: isAttr(w.dilations), group: iAttr(group),
    pads: isAttr([...w.padsBegin, ...padsEnd]), output_padding: isAttr(outputPadding),
    kernel_shape: isAttr(w.kernel),
  });
}

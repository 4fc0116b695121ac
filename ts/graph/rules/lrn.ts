// Local response normalisation across channels:
//   y_c = x_c * d_c^-beta,  d_c = bias + alpha/size * sum_{j=c-lo..c+hi} x_j^2
//   dx_i = dy_i d_i^-beta - (2 alpha beta / size) x_i * sum_{j=i-hi..i+lo} dy_j x_j d_j^(-beta-1)
// Channel-window sums are shifted slices of a channel-padded tensor, so no static shape is needed.
import { attrFloat, attrInt } from '../ir.js';
import type { BackwardRule, RuleContext } from './types.js';

const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** sum over j = c-before .. c+after of t_j along the channel axis. */
function channelWindowSum(ctx: RuleContext, t: string, rank: number, before: number, after: number): string {
  const b = ctx.b;
  const pads = Array(2 * rank).fill(0);
  pads[1] = before;
  pads[rank + 1] = after;
  const padded = b.node('Pad', [t, b.ints(pads)]);
  const width = before + after;
  let sum: string | null = null;
  for (let o = 0; o <= width; o++) {
    const end = o === width ? INT64_MAX : o - width;
    const s = b.node('Slice', [padded, b.ints([o]), b.ints([end]), b.ints([1])]);
    sum = sum ? b.node('Add', [sum, s]) : s;
  }
  return sum!;
}

export const LRN: BackwardRule = (ctx, [dY]) => {
  const size = attrInt(ctx.node, 'size', 0);
  if (size < 1) ctx.fail('LRN needs a positive size');
  const alpha = attrFloat(ctx.node, 'alpha', 1e-4), beta = attrFloat(ctx.node, 'beta', 0.75), bias = attrFloat(ctx.node, 'bias', 1);
  const lo = Math.floor((size - 1) / 2), hi = Math.ceil((size - 1) / 2);
  const b = ctx.b, x = ctx.input(0), rank = ctx.rank(x);
  const sq = channelWindowSum(ctx, b.node('Mul', [x, x]), rank, lo, hi);
  const d = b.node('Add', [b.node('Mul', [sq, b.scalar(alpha / size)]), b.scalar(bias)]);
  const dPowBeta = b.node('Pow', [d, b.scalar(-beta)]);
  const direct = b.node('Mul', [dY!, dPowBeta]);
  const inner = b.node('Div', [b.node('Mul', [b.node('Mul', [dY!, x]), dPowBeta]), d]);
  const back = channelWindowSum(ctx, inner, rank, hi, lo);
  const cross = b.node('Mul', [b.node('Mul', [x, back]), b.scalar((2 * alpha * beta) / size)]);
  return [b.node('Sub', [direct, cross])];
};

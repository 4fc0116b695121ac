// Penalties subtracted from the class score, each with its gradient with respect to the model
// tensor x. The objective is J(x) = S_c(x) - l2 * ||x||^2 - tv * TV(x).
import type { ImageSpace } from './space.js';

/** The paper's L2 penalty ||x||^2 on the model tensor; adds -weight * d/dx to grad, returns the penalty. */
export function l2Penalty(x: Float64Array, weight: number, grad: Float64Array): number {
  if (weight === 0) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) { const v = x[i]!; s += v * v; grad[i]! -= 2 * weight * v; }
  return s;
}

/**
 * Squared total variation of the displayed image (Mahendran & Vedaldi 2015, beta = 2), per pixel:
 * TV = (1 / (H W)) sum over RGB channels and pixels of (u[y, x+1] - u[y, x])^2 + (u[y+1, x] - u[y, x])^2,
 * u = x / k in display units (0..1 pixel values), so one weight means the same on any model and size.
 * Adds -weight * dTV/dx to grad and returns TV.
 */
export function tvPenalty(x: Float64Array, space: ImageSpace, weight: number, grad: Float64Array): number {
  if (weight === 0) return 0;
  const { width: W, height: H, pixels } = space;
  const u = new Float64Array(pixels), g = new Float64Array(pixels);
  let tv = 0;
  for (let r = 0; r < 3; r++) {
    space.plane(x, r, u);
    g.fill(0);
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
      const i = y * W + xx, v = u[i]!;
      if (xx + 1 < W) { const d = u[i + 1]! - v; tv += d * d; g[i + 1]! += 2 * d; g[i]! -= 2 * d; }
      if (y + 1 < H) { const d = u[i + W]! - v; tv += d * d; g[i + W]! += 2 * d; g[i]! -= 2 * d; }
    }
    // d/dx = d/du / k
    const c = weight / (pixels * space.k[r]!);
    for (let i = 0; i < pixels; i++) grad[space.index(r, i)]! -= c * g[i]!;
  }
  return tv / pixels;
}

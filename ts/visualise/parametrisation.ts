// How the optimised parameters become the model's input tensor x, and how a gradient on x goes back
// to the parameters (the chain rule by hand; every map here is linear or elementwise).
//
// - 'pixel': the parameters are x itself, as in the paper (gradient ascent on the input).
// - 'fourier': Lucid's parametrisation (Olah et al. 2017, "Feature Visualization"; lucid/optvis/param):
//     spectrum p (per channel, half spectrum of an H x W real image)
//       -> y = F(w * p), w_k = 1 / (2 sqrt(HW) max(|f_k|, 1/max(H, W)))    (1/f: flat power per octave)
//       -> z = C y per pixel when `decorrelate` (C: the square root of ImageNet's colour covariance)
//       -> u = sigmoid(z + logit(m')) - m   (a 0..1 pixel, minus the preset mean m, m' = clamp(m, .1, .9))
//       -> x = k * u (the model's normalisation)
//   Gradient: dp = w * F^T(C^T (sigmoid' * (k * dx))), F^T the adjoint of the synthesis (the forward DFT).
import { gaussianBlur } from '../image/blur.js';
import { HalfSpectrum } from './fft.js';
import type { ImageSpace } from './space.js';

export type ParametrisationName = 'pixel' | 'fourier';

/** The result of rendering parameters: the tensor, and the map from dJ/dx back to dJ/dp. */
export interface Rendered {
  x: Float64Array;
  backward(dx: Float64Array): Float64Array;
}

export interface Parametrisation {
  readonly name: ParametrisationName;
  /** number of parameters */
  readonly size: number;
  render(p: Float64Array): Rendered;
  /** Gaussian blur of the image the parameters describe, in place (sigma in pixels). */
  blur(p: Float64Array, sigma: number): void;
}

export class PixelParametrisation implements Parametrisation {
  readonly name = 'pixel';
  readonly size: number;
  constructor(private readonly space: ImageSpace) {
    this.size = space.length;
  }

  render(p: Float64Array): Rendered {
    return { x: p, backward: (dx) => Float64Array.from(dx) };
  }

  blur(p: Float64Array, sigma: number): void {
    const s = this.space, plane = new Float32Array(s.pixels);
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < s.pixels; i++) plane[i] = p[s.index(r, i)]!;
      const b = gaussianBlur(plane, s.width, s.height, sigma);
      for (let i = 0; i < s.pixels; i++) p[s.index(r, i)] = b[i]!;
    }
  }
}

/**
 * Lucid's colour decorrelation: the square root of the colour covariance of ImageNet images
 * (lucid/optvis/param/color.py, Apache-2.0), scaled so its largest column has norm 1.
 */
const COLOR_SQRT = [[0.26, 0.09, 0.02], [0.27, 0.0, -0.05], [0.27, -0.09, 0.03]];
const COLOR_NORM = Math.max(...[0, 1, 2].map((j) => Math.hypot(COLOR_SQRT[0]![j]!, COLOR_SQRT[1]![j]!, COLOR_SQRT[2]![j]!)));
export const COLOR_MATRIX: number[][] = COLOR_SQRT.map((row) => row.map((v) => v / COLOR_NORM));

export class FourierParametrisation implements Parametrisation {
  readonly name = 'fourier';
  readonly size: number;
  private readonly spectrum: HalfSpectrum;
  /** per spectrum coefficient (re and im alike): the 1/f weight */
  private readonly weight: Float64Array;
  /** per spectrum coefficient: squared frequency (cycles per pixel), for blurring */
  private readonly freq2: Float64Array;
  private readonly centre: number[];

  constructor(private readonly space: ImageSpace, private readonly decorrelate: boolean) {
    const { height: H, width: W } = space;
    this.spectrum = new HalfSpectrum(H, W);
    this.size = 3 * this.spectrum.size;
    const K = this.spectrum.kx, n = this.spectrum.size;
    this.weight = new Float64Array(n);
    this.freq2 = new Float64Array(n);
    for (let ky = 0; ky < H; ky++) for (let kx = 0; kx < K; kx++) {
      const fy = (ky <= H / 2 ? ky : ky - H) / H, fx = kx / W;
      const f = Math.hypot(fy, fx);
      const w = 1 / (2 * Math.sqrt(H * W) * Math.max(f, 1 / Math.max(H, W)));
      for (let j = 0; j < 2; j++) { this.weight[(ky * K + kx) * 2 + j] = w; this.freq2[(ky * K + kx) * 2 + j] = f * f; }
    }
    this.centre = space.mean.map((m) => { const c = Math.min(0.9, Math.max(0.1, m)); return Math.log(c / (1 - c)); });
  }

  render(p: Float64Array): Rendered {
    const s = this.space, n = s.pixels, ns = this.spectrum.size;
    const y = new Float64Array(3 * n), scaled = new Float64Array(ns);
    for (let r = 0; r < 3; r++) {
      for (let j = 0; j < ns; j++) scaled[j] = p[r * ns + j]! * this.weight[j]!;
      this.spectrum.synthesise(scaled, 0, y, r * n);
    }
    const C = this.decorrelate ? COLOR_MATRIX : null;
    const sig = new Float64Array(3 * n), x = new Float64Array(s.length);
    for (let i = 0; i < n; i++) {
      const y0 = y[i]!, y1 = y[n + i]!, y2 = y[2 * n + i]!;
      for (let r = 0; r < 3; r++) {
        const z = C ? C[r]![0]! * y0 + C[r]![1]! * y1 + C[r]![2]! * y2 : y[r * n + i]!;
        const v = 1 / (1 + Math.exp(-(z + this.centre[r]!)));
        sig[r * n + i] = v;
        x[s.index(r, i)] = s.k[r]! * (v - s.mean[r]!);
      }
    }
    return {
      x,
      backward: (dx) => {
        const dz = new Float64Array(3 * n);
        for (let r = 0; r < 3; r++) for (let i = 0; i < n; i++) {
          const v = sig[r * n + i]!;
          dz[r * n + i] = s.k[r]! * dx[s.index(r, i)]! * v * (1 - v);
        }
        let dy = dz;
        if (C) {
          dy = new Float64Array(3 * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < 3; j++) {
            dy[j * n + i] = C[0]![j]! * dz[i]! + C[1]![j]! * dz[n + i]! + C[2]![j]! * dz[2 * n + i]!;
          }
        }
        const dp = new Float64Array(this.size);
        for (let r = 0; r < 3; r++) {
          this.spectrum.adjoint(dy, r * n, dp, r * ns);
          for (let j = 0; j < ns; j++) dp[r * ns + j]! *= this.weight[j]!;
        }
        return dp;
      },
    };
  }

  /** A circular Gaussian blur of y: the spectrum times the Gaussian's transfer function. */
  blur(p: Float64Array, sigma: number): void {
    const ns = this.spectrum.size, a = 2 * Math.PI * Math.PI * sigma * sigma;
    for (let r = 0; r < 3; r++) for (let j = 0; j < ns; j++) p[r * ns + j]! *= Math.exp(-a * this.freq2[j]!);
  }
}

export function createParametrisation(name: ParametrisationName, space: ImageSpace, decorrelate: boolean): Parametrisation {
  return name === 'fourier' ? new FourierParametrisation(space, decorrelate) : new PixelParametrisation(space);
}

// The two spaces a visualisation lives in: the model's normalised input tensor x (its layout, its
// channel order, what the paper's I is) and display units u (RGB planes, 0..1 pixel values minus
// the preset's mean, so u = 0 is the zero tensor). They differ by a per-channel scale:
// x[model channel c] = k_c * u[its RGB channel], k_c = 255 * scale / std_c.
import type { Layout, Preset } from '../image/preprocess.js';

export class ImageSpace {
  /** pixels per plane */
  readonly pixels: number;
  /** length of one tensor (3 * pixels) */
  readonly length: number;
  /** per RGB channel: x = k * u */
  readonly k: [number, number, number];
  /** per RGB channel: the preset's mean as a 0..1 pixel value (the colour of the zero tensor) */
  readonly mean: [number, number, number];
  /** per RGB channel: the model channel it feeds */
  private readonly channel: [number, number, number];

  constructor(readonly width: number, readonly height: number, readonly layout: Layout, readonly preset: Preset) {
    this.pixels = width * height;
    this.length = 3 * this.pixels;
    const model = (r: number) => (preset.channelOrder === 'BGR' ? 2 - r : r);
    this.channel = [model(0), model(1), model(2)];
    this.k = [0, 1, 2].map((r) => (255 * preset.scale) / preset.std[model(r)]!) as [number, number, number];
    this.mean = [0, 1, 2].map((r) => preset.mean[model(r)]! / (255 * preset.scale)) as [number, number, number];
  }

  /** Index in the model tensor of RGB channel r at pixel i. */
  index(r: number, i: number): number {
    const c = this.channel[r]!;
    return this.layout === 'NCHW' ? c * this.pixels + i : i * 3 + c;
  }

  /** Mean of the three channel scales: one number for "model units per display unit". */
  get meanK(): number {
    return (this.k[0] + this.k[1] + this.k[2]) / 3;
  }

  /** RGB plane r of a model tensor, divided by k_r (display units), into out. */
  plane(x: Float64Array, r: number, out: Float64Array = new Float64Array(this.pixels)): Float64Array {
    const k = this.k[r]!;
    for (let i = 0; i < this.pixels; i++) out[i] = x[this.index(r, i)]! / k;
    return out;
  }
}

/**
 * Circular shift of a model tensor by (dy, dx) pixels: out[y, x] = src[y - dy, x - dx]. Its adjoint
 * (and inverse) is the shift by (-dy, -dx). Random shifts are the "jitter" regulariser.
 */
export function roll(src: Float64Array, space: ImageSpace, dy: number, dx: number): Float64Array {
  const { width: W, height: H } = space;
  const out = new Float64Array(src.length);
  const sy = ((dy % H) + H) % H, sx = ((dx % W) + W) % W;
  const nchw = space.layout === 'NCHW';
  for (let y = 0; y < H; y++) {
    const ty = (y + sy) % H;
    for (let x = 0; x < W; x++) {
      const from = y * W + x, to = ty * W + ((x + sx) % W);
      if (nchw) for (let c = 0; c < 3; c++) out[c * space.pixels + to] = src[c * space.pixels + from]!;
      else for (let c = 0; c < 3; c++) out[to * 3 + c] = src[from * 3 + c]!;
    }
  }
  return out;
}

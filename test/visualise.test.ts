// Class model visualisation: the FFT and the Fourier parametrisation against their definitions, the
// objective's gradient (L2, TV, jitter, both parametrisations) against central differences, and
// the method on a tiny model and on the bundled one.
import { beforeAll, describe, expect, it } from 'vitest';
import { Explainer, ExplainerError } from '../ts/explainer.js';
import { getPreset, type Layout, type PresetName } from '../ts/image/preprocess.js';
import { ComplexFft, HalfSpectrum } from '../ts/visualise/fft.js';
import { createParametrisation, type ParametrisationName } from '../ts/visualise/parametrisation.js';
import { prepareObjective } from '../ts/visualise/objective.js';
import { ImageSpace, roll } from '../ts/visualise/space.js';
import { seededRandom } from '../ts/random.js';
import { CLASSES, SIZE, tinyClassifier } from './helpers/fixtures.js';
import * as pkg from '../ts/index.js';

const randoms = (n: number, seed: number, scale = 1) => { const r = seededRandom(seed); return Float64Array.from({ length: n }, () => scale * (2 * r() - 1)); };
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; return s; };

describe('FFT', () => {
  it.each([1, 2, 3, 7, 12, 28, 30, 49, 64])('length %i matches the naive DFT, both directions', (n) => {
    const fft = new ComplexFft(n);
    for (const sign of [-1, 1] as const) {
      const re = randoms(n, n * 3 + sign + 5), im = randoms(n, n * 7 + sign + 5);
      const wantRe = new Float64Array(n), wantIm = new Float64Array(n);
      for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) {
        const a = (sign * 2 * Math.PI * j * k) / n;
        wantRe[k]! += re[j]! * Math.cos(a) - im[j]! * Math.sin(a);
        wantIm[k]! += re[j]! * Math.sin(a) + im[j]! * Math.cos(a);
      }
      fft.transform(re, im, sign);
      for (let k = 0; k < n; k++) {
        expect(re[k]).toBeCloseTo(wantRe[k]!, 9);
        expect(im[k]).toBeCloseTo(wantIm[k]!, 9);
      }
    }
  });

  it.each([[6, 5], [4, 8], [7, 7], [1, 6]])('half spectrum %ix%i: synthesis is its definition, the adjoint is its transpose', (H, W) => {
    const hs = new HalfSpectrum(H, W), K = Math.floor(W / 2) + 1;
    const spec = randoms(hs.size, H * 100 + W);
    const y = new Float64Array(H * W);
    hs.synthesise(spec, 0, y, 0);
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
      let want = 0;
      for (let ky = 0; ky < H; ky++) for (let kx = 0; kx < K; kx++) {
        const t = 2 * Math.PI * (ky * h / H + kx * w / W);
        want += spec[(ky * K + kx) * 2]! * Math.cos(t) - spec[(ky * K + kx) * 2 + 1]! * Math.sin(t);
      }
      expect(y[h * W + w]).toBeCloseTo(want, 9);
    }
    // <F p, dy> = <p, F^T dy>
    const dy = randoms(H * W, H * 31 + W), back = new Float64Array(hs.size);
    hs.adjoint(dy, 0, back, 0);
    expect(dot(back, spec)).toBeCloseTo(dot(y, dy), 9);
  });
});

describe('the objective gradient (central differences, float64)', () => {
  // A smooth stand-in for the network's class score, so that the check is exact to rounding.
  const W = 10, H = 8;
  function scoreFn(space: ImageSpace) {
    const a = randoms(space.length, 11), b = randoms(space.length, 12, 0.3);
    return (x: Float64Array) => {
      const bx = dot(b, x);
      let s = bx * bx * 0.05;
      const g = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) { s += a[i]! * Math.sin(x[i]!); g[i] = a[i]! * Math.cos(x[i]!) + 0.1 * bx * b[i]!; }
      return { score: s, gradient: g };
    };
  }
  const cases: [ParametrisationName, boolean, Layout, PresetName][] = [
    ['pixel', false, 'NCHW', 'imagenet'], ['pixel', false, 'NHWC', 'caffe'],
    ['fourier', true, 'NCHW', 'imagenet'], ['fourier', false, 'NHWC', 'caffe'], ['fourier', true, 'NHWC', 'unit'],
  ];
  it.each(cases)('%s (decorrelate %s, %s, preset %s) with L2, TV and a jitter shift', (name, decorrelate, layout, preset) => {
    const space = new ImageSpace(W, H, layout, getPreset(preset));
    const param = createParametrisation(name, space, decorrelate);
    const S = scoreFn(space);
    // keep the L2 and TV terms comparable to the score at this scale
    const k = space.meanK;
    const settings = { l2: 0.02 / (k * k), tv: 0.3 };
    const objective = (p: Float64Array) => {
      const pr = prepareObjective(param, space, settings, p, [3, -2]);
      const s = S(pr.input);
      return pr.finish(s.score, s.gradient);
    };
    const p = randoms(param.size, 5, name === 'pixel' ? 0.5 * k : 2);
    const { gradient } = objective(p);
    const r = seededRandom(9);
    let maxErr = 0, maxG = 0;
    for (let t = 0; t < 40; t++) {
      const i = Math.floor(r() * param.size);
      const h = 1e-5 * Math.max(1, Math.abs(p[i]!));
      const plus = Float64Array.from(p), minus = Float64Array.from(p);
      plus[i]! += h; minus[i]! -= h;
      const fd = (objective(plus).value - objective(minus).value) / (2 * h);
      maxErr = Math.max(maxErr, Math.abs(fd - gradient[i]!));
      maxG = Math.max(maxG, Math.abs(fd));
    }
    expect(maxG).toBeGreaterThan(1e-3);
    expect(maxErr / maxG).toBeLessThan(1e-6);
  });

  it('the jitter shift is undone exactly: roll by (dy, dx) then by (-dy, -dx) is the identity, and roll is a permutation', () => {
    const space = new ImageSpace(W, H, 'NHWC', getPreset('unit'));
    const x = randoms(space.length, 3);
    const y = roll(x, space, 3, -7);
    expect(Array.from(roll(y, space, -3, 7))).toEqual(Array.from(x));
    expect([...y].sort()).toEqual([...x].sort());
    // out[y, x] = src[y - dy, x - dx]: (3, 3) comes from (0, 3 + 7 mod 10 = 0)
    for (let r = 0; r < 3; r++) expect(y[space.index(r, 3 * W + 3)]).toBe(x[space.index(r, 0)]);
  });
});

describe('visualise on a tiny model', () => {
  let ex: Explainer;
  const labels = Array.from({ length: CLASSES }, (_, i) => `class${i}`);
  beforeAll(async () => {
    ex = await Explainer.load(tinyClassifier(), { preset: 'unit', labels: { names: labels, ids: labels.map(() => null) } });
  });

  it('paper preset: the score rises over the steps and ends far above its start; the image is at the model size', async () => {
    const progress: number[] = [];
    // the tiny random network's gradients are small (|dS/dx| ~ 1e-3): a larger step than the
    // default, and a lambda small next to this tiny score and well inside SGD's stability bound
    // (2 * step * lambda < 2; the default lambda 1e-2 would break it at this step)
    const [r] = await ex.visualise('class3', { steps: 30, learningRate: 100, l2: 1e-5, onProgress: (p) => progress.push(p.step) });
    expect(r!.target).toEqual({ index: 3, label: 'class3' });
    expect(r!.scores).toHaveLength(30);
    expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const s = r!.scores;
    // from 0.054 at the zero image to about 0.97
    expect(r!.finalScore).toBeGreaterThan(s[0]! + 0.5);
    expect(r!.finalScore).toBeGreaterThan(10 * s[0]!);
    // rising: each tenth of the trace higher than the one before
    for (let i = 10; i < 30; i += 10) expect(s[i]!).toBeGreaterThan(s[i - 10]!);
    expect([r!.image.width, r!.image.height, r!.image.data.length, r!.tensor.length]).toEqual([SIZE, SIZE, SIZE * SIZE * 3, 3 * SIZE * SIZE]);
    expect(r!.settings).toMatchObject({ preset: 'paper', parametrisation: 'pixel', optimizer: 'sgd', tv: 0, jitter: 0 });
  });

  it('starts from the zero image: the first score is the score of the zero tensor', async () => {
    const [g] = await ex.gradients([{ tensor: new Float32Array(ex.tensorLength), weights: Float32Array.from({ length: CLASSES }, (_, i) => Number(i === 5)) }]);
    const [r] = await ex.visualise(5, { steps: 2 });
    expect(r!.scores[0]).toBeCloseTo(g!.scores[5]!, 5);
  });

  it('lambda shrinks the image: a larger l2 gives a smaller final norm, and l2 = 0 the largest', async () => {
    const norms = [];
    for (const l2 of [0, 0.001, 0.01, 0.1]) {
      const [r] = await ex.visualise(2, { steps: 60, l2, learningRate: 0.5 });
      norms.push(r!.norm2);
    }
    for (let i = 1; i < norms.length; i++) expect(norms[i]!).toBeLessThan(norms[i - 1]!);
    // at the largest lambda the penalty dominates: a much smaller image
    expect(norms[3]!).toBeLessThan(0.2 * norms[0]!);
  });

  it('several classes in one batch give what each gives alone', async () => {
    const both = await ex.visualise([1, 'class7'], { steps: 10, learningRate: 0.5 });
    const [alone] = await ex.visualise(7, { steps: 10, learningRate: 0.5 });
    expect(both.map((r) => r.target.index)).toEqual([1, 7]);
    let d = 0;
    for (let i = 0; i < alone!.tensor.length; i++) d = Math.max(d, Math.abs(alone!.tensor[i]! - both[1]!.tensor[i]!));
    expect(d).toBeLessThan(1e-4);
  });

  it('clear preset: the same seed gives the same image, another seed another', async () => {
    const opts = { preset: 'clear' as const, steps: 8 };
    const [a] = await ex.visualise(4, { ...opts, seed: 1 });
    const [b] = await ex.visualise(4, { ...opts, seed: 1 });
    const [c] = await ex.visualise(4, { ...opts, seed: 2 });
    expect(Array.from(a!.tensor)).toEqual(Array.from(b!.tensor));
    expect(Array.from(a!.tensor)).not.toEqual(Array.from(c!.tensor));
    expect(a!.finalScore).toBeGreaterThan(a!.scores[0]!);
    expect(a!.settings).toMatchObject({ parametrisation: 'fourier', decorrelate: true, optimizer: 'adam' });
  });

  it('blur every k steps smooths the image (pixel parametrisation)', async () => {
    const tv = (t: Float32Array) => { let s = 0; for (let c = 0; c < 3; c++) for (let y = 0; y < SIZE; y++) for (let x = 0; x + 1 < SIZE; x++) { const i = c * SIZE * SIZE + y * SIZE + x; s += (t[i + 1]! - t[i]!) ** 2; } return s; };
    const [plain] = await ex.visualise(6, { steps: 20, learningRate: 0.5 });
    const [blurred] = await ex.visualise(6, { steps: 20, learningRate: 0.5, blurEvery: 4, blurSigma: 1 });
    expect(tv(blurred!.tensor) / blurred!.norm2).toBeLessThan(tv(plain!.tensor) / plain!.norm2);
  });

  it('an abort signal stops the run with an AbortError', async () => {
    const ac = new AbortController();
    const run = ex.visualise(1, { steps: 50, signal: ac.signal, onProgress: (p) => { if (p.step === 3) ac.abort(); } });
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'visualise: aborted at step 3 of 50' });
    const already = AbortSignal.abort();
    await expect(ex.visualise(1, { signal: already })).rejects.toThrow(/aborted at step 0/);
  });

  it.each([
    [{ steps: -1 }, /steps must be an integer from 1 to 100000, got -1/],
    [{ steps: 2.5 }, /steps must be an integer .* got 2.5/],
    [{ learningRate: NaN }, /learningRate must be a number .* got NaN/],
    [{ learningRate: 0 }, /learningRate must be greater than 0/],
    [{ l2: -1 }, /l2 must be a number from 0 .* got -1/],
    [{ tv: Infinity }, /tv must be a number .* got Infinity/],
    [{ jitter: 100 }, /jitter must be an integer from 0 to 16, got 100/],
    [{ blurEvery: -2 }, /blurEvery must be an integer .* got -2/],
    [{ preset: 'pretty' }, /preset must be one of paper, clear, got 'pretty'/],
    [{ parametrisation: 'wavelet' }, /parametrisation must be 'pixel' or 'fourier', got 'wavelet'/],
    [{ optimizer: 'lbfgs' }, /optimizer must be 'sgd' or 'adam', got 'lbfgs'/],
    [{ decorrelate: true }, /decorrelate needs parametrisation 'fourier'/],
    [{ seed: -3 }, /seed must be an integer .* got -3/],
  ])('rejects bad options: %o', async (opts, message) => {
    await expect(ex.visualise(1, opts as never)).rejects.toThrow(message);
    await expect(ex.visualise(1, opts as never)).rejects.toBeInstanceOf(ExplainerError);
  });

  it('rejects unknown targets, out-of-range indices, top and an empty list', async () => {
    await expect(ex.visualise('zebra')).rejects.toThrow(/target 'zebra' is not a class label of this model/);
    await expect(ex.visualise(10)).rejects.toThrow(/target 10 is out of range: the model has classes 0 to 9/);
    await expect(ex.visualise('top')).rejects.toThrow(/target 'top' has no meaning here/);
    await expect(ex.visualise([])).rejects.toThrow(/at least one target/);
  });
});

it('the package entry exports the visualisation API', () => {
  for (const name of ['visualise', 'VISUALISE_PRESETS', 'presetSettings', 'AbortError', 'ExplainerError']) expect(pkg, name).toHaveProperty(name);
  expect(pkg.presetSettings('clear', 224, 224, 255)).toMatchObject({ parametrisation: 'fourier', jitter: 14 });
});

describe('visualise with the bundled model', () => {
  let ex: Explainer;
  beforeAll(async () => { ex = await Explainer.load(); });
  const targets = [0, 2, 4, 7, 9, 10, 11, 12, 16, 18];

  it.each(['paper', 'clear'] as const)('%s preset: most targets are classified as themselves after visualisation', async (preset) => {
    const results = await ex.visualise(targets, { preset, steps: 40 });
    const hits = results.filter((r) => r.predicted.index === r.target.index).length;
    expect(hits).toBeGreaterThanOrEqual(8);
    for (const r of results) expect(r.finalScore).toBeGreaterThan(r.scores[0]! + 10);
  });
});

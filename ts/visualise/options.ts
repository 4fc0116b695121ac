// Class model visualisation settings: the two presets, and the checks that turn a bad option into an
// error naming the option and its value.
import { ExplainerError } from '../errors.js';
import type { ParametrisationName } from './parametrisation.js';
import type { RgbImage } from '../image/types.js';

export type VisualisePresetName = 'paper' | 'clear';
export const VISUALISE_PRESETS: readonly VisualisePresetName[] = ['paper', 'clear'];
export type OptimizerName = 'sgd' | 'adam';

export interface VisualiseProgress {
  /** steps done (1..steps) */
  step: number;
  steps: number;
  /** the current class score S_c of each target, in the order of the targets */
  scores: number[];
  /** the current images, in the order of the targets, rendered when called (to draw the ascent live) */
  images: () => RgbImage[];
}

export interface VisualiseOptions {
  /** 'paper' (default): the paper's plain objective; 'clear': regularised for readable images */
  preset?: VisualisePresetName;
  /** gradient steps */
  steps?: number;
  /**
   * Step size. 'sgd': x += learningRate * dJ/dx in the model's input units (the paper's gradient
   * ascent); default: chosen from the first gradient (see resolveSettings). 'adam': the Adam step
   * size in the parameters' units.
   */
  learningRate?: number;
  /** lambda of the paper's L2 penalty lambda * ||x||^2 on the model's input tensor */
  l2?: number;
  /** weight of the total variation of the displayed image (regularisers.ts tvPenalty) */
  tv?: number;
  /** random circular shifts of up to this many pixels in each direction, each step */
  jitter?: number;
  /** Gaussian blur of the image every this many steps (0: never) */
  blurEvery?: number;
  /** sigma of that blur, in pixels */
  blurSigma?: number;
  parametrisation?: ParametrisationName;
  /** Lucid's colour decorrelation (fourier only) */
  decorrelate?: boolean;
  optimizer?: OptimizerName;
  /** seed of the jitter (runs with the same seed and settings give the same images) */
  seed?: number;
  /** rejects with a VisualiseAbortError at the next step once aborted */
  signal?: AbortSignal;
  onProgress?: (p: VisualiseProgress) => void;
}

/** The settings a run used, every default resolved ('auto' learning rate resolved per target in the result). */
export interface VisualiseSettings {
  preset: VisualisePresetName;
  steps: number;
  learningRate: number | 'auto';
  l2: number;
  tv: number;
  jitter: number;
  blurEvery: number;
  blurSigma: number;
  parametrisation: ParametrisationName;
  decorrelate: boolean;
  optimizer: OptimizerName;
  seed: number;
}

/**
 * 'paper': the paper's method, unchanged: plain gradient ascent (SGD, constant step) on the input
 * from the zero image with the L2 penalty and nothing else. The paper gives no lambda or rate; the
 * defaults here are ours: lambda is set in display units (l2 = 1e-2 / k^2, k the preset's model
 * units per 0..1 pixel unit, so lambda ||x||^2 = 1e-2 ||u||^2 with u in 0..1 pixel units) and the
 * step so the first step changes the image by 1/255 of its range (RMS). Much stronger lambdas
 * (1 in display units) make this constant step unstable (2 * rate * lambda near 2) on the bundled
 * model; the images of the plain objective are noisy either way, which is what 'clear' is for.
 *
 * 'clear': Lucid's decorrelated Fourier parametrisation with a sigmoid range, Adam (rate 0.03),
 * jitter of size/16 pixels, total variation 1 and a blur (sigma 0.5 px) every 4 steps. Chosen by
 * looking at the images of the bundled model and SqueezeNet: without the blur both are busy with
 * repeated high-frequency fragments; with it, whole objects (geese, lemons, sunflowers) appear.
 */
export function presetSettings(name: VisualisePresetName, width: number, height: number, k: number): VisualiseSettings {
  if (name === 'paper') {
    return { preset: name, steps: 200, learningRate: 'auto', l2: 1e-2 / (k * k), tv: 0, jitter: 0, blurEvery: 0, blurSigma: 0, parametrisation: 'pixel', decorrelate: false, optimizer: 'sgd', seed: 0 };
  }
  const size = Math.min(width, height);
  return { preset: name, steps: 128, learningRate: 0.03, l2: 0, tv: 1, jitter: Math.max(1, Math.round(size / 16)), blurEvery: 4, blurSigma: 0.5, parametrisation: 'fourier', decorrelate: true, optimizer: 'adam', seed: 0 };
}

export class VisualiseOptionError extends ExplainerError {}

const fail = (msg: string): never => { throw new VisualiseOptionError(msg); };

function checkNumber(name: string, v: unknown, lo: number, hi: number, integer = false): void {
  if (typeof v !== 'number' || Number.isNaN(v) || !(v >= lo && v <= hi) || (integer && !Number.isInteger(v))) {
    fail(`visualise: ${name} must be ${integer ? 'an integer' : 'a number'} from ${lo} to ${hi}, got ${String(v)}`);
  }
}

/** The preset's settings overridden by the options given, each checked. */
export function resolveSettings(opts: VisualiseOptions, width: number, height: number, k: number): VisualiseSettings {
  const preset = opts.preset ?? 'paper';
  if (!VISUALISE_PRESETS.includes(preset)) fail(`visualise: preset must be one of ${VISUALISE_PRESETS.join(', ')}, got '${String(preset)}'`);
  const s = presetSettings(preset, width, height, k);
  const pick = <K extends keyof VisualiseSettings>(key: K, given: VisualiseSettings[K] | undefined) => { if (given !== undefined) s[key] = given; };
  if (opts.steps !== undefined) checkNumber('steps', opts.steps, 1, 100_000, true);
  pick('steps', opts.steps);
  if (opts.learningRate !== undefined) {
    checkNumber('learningRate', opts.learningRate, 0, Number.MAX_VALUE);
    if (opts.learningRate === 0) fail('visualise: learningRate must be greater than 0, got 0');
  }
  pick('learningRate', opts.learningRate);
  if (opts.l2 !== undefined) checkNumber('l2', opts.l2, 0, 1e6);
  pick('l2', opts.l2);
  if (opts.tv !== undefined) checkNumber('tv', opts.tv, 0, 1e6);
  pick('tv', opts.tv);
  if (opts.jitter !== undefined) checkNumber('jitter', opts.jitter, 0, Math.floor(Math.min(width, height) / 2), true);
  pick('jitter', opts.jitter);
  if (opts.blurEvery !== undefined) checkNumber('blurEvery', opts.blurEvery, 0, 100_000, true);
  pick('blurEvery', opts.blurEvery);
  if (opts.blurSigma !== undefined) checkNumber('blurSigma', opts.blurSigma, 0, 64);
  pick('blurSigma', opts.blurSigma);
  if (opts.parametrisation !== undefined && opts.parametrisation !== 'pixel' && opts.parametrisation !== 'fourier') {
    fail(`visualise: parametrisation must be 'pixel' or 'fourier', got '${String(opts.parametrisation)}'`);
  }
  pick('parametrisation', opts.parametrisation);
  if (opts.decorrelate !== undefined && typeof opts.decorrelate !== 'boolean') fail(`visualise: decorrelate must be true or false, got ${String(opts.decorrelate)}`);
  if (opts.decorrelate === true && s.parametrisation !== 'fourier') fail("visualise: decorrelate needs parametrisation 'fourier'");
  pick('decorrelate', opts.decorrelate);
  if (s.parametrisation !== 'fourier') s.decorrelate = false;
  if (opts.optimizer !== undefined && opts.optimizer !== 'sgd' && opts.optimizer !== 'adam') fail(`visualise: optimizer must be 'sgd' or 'adam', got '${String(opts.optimizer)}'`);
  pick('optimizer', opts.optimizer);
  if (s.optimizer === 'adam' && s.learningRate === 'auto') s.learningRate = 0.03;
  if (opts.seed !== undefined) checkNumber('seed', opts.seed, 0, 2 ** 32 - 1, true);
  pick('seed', opts.seed);
  if (opts.onProgress !== undefined && typeof opts.onProgress !== 'function') fail('visualise: onProgress must be a function');
  return s;
}

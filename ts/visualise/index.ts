// Class model visualisation (Simonyan et al. 2014, section 2): the image that maximises
// S_c(I) - lambda ||I||^2, found by gradient ascent on the input with the weights fixed, from the
// zero image in the model's normalised input space; the preset's mean added back for display.
// Beyond the paper, regularisers for readable images (options.ts 'clear'). All targets advance
// together: each step is one batched gradient call with one row per target.
import type { RgbImage } from '../image/decode.js';
import type { Layout, Preset } from '../image/preprocess.js';
import { fromTensorData } from '../image/preprocess.js';
import { seededRandom } from '../random.js';
import { softmax } from '../scores.js';
import type { RuntimeName } from '../runtime/session.js';
import { AbortError, ExplainerError } from '../errors.js';
import { prepareObjective } from './objective.js';
import { createParametrisation } from './parametrisation.js';
import { type VisualiseOptions, type VisualiseSettings, resolveSettings } from './options.js';
import { ImageSpace } from './space.js';

export { type VisualiseOptions, type VisualiseSettings, type VisualiseProgress, type VisualisePresetName, type OptimizerName, VISUALISE_PRESETS, presetSettings, resolveSettings } from './options.js';
export type { ParametrisationName } from './parametrisation.js';

/** What visualise needs of an Explainer. */
export interface GradientSource {
  readonly info: { width: number; height: number; layout: Layout; classes: number };
  readonly preset: Preset;
  readonly runtime: RuntimeName;
  resolveTarget(target: number | string): number;
  label(index: number): string;
  gradients(rows: { tensor: Float32Array; weights: Float32Array }[]): Promise<{ scores: Float32Array; gradient: Float32Array }[]>;
}

export interface VisualiseResult {
  target: { index: number; label: string };
  /** the visualisation at the model's input size: the tensor with the preset's mean added back, clamped to 0..255 */
  image: RgbImage;
  /** the final image in the model's normalised input space (its layout) */
  tensor: Float32Array;
  /** S_c at each step, before that step's update (on the jittered image when jitter is on) */
  scores: number[];
  /** S_c of the final image */
  finalScore: number;
  /** softmax probability of the target on the final image */
  probability: number;
  /** the class the model predicts for the final image */
  predicted: { index: number; label: string; score: number; probability: number };
  /** ||x||^2 of the final tensor */
  norm2: number;
  /** the step size used (with learningRate 'auto', the one chosen for this target) */
  learningRate: number;
  settings: VisualiseSettings;
  runtime: RuntimeName;
  timings: { totalMs: number; networkMs: number };
}

export async function visualise(source: GradientSource, targets: number | string | (number | string)[], opts: VisualiseOptions = {}): Promise<VisualiseResult[]> {
  const t0 = performance.now();
  const list = ([] as (number | string)[]).concat(targets);
  if (list.length === 0) throw new ExplainerError('visualise: give at least one target class');
  const classes = list.map((t) => {
    if (t === 'top') throw new ExplainerError("visualise: target 'top' has no meaning here (there is no image): give a class index or label");
    return source.resolveTarget(t);
  });
  const { width, height, layout, classes: C } = source.info;
  const space = new ImageSpace(width, height, layout, source.preset);
  const s = resolveSettings(opts, width, height, space.meanK);
  const param = createParametrisation(s.parametrisation, space, s.decorrelate);
  const params = classes.map(() => new Float64Array(param.size));
  const steppers = classes.map(() => (s.optimizer === 'adam' ? new Adam(param.size) : new Sgd()));
  const rates = classes.map(() => (s.learningRate === 'auto' ? NaN : s.learningRate as number));
  const traces = classes.map((): number[] => []);
  const random = seededRandom(s.seed);
  const shift = () => Math.floor(random() * (2 * s.jitter + 1)) - s.jitter;
  const weights = classes.map((c) => { const w = new Float32Array(C); w[c] = 1; return w; });
  let networkMs = 0;
  const run = async (rows: { tensor: Float32Array; weights: Float32Array }[]) => {
    const t = performance.now();
    const out = await source.gradients(rows);
    networkMs += performance.now() - t;
    return out;
  };
  const aborted = (step: number) => {
    if (opts.signal?.aborted) throw new AbortError(`visualise: aborted at step ${step} of ${s.steps}`);
  };

  for (let step = 0; step < s.steps; step++) {
    aborted(step);
    const prepared = params.map((p) => prepareObjective(param, space, s, p, s.jitter ? [shift(), shift()] : [0, 0]));
    const out = await run(prepared.map((pr, t) => ({ tensor: Float32Array.from(pr.input), weights: weights[t]! })));
    prepared.forEach((pr, t) => {
      const ev = pr.finish(out[t]!.scores[classes[t]!]!, out[t]!.gradient);
      traces[t]!.push(ev.score);
      if (Number.isNaN(rates[t]!)) rates[t] = autoRate(ev.gradient, s.parametrisation === 'pixel' ? space.meanK / 255 : 0.01);
      steppers[t]!.step(params[t]!, ev.gradient, rates[t]!);
    });
    if (s.blurEvery > 0 && s.blurSigma > 0 && (step + 1) % s.blurEvery === 0 && step + 1 < s.steps) for (const p of params) param.blur(p, s.blurSigma);
    opts.onProgress?.({
      step: step + 1, steps: s.steps, scores: traces.map((tr) => tr[tr.length - 1]!),
      images: () => params.map((p) => fromTensorData(Float32Array.from(param.render(p).x), width, height, source.preset, layout)),
    });
  }
  aborted(s.steps);

  // the final images, unshifted: their scores, probabilities and predicted classes
  const finals = params.map((p) => Float32Array.from(param.render(p).x));
  const out = await run(finals.map((tensor, t) => ({ tensor, weights: weights[t]! })));
  const totalMs = performance.now() - t0;
  return classes.map((c, t) => {
    const scores = out[t]!.scores, probs = softmax(scores);
    let best = 0;
    for (let i = 1; i < C; i++) if (scores[i]! > scores[best]!) best = i;
    const tensor = finals[t]!;
    return {
      target: { index: c, label: source.label(c) },
      image: fromTensorData(tensor, width, height, source.preset, layout),
      tensor,
      scores: traces[t]!,
      finalScore: scores[c]!,
      probability: probs[c]!,
      predicted: { index: best, label: source.label(best), score: scores[best]!, probability: probs[best]! },
      norm2: tensor.reduce((a, v) => a + v * v, 0),
      learningRate: rates[t]!,
      settings: s,
      runtime: source.runtime,
      timings: { totalMs, networkMs },
    };
  });
}

/** A step whose RMS parameter change is `unit` for this gradient (the 'auto' learning rate). */
function autoRate(g: Float64Array, unit: number): number {
  let ss = 0;
  for (const v of g) ss += v * v;
  const rms = Math.sqrt(ss / g.length);
  if (!(rms > 0) || !Number.isFinite(rms)) throw new ExplainerError('visualise: the first gradient is zero or not finite, so no learning rate can be chosen from it; give learningRate');
  return unit / rms;
}

/** Plain gradient ascent: p += rate * g. */
class Sgd {
  step(p: Float64Array, g: Float64Array, rate: number) {
    for (let i = 0; i < p.length; i++) p[i]! += rate * g[i]!;
  }
}

/** Adam (Kingma & Ba 2015), ascending. */
class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(n: number, private readonly b1 = 0.9, private readonly b2 = 0.999, private readonly eps = 1e-8) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  step(p: Float64Array, g: Float64Array, rate: number) {
    this.t++;
    const { m, v, b1, b2, eps } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      p[i]! += (rate * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + eps);
    }
  }
}

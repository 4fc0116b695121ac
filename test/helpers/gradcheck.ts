// The gradient oracle: the gradient model's input_gradient (float32, onnxruntime) against float64
// central differences of the forward graph evaluated by the reference interpreter.
import * as ort from 'onnxruntime-node';
import type { Model } from '../../ts/graph/ir.js';
import { gradify, type GradifyOptions } from '../../ts/graph/gradify.js';
import { normaliseModel } from '../../ts/graph/normalise.js';
import { encodeModel } from '../../ts/onnx/codec.js';
import { runReference } from '../reference/interpreter.js';
import { rng } from './net.js';

export interface GradCheck {
  relError: number;
  checked: number;
  maxAbsGrad: number;
  gradient: Float32Array;
  scores: Float32Array;
}

export async function runGradientModel(model: Model, x: Float32Array, xShape: number[], weights: Float32Array, classes: number, opts: GradifyOptions = {}) {
  const { model: gm, info } = gradify(model, opts);
  const session = await ort.InferenceSession.create(encodeModel(gm));
  const out = await session.run({
    [info.imageInput]: new ort.Tensor('float32', x, xShape),
    class_weights: new ort.Tensor('float32', weights, [weights.length / classes, classes]),
  });
  return { info, gradModel: gm, scores: out['scores']!.data as Float32Array, gradient: out['input_gradient']!.data as Float32Array };
}

/**
 * Checks d(sum w*scores)/dx at a random x against central differences (step h) over `samples`
 * input elements (all when the input is small). relError = max|g - fd| / max|fd|.
 */
export async function gradCheck(model: Model, xShape: number[], opts: { seed?: number; samples?: number; h?: number; scale?: number; gradify?: GradifyOptions } = {}): Promise<GradCheck> {
  const rand = rng(opts.seed ?? 7);
  const size = xShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: size }, () => (opts.scale ?? 1) * (2 * rand() - 1));
  const probe = gradify(model, opts.gradify);
  const classes = probe.info.classes;
  const batch = typeof probe.info.scoresShape[0] === 'number' ? probe.info.scoresShape[0] : xShape[0]!;
  const weights = Float32Array.from({ length: batch * classes }, () => 2 * rand() - 1);
  const { gradient, scores, info } = await runGradientModel(model, x, xShape, weights, classes, opts.gradify);

  const reference = normaliseModel(structuredClone(model));
  const objective = (xx: Float64Array): number => {
    const out = runReference(reference, { [info.imageInput]: { dims: xShape, data: xx } }, [info.logits]);
    const logits = out[info.logits]!.data as Float64Array;
    let s = 0;
    for (let i = 0; i < logits.length; i++) s += weights[i]! * logits[i]!;
    return s;
  };
  const h = opts.h ?? 1e-5;
  const x64 = Float64Array.from(x);
  const n = Math.min(size, opts.samples ?? size);
  const picks = n === size ? Array.from({ length: size }, (_, i) => i) : Array.from({ length: n }, () => Math.floor(rand() * size));
  const { maxErr, maxFd } = centralDifferences(objective, x64, picks, h, gradient);
  let maxAbsGrad = 0;
  for (const v of gradient) maxAbsGrad = Math.max(maxAbsGrad, Math.abs(v));
  return { relError: maxErr / Math.max(maxFd, 1e-12), checked: picks.length, maxAbsGrad, gradient, scores };
}

/**
 * The gradient against float64 central differences of the objective at the picked elements of x
 * (x is restored): the largest |gradient - difference| and the largest |difference|.
 */
export function centralDifferences(objective: (x: Float64Array) => number, x: Float64Array, picks: number[], h: number, gradient: Float32Array): { maxErr: number; maxFd: number } {
  let maxErr = 0, maxFd = 0;
  for (const i of picks) {
    const keep = x[i]!;
    x[i] = keep + h; const fp = objective(x);
    x[i] = keep - h; const fm = objective(x);
    x[i] = keep;
    const fd = (fp - fm) / (2 * h);
    maxErr = Math.max(maxErr, Math.abs(fd - gradient[i]!));
    maxFd = Math.max(maxFd, Math.abs(fd));
  }
  return { maxErr, maxFd };
}

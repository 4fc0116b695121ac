// One evaluation of the class model objective for one target, split around the network call so that
// many targets share one batched runtime call:
//   prepare(p) -> the (jittered) tensor the network sees; finish(S, dS/dx) -> J and dJ/dp.
// J(p) = S_c(x) - l2 ||x||^2 - tv TV(x), x = render(p), S_c evaluated on x shifted by the jitter.
import type { Parametrisation } from './parametrisation.js';
import { l2Penalty, tvPenalty } from './regularisers.js';
import { type ImageSpace, roll } from './space.js';

export interface ObjectiveSettings {
  l2: number;
  tv: number;
}

export interface Evaluation {
  /** J */
  value: number;
  /** S_c */
  score: number;
  /** dJ/dp */
  gradient: Float64Array;
}

export interface Prepared {
  /** the model tensor (before jitter) */
  x: Float64Array;
  /** what the network sees: x shifted by (dy, dx) */
  input: Float64Array;
  finish(score: number, scoreGradient: ArrayLike<number>): Evaluation;
}

export function prepareObjective(param: Parametrisation, space: ImageSpace, settings: ObjectiveSettings, p: Float64Array, shift: [number, number] = [0, 0]): Prepared {
  const rendered = param.render(p);
  const { x } = rendered;
  const [dy, dx] = shift;
  const jittered = dy || dx;
  const input = jittered ? roll(x, space, dy, dx) : x;
  return {
    x, input,
    finish(score, scoreGradient) {
      // dS/dx: the gradient at the shifted image, shifted back (the adjoint of the shift)
      let g: Float64Array = Float64Array.from(scoreGradient);
      if (jittered) g = roll(g, space, -dy, -dx);
      const value = score - settings.l2 * l2Penalty(x, settings.l2, g) - settings.tv * tvPenalty(x, space, settings.tv, g);
      return { value, score, gradient: rendered.backward(g) };
    },
  };
}

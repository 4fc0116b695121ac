// Fitting a seed selector's scorer (ts/seed-selection-fit.ts): the regression recovers known weights,
// the listwise objective's gradient agrees with finite differences, and the listwise fit learns to
// pick each scene's best candidate.
import { describe, expect, it } from 'vitest';
import { type CandidateGroup, fitListwise, fitRidge, listwiseObjective, solve, standardisation } from '../ts/seed-selection-fit.js';
import { seededRandom } from '../ts/random.js';

/** Scenes of `k` candidates with `d` random features each, scored by target(features, scene). */
function scenes(count: number, k: number, d: number, seed: number, target: (f: number[], scene: number) => number): CandidateGroup[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, (_, g) => {
    const features = Array.from({ length: k }, () => Array.from({ length: d }, () => 4 * rand() - 1));
    return { features, target: features.map((f) => target(f, g)) };
  });
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);

describe('fitting a seed selector', () => {
  it('standardises each feature over every candidate, leaving constant ones unscaled', () => {
    const g: CandidateGroup[] = [{ features: [[1, 5], [3, 5]], target: [0, 0] }, { features: [[5, 5]], target: [0] }];
    const { mean, scale } = standardisation(g);
    expect(mean).toEqual([3, 5]);
    expect(scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(scale[1]).toBe(1);
    expect(() => standardisation([])).toThrow(/at least one candidate/);
  });

  it('solves a linear system (the oracle: A x reproduces b)', () => {
    const A = [[4, 1, 0.5], [1, 3, -1], [0.5, -1, 5]], b = [1, -2, 3];
    const x = solve(A, b);
    A.forEach((r, i) => expect(dot(r, x)).toBeCloseTo(b[i]!, 12));
  });

  it('ridge regression recovers the weights of a noise-free linear target, whatever each scene adds to it', () => {
    const truth = [0.5, -1.25, 2, 0];
    const groups = scenes(30, 8, 4, 11, (f, g) => dot(truth, f) + 10 * g); // the per-scene offset must not matter
    const std = standardisation(groups);
    const w = fitRidge(groups, std, 1e-9);
    // weights are on the standardised features: w_j / scale_j is the raw feature's weight
    w.forEach((v, j) => expect(v / std.scale[j]!).toBeCloseTo(truth[j]!, 6));
  });

  it("the listwise objective's gradient matches central finite differences", () => {
    const groups = scenes(12, 6, 3, 5, (f) => 1 / (1 + Math.exp(-f[0]! + 0.5 * f[2]!)));
    groups[0]!.valid = [true, false, true, true, false, true];
    const std = standardisation(groups);
    const Z = groups.map((g) => g.features.map((r) => r.map((v, j) => (v - std.mean[j]!) / std.scale[j]!)));
    for (const w of [[0, 0, 0], [0.3, -0.2, 0.1], [-1, 0.5, 2]]) {
      const { gradient } = listwiseObjective(Z, groups, w, 0.1, 0.01);
      const h = 1e-6;
      w.forEach((_, j) => {
        const up = [...w], down = [...w];
        up[j]! += h; down[j]! -= h;
        const fd = (listwiseObjective(Z, groups, up, 0.1, 0.01).value - listwiseObjective(Z, groups, down, 0.1, 0.01).value) / (2 * h);
        expect(gradient[j]!).toBeCloseTo(fd, 6);
      });
    }
  });

  it('never gives weight to a candidate the selector cannot pick', () => {
    const g: CandidateGroup = { features: [[0], [1], [2]], target: [0.2, 0.9, 0.3], valid: [true, false, true] };
    const Z = [g.features];
    // only the valid candidates 0 and 2 count: at w = 0 each has probability 1/2
    expect(listwiseObjective(Z, [g], [0], 0.1, 0).value).toBeCloseTo(0.25, 12);
    // a scene with no valid candidate adds nothing
    expect(listwiseObjective(Z, [{ ...g, valid: [false, false, false] }], [1], 0.1, 0).gradient).toEqual([0]);
  });

  it('the listwise fit learns to pick the best candidate of scenes it did not see', () => {
    // the IoU-like target rises with feature 1 and falls with feature 2; feature 0 is noise
    const target = (f: number[]) => 1 / (1 + Math.exp(-(2 * f[1]! - f[2]!)));
    const train = scenes(60, 10, 3, 21, target), held = scenes(40, 10, 3, 99, target);
    const std = standardisation(train);
    const w = fitListwise(train, std, { temperature: 0.05, ridge: 0.001, iterations: 1500 });
    expect(w[1]!).toBeGreaterThan(0);
    expect(w[2]!).toBeLessThan(0);
    expect(Math.abs(w[0]!)).toBeLessThan(0.2 * Math.abs(w[1]!));
    for (const g of held) {
      const s = g.features.map((f) => dot(w, f.map((v, j) => (v - std.mean[j]!) / std.scale[j]!)));
      const best = Math.max(...g.target);
      expect(g.target[s.indexOf(Math.max(...s))]).toBeGreaterThan(best - 0.02);
    }
  });
});

// Fitting a seed selector's linear scorer (ts/seed-selection.ts) to scenes with exact masks. Each
// scene is a group of candidate masks (one per seeding), each with its features and its IoU against
// the exact mask; only the ranking within a group matters. Two fits:
// - 'listwise' (the default): maximise the mean over scenes of the expected IoU of a softmax choice
//   among each scene's candidates, with an L2 penalty; it rewards exactly what the selector does
//   (pick one mask per scene); on held-out scenes it beat the regression by 0.012-0.026 mean mask IoU
//   in an offline study and by 0.005 and 0.022 (seeds 5000 and 4000) as shipped (models/MODEL.md);
// - 'ridge': ridge regression from the features to the IoU, both centred per scene.
// Used by models/fit-selector.mts.

/** One scene's candidates: a row of features each, the IoU each reached, and whether it may be chosen. */
export interface CandidateGroup {
  features: number[][];
  target: number[];
  /** false for a candidate the selector never picks (no foreground); defaults to all true */
  valid?: boolean[];
}

export interface ListwiseOptions {
  /** softmax temperature on the standardised score (lower: closer to a hard argmax) */
  temperature?: number;
  /** L2 penalty on the weights */
  ridge?: number;
  iterations?: number;
  /** Adam's step size */
  rate?: number;
}

export interface Standardisation { mean: number[]; scale: number[] }

/** Per-feature mean and standard deviation over every candidate of every group (scale 1 where constant). */
export function standardisation(groups: readonly CandidateGroup[]): Standardisation {
  const rows = groups.flatMap((g) => g.features);
  if (rows.length === 0) throw new RangeError('fitting a seed selector needs at least one candidate');
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / rows.length);
  const scale = mean.map((mu, j) => Math.sqrt(rows.reduce((a, r) => a + (r[j]! - mu) ** 2, 0) / rows.length) || 1);
  return { mean, scale };
}

const standardised = (groups: readonly CandidateGroup[], { mean, scale }: Standardisation) =>
  groups.map((g) => g.features.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!)));

/** Ridge regression on per-scene centred features and targets; weights on the standardised features. */
export function fitRidge(groups: readonly CandidateGroup[], std: Standardisation, ridge: number): number[] {
  const d = std.mean.length;
  const A = Array.from({ length: d }, () => new Array<number>(d).fill(0)), rhs = new Array<number>(d).fill(0);
  standardised(groups, std).forEach((Z, g) => {
    const n = Z.length, t = groups[g]!.target;
    const zMean = Array.from({ length: d }, (_, j) => Z.reduce((a, r) => a + r[j]!, 0) / n);
    const tMean = t.reduce((a, v) => a + v, 0) / n;
    Z.forEach((r, k) => {
      const z = r.map((v, j) => v - zMean[j]!), y = t[k]! - tMean;
      for (let a = 0; a < d; a++) {
        rhs[a]! += z[a]! * y;
        for (let b = 0; b < d; b++) A[a]![b]! += z[a]! * z[b]!;
      }
    });
  });
  for (let a = 0; a < d; a++) A[a]![a]! += ridge;
  return solve(A, rhs);
}

/**
 * The listwise objective and its gradient at w (weights on the standardised features): the mean over
 * groups of sum_k p_k * target_k, p = softmax(score / temperature) over the valid candidates, minus
 * ridge / 2 * |w|^2.
 */
export function listwiseObjective(Z: readonly number[][][], groups: readonly CandidateGroup[], w: readonly number[], temperature: number, ridge: number): { value: number; gradient: number[] } {
  const d = w.length, gradient = new Array<number>(d).fill(0);
  let value = 0;
  Z.forEach((rows, g) => {
    const { target, valid } = groups[g]!;
    const usable = rows.map((_, k) => valid?.[k] ?? true);
    if (!usable.some(Boolean)) return;
    const s = rows.map((r, k) => (usable[k] ? r.reduce((a, v, j) => a + v * w[j]!, 0) / temperature : -Infinity));
    const top = Math.max(...s);
    const e = s.map((v) => Math.exp(v - top)), sum = e.reduce((a, v) => a + v, 0);
    const p = e.map((v) => v / sum);
    const expected = p.reduce((a, v, k) => a + v * target[k]!, 0);
    value += expected;
    rows.forEach((r, k) => {
      if (!p[k]) return;
      const c = (p[k]! * (target[k]! - expected)) / temperature;
      for (let j = 0; j < d; j++) gradient[j]! += c * r[j]!;
    });
  });
  const n = Z.length;
  return {
    value: value / n - (ridge / 2) * w.reduce((a, v) => a + v * v, 0),
    gradient: gradient.map((v, j) => v / n - ridge * w[j]!),
  };
}

/** Gradient ascent (Adam, from zero weights) on the listwise objective; weights on the standardised features. */
export function fitListwise(groups: readonly CandidateGroup[], std: Standardisation, opts: ListwiseOptions = {}): number[] {
  const { temperature = 0.05, ridge = 0.01, iterations = 3000, rate = 0.005 } = opts;
  const Z = standardised(groups, std), d = std.mean.length;
  const w = new Array<number>(d).fill(0), m = new Array<number>(d).fill(0), v = new Array<number>(d).fill(0);
  for (let t = 1; t <= iterations; t++) {
    const { gradient } = listwiseObjective(Z, groups, w, temperature, ridge);
    for (let j = 0; j < d; j++) {
      const g = gradient[j]!;
      m[j] = 0.9 * m[j]! + 0.1 * g;
      v[j] = 0.999 * v[j]! + 0.001 * g * g;
      w[j]! += (rate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return w;
}

/** Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
export function solve(M: readonly number[][], b: readonly number[]): number[] {
  const n = b.length, a = M.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const k = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= n; j++) a[r]![j]! -= k * a[c]![j]!;
    }
  }
  return a.map((r, i) => r[n]! / r[i]!);
}

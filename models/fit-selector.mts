// Fits a seed selector (ts/seed-selection.ts) for a model on generated training scenes: per scene, the
// true class's map (the model's recommended map settings), GrabCut from every seeding of the grid,
// and a ridge regression from each candidate's features to its mask IoU against the scene's exact
// mask. Only the ranking within a scene matters, so features and targets are centred per scene
// before the fit (the bias is 0). Writes the selector as JSON (export.py --select).
// npx tsx models/fit-selector.mts [--count 300] [--seed 7000] [--split train] [--model M] [--ridge 1] --out FILE
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSceneGenerator, sceneSeed } from '../ts/scenes/index.js';
import { Explainer } from '../ts/explainer.js';
import { boxToSource, maskToSource, segmentationCandidates, segmentationSettings } from '../ts/localise.js';
import { iou, maskIou } from '../ts/evaluation.js';
import { type SeedSelector, SELECTOR_FEATURES, checkSelector, seedings } from '../ts/seed-selection.js';

const { values } = parseArgs({ options: {
  count: { type: 'string', default: '300' }, seed: { type: 'string', default: '7000' }, split: { type: 'string', default: 'train' },
  model: { type: 'string' }, ridge: { type: 'string', default: '1' }, out: { type: 'string' }, dump: { type: 'string' },
} });
if (!values.out) throw new Error('usage: fit-selector.mts --out FILE [--count N] [--seed S] [--split train|test] [--model M] [--ridge L]');
const N = Number(values.count), SEED = Number(values.seed), RIDGE = Number(values.ridge);
const GRID = { fgQuantiles: [0.98, 0.97, 0.95, 0.93, 0.9], bgQuantiles: [0.3, 0.5, 0.7, 0.8], refine: [false, 0] as (number | false)[] };

const ex = await Explainer.load(values.model);
const { core } = await ex.loadCore();
const rec = ex.localiseDefaults;
const settings = segmentationSettings({ ...rec, select: false });
const gen = createSceneGenerator({ split: values.split as 'train' | 'test', size: 128 });
const X: number[][] = [], y: number[] = [];
const first: number[] = []; // scene i's candidates are rows first[i] .. first[i + 1] - 1
const dumped: unknown[] = []; // --dump FILE: every candidate's features, box and IoUs, for studies
const list = seedings(GRID);
for (let i = 0; i < N; i++) {
  const s = await gen.generate(sceneSeed(SEED, i));
  const image = { data: s.rgb, width: s.width, height: s.height, channels: 3 as const };
  const r = (await ex.saliency(image, { target: s.classIndex, samples: rec.samples, noise: rec.noise, map: rec.map }))[0]!;
  const m = r.maps[0]!, W = r.input.width, H = r.input.height;
  first.push(X.length);
  for (const c of segmentationCandidates(core, r.input, m, settings, list, true)) {
    const box = c.modelBox ? boxToSource(c.modelBox, W, H, r.crop, m.sourceWidth, m.sourceHeight) : null;
    const mask = maskToSource(c.modelMask, W, H, r.crop, m.sourceWidth, m.sourceHeight);
    const boxIou = box ? iou(box, s.box) : 0, maskIoU = maskIou(mask, s.mask);
    X.push(c.features!);
    y.push(maskIoU);
    if (values.dump) dumped.push({ scene: i, seeding: c.seeding, box: c.modelBox, boxIou, maskIou: maskIoU, features: c.features });
  }
  if (i % 25 === 24) process.stderr.write(`${i + 1}/${N} scenes\n`);
}
await ex.close();
if (values.dump) writeFileSync(values.dump, JSON.stringify(dumped));

// standardise, centre per scene, then ridge regression (normal equations)
const d = SELECTOR_FEATURES.length;
const mean = Array.from({ length: d }, (_, j) => X.reduce((a, r) => a + r[j]!, 0) / X.length);
const scale = mean.map((mu, j) => Math.sqrt(X.reduce((a, r) => a + (r[j]! - mu) ** 2, 0) / X.length) || 1);
const Z = X.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
const t = [...y];
first.push(X.length);
for (let i = 0; i < N; i++) {
  const rows = Z.slice(first[i], first[i + 1]), n = rows.length;
  const zMean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / n);
  const tMean = y.slice(first[i], first[i + 1]).reduce((a, v) => a + v, 0) / n;
  for (let k = first[i]!; k < first[i + 1]!; k++) { Z[k] = Z[k]!.map((v, j) => v - zMean[j]!); t[k] = y[k]! - tMean; }
}
const A = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => Z.reduce((s, r) => s + r[a]! * r[b]!, 0) + (a === b ? RIDGE : 0)));
const rhs = Array.from({ length: d }, (_, a) => Z.reduce((s, r, k) => s + r[a]! * t[k]!, 0));
const selector: SeedSelector = { ...GRID, mean, scale, weights: solve(A, rhs), bias: 0 };
checkSelector(selector);
writeFileSync(values.out, `${JSON.stringify(selector, null, 1)}\n`);
console.log(`fitted on ${N} ${values.split} scenes (sceneSeed(${SEED}, i)), ${list.length} seedings each, ${ex.info.source}; ridge ${RIDGE}`);
console.log(SELECTOR_FEATURES.map((f, j) => `${f} ${selector.weights[j]!.toFixed(4)}`).join(', '));
console.log(`wrote ${values.out}`);

/** Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
function solve(M: number[][], b: number[]): number[] {
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

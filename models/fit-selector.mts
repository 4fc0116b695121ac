// Fits a seed selector (ts/seed-selection.ts) for a model on generated training scenes: per scene, the
// true class's map (the model's recommended map settings), GrabCut from every seeding of the grid,
// each candidate's features and how well it matches the scene (by default the mean of its mask's IoU
// with the exact mask and its box's IoU with the exact box, since the chosen mask gives both; --target
// mask: the mask's alone); then the scorer (ts/seed-selection-fit.ts): by default 'listwise', the
// weights that maximise the expected match of a softmax choice among each scene's candidates;
// 'ridge', a regression on per-scene centred matches. Writes the selector as JSON (export.py --select).
// npx tsx models/fit-selector.mts [--count 300] [--seed 7000] [--split train] [--model M] [--target both|mask] [--method listwise|ridge] [--ridge L] [--temperature T] --out FILE
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSceneGenerator, sceneSeed } from '../ts/scenes/index.js';
import { Explainer } from '../ts/explainer.js';
import { boxToSource, maskToSource, segmentationCandidates, segmentationSettings } from '../ts/localise.js';
import { iou, maskIou } from '../ts/evaluation.js';
import { type SeedSelector, SELECTOR_FEATURES, checkSelector, chosenCandidate, score, seedings } from '../ts/seed-selection.js';
import { type CandidateGroup, fitListwise, fitRidge, standardisation } from '../ts/seed-selection-fit.js';

const { values } = parseArgs({ options: {
  count: { type: 'string', default: '300' }, seed: { type: 'string', default: '7000' }, split: { type: 'string', default: 'train' },
  model: { type: 'string' }, method: { type: 'string', default: 'listwise' }, ridge: { type: 'string' }, temperature: { type: 'string', default: '0.05' },
  target: { type: 'string', default: 'both' },
  out: { type: 'string' }, dump: { type: 'string' },
} });
const METHOD = values.method, TARGET = values.target;
if (!values.out || (METHOD !== 'listwise' && METHOD !== 'ridge') || (TARGET !== 'both' && TARGET !== 'mask')) {
  throw new Error('usage: fit-selector.mts --out FILE [--count N] [--seed S] [--split train|test] [--model M] [--target both|mask] [--method listwise|ridge] [--ridge L] [--temperature T]');
}
const N = Number(values.count), SEED = Number(values.seed), TEMPERATURE = Number(values.temperature);
const RIDGE = Number(values.ridge ?? (METHOD === 'ridge' ? 1 : 0.01));
const GRID = { fgQuantiles: [0.98, 0.97, 0.95, 0.93, 0.9], bgQuantiles: [0.3, 0.5, 0.7, 0.8], refine: [false, 0] as (number | false)[] };

const ex = await Explainer.load(values.model);
const { core } = await ex.loadCore();
const rec = ex.localiseDefaults;
const settings = segmentationSettings({ ...rec, select: false });
const gen = createSceneGenerator({ split: values.split as 'train' | 'test', size: 128 });
const groups: CandidateGroup[] = [];
const dumped: unknown[] = []; // --dump FILE: every candidate's features, box and IoUs, for studies
const list = seedings(GRID);
for (let i = 0; i < N; i++) {
  const s = await gen.generate(sceneSeed(SEED, i));
  const image = { data: s.rgb, width: s.width, height: s.height, channels: 3 as const };
  const r = (await ex.saliency(image, { target: s.classIndex, samples: rec.samples, noise: rec.noise, map: rec.map }))[0]!;
  const m = r.maps[0]!, W = r.input.width, H = r.input.height;
  const group: Required<CandidateGroup> = { features: [], target: [], valid: [] };
  for (const c of segmentationCandidates(core, r.input, m, settings, list, true)) {
    const box = c.modelBox ? boxToSource(c.modelBox, W, H, r.crop, m.sourceWidth, m.sourceHeight) : null;
    const mask = maskToSource(c.modelMask, W, H, r.crop, m.sourceWidth, m.sourceHeight);
    const boxIou = box ? iou(box, s.box) : 0, maskIoU = maskIou(mask, s.mask);
    group.features.push(c.features!);
    group.target.push(TARGET === 'mask' ? maskIoU : (maskIoU + boxIou) / 2);
    group.valid.push(c.modelBox !== null); // segment() never picks a mask with no foreground
    if (values.dump) dumped.push({ scene: i, seeding: c.seeding, box: c.modelBox, boxIou, maskIou: maskIoU, features: c.features });
  }
  groups.push(group);
  if (i % 25 === 24) process.stderr.write(`${i + 1}/${N} scenes\n`);
}
await ex.close();
if (values.dump) writeFileSync(values.dump, JSON.stringify(dumped));

const std = standardisation(groups);
const weights = METHOD === 'ridge' ? fitRidge(groups, std, RIDGE) : fitListwise(groups, std, { temperature: TEMPERATURE, ridge: RIDGE });
const selector: SeedSelector = { ...GRID, ...std, weights, bias: 0 };
checkSelector(selector);
writeFileSync(values.out, `${JSON.stringify(selector, null, 1)}\n`);
// in-sample: the mean match of the mask the selector picks (as segment() picks it), against the best of each scene's
const picked = groups.map((g) => g.target[chosenCandidate(g.features.map((f) => score(selector, f)), g.valid!)]!);
const mean = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
console.log(`fitted on ${N} ${values.split} scenes (sceneSeed(${SEED}, i)), ${list.length} seedings each, ${ex.info.source}; target ${TARGET}, ${METHOD}, ridge ${RIDGE}${METHOD === 'listwise' ? `, temperature ${TEMPERATURE}` : ''}`);
console.log(`training scenes' mean match (${TARGET === 'mask' ? 'mask IoU' : 'mean of mask and box IoU'}): picked ${mean(picked).toFixed(3)}, best of the ${list.length} ${mean(groups.map((g) => Math.max(...g.target))).toFixed(3)}`);
console.log(SELECTOR_FEATURES.map((f, j) => `${f} ${selector.weights[j]!.toFixed(4)}`).join(', '));
console.log(`wrote ${values.out}`);

// Which localise() settings suit the bundled model? On held-out generated scenes, localises each
// scene's true class under several map and segmentation settings and prints, per row, the share of
// boxes with IoU >= 0.5 against the exact box, and the mean mask IoU against the exact mask.
// npx tsx bench/scene-localisation-study.mts [--count 150] [--seed 1000] [--model M] [--cam-layer TENSOR] [--rows 'a|b'] [--variants JSON] [--selector FILE]
// (--selector: each row again with that seed selector, ts/seed-selection.ts)
// (the figures in models/MODEL.md, "Localisation settings"; one run, same scenes for every row)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSceneGenerator, sceneSeed } from '../ts/scenes/index.js';
import { Explainer, type SaliencyResult } from '../ts/explainer.js';
import { segment, PAPER_SETTINGS, DEFAULT_SETTINGS, type LocaliseOptions } from '../ts/localise.js';
import { iou, maskIou } from '../ts/evaluation.js';
import type { SeedSelector } from '../ts/seed-selection.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '150' }, seed: { type: 'string', default: '1000' }, model: { type: 'string' }, rows: { type: 'string' }, variants: { type: 'string' }, 'cam-layer': { type: 'string' }, selector: { type: 'string' } } });
const N = Number(values.count), SEED = Number(values.seed);

const SG8 = { samples: 8, noise: 0.1 }, BEST = { ...SG8, smoothing: 4, boxFrom: 'largest' } as const;
// every row spells out the settings it changes from the library defaults (DEFAULT_SETTINGS, one pass)
const allRows: [string, LocaliseOptions][] = [
  ['single pass, the paper', { ...PAPER_SETTINGS }],
  ['single pass, library defaults', {}],
  ['single pass, smoothing 4', { smoothing: 4 }],
  ['single pass, largest component', { boxFrom: 'largest' }],
  ['SmoothGrad 8, library defaults', { ...SG8 }],
  ['SmoothGrad 8, smoothing 4, largest (recommended)', BEST],
  ['SmoothGrad 16, smoothing 4, largest', { ...BEST, samples: 16 }],
  ['SmoothGrad 16 noise 0.2, smoothing 4, largest', { ...BEST, samples: 16, noise: 0.2 }],
  ['SmoothGrad 16 noise 0.05, smoothing 4, largest', { ...BEST, samples: 16, noise: 0.05 }],
  ['  recommended, fg seeds q97', { ...BEST, fgQuantile: 0.97 }],
  ['  recommended, bg seeds q50', { ...BEST, bgQuantile: 0.5 }],
  ['  recommended, 10 iterations', { ...BEST, iterations: 10 }],
  ['  recommended, gamma 100', { ...BEST, gamma: 100 }],
  ['  recommended, models from the seeds', { ...BEST, modelsFromSeeds: true }],
  ['Grad-CAM, library defaults', { map: 'gradcam' }],
  ['Grad-CAM, fg q80 bg q50', { map: 'gradcam', fgQuantile: 0.8, bgQuantile: 0.5 }],
  ['Grad-CAM, fg q70 bg q50', { map: 'gradcam', fgQuantile: 0.7, bgQuantile: 0.5 }],
  ['Grad-CAM, fg q80 bg q50, largest', { map: 'gradcam', fgQuantile: 0.8, bgQuantile: 0.5, boxFrom: 'largest' }],
  ['gated single pass, fg q80 bg q50', { map: 'gated', fgQuantile: 0.8, bgQuantile: 0.5 }],
  ['gated SmoothGrad 8, smoothing 4, largest', { ...BEST, map: 'gated' }],
  ['gated SmoothGrad 8, fg q80 bg q50, smoothing 4, largest', { ...BEST, map: 'gated', fgQuantile: 0.8, bgQuantile: 0.5 }],
];
// --rows 'a|b': only the rows whose names contain one of these; --variants '{"name": {options}}' adds one-off rows
const named = values.rows ? allRows.filter(([n]) => values.rows!.split('|').some((w) => n.includes(w))) : values.variants ? [] : allRows;
const listed = [...named, ...(values.variants ? Object.entries(JSON.parse(values.variants) as Record<string, LocaliseOptions>) : [])];
const selector = values.selector ? JSON.parse(readFileSync(values.selector, 'utf8')) as SeedSelector : undefined;
const rows: [string, LocaliseOptions][] = selector ? listed.flatMap(([n, o]): [string, LocaliseOptions][] => [[n, o], [`${n}, seed selector`, { ...o, select: selector }]]) : listed;

const gen = createSceneGenerator({ split: 'test', size: 128 });
const ex = await Explainer.load(values.model, { camLayer: values['cam-layer'] });
const { core } = await ex.loadCore();
const hits = rows.map(() => ({ box: 0, mask: 0 }));
for (let i = 0; i < N; i++) {
  const s = await gen.generate(sceneSeed(SEED, i));
  const image = { data: s.rgb, width: s.width, height: s.height, channels: 3 as const };
  const maps = new Map<string, SaliencyResult>(); // one map per (samples, noise, kind)
  for (const [r, [, opts]] of rows.entries()) {
    const samples = opts.samples ?? 1, noise = opts.noise ?? 0.1, map = opts.map ?? 'gradient', key = `${samples}/${noise}/${map}`;
    if (!maps.has(key)) maps.set(key, (await ex.saliency(image, { target: s.classIndex, samples, noise, map }))[0]!);
    const m = maps.get(key)!;
    const seg = segment(core, m.input, m.maps[0]!, { ...DEFAULT_SETTINGS, downsample: 1, ...opts }, m.crop);
    if (seg.box && iou(seg.box, s.box) >= 0.5) hits[r]!.box++;
    hits[r]!.mask += maskIou(seg.mask, s.mask);
  }
  if (i % 25 === 24) process.stderr.write(`${i + 1}/${N} scenes\n`);
}
console.log(`${N} held-out scenes (test split, sceneSeed(${SEED}, i)), ${ex.info.source}, the true class's map, core ${core.name}\n`);
console.log(`| settings | box IoU >= 0.5 | mean mask IoU |\n|---|---|---|`);
rows.forEach(([name], r) => console.log(`| ${name} | ${(100 * hits[r]!.box / N).toFixed(1)}% | ${(hits[r]!.mask / N).toFixed(3)} |`));
await ex.close();

// Which choices make saliency-seeded GrabCut localise well? Computes the top-5 class saliency
// maps of every image once (cached with --cache DIR), then runs the segmentation under several
// settings and prints the ILSVRC localisation error of each, next to the fixed-box baselines.
// npx tsx bench/localisation-study.mts --dataset ANNOTATIONS.json --model M --preset P [--limit N] [--cache DIR]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Explainer } from '../ts/explainer.js';
import { FIXED_BOXES, type Guess, localisationError } from '../ts/evaluation.js';
import { type LocaliseOptions, PAPER_SETTINGS, segment } from '../ts/localise.js';
import { readAnnotations } from '../ts/cli/dataset.js';
import { loadCore } from '../ts/native/index.js';
import type { PresetName } from '../ts/image/preprocess.js';
import { type CachedEntry, loadEntries, saveEntries } from './saliency-cache.js';

const { values } = parseArgs({ options: {
  dataset: { type: 'string' }, model: { type: 'string' }, preset: { type: 'string' }, limit: { type: 'string' },
  backend: { type: 'string', default: 'native' }, cache: { type: 'string' }, only: { type: 'string' }, samples: { type: 'string', default: '1' },
  variants: { type: 'string' }, 'input-size': { type: 'string' },
} });
if (!values.dataset || !values.model) throw new Error('usage: localisation-study.mts --dataset A.json --model M.onnx [--preset P] [--limit N] [--cache DIR]');
const { items } = await readAnnotations(values.dataset, values.limit ? Number(values.limit) : undefined);

async function computeMaps(): Promise<CachedEntry[]> {
  const side = values['input-size'] ? Number(values['input-size']) : undefined; // the maps at another input size (fully convolutional models)
  const ex = await Explainer.load(values.model!, { preset: values.preset as PresetName | undefined, inputSize: side ? [side, side] : undefined });
  const out: CachedEntry[] = [];
  for (const [i, a] of items.entries()) {
    const r = (await ex.saliency(a.path, { topK: 5, samples: Number(values.samples) }))[0]!;
    out.push({ input: r.input, crop: r.crop, maps: r.maps });
    if (i % 20 === 19) process.stderr.write(`saliency ${i + 1}/${items.length}\n`);
  }
  await ex.close();
  return out;
}

const cached = values.cache && existsSync(join(values.cache, `${items.length - 1}.json`));
const entries = cached ? loadEntries(values.cache!, items.length) : await computeMaps();
if (values.cache && !cached) saveEntries(values.cache, entries);
const { core } = await loadCore(values.backend as 'native' | 'wasm');

const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(6);
const row = (name: string, g: Guess[][], ms?: number) => {
  const e = localisationError(g, truths);
  console.log(`${name.padEnd(56)} top-1 ${pct(e.top1Error)}  top-5 ${pct(e.top5Error)}${ms === undefined ? '' : `   ${ms.toFixed(1)} ms/map`}`);
};
console.log(`${items.length} images, ${values.model}, core ${core.name}, ${values.samples} sample(s) per map`);
for (const [name, box] of Object.entries(FIXED_BOXES)) {
  row(`baseline: ${name}`, entries.map((r) => r.maps.map((m) => ({ cls: m.target.index, box: box(m.sourceWidth, m.sourceHeight) }))));
}
// --variants '{"name": {options}, ...}' runs just those, each the paper's settings with the listed changes
const variants: [string, LocaliseOptions][] = values.variants ? Object.entries(JSON.parse(values.variants) as Record<string, LocaliseOptions>) : values.only === 'batch2' ? [
  ['q95/q30, 5 iterations, largest component', {}],
  ['  smoothing 2, all foreground', { smoothing: 2, boxFrom: 'all' }],
  ['  smoothing 2, closing 3', { smoothing: 2, closing: 3 }],
  ['  smoothing 2, closing 6', { smoothing: 2, closing: 6 }],
  ['  smoothing 2, closing 10', { smoothing: 2, closing: 10 }],
  ['  smoothing 2, closing 6, fg q90', { smoothing: 2, closing: 6, fgQuantile: 0.9 }],
  ['  smoothing 2, closing 6, bg q40', { smoothing: 2, closing: 6, bgQuantile: 0.4 }],
  ['  smoothing 1, closing 6', { smoothing: 1, closing: 6 }],
  ['  closing 6', { closing: 6 }],
] : values.only === 'batch4' ? [
  ['the paper exactly', { modelsFromSeeds: true }],
  ['  smoothing 2, all foreground', { smoothing: 2, boxFrom: 'all' }],
  ['  all foreground', { boxFrom: 'all' }],
  ['  smoothing 1, all foreground', { smoothing: 1, boxFrom: 'all' }],
] : values.only === 'batch5' ? [
  ['defaults', { smoothing: 2, boxFrom: 'all' }],
  ['  defaults, 2 iterations', { smoothing: 2, boxFrom: 'all', iterations: 2 }],
  ['  defaults, bg q20', { smoothing: 2, boxFrom: 'all', bgQuantile: 0.2 }],
  ['  defaults, fg q97', { smoothing: 2, boxFrom: 'all', fgQuantile: 0.97 }],
  ['  defaults, smoothing 3', { smoothing: 3, boxFrom: 'all' }],
  ['  defaults, smoothing 4', { smoothing: 4, boxFrom: 'all' }],
  ['  defaults, gamma 25', { smoothing: 2, boxFrom: 'all', gamma: 25 }],
] : values.only === 'batch6' ? [
  ['  defaults, downsample 2', { smoothing: 2, boxFrom: 'all', downsample: 2 }],
  ['  defaults, downsample 2, smoothing 1', { smoothing: 1, boxFrom: 'all', downsample: 2 }],
] : values.only === 'batch7' ? [
  // with --samples 8 --cache (SmoothGrad maps): the bundled model's recommended settings on SqueezeNet
  ['  smoothing 2, all foreground', { smoothing: 2, boxFrom: 'all' }],
  ['  smoothing 4, largest component', { smoothing: 4, boxFrom: 'largest' }],
  ['  smoothing 4, all foreground', { smoothing: 4, boxFrom: 'all' }],
  ['  smoothing 3, largest component', { smoothing: 3, boxFrom: 'largest' }],
] : values.only === 'batch3' ? [
  ['  smoothing 2, all foreground, fg q90', { smoothing: 2, boxFrom: 'all', fgQuantile: 0.9 }],
  ['  smoothing 2, all foreground, bg q50', { smoothing: 2, boxFrom: 'all', bgQuantile: 0.5 }],
  ['  smoothing 1.5, all foreground', { smoothing: 1.5, boxFrom: 'all' }],
  ['  smoothing 2, all foreground, gamma 100', { smoothing: 2, boxFrom: 'all', gamma: 100 }],
] : [
  ['q95/q30, 5 iterations, largest component', {}],
  ['  models from seeds only (the paper exactly)', { modelsFromSeeds: true }],
  ['  box around all foreground', { boxFrom: 'all' }],
  ['  models from seeds, all foreground', { modelsFromSeeds: true, boxFrom: 'all' }],
  ['  smoothing 2', { smoothing: 2 }],
  ['  smoothing 2, models from seeds', { smoothing: 2, modelsFromSeeds: true }],
  ['  smoothing 2, all foreground', { smoothing: 2, boxFrom: 'all' }],
  ['  smoothing 2, models from seeds, all foreground', { smoothing: 2, modelsFromSeeds: true, boxFrom: 'all' }],
  ['  smoothing 3, models from seeds', { smoothing: 3, modelsFromSeeds: true }],
  ['  smoothing 2, seeds, fg q90', { smoothing: 2, modelsFromSeeds: true, fgQuantile: 0.9 }],
  ['  smoothing 2, seeds, bg q40', { smoothing: 2, modelsFromSeeds: true, bgQuantile: 0.4 }],
  ['  smoothing 2, seeds, 1 iteration', { smoothing: 2, modelsFromSeeds: true, iterations: 1 }],
  ['  smoothing 2, seeds, gamma 20', { smoothing: 2, modelsFromSeeds: true, gamma: 20 }],
];
for (const [name, opts] of variants) {
  if (values.only && !values.only.startsWith('batch') && !name.includes(values.only)) continue;
  const t0 = performance.now();
  // every variant is the paper's settings with the listed changes
  const settings = { ...PAPER_SETTINGS, modelsFromSeeds: false, ...opts };
  const guesses = entries.map((r) => r.maps.map((m) => ({ cls: m.target.index, box: segment(core, r.input, m, settings, r.crop).box })));
  row(name, guesses, (performance.now() - t0) / (entries.length * 5));
}

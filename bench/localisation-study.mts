// Which choices make saliency-seeded GrabCut localise well? Computes the top-5 class saliency
// maps of every image once, then runs the segmentation under several settings and prints the
// ILSVRC localisation error of each (and the fixed-box baselines) from the same maps.
// npx tsx bench/localisation-study.mts --dataset ANNOTATIONS.json --model M --preset P [--limit N]
import { parseArgs } from 'node:util';
import { Explainer, type SaliencyResult } from '../ts/explainer.js';
import { FIXED_BOXES, type Guess, localisationError } from '../ts/evaluation.js';
import { type LocaliseOptions, segment } from '../ts/localise.js';
import { readAnnotations } from '../ts/cli/dataset.js';
import type { PresetName } from '../ts/image/preprocess.js';

const { values } = parseArgs({ options: { dataset: { type: 'string' }, model: { type: 'string' }, preset: { type: 'string' }, limit: { type: 'string' }, backend: { type: 'string', default: 'native' } } });
if (!values.dataset || !values.model) throw new Error('usage: localisation-study.mts --dataset A.json --model M.onnx [--preset P] [--limit N]');
const { items } = await readAnnotations(values.dataset, values.limit ? Number(values.limit) : undefined);
const ex = await Explainer.load(values.model, { preset: values.preset as PresetName | undefined, backend: values.backend as 'native' | 'wasm' });
const { core } = await ex.loadCore();
const maps: SaliencyResult[] = [];
for (const [i, a] of items.entries()) {
  maps.push((await ex.saliency(a.path, { topK: 5 }))[0]!);
  if (i % 20 === 19) process.stderr.write(`saliency ${i + 1}/${items.length}\n`);
}
const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(6);
const row = (name: string, g: Guess[][], ms?: number) => {
  const e = localisationError(g, truths);
  console.log(`${name.padEnd(48)} top-1 ${pct(e.top1Error)}  top-5 ${pct(e.top5Error)}${ms === undefined ? '' : `   ${ms.toFixed(1)} ms/map`}`);
};
console.log(`${items.length} images, ${values.model}, core ${core.name}`);
for (const [name, box] of Object.entries(FIXED_BOXES)) {
  row(`baseline: ${name}`, maps.map((r) => r.maps.map((m) => ({ cls: m.target.index, box: box(m.sourceWidth, m.sourceHeight) }))));
}
const variants: [string, LocaliseOptions][] = [
  ['paper: q95/q30, 5 iterations, largest component', {}],
  ['  1 iteration', { iterations: 1 }],
  ['  10 iterations', { iterations: 10 }],
  ['  box around all foreground', { boxFrom: 'all' }],
  ['  smoothing sigma 2', { smoothing: 2 }],
  ['  smoothing sigma 4', { smoothing: 4 }],
  ['  smoothing sigma 8', { smoothing: 8 }],
  ['  fg q90', { fgQuantile: 0.9 }],
  ['  fg q80', { fgQuantile: 0.8 }],
  ['  bg q50', { bgQuantile: 0.5 }],
  ['  smoothing 4, fg q90', { smoothing: 4, fgQuantile: 0.9 }],
  ['  smoothing 4, fg q80, bg q40', { smoothing: 4, fgQuantile: 0.8, bgQuantile: 0.4 }],
  ['  smoothing 4, all foreground', { smoothing: 4, boxFrom: 'all' }],
  ['  smoothing 8, fg q80, all foreground', { smoothing: 8, fgQuantile: 0.8, boxFrom: 'all' }],
];
for (const [name, opts] of variants) {
  const t0 = performance.now();
  const guesses = maps.map((r) => r.maps.map((m) => ({ cls: m.target.index, box: segment(core, r.input, m, opts, r.crop).box })));
  row(name, guesses, (performance.now() - t0) / (maps.length * 5));
}
await ex.close();

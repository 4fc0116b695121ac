// How optimistic is a setting chosen on the 200 development images? Split-half check: pick the best
// of several localise() settings (top-5 localisation error) on the even-numbered images and report
// it on the odd ones, and the other way round. Reads the caches cam-maps.mts writes.
// npx tsx bench/ilsvrc/split-half.mts   (CACHES='name=dir,...' to choose the map caches;
// BORDERS='0,0.05,...' adds each seed row with a background frame of that width, localise's border)
import { readAnnotations } from '../../ts/cli/dataset.js';
import { localisationError } from '../../ts/evaluation.js';
import { DEFAULT_SETTINGS, type LocaliseOptions, segment } from '../../ts/localise.js';
import { loadCore } from '../../ts/native/index.js';
import { loadEntries } from '../saliency-cache.js';

const DATASET = process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json';
const caches = (process.env.CACHES ?? 'gradient=/tmp/salcache,gated=/tmp/salcache-gated').split(',').map((c) => c.split('=') as [string, string]);
const { items } = await readAnnotations(DATASET);
const { core } = await loadCore('native');
const borders = (process.env.BORDERS ?? '0').split(',').map(Number);
const quantiles: [string, LocaliseOptions][] = [
  ['q95/q30', {}], ['q85/q40', { fgQuantile: 0.85, bgQuantile: 0.4 }], ['q90/q40', { fgQuantile: 0.9, bgQuantile: 0.4 }], ['q90/q50', { fgQuantile: 0.9, bgQuantile: 0.5 }],
  ['q85/q50', { fgQuantile: 0.85, bgQuantile: 0.5 }], ['q80/q50', { fgQuantile: 0.8, bgQuantile: 0.5 }], ['q80/q60', { fgQuantile: 0.8, bgQuantile: 0.6 }],
];
const seeds: [string, LocaliseOptions][] = borders.flatMap((b) => quantiles.map(([name, o]): [string, LocaliseOptions] => [b ? `${name}, border ${b}` : name, { ...o, border: b }]));
// per row, per image: localised within the top 5?
const rows: { name: string; hit: boolean[] }[] = [];
for (const [kind, dir] of caches) {
  const entries = loadEntries(dir, items.length);
  for (const [name, opts] of seeds) {
    const hit = entries.map((e, i) => {
      const guesses = [e.maps.map((m) => ({ cls: m.target.index, box: segment(core, e.input, m, { ...DEFAULT_SETTINGS, ...opts }, e.crop).box }))];
      return localisationError(guesses, [{ cls: items[i]!.class_index, boxes: items[i]!.boxes! }]).top5Error === 0;
    });
    rows.push({ name: `${kind} ${name}`, hit });
    process.stderr.write(`${kind} ${name}\n`);
  }
}
const err = (hit: boolean[], half: number) => { const h = hit.filter((_, i) => i % 2 === half); return 100 * (1 - h.filter(Boolean).length / h.length); };
console.log(`| setting | top-5 error, even images | odd images | all ${items.length} |\n|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${err(r.hit, 0).toFixed(1)}% | ${err(r.hit, 1).toFixed(1)}% | ${(100 * (1 - r.hit.filter(Boolean).length / r.hit.length)).toFixed(1)}% |`);
for (const half of [0, 1]) {
  const best = rows.reduce((a, b) => (err(b.hit, half) < err(a.hit, half) ? b : a));
  console.log(`chosen on the ${half ? 'odd' : 'even'} images: ${best.name} (${err(best.hit, half).toFixed(1)}%); on the ${half ? 'even' : 'odd'} ones it gives ${err(best.hit, 1 - half).toFixed(1)}%`);
}

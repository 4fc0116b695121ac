// What the seed selector costs: segment() time per map with the bundled model's recommended settings,
// with its seed selector (40 seedings) and with one seeding (select: false, its anchor), measured side
// by side on the same maps, interleaved, on both cores. Prints ms per map and the ratio.
// npx tsx bench/seed-selection.mts [--count 40] [--seed 4000] [--rounds 3]
import { parseArgs } from 'node:util';
import { createSceneGenerator, sceneSeed } from '../ts/scenes/index.js';
import { Explainer, type SaliencyResult } from '../ts/explainer.js';
import { segment } from '../ts/localise.js';
import { loadCore } from '../ts/native/index.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '40' }, seed: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '3' } } });
const N = Number(values.count), ROUNDS = Number(values.rounds);
const ex = await Explainer.load();
const rec = ex.localiseDefaults;
const gen = createSceneGenerator({ split: 'test', size: 128 });
const maps: SaliencyResult[] = [];
for (let i = 0; i < N; i++) {
  const s = await gen.generate(sceneSeed(Number(values.seed), i));
  maps.push((await ex.saliency({ data: s.rgb, width: s.width, height: s.height, channels: 3 }, { target: s.classIndex, samples: rec.samples, noise: rec.noise, map: rec.map }))[0]!);
}
await ex.close();
console.log(`${N} held-out scenes, the bundled model's recommended settings, ${ROUNDS} rounds, best round per row`);
for (const name of ['native', 'wasm'] as const) {
  const { core } = await loadCore(name);
  const rows = { 'one seeding (select: false)': { ...rec, select: false as const }, 'seed selector (recommended)': rec };
  const best: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const [row, opts] of Object.entries(rows)) {
      const t0 = performance.now();
      for (const m of maps) segment(core, m.input, m.maps[0]!, opts, m.crop);
      const ms = (performance.now() - t0) / N;
      best[row] = Math.min(best[row] ?? Infinity, ms);
    }
  }
  const [a, b] = Object.values(best) as [number, number];
  console.log(`${name}: ${Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(1)} ms/map`).join(', ')}; selector / one seeding ${(b / a).toFixed(1)}x`);
}

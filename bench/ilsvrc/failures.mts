// Where the default localisation fails on the ILSVRC development set: of the images whose true class
// is in the top 5, how many boxes reach IoU 0.5 (ours and the centre 80% box), and whether the failed
// boxes are too big or too small against the largest ground-truth box. Optional argv[2]: JSON options.
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS } from '../../ts/localise.js';
import { boxArea, iou, FIXED_BOXES } from '../../ts/evaluation.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const opts = JSON.parse(process.argv[2] ?? '{}');
const rows: string[] = [];
let ok = 0, okC = 0, both = 0, n = 0; const ratios: number[] = [];
for (let i = 0; i < items.length; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const m = e.maps.find((c) => c.target.index === items[i]!.class_index);
  if (!m) continue;
  n++;
  const r = segment(core, e.input, m, { ...DEFAULT_SETTINGS, ...opts }, e.crop);
  const gt = items[i]!.boxes!;
  const best = Math.max(...gt.map((b) => iou(r.box ?? [0, 0, 0, 0], b)));
  const c = FIXED_BOXES.centre80!(m.sourceWidth, m.sourceHeight);
  const bestC = Math.max(...gt.map((b) => iou(c, b)));
  const gtA = Math.max(...gt.map(boxArea));
  if (best >= 0.5) ok++; if (bestC >= 0.5) okC++; if (best >= 0.5 && bestC >= 0.5) both++;
  if (best < 0.5) ratios.push(r.box ? boxArea(r.box) / gtA : 0);
  rows.push(`${i} iou ${best.toFixed(2)} centre ${bestC.toFixed(2)} areaRatio ${(r.box ? boxArea(r.box) / gtA : 0).toFixed(2)} gtFrac ${(gtA / (m.sourceWidth * m.sourceHeight)).toFixed(2)}`);
}
ratios.sort((a, b) => a - b);
console.log(`true class in top5: ${n}; ours ok ${ok}, centre ok ${okC}, both ${both}`);
console.log('failure area ratios quartiles', ratios[ratios.length >> 2]?.toFixed(2), ratios[ratios.length >> 1]?.toFixed(2), ratios[(3 * ratios.length) >> 2]?.toFixed(2));
const small = ratios.filter((r) => r < 0.7).length, big = ratios.filter((r) => r > 1.4).length;
console.log(`failures: ${ratios.length}, too small (<0.7) ${small}, too big (>1.4) ${big}`);

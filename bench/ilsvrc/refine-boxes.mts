// What refine (the second, rectangle-mode GrabCut) does to ILSVRC boxes: for each image whose true
// class is among the cached top-5 maps, that class's box with the defaults and with refine 0.1,
// against the true boxes. npx tsx bench/ilsvrc/refine-boxes.mts [MARGIN] (cache: SALIENCY_CACHE)
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS, type Box } from '../../ts/localise.js';
import { boxArea, iou } from '../../ts/evaluation.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';

const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const margin = Number(process.argv[2] ?? '0.1');
let n = 0, hitBefore = 0, hitAfter = 0, lost = 0, gained = 0, larger = 0, smaller = 0;
items.forEach((a, i) => {
  const e = loadEntry(SALIENCY_CACHE, i), m = e.maps.find((m) => m.target.index === a.class_index);
  if (!m) return;
  const before = segment(core, e.input, m, DEFAULT_SETTINGS, e.crop).box, after = segment(core, e.input, m, { ...DEFAULT_SETTINGS, refine: margin }, e.crop).box;
  if (!before || !after) return;
  n++;
  const best = (b: Box) => Math.max(...a.boxes!.map((t) => iou(b, t as Box)));
  const h0 = best(before) >= 0.5, h1 = best(after) >= 0.5;
  hitBefore += +h0; hitAfter += +h1; lost += +(h0 && !h1); gained += +(!h0 && h1);
  larger += +(boxArea(after) > boxArea(before)); smaller += +(boxArea(after) < boxArea(before));
});
console.log(`${n} images with the true class among the cached top-5 (${SALIENCY_CACHE}); refine ${margin}`);
console.log(`true-class box IoU >= 0.5: ${hitBefore} with the defaults, ${hitAfter} refined (${lost} lost, ${gained} gained); boxes larger ${larger}, smaller ${smaller}`);

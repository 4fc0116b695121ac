// A picture of the default localisation's failures on the ILSVRC development set (true class in the
// top 5, box IoU < 0.5): per image the input with the ground-truth boxes (green) and ours (red), the
// saliency map, and the mask. argv[2]: output PNG; argv[3]: optional JSON options.
import { writeFileSync } from 'node:fs';
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS } from '../../ts/localise.js';
import { iou } from '../../ts/evaluation.js';
import { drawBox, tintMask } from '../../ts/image/draw.js';
import { applyColormap, normaliseForDisplay } from '../../ts/image/colormap.js';
import { captionedSheet } from '../../ts/image/captioned-sheet.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const opts = JSON.parse(process.argv[3] ?? '{}');
const cells: { image: any; caption: string }[] = [];
for (let i = 0; i < items.length && cells.length < 3 * 24; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const m = e.maps.find((c) => c.target.index === items[i]!.class_index);
  if (!m) continue;
  const { input } = e;
  const r = segment(core, input, m, { ...DEFAULT_SETTINGS, ...opts }, e.crop);
  const sx = input.width / m.sourceWidth, sy = input.height / m.sourceHeight;
  const toModel = (b: number[]) => [b[0]! * sx, b[1]! * sy, b[2]! * sx, b[3]! * sy];
  const best = Math.max(...items[i]!.boxes!.map((b) => iou(r.box ?? [0, 0, 0, 0], b)));
  if (best >= 0.5) continue;
  let img = input as any;
  for (const b of items[i]!.boxes!) img = drawBox(img, toModel(b), [40, 220, 40]);
  if (r.modelBox) img = drawBox(img, r.modelBox, [230, 30, 30]);
  cells.push({ image: img, caption: `${i} ${items[i]!.label.split(',')[0]} iou ${best.toFixed(2)}` });
  cells.push({ image: { data: applyColormap(normaliseForDisplay(m.raw)), width: input.width, height: input.height }, caption: 'saliency' });
  cells.push({ image: tintMask(input, r.modelMask), caption: 'mask' });
}
writeFileSync(process.argv[2] ?? '/tmp/failures.png', await captionedSheet(cells, { cols: 6, cell: 160 }));

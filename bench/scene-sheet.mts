// A picture of localise() on held-out generated scenes with the bundled model (true class): per scene
// the image with the exact box (green) and ours (red), the saliency map, our mask, and the exact mask.
// npx tsx bench/scene-sheet.mts OUT.png [--count 16] [--seed 1000] [--options JSON]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSceneGenerator, sceneSeed } from '../ts/scenes/index.js';
import { Explainer } from '../ts/explainer.js';
import { iou, maskIou } from '../ts/evaluation.js';
import { drawBox, tintMask } from '../ts/image/draw.js';
import { applyColormap, normaliseForDisplay } from '../ts/image/colormap.js';
import { captionedSheet } from '../ts/image/captioned-sheet.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { count: { type: 'string', default: '16' }, seed: { type: 'string', default: '1000' }, options: { type: 'string', default: '{}' } } });
const gen = createSceneGenerator({ split: 'test', size: 128 });
const ex = await Explainer.load();
const cells: { image: any; caption: string }[] = [];
for (let i = 0; i < Number(values.count); i++) {
  const s = await gen.generate(sceneSeed(Number(values.seed), i));
  const image = { data: s.rgb, width: s.width, height: s.height, channels: 3 as const };
  const [r] = await ex.localise(image, { target: s.classIndex, ...JSON.parse(values.options!) });
  const l = r!.localisations[0]!;
  let shown: any = drawBox({ data: s.rgb, width: s.width, height: s.height }, s.box, [40, 220, 40]);
  if (l.box) shown = drawBox(shown, l.box, [230, 30, 30]);
  const name = ex.label(s.classIndex);
  cells.push({ image: shown, caption: `${i} ${name} box ${l.box ? iou(l.box, s.box).toFixed(2) : '-'}` });
  cells.push({ image: { data: applyColormap(normaliseForDisplay(l.saliency.map)), width: l.saliency.width, height: l.saliency.height }, caption: 'saliency' });
  cells.push({ image: tintMask({ data: s.rgb, width: s.width, height: s.height }, l.mask), caption: `mask IoU ${maskIou(l.mask, s.mask).toFixed(2)}` });
  cells.push({ image: tintMask({ data: s.rgb, width: s.width, height: s.height }, s.mask, [40, 220, 40]), caption: 'exact mask' });
}
writeFileSync(positionals[0] ?? '/tmp/scene-sheet.png', await captionedSheet(cells, { cols: 8, cell: 128 }));
await ex.close();

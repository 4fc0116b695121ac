// The pictures the CLI writes: saliency heatmaps and overlays, masks and box overlays.
import type { ClassSaliency } from '../explainer.js';
import type { RgbImage } from '../image/decode.js';
import type { Localisation } from '../localise.js';
import { applyColormap, overlay, type ColormapName } from '../image/colormap.js';
import { drawBox, tintMask } from '../image/draw.js';
import { encodePng, writeFileAtomic } from '../image/encode.js';

/** BASE.saliency.png (the map on the image's grid) and BASE.overlay.png (the map over the image). */
export async function writeMapImages(base: string, m: ClassSaliency, source: RgbImage, colormap: ColormapName) {
  const heat = { data: applyColormap(m.sourceMap, colormap), width: m.sourceWidth, height: m.sourceHeight };
  await writeFileAtomic(`${base}.saliency.png`, await encodePng(heat));
  await writeFileAtomic(`${base}.overlay.png`, await encodePng(overlay(source, m.sourceMap, { colormap })));
  return { saliency: `${base}.saliency.png`, overlay: `${base}.overlay.png` };
}

/** The image with the localisation's mask tinted and its box drawn. */
export function localisationPicture(l: Localisation, source: RgbImage): RgbImage {
  const tinted = tintMask(source, l.mask);
  return l.box ? drawBox(tinted, l.box, [255, 230, 0]) : tinted;
}

/** BASE.mask.png (white = object) and BASE.box.png (mask tinted, box drawn over the image). */
export async function writeLocalisationImages(base: string, l: Localisation, source: RgbImage) {
  const mask = { data: Uint8Array.from(l.mask, (v) => v * 255), width: source.width, height: source.height, channels: 1 as const };
  await writeFileAtomic(`${base}.mask.png`, await encodePng(mask));
  await writeFileAtomic(`${base}.box.png`, await encodePng(localisationPicture(l, source)));
  return { box: l.box, maskArea: l.mask.reduce((a, v) => a + v, 0), energy: l.energy, seeding: l.seeding, ...(l.selectorScore === undefined ? {} : { selectorScore: l.selectorScore }), mask: `${base}.mask.png`, boxOverlay: `${base}.box.png` };
}

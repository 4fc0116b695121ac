// Drawing results onto images: a tinted mask and rectangle outlines.
import type { RgbImage } from './decode.js';

/** Tints mask pixels with `colour` at `alpha`, leaving the rest of the image as it is. */
export function tintMask(img: RgbImage, mask: Uint8Array, colour: [number, number, number] = [255, 40, 40], alpha = 0.45): RgbImage {
  if (mask.length !== img.width * img.height) throw new Error(`tintMask: mask has ${mask.length} values for a ${img.width}x${img.height} image`);
  const out = Uint8Array.from(img.data);
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let c = 0; c < 3; c++) out[3 * p + c] = Math.round(out[3 * p + c]! * (1 - alpha) + colour[c]! * alpha);
  }
  return { data: out, width: img.width, height: img.height };
}

/** Draws the outline of an inclusive box, `thickness` pixels wide, inside the box. */
export function drawBox(img: RgbImage, box: readonly number[], colour: [number, number, number], thickness = 2): RgbImage {
  const out = Uint8Array.from(img.data);
  const [x0, y0, x1, y1] = box.map((v) => Math.round(v)) as [number, number, number, number];
  const set = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const p = 3 * (y * img.width + x);
    out[p] = colour[0]; out[p + 1] = colour[1]; out[p + 2] = colour[2];
  };
  for (let t = 0; t < thickness; t++) {
    for (let x = x0; x <= x1; x++) { set(x, y0 + t); set(x, y1 - t); }
    for (let y = y0; y <= y1; y++) { set(x0 + t, y); set(x1 - t, y); }
  }
  return { data: out, width: img.width, height: img.height };
}

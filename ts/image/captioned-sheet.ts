// A grid of equally sized pictures, each with a caption under it (text drawn by sharp from SVG).
import sharp from 'sharp';
import type { RgbImage } from './decode.js';

const BACKGROUND = { r: 40, g: 40, b: 40 };

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * Cells `cell` pixels square, `cols` a row, a caption line of `captionHeight` pixels under each.
 * `palette`: a 256-colour PNG (a preview; noisy pictures take a third of the bytes).
 */
export async function captionedSheet(items: { image: RgbImage; caption: string }[], opts: { cols?: number; cell?: number; gap?: number; captionHeight?: number; palette?: boolean } = {}): Promise<Buffer> {
  if (items.length === 0) throw new Error('captionedSheet: no images');
  const cols = Math.min(items.length, opts.cols ?? Math.ceil(Math.sqrt(items.length)));
  const rows = Math.ceil(items.length / cols);
  const cell = opts.cell ?? 160, gap = opts.gap ?? 4, ch = opts.captionHeight ?? Math.max(14, Math.round(cell / 9));
  const width = cols * cell + (cols + 1) * gap, height = rows * (cell + ch) + (rows + 1) * gap;
  const fontSize = Math.round(ch * 0.72);
  const tiles = await Promise.all(items.map(async ({ image, caption }, i) => {
    const x = gap + (i % cols) * (cell + gap), y = gap + Math.floor(i / cols) * (cell + ch + gap);
    const picture = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(cell, cell, { fit: 'contain', background: BACKGROUND }).png().toBuffer();
    // a smaller font for captions that would not fit (DejaVu Sans: about 0.6 em a character)
    const size = Math.max(6, Math.min(fontSize, Math.floor((cell - 4) / (0.62 * Math.max(1, caption.length)))));
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cell}" height="${ch}"><text x="${cell / 2}" y="${Math.round(ch * 0.78)}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#e8e8e8" text-anchor="middle">${escapeXml(caption)}</text></svg>`;
    return [{ input: picture, left: x, top: y }, { input: Buffer.from(svg), left: x, top: y + cell }];
  }));
  return sharp({ create: { width, height, channels: 3, background: BACKGROUND } }).composite(tiles.flat()).png({ compressionLevel: 9, palette: opts.palette ?? false }).toBuffer();
}

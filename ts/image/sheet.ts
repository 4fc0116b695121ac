// A contact sheet: rows of equally sized cells (images scaled to fit, letterboxed on grey).
import sharp from 'sharp';
import type { RgbImage } from './decode.js';

export async function contactSheet(rows: RgbImage[][], cell = 160, gap = 4): Promise<Buffer> {
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * cell + (cols + 1) * gap, height = rows.length * cell + (rows.length + 1) * gap;
  const tiles = await Promise.all(rows.flatMap((row, y) => row.map(async (img, x) => ({
    input: await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 3 } })
      .resize(cell, cell, { fit: 'contain', background: { r: 40, g: 40, b: 40 } }).png().toBuffer(),
    left: gap + x * (cell + gap), top: gap + y * (cell + gap),
  }))));
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 40, b: 40 } } }).composite(tiles).png().toBuffer();
}

// Draws a figure in the style of the paper's figure 2: each image above its class saliency map
// (grey, for the top predicted class), with the predicted label.
// npx tsx bench/figure.mts --model M --preset P --labels L --out docs/images/x.png IMAGES...
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { Explainer } from '../ts/explainer.js';
import { decodeImage } from '../ts/image/decode.js';
import { resizeRgb } from '../ts/image/resize.js';
import type { PresetName } from '../ts/image/preprocess.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string' }, preset: { type: 'string' }, labels: { type: 'string' }, out: { type: 'string' }, size: { type: 'string', default: '160' } },
});
if (!values.model || !values.out || positionals.length === 0) throw new Error('usage: figure.mts --model M --out F.png [--preset P] [--labels L] IMAGES...');
const ex = await Explainer.load(values.model, { preset: values.preset as PresetName | undefined, labels: values.labels });
const S = Number(values.size), pad = 6, label = 22;
const tiles: sharp.OverlayOptions[] = [];
const results = await ex.saliency(positionals);
for (const [i, r] of results.entries()) {
  const m = r.maps[0]!;
  const { image } = await resizeRgb(await decodeImage(positionals[i]!), S, S, 'stretch');
  const grey = Buffer.from(Array.from(m.map, (v) => Math.round(255 * v)));
  const map = await sharp(grey, { raw: { width: m.width, height: m.height, channels: 1 } }).resize(S, S).png().toBuffer();
  const left = pad + i * (S + pad);
  tiles.push({ input: await sharp(Buffer.from(image.data), { raw: { width: S, height: S, channels: 3 } }).png().toBuffer(), left, top: pad });
  tiles.push({ input: map, left, top: 2 * pad + S });
  const text = m.target.label.replace(/&/g, '&amp;').replace(/</g, '&lt;').slice(0, 24);
  tiles.push({ input: Buffer.from(`<svg width="${S}" height="${label}"><text x="${S / 2}" y="16" font-family="sans-serif" font-size="12" text-anchor="middle" fill="#222">${text}</text></svg>`), left, top: 3 * pad + 2 * S });
  console.error(`${positionals[i]}: ${m.target.label} (${m.target.probability.toFixed(2)})`);
}
const width = pad + results.length * (S + pad), height = 3 * pad + 2 * S + label;
await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(tiles).png().toFile(values.out);
console.error(`wrote ${values.out} (${width}x${height})`);

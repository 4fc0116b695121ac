// Does averaging the map with the map of the mirrored image (test-time flip) localise better?
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS } from '../../ts/localise.js';
import { localisationError } from '../../ts/evaluation.js';
import { Explainer, channelMaxAbs } from '../../ts/explainer.js';
import { getPreset, toTensorData } from '../../ts/image/preprocess.js';
const dir = process.env.SALIENCY_CACHE ?? '/tmp/salcache'; // written by bench/localisation-study.mts --cache DIR
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const ex = await Explainer.load(process.env.MODEL ?? '../shared/data/imagenet/squeezenet1.1-fp16.onnx', { preset: 'caffe' });
const mirror = (m: Float32Array, w: number, h: number) => { const o = new Float32Array(m.length); for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) o[y * w + x] = m[y * w + (w - 1 - x)]!; return o; };
const variants: Record<string, any[][]> = { plain: [], flip: [], flipmax: [] };
const auto: Record<string, any[][]> = { plain: [], flip: [], flipmax: [] };
for (let i = 0; i < items.length; i++) {
  const meta = JSON.parse(readFileSync(join(dir, `${i}.json`), 'utf8'));
  const rgb = new Uint8Array(readFileSync(join(dir, `${i}.rgb`)));
  const W = meta.w, H = meta.h, size = W * H;
  const flipped = new Uint8Array(rgb.length);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) flipped[(y * W + x) * 3 + c] = rgb[(y * W + W - 1 - x) * 3 + c]!;
  const tensor = toTensorData([{ data: flipped, width: W, height: H }], getPreset('caffe'), 'NCHW');
  const all = readFileSync(join(dir, `${i}.maps`));
  const rows = meta.maps.map((m: any) => { const w = new Float32Array(1000); w[m.target.index] = 1; return { tensor, weights: w }; });
  const grads = await ex.gradients(rows);
  for (const v of Object.keys(variants)) { variants[v]!.push([]); auto[v]!.push([]); }
  meta.maps.forEach((m: any, k: number) => {
    const raw = new Float32Array(all.buffer.slice(all.byteOffset + k * size * 4, all.byteOffset + (k + 1) * size * 4));
    const fr = mirror(channelMaxAbs(grads[k]!.gradient, 'NCHW', W, H), W, H);
    const maps = { plain: raw, flip: raw.map((v, j) => (v + fr[j]!) / 2), flipmax: raw.map((v, j) => Math.max(v, fr[j]!)) } as Record<string, Float32Array>;
    for (const v of Object.keys(variants)) {
      const s = { ...m, raw: maps[v], map: maps[v], width: W, height: H, sourceMap: maps[v] };
      const input = { data: rgb, width: W, height: H };
      variants[v]!.at(-1)!.push({ cls: m.target.index, box: segment(core, input, s, { ...DEFAULT_SETTINGS, downsample: 1 }, meta.crop).box });
      auto[v]!.at(-1)!.push({ cls: m.target.index, box: segment(core, input, s, { ...DEFAULT_SETTINGS, downsample: 2 }, meta.crop).box });
    }
  });
  if (i % 50 === 49) console.error(i + 1);
}
const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
for (const v of Object.keys(variants)) {
  const e = localisationError(variants[v]!, truths), f = localisationError(auto[v]!, truths);
  console.log(`${v.padEnd(8)} grid1 ${(100 * e.top1Error).toFixed(1)} / ${(100 * e.top5Error).toFixed(1)}   grid2 ${(100 * f.top1Error).toFixed(1)} / ${(100 * f.top5Error).toFixed(1)}`);
}

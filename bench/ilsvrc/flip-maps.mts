// Does averaging the map with the map of the mirrored image (test-time flip) localise better?
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS } from '../../ts/localise.js';
import { localisationError } from '../../ts/evaluation.js';
import { Explainer, channelMaxAbs } from '../../ts/explainer.js';
import { getPreset, toTensorData } from '../../ts/image/preprocess.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const ex = await Explainer.load(process.env.MODEL ?? '../shared/data/imagenet/squeezenet1.1-fp16.onnx', { preset: 'caffe' });
const mirror = (m: Float32Array, w: number, h: number) => { const o = new Float32Array(m.length); for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) o[y * w + x] = m[y * w + (w - 1 - x)]!; return o; };
const variants: Record<string, any[][]> = { plain: [], flip: [], flipmax: [] };
const auto: Record<string, any[][]> = { plain: [], flip: [], flipmax: [] };
for (let i = 0; i < items.length; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const rgb = e.input.data, { width: W, height: H } = e.input;
  const flipped = new Uint8Array(rgb.length);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) flipped[(y * W + x) * 3 + c] = rgb[(y * W + W - 1 - x) * 3 + c]!;
  const tensor = toTensorData([{ data: flipped, width: W, height: H }], getPreset('caffe'), 'NCHW');
  const rows = e.maps.map((m) => { const w = new Float32Array(1000); w[m.target.index] = 1; return { tensor, weights: w }; });
  const grads = await ex.gradients(rows);
  for (const v of Object.keys(variants)) { variants[v]!.push([]); auto[v]!.push([]); }
  e.maps.forEach((m, k) => {
    const raw = m.raw;
    const fr = mirror(channelMaxAbs(grads[k]!.gradient, 'NCHW', W, H), W, H);
    const maps = { plain: raw, flip: raw.map((v, j) => (v + fr[j]!) / 2), flipmax: raw.map((v, j) => Math.max(v, fr[j]!)) } as Record<string, Float32Array>;
    for (const v of Object.keys(variants)) {
      const s = { ...m, raw: maps[v], map: maps[v], width: W, height: H, sourceMap: maps[v] };
      variants[v]!.at(-1)!.push({ cls: m.target.index, box: segment(core, e.input, s, { ...DEFAULT_SETTINGS, downsample: 1 }, e.crop).box });
      auto[v]!.at(-1)!.push({ cls: m.target.index, box: segment(core, e.input, s, { ...DEFAULT_SETTINGS, downsample: 2 }, e.crop).box });
    }
  });
  if (i % 50 === 49) console.error(i + 1);
}
const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
for (const v of Object.keys(variants)) {
  const e = localisationError(variants[v]!, truths), f = localisationError(auto[v]!, truths);
  console.log(`${v.padEnd(8)} grid1 ${(100 * e.top1Error).toFixed(1)} / ${(100 * e.top5Error).toFixed(1)}   grid2 ${(100 * f.top1Error).toFixed(1)} / ${(100 * f.top5Error).toFixed(1)}`);
}

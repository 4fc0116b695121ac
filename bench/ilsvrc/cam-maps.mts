// Writes Grad-CAM and gated (gradient x Grad-CAM) versions of the cached ILSVRC saliency maps, as
// caches of their own, so localisation-study.mts and the other scripts can compare map kinds on the
// same images and targets. Runs Explainer.saliency(map 'gradcam') on each cached input for its
// cached targets; the gated map is the cached gradient map times that.
// npx tsx bench/ilsvrc/cam-maps.mts OUT_PREFIX   (writes OUT_PREFIX-gradcam/ and OUT_PREFIX-gated/;
// CAM_LAYER=tensor reads another feature map than the last one)
import { readdirSync } from 'node:fs';
import { Explainer } from '../../ts/explainer.js';
import { combineMaps } from '../../ts/gradcam.js';
import { type CachedEntry, SALIENCY_CACHE, loadEntry, saveEntries } from '../saliency-cache.js';

const prefix = process.argv[2];
if (!prefix) throw new Error('usage: cam-maps.mts OUT_PREFIX');
const MODEL = process.env.MODEL ?? '../shared/data/imagenet/squeezenet1.1-fp16.onnx';
const ex = await Explainer.load(MODEL, { preset: 'caffe', camLayer: process.env.CAM_LAYER });
console.log(`Grad-CAM layer ${ex.info.cam!.tensor} [${ex.info.cam!.shape.join(', ')}]`);
const n = readdirSync(SALIENCY_CACHE).filter((f) => f.endsWith('.json')).length;
const out: Record<'gradcam' | 'gated', CachedEntry[]> = { gradcam: [], gated: [] };
for (let i = 0; i < n; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  // the cached input is already at the model's size, so the network sees the same tensor
  const [r] = await ex.saliency({ ...e.input, channels: 3 }, { target: e.maps.map((m) => m.target.index), map: 'gradcam' });
  const cams = r!.maps.map((m) => m.raw);
  const entry = (kind: 'gradcam' | 'gated') => ({
    ...e,
    maps: e.maps.map((m, k) => { const raw = combineMaps(kind, m.raw, cams[k]!); return { ...m, raw, map: raw, sourceMap: raw }; }),
  });
  out.gradcam.push(entry('gradcam'));
  out.gated.push(entry('gated'));
  if (i % 40 === 39) process.stderr.write(`${i + 1}/${n}\n`);
}
await ex.close();
for (const kind of ['gradcam', 'gated'] as const) saveEntries(`${prefix}-${kind}`, out[kind]);

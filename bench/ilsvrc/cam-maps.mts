// Writes Grad-CAM and gated (gradient x Grad-CAM) versions of the cached ILSVRC saliency maps, as
// caches of their own, so localisation-study.mts and the other scripts can compare map kinds on the
// same images and targets. Runs the network once per (image, target) on the cached input.
// npx tsx bench/ilsvrc/cam-maps.mts OUT_PREFIX   (writes OUT_PREFIX-gradcam/ and OUT_PREFIX-gated/;
// CAM_LAYER=tensor reads another feature map than the last one)
import * as ort from 'onnxruntime-node';
import { readFileSync, readdirSync } from 'node:fs';
import { decodeModel, encodeModel } from '../../ts/onnx/codec.js';
import { gradify } from '../../ts/graph/gradify.js';
import { getPreset, toTensorData } from '../../ts/image/preprocess.js';
import { combineMaps, gradCamAt } from '../../ts/gradcam.js';
import { SALIENCY_CACHE, loadEntry, saveEntries } from '../saliency-cache.js';

const prefix = process.argv[2];
if (!prefix) throw new Error('usage: cam-maps.mts OUT_PREFIX');
const MODEL = process.env.MODEL ?? '../shared/data/imagenet/squeezenet1.1-fp16.onnx';
const { model, info } = gradify(decodeModel(readFileSync(MODEL), MODEL), { inputSize: [224, 224], camLayer: process.env.CAM_LAYER });
if (!info.cam) throw new Error('no feature map for Grad-CAM');
console.log(`Grad-CAM layer ${info.cam.tensor} [${info.cam.shape.join(', ')}]`);
const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 2 });
const n = readdirSync(SALIENCY_CACHE).filter((f) => f.endsWith('.json')).length;
const [, C, h, w] = info.cam.shape as number[];
const kinds = ['gradcam', 'gated'] as const;
const out = Object.fromEntries(kinds.map((k) => [k, [] as ReturnType<typeof loadEntry>[]]));
for (let i = 0; i < n; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const x = toTensorData([e.input], getPreset('caffe'), info.layout);
  for (const k of kinds) out[k]!.push({ ...e, maps: [] });
  for (const m of e.maps) {
    const weights = new Float32Array(info.classes);
    weights[m.target.index] = 1;
    const r = await session.run({ [info.imageInput]: new ort.Tensor('float32', x, [1, 3, 224, 224]), class_weights: new ort.Tensor('float32', weights, [1, info.classes]) });
    const cam = gradCamAt({ activation: r['cam_activation']!.data as Float32Array, gradient: r['cam_gradient']!.data as Float32Array, channels: C!, width: w!, height: h!, layout: info.layout }, e.input.width, e.input.height);
    for (const k of kinds) {
      const raw = combineMaps(k, m.raw, cam);
      out[k]!.at(-1)!.maps.push({ ...m, raw, map: raw, sourceMap: raw });
    }
  }
  if (i % 40 === 39) process.stderr.write(`${i + 1}/${n}\n`);
}
for (const k of kinds) saveEntries(`${prefix}-${k}`, out[k]!);

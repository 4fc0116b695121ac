// Checks an exported model against the scores torch wrote (export.py's NAME.reference.json):
// onnxruntime-node on the plain model, and on deepinside's gradient model (gradify), whose input
// gradient is also checked against torch's and a finite difference. Exits non-zero when a check fails.
//
//   npx tsx models/check-onnx.mts RUN/NAME.reference.json [--tol 1e-4]
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';
import { gradify, INPUT_GRADIENT, SCORES } from '../ts/graph/gradify.js';

const args = process.argv.slice(2);
const refPath = args.find((a) => !a.startsWith('--'));
const tolArg = args.indexOf('--tol');
const tol = tolArg >= 0 ? Number(args[tolArg + 1]) : 1e-4;
if (!refPath) {
  console.error('usage: tsx models/check-onnx.mts RUN/NAME.reference.json [--tol 1e-4]');
  process.exit(2);
}
const ref = JSON.parse(readFileSync(refPath, 'utf8')) as {
  model: string; sha256: string; input: string; input_name: string; output_name: string;
  shape: [number, number, number, number]; scores: number[][];
  gradient: { index: number; class: number; file: string };
};
let failed = false;
const check = (ok: boolean, msg: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`);
  if (!ok) failed = true;
};

const bytes = readFileSync(ref.model);
const { createHash } = await import('node:crypto');
const digest = createHash('sha256').update(bytes).digest('hex');
check(digest === ref.sha256, `sha256 of ${ref.model}: ${digest}`);

const raw = readFileSync(ref.input);
const x = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
const [n, c, h, w] = ref.shape;
check(x.length === n * c * h * w, `reference input holds ${x.length} floats for shape [${ref.shape}]`);
const classes = ref.scores[0].length;

function compare(name: string, got: Float32Array) {
  let maxDiff = 0, maxRef = 0, argmaxAgree = 0;
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0;
    for (let k = 0; k < classes; k++) {
      const r = ref.scores[i][k], g = got[i * classes + k];
      maxDiff = Math.max(maxDiff, Math.abs(r - g));
      maxRef = Math.max(maxRef, Math.abs(r));
      if (r > ref.scores[i][a]) a = k;
      if (g > got[i * classes + b]) b = k;
    }
    if (a === b) argmaxAgree++;
  }
  const rel = maxDiff / Math.max(1, maxRef);
  check(rel <= tol && argmaxAgree === n,
    `${name}: max |onnxruntime - torch| = ${maxDiff.toExponential(3)} (scores up to ${maxRef.toFixed(3)}; relative ${rel.toExponential(2)} <= ${tol}), top class agrees on ${argmaxAgree}/${n}`);
}

// 1. the plain model
const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 });
const out = await session.run({ [ref.input_name]: new ort.Tensor('float32', x, ref.shape) });
const scores = out[ref.output_name];
check(scores.dims.length === 2 && scores.dims[0] === n && scores.dims[1] === classes, `output '${ref.output_name}' dims [${scores.dims}]`);
compare('plain model', scores.data as Float32Array);

// 2. metadata as deepinside reads it
const decoded = decodeModel(bytes, ref.model);
const ops = [...new Set(decoded.graph.nodes.map((nd) => nd.op))].sort();
check(ops.every((o) => ['Conv', 'Relu', 'MaxPool', 'GlobalAveragePool', 'Flatten', 'Gemm'].includes(o)), `ops: ${ops.join(', ')}`);
check(decoded.metadata['deepinside.preset'] === 'imagenet', `metadata deepinside.preset = ${decoded.metadata['deepinside.preset']}`);
const labels = JSON.parse(decoded.metadata['labels'] ?? '[]') as string[];
check(labels.length === classes, `metadata labels: ${labels.length} (${labels.slice(0, 3).join(', ')}, ...)`);

// 3. deepinside's gradient model: the same scores, torch's input gradient, and a finite difference
const { model: gm, info } = gradify(decoded, { inputSize: [h, w] }); // fixes dynamic H/W (export.py --dynamic-hw) at the reference's size
check(info.removedSoftmax === null, `gradify: image input '${info.imageInput}' [${info.imageShape}], ${info.classes} classes, no softmax removed`);
const gs = await ort.InferenceSession.create(encodeModel(gm), { intraOpNumThreads: 2 });
const { index: gi, class: target, file: gradFile } = ref.gradient;
const run1 = async (img: Float32Array) => {
  const cw = new Float32Array(classes);
  cw[target] = 1;
  const r = await gs.run({ [info.imageInput]: new ort.Tensor('float32', img, [1, c, h, w]), class_weights: new ort.Tensor('float32', cw, [1, classes]) });
  return { scores: r[SCORES].data as Float32Array, grad: r[INPUT_GRADIENT].data as Float32Array };
};
const img = x.slice(gi * c * h * w, (gi + 1) * c * h * w);
const r0 = await run1(img);
let maxD = 0;
for (let k = 0; k < classes; k++) maxD = Math.max(maxD, Math.abs(r0.scores[k] - ref.scores[gi][k]));
check(maxD / Math.max(1, Math.max(...ref.scores[gi].map(Math.abs))) <= tol, `gradient model scores vs torch (input ${gi}): max diff ${maxD.toExponential(3)}`);
const graw = readFileSync(gradFile);
const tg = new Float32Array(graw.buffer.slice(graw.byteOffset, graw.byteOffset + graw.byteLength));
let gd = 0, gmax = 0;
for (let i = 0; i < tg.length; i++) { gd = Math.max(gd, Math.abs(tg[i] - r0.grad[i])); gmax = Math.max(gmax, Math.abs(tg[i])); }
check(tg.length === img.length && gmax > 0 && gd <= 1e-3 * gmax,
  `input gradient of class ${target} (${labels[target]}) vs torch autograd: max diff ${gd.toExponential(3)} (max |grad| ${gmax.toExponential(3)})`);
// directional derivative along a random direction vs a central difference
let seed = 7;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
const v = new Float32Array(img.length).map(() => rnd());
let dot = 0;
for (let i = 0; i < img.length; i++) dot += r0.grad[i] * v[i];
// ReLU and max-pool kinks make large steps inexact and float32 rounding small ones: report the best of three
let fd = NaN, relErr = Infinity, bestEps = NaN;
for (const eps of [1e-2, 3e-3, 1e-3]) {
  const sp = (await run1(img.map((p, i) => p + eps * v[i]))).scores[target];
  const sm = (await run1(img.map((p, i) => p - eps * v[i]))).scores[target];
  const d = (sp - sm) / (2 * eps);
  const e = Math.abs(d - dot) / Math.max(1e-6, Math.abs(d), Math.abs(dot));
  console.log(`     eps ${eps}: central difference ${d.toFixed(6)}`);
  if (e < relErr) [fd, relErr, bestEps] = [d, e, eps];
}
check(Number.isFinite(dot) && relErr < 0.05, `<gradient, v> = ${dot.toFixed(5)}, central difference = ${fd.toFixed(5)} at eps ${bestEps} (relative error ${relErr.toExponential(2)})`);

console.log(failed ? 'onnx check FAILED' : 'onnx check passed');
process.exit(failed ? 1 : 0);

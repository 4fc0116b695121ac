// Class model visualisation speed: steps per second for one class (batch 1), for SqueezeNet at
// 224x224 and the bundled model at its native 128x128 (its input size is fixed), on onnxruntime-node
// and onnxruntime-web wasm, both styles ('paper': pixels + SGD; 'clear': decorrelated Fourier
// parametrisation, jitter, TV, Adam). The anchor is the bare gradient pass of the same model on the
// same runtime (Explainer.gradients, one row), timed alternately with the visualisation, so the
// ratio says what the visualisation adds to the network's own forward + backward pass.
//
//   npx tsx bench/visualise.mts [--squeezenet PATH] [--steps N] [--reps N] [--runtimes node,wasm]
//
// The table goes to stdout, progress to stderr.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Explainer, type LoadOptions } from '../ts/explainer.js';
import type { VisualisePresetName } from '../ts/visualise/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_SQUEEZENET = resolve(ROOT, '../shared/data/imagenet/squeezenet1.1-fp16.onnx');

const USAGE = `usage: npx tsx bench/visualise.mts [options]
  --squeezenet PATH   SqueezeNet ONNX file (default ${DEFAULT_SQUEEZENET}; skipped with a note when absent)
  --steps N           visualisation steps per timed run (default 20)
  --reps N            timed runs per measurement, alternating with the anchor (default 3)
  --runtimes LIST     any of node,wasm (default both)`;

function fail(msg: string): never {
  console.error(`bench/visualise.mts: ${msg}\n${USAGE}`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = { squeezenet: DEFAULT_SQUEEZENET, steps: 20, reps: 3, runtimes: ['node', 'wasm'] as ('node' | 'wasm')[] };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!, v = args[i + 1];
  const int = () => { const n = Number(v); if (!Number.isInteger(n) || n < 1) fail(`${a} needs a positive integer, not '${v}'`); i++; return n; };
  switch (a) {
    case '--squeezenet': if (!v) fail('--squeezenet needs a path'); opt.squeezenet = resolve(v); i++; break;
    case '--steps': opt.steps = int(); break;
    case '--reps': opt.reps = int(); break;
    case '--runtimes': {
      const list = (v ?? '').split(',').filter(Boolean);
      if (!list.length || list.some((r) => r !== 'node' && r !== 'wasm')) fail(`--runtimes: '${v}' is not a list of node, wasm`);
      opt.runtimes = list as ('node' | 'wasm')[]; i++; break;
    }
    case '-h': case '--help': console.log(USAGE); process.exit(0); break;
    default: fail(`unknown argument '${a}'`);
  }
}

const t0 = performance.now();
const progress = (msg: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

interface Row { model: string; size: string; runtime: string; style: VisualisePresetName; stepsPerS?: number; gradPerS?: number; note?: string }
const rows: Row[] = [];
const notes: string[] = [];

const models: { name: string; file?: string; load: LoadOptions; target: number }[] = [];
if (existsSync(opt.squeezenet)) models.push({ name: 'SqueezeNet 1.1', file: opt.squeezenet, load: { preset: 'caffe' }, target: 1 /* goldfish */ });
else notes.push(`SqueezeNet skipped: ${opt.squeezenet} not found (give --squeezenet PATH)`);
models.push({ name: 'bundled scenes model', load: {}, target: 0 });
notes.push('the bundled model\'s input size is fixed at 128x128 (its ONNX input is [batch,3,128,128]), so it runs at 128x128 only');

for (const m of models) {
  for (const runtime of opt.runtimes) {
    const ex = await Explainer.load(m.file, { ...m.load, runtime });
    const size = `${ex.info.width}x${ex.info.height}`;
    const label = runtime === 'node' ? 'ort-node 2 thr' : 'ort-web wasm 1 thr';
    const w = new Float32Array(ex.classes); w[m.target] = 1;
    const zero = new Float32Array(ex.tensorLength);
    for (const style of ['paper', 'clear'] as const) {
      progress(`${m.name} ${label} ${style}: warm-up`);
      await ex.visualise(m.target, { preset: style, steps: 2 });
      const vis: number[] = [], grad: number[] = [];
      for (let r = 0; r < opt.reps; r++) {
        // the anchor: steps + 1 bare gradient passes (visualise makes one more for the final image)
        let t = performance.now();
        for (let s = 0; s <= opt.steps; s++) await ex.gradients([{ tensor: zero, weights: w }]);
        grad.push((performance.now() - t) / (opt.steps + 1));
        t = performance.now();
        await ex.visualise(m.target, { preset: style, steps: opt.steps });
        vis.push((performance.now() - t) / (opt.steps + 1));
        progress(`${m.name} ${label} ${style}: run ${r + 1}/${opt.reps}: step ${vis[r]!.toFixed(1)} ms, gradient pass ${grad[r]!.toFixed(1)} ms`);
      }
      rows.push({ model: m.name, size, runtime: label, style, stepsPerS: 1000 / median(vis), gradPerS: 1000 / median(grad) });
    }
    await ex.close();
  }
}

const head = ['model', 'size', 'runtime', 'style', 'steps/s', 'gradient passes/s (anchor)', 'step / gradient pass', 'node / wasm steps/s'];
const table = rows.map((r) => {
  const node = rows.find((q) => q.model === r.model && q.style === r.style && q.runtime.startsWith('ort-node'));
  const vsWasm = r.runtime.startsWith('ort-web') && node ? (node.stepsPerS! / r.stepsPerS!).toFixed(2) : '—';
  return [r.model, r.size, r.runtime, r.style, r.stepsPerS!.toFixed(1), r.gradPerS!.toFixed(1), (r.gradPerS! / r.stepsPerS!).toFixed(2), vsWasm];
});
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`class model visualisation, one class (batch 1), ${opt.steps} steps per run, median of ${opt.reps} runs; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const t of table) console.log(line(t));
for (const n of notes) console.log(`note: ${n}`);
console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// In-browser figures next to Node's, from one run: saliency (forward + backward, the top class)
// and localisation (saliency + GrabCut + mask and box) per image, for the bundled model and, when
// present, SqueezeNet 1.1; in Node (onnxruntime-node, 2 threads, the N-API core) and in headless
// Chromium (the demo's build: onnxruntime-web wasm, threaded when cross-origin isolated, and webgpu
// on Chromium's software adapter, SwiftShader; the WebAssembly core). Prints each figure as a
// ratio to Node's.
//
//   npx tsx bench/browser.mts [--reps N] [--images N] [--webgpu-images N] [--no-webgpu] [--squeezenet PATH]
//
// Images: the bundled examples (256x256 PNGs). Times are medians of --reps runs per image, decoding
// and resizing included (each side decodes the file itself), averaged over the images.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname, basename } from 'node:path';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Explainer, type LoadOptions } from '../ts/index.js';
import { EXAMPLES, ROOT, buildWeb, openDemo, removeBuild } from '../test/browser/page.js';

const { values: opt } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    images: { type: 'string', default: '6' },
    'webgpu-images': { type: 'string', default: '2' },
    'webgpu-reps': { type: 'string', default: '1' },
    'no-webgpu': { type: 'boolean', default: false },
    squeezenet: { type: 'string', default: resolve(ROOT, '../shared/data/imagenet/squeezenet1.1-fp16.onnx') },
  },
});
const REPS = Number(opt.reps), N_IMAGES = Number(opt.images);
const progress = (s: string) => process.stderr.write(`[browser-bench] ${s}\n`);
const images = readdirSync(EXAMPLES).filter((f) => f.endsWith('.png')).sort().slice(0, N_IMAGES);

interface ModelCase { name: string; file: string | null; url: string | null; load: LoadOptions }
const models: ModelCase[] = [{ name: 'bundled scenes model (128x128)', file: null, url: null, load: {} }];
if (existsSync(opt.squeezenet)) {
  models.push({ name: 'SqueezeNet 1.1 (224x224)', file: opt.squeezenet, url: `/models/${basename(opt.squeezenet)}`, load: { preset: 'caffe' } });
} else progress(`${opt.squeezenet} not found: SqueezeNet skipped`);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface Figures { saliency: number; localise: number; runtime: string; backend: string }

async function node(m: ModelCase): Promise<Figures> {
  const ex = await Explainer.load(m.file ?? undefined, { ...m.load, runtime: 'node', threads: 2 });
  const sal: number[] = [], loc: number[] = [];
  let backend = '';
  for (const name of images) {
    const path = join(EXAMPLES, name);
    await ex.localise(path, { topK: 1 }); // warm-up
    const s: number[] = [], l: number[] = [];
    for (let k = 0; k < REPS; k++) {
      let t = performance.now(); await ex.saliency(path); s.push(performance.now() - t);
      t = performance.now(); const [r] = await ex.localise(path, { topK: 1 }); l.push(performance.now() - t);
      backend = r!.backend;
    }
    sal.push(median(s)); loc.push(median(l));
  }
  await ex.close();
  return { saliency: mean(sal), localise: mean(loc), runtime: 'node', backend };
}

async function main() {
  progress('building the demo page');
  const dir = await buildWeb();
  const mounts: Record<string, string> = {};
  if (models[1]) mounts['/models/'] = dirname(models[1].file!);
  const demo = await openDemo(dir, { isolated: true, mounts });
  const env = await demo.page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  const chromium = await demo.page.evaluate(() => navigator.userAgent.match(/Chrom(e|ium)\/[\d.]+/)?.[0] ?? '');
  const rows: string[] = [];
  for (const m of models) {
    progress(`${m.name}: Node`);
    const n = await node(m);
    const runs: { label: string; f: Figures | null; note?: string }[] = [];
    for (const runtime of ['wasm', 'webgpu'] as const) {
      if (runtime === 'webgpu' && opt['no-webgpu']) continue;
      const list = runtime === 'webgpu' ? images.slice(0, Number(opt['webgpu-images'])) : images;
      const reps = runtime === 'webgpu' ? Number(opt['webgpu-reps']) : REPS;
      progress(`${m.name}: Chromium ${runtime} (${list.length} images x ${reps})`);
      const f = await demo.page.evaluate(async ([url, load, runtime, list, reps]) => {
        const w = window as unknown as { deepinside: typeof import('../ts/browser.js'); ORT_FILES: string };
        const ex = await w.deepinside.Explainer.load(url ?? undefined, { ...load, runtime, wasmPaths: w.ORT_FILES });
        // (no named functions in here: tsx would wrap them in a helper the page does not have)
        const sal: number[] = [], loc: number[] = [];
        let backend = '';
        for (const name of list) {
          const img = new URL(`examples/${name}`, location.href);
          await ex.localise(img, { topK: 1 }); // warm-up
          const s: number[] = [], l: number[] = [];
          for (let k = 0; k < reps; k++) {
            let t = performance.now(); await ex.saliency(img); s.push(performance.now() - t);
            t = performance.now(); const [r] = await ex.localise(img, { topK: 1 }); l.push(performance.now() - t);
            backend = r!.backend;
          }
          sal.push(s.sort((a, b) => a - b)[s.length >> 1]!); loc.push(l.sort((a, b) => a - b)[l.length >> 1]!);
        }
        const out = { saliency: sal.reduce((a, b) => a + b, 0) / sal.length, localise: loc.reduce((a, b) => a + b, 0) / loc.length, runtime: ex.runtime, backend };
        await ex.close();
        return out;
      }, [m.url, m.load, runtime, list, reps] as const).catch((e: Error) => { progress(`${runtime} failed: ${e.message.split('\n')[0]}`); return null; });
      runs.push({ label: runtime === 'wasm' ? `Chromium wasm (${env.isolated ? `threaded, ${Math.min(4, env.cores)} threads` : '1 thread'})` : 'Chromium webgpu (SwiftShader)', f, note: `${list.length} images x ${reps}` });
    }
    rows.push(`| ${m.name} | Node: onnxruntime-node 2 threads, ${n.backend} core | ${n.saliency.toFixed(1)} | ${n.localise.toFixed(1)} | 1 | 1 | ${images.length} images x ${REPS} |`);
    for (const r of runs) {
      if (!r.f) { rows.push(`| ${m.name} | ${r.label} | failed | | | | |`); continue; }
      rows.push(`| ${m.name} | ${r.label}, ${r.f.backend} core | ${r.f.saliency.toFixed(1)} | ${r.f.localise.toFixed(1)} | ${(r.f.saliency / n.saliency).toFixed(2)} | ${(r.f.localise / n.localise).toFixed(2)} | ${r.note} |`);
    }
  }
  await demo.close();
  removeBuild(dir);
  console.log(`deepinside in the browser vs Node, one run; ${cpus().length} cores (${cpus()[0]?.model ?? ''}), ${chromium} headless; times per image in ms, decode and resize included`);
  console.log('| model | where | saliency ms | localise ms | saliency / Node | localise / Node | runs |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

await main();

// GrabCut: deepinside's native addon and WebAssembly core against OpenCV's cv::grabCut, on the
// same images, seeds and iteration counts, timed side by side and scored by one common energy
// function (bench/grabcut_opencv.py); then end-to-end Explainer.localise() with SqueezeNet.
//
//   npx tsx bench/grabcut.mts [options]      (see --help and bench/README.md)
//
// The tables go to stdout, progress to stderr.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Explainer } from '../ts/explainer.js';
import { decodeImage } from '../ts/image/decode.js';
import { type LocaliseOptions, seedLabels } from '../ts/localise.js';
import { type CoreBackend, type GrabCutParams, loadCore } from '../ts/native/index.js';
import { readAnnotations } from '../ts/cli/dataset.js';
import { seededRandom as mulberry32 } from '../ts/random.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(ROOT, 'bench', 'grabcut_opencv.py');
const DEFAULT_MODEL = resolve(ROOT, '../shared/data/imagenet/squeezenet1.1-fp16.onnx');
const DEFAULT_DATASET = resolve(ROOT, '../shared/data/ilsvrc-dev/annotations.json');
const GOAL_SPEEDUP = 3;
const GOAL_WASM = 2;
const GOAL_E2E_MS = 60;

const USAGE = `usage: npx tsx bench/grabcut.mts [options]
  --reps N          timed runs per image and implementation, interleaved (default 5)
  --synthetic N     synthetic scenes per size (default 6)
  --images N        ILSVRC photos (default 20)
  --dataset PATH    annotations.json of the photos (default ${DEFAULT_DATASET}; skipped when absent)
  --model PATH      SqueezeNet ONNX file for the saliency seeds and the end-to-end timing
                    (default ${DEFAULT_MODEL}; skipped when absent)
  --python PATH     interpreter with cv2 (default /usr/bin/python3, or $BENCH_PYTHON)
  --cv-threads N    cv2.setNumThreads (default 1: the deepinside cores are single-threaded)
  --e2e-passes N    passes over the photos for the end-to-end timing (default 3)
  --no-e2e          skip the end-to-end timing`;

const { values: opt } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    synthetic: { type: 'string', default: '6' },
    images: { type: 'string', default: '20' },
    dataset: { type: 'string', default: DEFAULT_DATASET },
    model: { type: 'string', default: DEFAULT_MODEL },
    python: { type: 'string', default: process.env['BENCH_PYTHON'] ?? '/usr/bin/python3' },
    'cv-threads': { type: 'string', default: '1' },
    'e2e-passes': { type: 'string', default: '3' },
    'no-e2e': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const REPS = Number(opt.reps), N_SYNTH = Number(opt.synthetic), N_IMAGES = Number(opt.images);
const progress = (s: string) => process.stderr.write(`[grabcut] ${s}\n`);

/** The GrabCut settings OpenCV hard-codes: 5 components, gamma 50, 8-neighbourhood; 5 iterations. */
const PARAMS: GrabCutParams = { components: 5, iterations: 5, gamma: 50, connectivity: 8, seed: 0, modelsFromSeeds: false };

interface Case {
  set: string;
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
  labels: Uint8Array; // 0..3 as in OpenCV
}

// ---------------------------------------------------------------- synthetic scenes


/**
 * A textured background (two colours in wavy stripes, one of them halfway to the object's
 * colour, a coarse checker shading, Gaussian-ish noise) with a coloured object (a wobbly ellipse with its own two-tone texture and shading).
 * Seeds, the GrabCut rectangle as a mask: a box around the object with a margin is probably
 * foreground (3), everything outside it hard background (0).
 */
function syntheticScene(w: number, h: number, seed: number): Case {
  const r = mulberry32(seed);
  const col = () => [r() * 255, r() * 255, r() * 255];
  const bg1 = col(), fg1 = col(), fg2 = col();
  // one background colour lies between the object's and a random one: the colour models overlap
  const bg2 = col().map((v, j) => 0.5 * v + 0.5 * fg1[j]!);
  const cx = w * (0.35 + 0.3 * r()), cy = h * (0.35 + 0.3 * r());
  const rx = w * (0.15 + 0.12 * r()), ry = h * (0.15 + 0.12 * r());
  const freq = 0.05 + 0.1 * r(), phase = r() * 6.28, wob = 0.1 + 0.15 * r();
  const noise = () => (r() + r() + r() - 1.5) * 30;
  const rgb = new Uint8Array(w * h * 3);
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = (x - cx) / rx, dy = (y - cy) / ry;
    const ang = Math.atan2(dy, dx);
    const inside = dx * dx + dy * dy <= (1 + wob * Math.sin(5 * ang + phase)) ** 2;
    let c: number[];
    if (inside) {
      const t = 0.5 + 0.5 * Math.sin(0.3 * (x + y));
      c = fg1.map((v, j) => v * t + fg2[j]! * (1 - t));
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    } else {
      const t = 0.5 + 0.5 * Math.sin(freq * x + 2 * Math.sin(0.07 * y) + phase);
      const shade = ((Math.floor(x / 32) + Math.floor(y / 32)) & 1) ? 1.1 : 0.9;
      c = bg1.map((v, j) => (v * t + bg2[j]! * (1 - t)) * shade);
    }
    for (let j = 0; j < 3; j++) rgb[3 * (y * w + x) + j] = Math.max(0, Math.min(255, Math.round(c[j]! + noise())));
  }
  const mx = Math.round(0.08 * w), my = Math.round(0.08 * h);
  const bx0 = Math.max(0, x0 - mx), by0 = Math.max(0, y0 - my), bx1 = Math.min(w - 1, x1 + mx), by1 = Math.min(h - 1, y1 + my);
  const labels = new Uint8Array(w * h);
  for (let y = by0; y <= by1; y++) labels.fill(3, y * w + bx0, y * w + bx1 + 1);
  return { set: 'synthetic', name: `scene ${seed}`, width: w, height: h, rgb, labels };
}

/** Photos with a fixed rule: a border of hard background (5% of each side), the centre box (15%..85%) probably foreground, the rest probably background. */
function centreBoxSeeds(w: number, h: number): Uint8Array {
  const labels = new Uint8Array(w * h).fill(2);
  const bx = Math.max(1, Math.round(0.05 * w)), by = Math.max(1, Math.round(0.05 * h));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    if (x < bx || y < by || x >= w - bx || y >= h - by) labels[i] = 0;
    else if (x >= 0.15 * w && x < 0.85 * w && y >= 0.15 * h && y < 0.85 * h) labels[i] = 3;
  }
  return labels;
}

// ---------------------------------------------------------------- the OpenCV process

class OpenCv {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closed = false;
  readonly info: Record<string, unknown>;

  private constructor(private readonly proc: ChildProcessWithoutNullStreams, info: Record<string, unknown>) {
    this.info = info;
  }

  static async start(python: string, threads: number): Promise<OpenCv | string> {
    if (!existsSync(python)) return `${python} not found`;
    const proc = spawn(python, [SCRIPT, '--serve', '--threads', String(threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    const cv = new OpenCv(proc, {});
    proc.stdout.on('data', (d: Buffer) => {
      cv.buf = Buffer.concat([cv.buf, d]);
      cv.wake();
    });
    proc.on('close', () => {
      cv.closed = true;
      cv.wake();
    });
    const hello = JSON.parse((await cv.line()).toString()) as Record<string, unknown>;
    if (hello['error']) {
      proc.kill();
      return String(hello['error']);
    }
    (cv as { info: Record<string, unknown> }).info = hello;
    return cv;
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async need(pred: () => boolean) {
    while (!pred()) {
      if (this.closed) throw new Error('the OpenCV process exited');
      await new Promise<void>((res) => this.waiters.push(res));
    }
  }

  private async line(): Promise<Buffer> {
    await this.need(() => this.buf.indexOf(10) >= 0);
    const i = this.buf.indexOf(10);
    const l = this.buf.subarray(0, i);
    this.buf = this.buf.subarray(i + 1);
    return l;
  }

  private async bytes(n: number): Promise<Buffer> {
    await this.need(() => this.buf.length >= n);
    const b = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return b;
  }

  private async request(head: object, ...payload: Uint8Array[]): Promise<Record<string, unknown>> {
    this.proc.stdin.write(JSON.stringify(head) + '\n');
    for (const p of payload) this.proc.stdin.write(p);
    const reply = JSON.parse((await this.line()).toString()) as Record<string, unknown>;
    if (reply['error']) throw new Error(`OpenCV side: ${String(reply['error'])}`);
    return reply;
  }

  async grabcut(c: Case): Promise<{ ms: number; labels: Uint8Array }> {
    const r = await this.request({ cmd: 'grabcut', w: c.width, h: c.height, iterations: PARAMS.iterations }, c.rgb, c.labels);
    return { ms: r['ms'] as number, labels: new Uint8Array(await this.bytes(c.width * c.height)) };
  }

  async score(c: Case, masks: Uint8Array[]): Promise<{ energy: number[]; mixture: number[] }> {
    const r = await this.request({ cmd: 'score', w: c.width, h: c.height, masks: masks.length, gamma: PARAMS.gamma, k: PARAMS.components }, c.rgb, ...masks);
    return { energy: r['energy'] as number[], mixture: r['mixture'] as number[] };
  }

  close() {
    this.proc.stdin.write(JSON.stringify({ cmd: 'quit' }) + '\n');
    this.proc.stdin.end();
  }
}

// ---------------------------------------------------------------- helpers

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const isFg = (l: number) => l === 1 || l === 3;
function iou(a: Uint8Array, b: Uint8Array): number {
  let i = 0, u = 0;
  for (let k = 0; k < a.length; k++) {
    const x = isFg(a[k]!), y = isFg(b[k]!);
    if (x && y) i++;
    if (x || y) u++;
  }
  return u ? i / u : 1;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => '| ' + r.map((c, j) => (j < 2 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join(' | ') + ' |';
  return [line(head), '|' + w.map((n, j) => (j < 2 ? ':' : '-') + '-'.repeat(n) + (j < 2 ? '-' : ':')).join('|') + '|', ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const t0 = performance.now();
  const native = (await loadCore('native')).core;
  const wasm = (await loadCore('wasm')).core;
  const cv = await OpenCv.start(opt.python!, Number(opt['cv-threads']));
  const cvWhy = typeof cv === 'string' ? cv : '';
  if (typeof cv === 'string') progress(`OpenCV unavailable: ${cv}`);

  // ---- the cases
  const cases: Case[] = [];
  for (const [w, h] of [[224, 224], [500, 375]] as const) {
    for (let i = 0; i < N_SYNTH; i++) cases.push(syntheticScene(w, h, 1000 * w + i + 1));
  }
  const notes: string[] = [];
  const haveData = existsSync(opt.dataset!), haveModel = existsSync(opt.model!);
  let photos: { path: string; class_index: number }[] = [];
  let explainer: Explainer | undefined;
  if (haveData) {
    photos = (await readAnnotations(opt.dataset!, N_IMAGES)).items;
    for (const p of photos) {
      const img = await decodeImage(p.path);
      cases.push({ set: 'ILSVRC, centre box', name: p.path, width: img.width, height: img.height, rgb: img.data, labels: centreBoxSeeds(img.width, img.height) });
    }
    if (haveModel) {
      explainer = await Explainer.load(opt.model!, { preset: 'caffe', backend: 'native' });
      for (const p of photos) {
        const r = (await explainer.saliency(p.path, { target: p.class_index }))[0]!;
        const labels = seedLabels(native, r.maps[0]!.raw, 0.95, 0.3);
        cases.push({ set: 'ILSVRC, saliency', name: p.path, width: r.input.width, height: r.input.height, rgb: r.input.data, labels });
      }
    } else notes.push(`the model ${opt.model} is absent: no saliency-seeded set and no end-to-end timing`);
  } else notes.push(`the photos (${opt.dataset}) are absent: synthetic scenes only`);

  // ---- timing, interleaved
  type Impl = 'native' | 'wasm' | 'opencv';
  const impls: Impl[] = typeof cv === 'string' ? ['native', 'wasm'] : ['native', 'wasm', 'opencv'];
  const run = async (impl: Impl, c: Case): Promise<{ ms: number; labels: Uint8Array }> => {
    if (impl === 'opencv') return (cv as OpenCv).grabcut(c);
    const core: CoreBackend = impl === 'native' ? native : wasm;
    const s = performance.now();
    const res = core.grabcut(c.rgb, c.width, c.height, c.labels, PARAMS);
    return { ms: performance.now() - s, labels: res.labels };
  };
  // warm-up: every implementation once on each size
  for (const c of [cases[0]!, cases[N_SYNTH]!]) for (const impl of impls) await run(impl, c);

  interface Result { c: Case; ms: Record<Impl, number>; labels: Partial<Record<Impl, Uint8Array>>; energy?: number[]; mixture?: number[] }
  const results: Result[] = [];
  for (const [ci, c] of cases.entries()) {
    const times: Record<Impl, number[]> = { native: [], wasm: [], opencv: [] };
    const labels: Partial<Record<Impl, Uint8Array>> = {};
    for (let rep = 0; rep < REPS; rep++) {
      const order = impls.map((_, j) => impls[(j + rep + ci) % impls.length]!);
      for (const impl of order) {
        const r = await run(impl, c);
        times[impl].push(r.ms);
        labels[impl] ??= r.labels;
      }
    }
    const res: Result = { c, ms: { native: median(times.native), wasm: median(times.wasm), opencv: median(times.opencv) }, labels };
    if (typeof cv !== 'string') {
      const s = await cv.score(c, impls.map((i) => labels[i]!));
      res.energy = s.energy;
      res.mixture = s.mixture;
    }
    results.push(res);
    if (ci % 10 === 9 || ci === cases.length - 1) progress(`grabcut ${ci + 1}/${cases.length}`);
  }

  // ---- the GrabCut table
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const key = `${r.c.set}\t${r.c.width}x${r.c.height}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows: string[][] = [], mixRows: string[][] = [];
  let identical = 0;
  for (const [key, rs] of groups) {
    const [set, size] = key.split('\t') as [string, string];
    const ms = (i: Impl) => mean(rs.map((r) => r.ms[i]));
    const speed = ms('opencv') / ms('native'), ratio = ms('wasm') / ms('native');
    const px = (r: Result) => r.c.width * r.c.height;
    const e = (k: number) => mean(rs.map((r) => (r.energy ? r.energy[k]! / px(r) : NaN)));
    const rel = (k: number, which: 'energy' | 'mixture') => rs.map((r) => (r[which] ? (r[which]![k]! - r[which]![2]!) / Math.abs(r[which]![2]!) : NaN));
    const relNat = rel(0, 'energy'), relWasm = rel(1, 'energy');
    const le = relNat.filter((d) => d <= 1e-9).length;
    identical += rs.filter((r) => r.labels.native!.every((v, k) => v === r.labels.wasm![k])).length;
    rows.push([
      set, size, String(rs.length),
      fmt(ms('native'), 2), fmt(ms('wasm'), 2), fmt(ms('opencv'), 2),
      `${fmt(speed, 2)}×${speed >= GOAL_SPEEDUP ? '' : ' !'}`, `${fmt(ratio, 2)}×${ratio <= GOAL_WASM ? '' : ' !'}`,
      fmt(e(0), 4), fmt(e(1), 4), fmt(e(2), 4),
      `${fmt(100 * mean(relNat), 3)}%`, `${fmt(100 * mean(relWasm), 3)}%`, `${fmt(100 * Math.max(...relNat), 3)}%`,
      typeof cv === 'string' ? '—' : `${le}/${rs.length}`,
      typeof cv === 'string' ? '—' : fmt(mean(rs.map((r) => iou(r.labels.native!, r.labels.opencv!))), 3),
    ]);
    const m = (k: number) => mean(rs.map((r) => (r.mixture ? r.mixture[k]! / px(r) : NaN)));
    const relMix = rel(0, 'mixture');
    mixRows.push([set, size, fmt(m(0), 4), fmt(m(2), 4), `${fmt(100 * mean(relMix), 3)}%`, `${relMix.filter((d) => d <= 1e-9).length}/${rs.length}`]);
  }

  const cvInfo = typeof cv === 'string' ? `OpenCV: not run (${cvWhy})` : `OpenCV ${String(cv.info['opencv'])} cv2.grabCut, ${String(cv.info['threads'])} thread(s)`;
  console.log(`\nGrabCut, mask init (GC_INIT_WITH_MASK), ${PARAMS.iterations} iterations, ${PARAMS.components} components, gamma ${PARAMS.gamma}, 8-neighbourhood; ` +
    `median of ${REPS} interleaved runs per image, mean over the images; native = N-API addon ${native.version}, wasm = WebAssembly core (Node ${process.version}), ${cvInfo}; ${cpus()[0]?.model ?? 'cpu'}\n`);
  console.log(table([
    'image set', 'size', 'n', 'native ms', 'wasm ms', 'OpenCV ms', `cv/native (≥${GOAL_SPEEDUP})`, `wasm/native (≤${GOAL_WASM})`,
    'E/px native', 'E/px wasm', 'E/px OpenCV', 'ΔE native', 'ΔE wasm', 'ΔE native max', 'E native ≤ cv', 'IoU native/cv',
  ], rows));
  console.log(`\nE: the common GrabCut energy (bench/grabcut_opencv.py: hard-assignment GMMs, 5 components, refitted to each final segmentation, + the 8-neighbour smoothness term), per pixel, mean over the images.`);
  console.log(`ΔE: (E - E_OpenCV) / |E_OpenCV| per image, mean (and max); negative = lower energy than OpenCV. native and wasm labels bit-identical on ${identical}/${results.length} images.`);
  console.log(`\nThe same segmentations under OpenCV's own t-link data term (mixture likelihood, same fitted GMMs):\n`);
  console.log(table(['image set', 'size', 'E_mix/px native', 'E_mix/px OpenCV', 'ΔE_mix native', 'E_mix native ≤ cv'], mixRows));
  if (typeof cv !== 'string') cv.close();

  // ---- end to end
  if (!opt['no-e2e'] && explainer && photos.length) {
    progress('end-to-end localise()');
    const passes = Number(opt['e2e-passes']);
    for (const p of photos.slice(0, 2)) await explainer.localise(p.path, { target: p.class_index }); // warm-up
    // the defaults ('auto': 224² inputs pooled 2x2), the paper's grid (the model's), the defaults
    // on the gated map (Grad-CAM's feature map and gradient fetched too), and with the second,
    // rectangle-mode GrabCut (refine), interleaved
    const variants: { name: string; opts: LocaliseOptions }[] = [
      { name: "defaults: 'auto' (pooled 2x2 at 224²)", opts: { downsample: 'auto' } },
      { name: 'model grid (downsample 1, the paper)', opts: { downsample: 1 } },
      { name: "defaults, map 'gated' (gradient × Grad-CAM)", opts: { downsample: 'auto', map: 'gated' } },
      { name: 'defaults, refine 0 (a second GrabCut in rectangle mode)', opts: { downsample: 'auto', refine: 0 } },
    ];
    const stats = variants.map(() => ({ total: [] as number[], seg: [] as number[], net: [] as number[], dec: [] as number[] }));
    for (let pass = 0; pass < passes; pass++) for (const p of photos) for (const [v, variant] of variants.entries()) {
      const s = performance.now();
      const [res] = await explainer.localise(p.path, { target: p.class_index, ...variant.opts });
      const st = stats[v]!;
      st.total.push(performance.now() - s);
      st.seg.push(res!.timings.segmentMs);
      st.net.push(res!.timings.networkMs);
      st.dec.push(res!.timings.decodeMs);
    }
    console.log(`\nEnd-to-end Explainer.localise(path, { target: ground-truth class }) per image: SqueezeNet 1.1 (preset caffe, 224×224 input, ${explainer.runtime}), native core; ` +
      `${photos.length} ILSVRC photos × ${passes} passes after 2 warm-up calls, medians\n`);
    console.log(table(['model', 'segmentation grid', 'decode+resize ms', 'network ms', 'saliency ms', 'segmentation ms', `total ms (≤${GOAL_E2E_MS})`], variants.map((variant, v) => {
      const st = stats[v]!, tot = median(st.total);
      const sal = st.total.map((t, i) => t - st.seg[i]!);
      return ['squeezenet1.1', variant.name, fmt(median(st.dec), 2), fmt(median(st.net), 2), fmt(median(sal), 2), fmt(median(st.seg), 2), `${fmt(tot, 2)}${tot <= GOAL_E2E_MS ? '' : ' !'}`];
    })));
    console.log(`saliency ms = wall time of localise() less its segmentation (decode, resize, one gradient pass, channel max, normalisation); segmentation ms = smoothing, seeds (quantiles), GrabCut, mask and box, mapping back.`);
  } else if (!opt['no-e2e']) {
    notes.push('end-to-end localise(): skipped (no model or no photos)');
  }
  await explainer?.close();
  for (const n of notes) console.log(`note: ${n}`);
  console.log(`\ntotal wall time ${fmt((performance.now() - t0) / 1000, 1)} s`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

// Forward time vs forward+gradient time of deepinside's gradient models, and (when PyTorch is
// installed) against PyTorch autograd on the same network with the same weights.
//
//   npx tsx bench/gradient.mts [--squeezenet PATH] [--quick] [options]      (see --help, bench/README.md)
//
// The table goes to stdout, progress to stderr.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { forwardOnly, gradify } from '../ts/graph/gradify.js';
import type { Model } from '../ts/graph/ir.js';
import { decodeModel, encodeModel } from '../ts/onnx/codec.js';
import { type ModelSession, type RuntimeName, createSession } from '../ts/runtime/session.js';
import { rng } from '../test/helpers/net.js';
import { resnet50, vgg16 } from './nets.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PYTHON = process.env['BENCH_PYTHON'] ?? '/usr/bin/python3'; // the interpreter with torch (override for testing)
const TORCH_SCRIPT = join(ROOT, 'bench', 'torch_models.py');
const DEFAULT_SQUEEZENET = resolve(ROOT, '../shared/data/imagenet/squeezenet1.1-fp16.onnx');
const SIZE = 224;
const NODE_THREADS = 2;
const GOAL_RATIO = 2.5;
const GOAL_VS_TORCH = 1;

// ---------------------------------------------------------------- options

const USAGE = `usage: npx tsx bench/gradient.mts [options]
  --squeezenet PATH     SqueezeNet ONNX file (default ${DEFAULT_SQUEEZENET}; skipped when absent)
  --quick               batch 1 only
  --models LIST         any of squeezenet,vgg16,resnet50 (default: all three)
  --runtimes LIST       any of node,wasm (default: both)
  --reps N              timed runs per measurement (default: SqueezeNet 10; VGG-16/ResNet-50 5 at batch 1, 3 at batch 8)
  --wasm-threads N      onnxruntime-web threads (default 1: see bench/README.md)
  --no-torch            do not use PyTorch even when ${PYTHON} has it (TS-built nets, no torch rows)`;

interface Options {
  squeezenet: string | null;
  squeezenetExplicit: boolean;
  quick: boolean;
  models: string[];
  runtimes: RuntimeName[];
  reps: number | null;
  wasmThreads: number;
  torch: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    squeezenet: DEFAULT_SQUEEZENET, squeezenetExplicit: false, quick: false, models: ['squeezenet', 'resnet50', 'vgg16'],
    runtimes: ['node', 'wasm'], reps: null, wasmThreads: 1, torch: true,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) fail(`${flag} needs a value`);
    return v;
  };
  const list = <T extends string>(v: string, allowed: readonly T[], flag: string): T[] => {
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    for (const s of items) if (!allowed.includes(s as T)) fail(`${flag}: '${s}' is not one of ${allowed.join(', ')}`);
    return items as T[];
  };
  const positive = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) fail(`${flag} needs a positive integer, not '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--squeezenet': o.squeezenet = resolve(value(i, a)); o.squeezenetExplicit = true; i++; break;
      case '--quick': o.quick = true; break;
      case '--models': o.models = list(value(i, a), ['squeezenet', 'vgg16', 'resnet50'], a); i++; break;
      case '--runtimes': o.runtimes = list(value(i, a), ['node', 'wasm'] as const, a); i++; break;
      case '--reps': o.reps = positive(value(i, a), a); i++; break;
      case '--wasm-threads': o.wasmThreads = positive(value(i, a), a); i++; break;
      case '--no-torch': o.torch = false; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown argument '${a}'\n${USAGE}`);
    }
  }
  return o;
}

function fail(msg: string): never {
  console.error(`bench/gradient.mts: ${msg}`);
  process.exit(2);
}

// ---------------------------------------------------------------- helpers

const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
const progress = (msg: string) => console.error(`[${elapsed()}] ${msg}`);
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Standard normal values from a seeded generator (Box–Muller). */
function normals(n: number, seed: number): Float32Array {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r(), v = r(), m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** max |a - b| / max |b|, and ||a - b|| / ||b|| */
function errors(a: Float32Array, b: Float32Array): { max: number; l2: number } {
  if (a.length !== b.length) return { max: NaN, l2: NaN };
  let d = 0, m = 0, dd = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i]! - b[i]!);
    d = Math.max(d, e); m = Math.max(m, Math.abs(b[i]!)); dd += e * e; bb += b[i]! * b[i]!;
  }
  return { max: d / (m || 1), l2: Math.sqrt(dd / (bb || 1)) };
}

function version(pkg: string): string {
  try { return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version; } catch { return '?'; }
}

// ---------------------------------------------------------------- torch side

function torchAvailable(): { ok: boolean; why: string } {
  if (!existsSync(PYTHON)) return { ok: false, why: `${PYTHON} not found` };
  const r = spawnSync(PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0) return { ok: true, why: `torch ${r.stdout.trim()}` };
  return { ok: false, why: `${PYTHON} cannot import torch/torchvision (${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()})` };
}

interface TorchHeader { model: string; onnx: string; torch: string; torchvision: string; threads: number }

/**
 * bench/torch_models.py --serve: exports the torchvision model to ONNX, then runs forward/gradient on
 * request, so that its timed runs interleave with onnxruntime's.
 */
class TorchServer {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | null) => void)[] = [];
  private closed = false;
  private stderrTail = '';

  private constructor(private readonly proc: ChildProcessWithoutNullStreams, readonly model: string) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l); else this.lines.push(l);
    });
    proc.stderr.on('data', (d: Buffer) => { process.stderr.write(d); this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
    proc.on('close', () => { this.closed = true; for (const w of this.waiting.splice(0)) w(null); });
    proc.on('error', (e) => { this.stderrTail += String(e); });
  }

  static async start(model: string, dir: string): Promise<{ server: TorchServer; header: TorchHeader }> {
    const proc = spawn(PYTHON, [TORCH_SCRIPT, '--model', model, '--out', dir, '--serve', '--threads', String(NODE_THREADS)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const server = new TorchServer(proc, model);
    return { server, header: (await server.reply()) as unknown as TorchHeader };
  }

  private async reply(): Promise<Record<string, unknown>> {
    const line = this.lines.shift() ?? (this.closed ? null : await new Promise<string | null>((res) => this.waiting.push(res)));
    if (line === null) {
      const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`torch_models.py ${this.model} stopped${tail ? `: ${tail}` : ''}`);
    }
    const r = JSON.parse(line) as Record<string, unknown>;
    if (typeof r['error'] === 'string') throw new Error(`torch_models.py ${this.model}: ${r['error']}`);
    return r;
  }

  async command(cmd: string): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${cmd}\n`);
    return this.reply();
  }

  async time(what: 'forward' | 'gradient', n: number): Promise<number> {
    return (await this.command(`${what} ${n}`))['s'] as number;
  }

  async quit(): Promise<void> {
    if (this.closed) return;
    const done = new Promise((res) => this.proc.on('close', res));
    this.proc.stdin.end('quit\n');
    await done;
  }
}

// ---------------------------------------------------------------- the table

interface Row {
  model: string;
  batch: number | string;
  runtime: string;
  fwdS?: number;
  gradS?: number;
  /** deepinside gradient time / torch gradient time */
  vsTorch?: number;
  note?: string;
}

const rows: Row[] = [];
const notes: string[] = [];

function fmtRate(batch: number | string, s?: number): string {
  if (s === undefined || typeof batch !== 'number') return '—';
  const r = batch / s;
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2);
}

function printTable(): void {
  const head = ['model', 'batch', 'runtime', 'forward img/s', 'gradient img/s', `grad/fwd (≤${GOAL_RATIO})`, `grad/torch grad (≤${GOAL_VS_TORCH})`];
  const body = rows.map((r) => {
    if (r.note !== undefined) return [r.model, String(r.batch), r.runtime, `${r.note}`, '', '', ''];
    const ratio = r.fwdS !== undefined && r.gradS !== undefined ? r.gradS / r.fwdS : undefined;
    const isTorch = r.runtime.startsWith('torch');
    // '!' marks a ratio that misses its goal; the two-character suffix keeps the decimals aligned
    const cell = (v: number | undefined, goal: number | null) => (v === undefined ? '—  ' : `${v.toFixed(2)}${goal !== null && v > goal ? ' !' : '  '}`);
    return [
      r.model, String(r.batch), r.runtime, fmtRate(r.batch, r.fwdS), fmtRate(r.batch, r.gradS),
      cell(ratio, isTorch ? null : GOAL_RATIO), isTorch ? '' : cell(r.vsTorch, GOAL_VS_TORCH),
    ];
  });
  // a note is written across the numeric columns and does not widen them
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((_, k) => i < 3 || rows[k]!.note === undefined).map((b) => b[i]!.length)));
  const numeric = (i: number) => i === 1 || i >= 3;
  const line = (cells: string[], isNote = false) => (isNote ? cells.slice(0, 4) : cells)
    .map((c, i) => (isNote && i === 3 ? c : numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  let last = '';
  for (let k = 0; k < body.length; k++) {
    if (last && rows[k]!.model !== last) console.log('');
    last = rows[k]!.model;
    console.log(line(body[k]!, rows[k]!.note !== undefined));
  }
}

// ---------------------------------------------------------------- deepinside side

interface Prepared {
  gradient: Uint8Array;
  forward: Uint8Array;
  imageInput: string;
  classes: number;
}

function prepare(name: string, model: Model): Prepared {
  const t = performance.now();
  const { model: gm, info } = gradify(model, { inputSize: [SIZE, SIZE] });
  if (info.layout !== 'NCHW') throw new Error(`${name}: expected an NCHW input, got ${info.layout}`);
  const prepared = { gradient: encodeModel(gm), forward: encodeModel(forwardOnly(gm)), imageInput: info.imageInput, classes: info.classes };
  progress(`${name}: gradified in ${((performance.now() - t) / 1000).toFixed(1)} s (${gm.graph.nodes.length} nodes, ${(prepared.gradient.length / 2 ** 20).toFixed(0)} MiB gradient model)`);
  return prepared;
}

/** Makes the batch axis of a batch-1 model dynamic (SqueezeNet's file says [1,3,224,224]). */
function dynamicBatch(model: Model): boolean {
  const inits = model.graph.initializers;
  let changed = false;
  for (const v of [...model.graph.inputs.filter((i) => !inits.has(i.name)), ...model.graph.outputs]) {
    if (v.shape && v.shape.length >= 2 && v.shape[0] === 1) { v.shape[0] = 'N'; changed = true; }
  }
  return changed;
}

interface Reference { x: Float32Array; w: Float32Array; scores: Float32Array; grad: Float32Array }

/**
 * Times one model on each runtime: per batch one warm-up, then repsFor(batch) rounds of deepinside forward,
 * deepinside gradient (and, with a torch server, torch forward, torch gradient).
 */
async function timeModel(name: string, p: Prepared, opts: Options, batches: number[], repsFor: (batch: number) => number,
  torchServer: TorchServer | null, torchLabel: string): Promise<void> {
  let torch = torchServer;
  const refs = new Map<number, Reference>();
  const torchTimes = new Map<number, { fwd: number[]; grad: number[] }>();
  const modelRows: Row[] = [];
  /** a torch request; on failure the note says why and torch is off for the rest of this model */
  const torchCall = async <T,>(f: (t: TorchServer) => Promise<T>): Promise<T | null> => {
    if (!torch) return null;
    try { return await f(torch); } catch (e) {
      notes.push(`${name}: torch failed, no further torch runs: ${errorText(e)}`);
      progress(`${name}: torch FAILED: ${errorText(e)}`);
      torch = null;
      return null;
    }
  };
  const reference = async (n: number): Promise<Reference | null> => {
    const have = refs.get(n);
    if (have) return have;
    if (!torch) return null;
    progress(`${name} torch batch ${n}: warm-up`);
    const prefix = await torchCall(async (t) => (await t.command(`prepare ${n}`))['prefix'] as string);
    if (prefix === null) return null;
    const f = (s: string) => readF32(`${prefix}${s}.f32`);
    const ref = { x: f('x'), w: f('w'), scores: f('scores'), grad: f('grad') };
    refs.set(n, ref);
    torchTimes.set(n, { fwd: [], grad: [] });
    return ref;
  };

  for (const runtime of opts.runtimes) {
    const label = runtime === 'node' ? `ort-node ${NODE_THREADS} thr` : `ort-web wasm ${opts.wasmThreads} thr`;
    let session: ModelSession;
    try {
      progress(`${name} ${runtime}: creating sessions`);
      session = await createSession(p.gradient, p.forward, p.imageInput, { runtime, threads: runtime === 'node' ? NODE_THREADS : opts.wasmThreads });
    } catch (e) {
      const msg = errorText(e);
      progress(`${name} ${runtime}: session FAILED: ${msg}`);
      modelRows.push({ model: name, batch: batches.join(','), runtime: label, note: `FAILED (session): ${msg}` });
      continue;
    }
    try {
      for (const n of batches) {
        const shape = [n, 3, SIZE, SIZE];
        const reps = repsFor(n);
        const ref = await reference(n);
        const x = ref?.x ?? normals(n * 3 * SIZE * SIZE, 1000 + n);
        const w = ref?.w ?? normals(n * p.classes, 2000 + n);
        try {
          progress(`${name} ${runtime} batch ${n}: warm-up`);
          await session.run(x, shape);
          const out = await session.run(x, shape, w);
          if (ref) {
            const es = errors(out.scores, ref.scores), eg = errors(out.gradient!, ref.grad);
            const text = `scores max-rel ${es.max.toExponential(1)}, input_gradient max-rel ${eg.max.toExponential(1)} (rel-L2 ${eg.l2.toExponential(1)})`;
            notes.push(`${name} batch ${n} ${label} vs torch on the same x, w: ${text}`);
            progress(`${name} ${runtime} batch ${n}: vs torch: ${text}`);
          }
          const fwd: number[] = [], grad: number[] = [];
          for (let r = 0; r < reps; r++) {
            let t = performance.now();
            await session.run(x, shape);
            fwd.push((performance.now() - t) / 1000);
            t = performance.now();
            await session.run(x, shape, w);
            grad.push((performance.now() - t) / 1000);
            let line = `forward ${fwd.at(-1)!.toFixed(3)} s, gradient ${grad.at(-1)!.toFixed(3)} s`;
            const tt = torchTimes.get(n);
            if (tt && ref) {
              const tf = await torchCall((s) => s.time('forward', n));
              const tg = tf === null ? null : await torchCall((s) => s.time('gradient', n));
              if (tf !== null && tg !== null) { tt.fwd.push(tf); tt.grad.push(tg); line += `; torch forward ${tf.toFixed(3)} s, gradient ${tg.toFixed(3)} s`; }
            }
            progress(`${name} ${runtime} batch ${n}: run ${r + 1}/${reps}: ${line}`);
          }
          modelRows.push({ model: name, batch: n, runtime: label, fwdS: median(fwd), gradS: median(grad) });
        } catch (e) {
          const msg = errorText(e);
          progress(`${name} ${runtime} batch ${n}: FAILED: ${msg}`);
          modelRows.push({ model: name, batch: n, runtime: label, note: `FAILED: ${msg}` });
        }
      }
    } finally {
      await session.release();
    }
  }

  // torch rows first; every deepinside row is compared with the median of all torch runs of its batch
  for (const n of batches) {
    const t = torchTimes.get(n);
    if (t && t.fwd.length) rows.push({ model: name, batch: n, runtime: torchLabel, fwdS: median(t.fwd), gradS: median(t.grad) });
  }
  for (const r of modelRows) {
    const t = typeof r.batch === 'number' ? torchTimes.get(r.batch) : undefined;
    if (t?.grad.length && r.gradS !== undefined) r.vsTorch = r.gradS / median(t.grad);
  }
  rows.push(...modelRows);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const batches = opts.quick ? [1] : [1, 8];
  const torchCheck = opts.torch ? torchAvailable() : { ok: false, why: 'disabled by --no-torch' };
  const dir = mkdtempSync(join(tmpdir(), 'deepinside-bench-'));
  progress(`batches ${batches.join(', ')}; runtimes ${opts.runtimes.join(', ')}; torch: ${torchCheck.ok ? torchCheck.why : `no (${torchCheck.why})`}`);
  let torchVersion = '', torchLabel = 'torch';

  try {
    for (const name of opts.models) {
      const reps = (n: number) => opts.reps ?? (name === 'squeezenet' ? 10 : n === 1 ? 5 : 3);
      if (name === 'squeezenet') {
        const path = opts.squeezenet;
        if (!path || !existsSync(path)) {
          const msg = `skipped: ${path} not found${opts.squeezenetExplicit ? '' : ' (pass --squeezenet PATH)'}`;
          progress(`squeezenet: ${msg}`);
          rows.push({ model: 'squeezenet1.1', batch: '—', runtime: '—', note: msg });
          continue;
        }
        let p: Prepared;
        try {
          const m = decodeModel(readFileSync(path), path);
          if (dynamicBatch(m) && batches.some((b) => b !== 1)) notes.push(`squeezenet1.1: the file's batch axis is fixed at 1; the bench made it dynamic to run batch 8`);
          p = prepare('squeezenet1.1', m);
        } catch (e) {
          rows.push({ model: 'squeezenet1.1', batch: '—', runtime: '—', note: `FAILED (gradify): ${errorText(e)}` });
          progress(`squeezenet: FAILED: ${errorText(e)}`);
          continue;
        }
        notes.push(`squeezenet1.1: ${path} (no torch rows: the torch side covers torchvision's VGG-16 and ResNet-50 only)`);
        await timeModel('squeezenet1.1', p, opts, batches, reps, null, '');
        continue;
      }

      // VGG-16 / ResNet-50: torchvision's export when torch is there, the TS-built net otherwise
      let model: Model;
      let server: TorchServer | null = null;
      const label = name === 'vgg16' ? 'vgg16' : 'resnet50';
      try {
        if (torchCheck.ok) {
          progress(`${name}: building torchvision's model and exporting it to ONNX`);
          const started = await TorchServer.start(name, dir);
          server = started.server;
          const h = started.header;
          torchVersion = `torch ${h.torch}, torchvision ${h.torchvision}, ${h.threads} threads`;
          torchLabel = `torch autograd ${h.threads} thr`;
          model = decodeModel(readFileSync(h.onnx), h.onnx);
        } else {
          progress(`${name}: building the TS net (random weights)`);
          model = name === 'vgg16' ? vgg16() : resnet50();
        }
      } catch (e) {
        await server?.quit();
        progress(`${name}: FAILED: ${errorText(e)}`);
        rows.push({ model: label, batch: '—', runtime: '—', note: `FAILED (${torchCheck.ok ? 'torch export' : 'build'}): ${errorText(e)}` });
        continue;
      }
      try {
        let p: Prepared;
        try {
          p = prepare(label, model);
        } catch (e) {
          // e.g. an op without a backward rule in a torchvision export: reported as it is
          progress(`${name}: gradify FAILED: ${errorText(e)}`);
          rows.push({ model: label, batch: '—', runtime: '—', note: `FAILED (gradify): ${errorText(e)}` });
          continue;
        }
        await timeModel(label, p, opts, batches, reps, server, torchLabel);
      } finally {
        await server?.quit();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const cpu = cpus();
  console.log(`deepinside gradient bench — ${SIZE}×${SIZE}, batch ${batches.join(' and ')}; median of timed runs after one warm-up, forward and gradient runs interleaved`);
  console.log(`node ${process.version}, onnxruntime-node ${version('onnxruntime-node')} (${NODE_THREADS} intra-op threads), onnxruntime-web ${version('onnxruntime-web')} (wasm, ${opts.wasmThreads} thread${opts.wasmThreads > 1 ? 's' : ''}), ${cpu.length}× ${cpu[0]?.model.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log(torchCheck.ok
    ? `VGG-16 / ResNet-50: torchvision models (random weights, torch.manual_seed(0)) exported to ONNX; torch rows: ${torchVersion || 'torch'} autograd on the same model objects`
    : `VGG-16 / ResNet-50: built in TS (bench/nets.ts, random weights); torch figures missing: ${torchCheck.why}`);
  console.log('');
  printTable();
  console.log('');
  console.log(`grad/fwd: gradient time / forward time (goal ≤ ${GOAL_RATIO}); grad/torch grad: deepinside gradient time / torch gradient time (goal ≤ ${GOAL_VS_TORCH}); '!' misses the goal`);
  for (const n of notes) console.log(`note: ${n}`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

await main();

// Headless Debian Chromium (never a downloaded browser) driven by playwright-core, with a small
// static server for onnxruntime-web and the test's models.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ORT_DIST = join(import.meta.dirname, '../../node_modules/onnxruntime-web/dist');
const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.onnx': 'application/octet-stream',
  '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.txt': 'text/plain',
};
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Debian Chromium with a software WebGPU adapter (or with no WebGPU at all). */
export async function launchChromium(opts: { webgpu?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium); .ci/run does`);
  const args = opts.webgpu === false ? [...CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'] : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export interface StaticServer {
  url: string;
  /** number of requests served (to see that an offline page did not reach the server) */
  requests: number;
  close(): void;
}

/**
 * Serves a directory (the demo's build, web/dist) on 127.0.0.1, with the COOP/COEP headers that make
 * a page cross-origin isolated (threaded WebAssembly) unless `isolated` is false. `mounts` serve
 * other directories under a prefix ('/examples/' -> examples/).
 */
export async function serveStatic(root: string, opts: { isolated?: boolean; mounts?: Record<string, string> } = {}): Promise<StaticServer> {
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    let path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!));
    if (path.endsWith('/')) path += 'index.html';
    let dir = root, rel = path;
    for (const [prefix, d] of Object.entries(opts.mounts ?? {})) if (path.startsWith(prefix)) { dir = d; rel = path.slice(prefix.length - 1); }
    const file = join(dir, rel);
    if (path.includes('..') || !existsSync(file) || !statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...(opts.isolated === false ? {} : ISOLATION) }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() { return state.requests; },
    close: () => { if (server.listening) { server.closeAllConnections(); server.close(); } },
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>deepinside browser test</title><script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
window.adapterInfo = async () => {
  if (!navigator.gpu) return null;
  const a = await navigator.gpu.requestAdapter();
  return a ? { vendor: a.info?.vendor ?? '', architecture: a.info?.architecture ?? '', description: a.info?.description ?? '' } : null;
};
window.runGradient = async (url, ep, input, x, shape, w) => {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
  const out = await s.run({ [input]: new ort.Tensor('float32', Float32Array.from(x), shape), class_weights: new ort.Tensor('float32', Float32Array.from(w), [shape[0], w.length / shape[0]]) });
  const res = { scores: Array.from(out.scores.data), gradient: Array.from(out.input_gradient.data) };
  await s.release();
  return res;
};
window.runModel = async (url, ep, feeds) => {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
  const inputs = {};
  for (const [k, v] of Object.entries(feeds)) inputs[k] = new ort.Tensor('float32', Float32Array.from(v.data), v.dims);
  const out = await s.run(inputs);
  const res = {};
  for (const k of s.outputNames) res[k] = Array.from(out[k].data);
  await s.release();
  return res;
};
window.ready = true;
</script>`;

export interface BrowserHarness {
  page: Page;
  url: string;
  serve(path: string, bytes: Uint8Array): void;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<BrowserHarness> {
  const extra = new Map<string, Uint8Array>();
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!));
    let body: Uint8Array | string | undefined;
    if (path === '/' || path === '/index.html') body = PAGE;
    else if (extra.has(path)) body = extra.get(path);
    else if (path.startsWith('/ort/') && !path.includes('..')) {
      const file = join(ORT_DIST, path.slice(5));
      if (existsSync(file)) body = readFileSync(file);
    }
    if (body === undefined) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'text/html', ...ISOLATION }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(`${url}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, null, { timeout: 30_000 });
  return {
    page, url,
    serve: (path, bytes) => extra.set(path, bytes),
    async close() { await browser.close(); server.close(); },
  };
}

// Headless Debian Chromium (never a downloaded browser) driven by playwright-core, with a small
// static server for onnxruntime-web and the test's models.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ORT_DIST = join(import.meta.dirname, '../../node_modules/onnxruntime-web/dist');
const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.onnx': 'application/octet-stream' };

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
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium); .ci/run does`);
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
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path)] ?? 'text/html',
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
    }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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

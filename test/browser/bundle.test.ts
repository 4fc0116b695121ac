// The browser build of the library (dist/browser/deepinside.js, `npm run build:browser`): no Node
// built-ins in it, and it works as published in a page that maps 'onnxruntime-web/webgpu' with an
// import map (no bundler): it loads the bundled model next to it and classifies an image.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Explainer } from '../../ts/index.js';
import { launchChromium, serveStatic, type StaticServer } from './harness.js';
import { EXAMPLES, ROOT, WEB_DIST } from './page.js';
import type { Browser } from 'playwright-core';

const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](node:[^"']+|fs|path|os|url|module|crypto|child_process|worker_threads|zlib|stream|http|net)["']/g;

/** Imports of Node built-ins in the built JavaScript; ort/ holds onnxruntime-web's own files as published (its emscripten glue has Node branches, never taken in a page). */
function nodeImports(dir: string): string[] {
  const found: string[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!/\.(m?js)$/.test(f) || f.startsWith('ort/')) continue;
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(NODE_IMPORT)) found.push(`${f}: ${m[0]}`);
  }
  return found;
}

describe('the browser build of the library', () => {
  let out: string;
  let server: StaticServer;
  let browser: Browser;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'deepinside-browser-'));
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.lib.config.ts'), logLevel: 'warn', build: { outDir: out } });
    writeFileSync(join(out, 'index.html'), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "onnxruntime-web/webgpu": "/ort/ort.webgpu.min.mjs" } }</script>
<script type="module">import * as deepinside from './deepinside.js'; window.deepinside = deepinside; window.ready = true;</script>`);
    server = await serveStatic(out, { mounts: { '/ort/': join(ROOT, 'node_modules/onnxruntime-web/dist'), '/examples/': EXAMPLES } });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => { await browser?.close(); server?.close(); });

  it('has no Node built-in imports (nor has the demo page\'s build, when built)', () => {
    expect(readdirSync(out)).toContain('deepinside.js');
    expect(nodeImports(out)).toEqual([]);
    try { expect(nodeImports(WEB_DIST)).toEqual([]); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; }
  });

  it('classifies an image in a page as Node does, with the bundled model emitted next to it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    const r = await page.evaluate(async () => {
      const d = (window as unknown as { deepinside: typeof import('../../ts/browser.js') }).deepinside;
      const ex = await d.Explainer.load(undefined, { wasmPaths: '/ort/' });
      const [c] = await ex.classify([new URL('/examples/pizza.png', location.href)], 3);
      return { model: d.DEFAULT_MODEL, runtime: ex.runtime, top: c!.predictions.map((p) => [p.label, p.score]) };
    });
    expect(r.model).toMatch(/\/deepinside-scenes-[\w-]+\.onnx$/);
    expect(r.runtime).toBe('wasm');
    const ex = await Explainer.load(undefined, { runtime: 'wasm' });
    const [c] = await ex.classify([join(EXAMPLES, 'pizza.png')], 3);
    expect(r.top).toEqual(c!.predictions.map((p) => [p.label, p.score]));
    await ex.close();
  }, 60_000);
});

// Shared by the page tests and bench/browser.mts: builds the demo page (web/ -> web/dist), serves
// it and opens it in headless Chromium; runs the library inside the page.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, serveStatic, type StaticServer } from './harness.js';

export const ROOT = join(import.meta.dirname, '../..');
export const WEB_DIST = join(ROOT, 'web/dist');
export const EXAMPLES = join(ROOT, 'examples');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/**
 * Builds web/ as `npm run build:web` does, into a fresh temporary directory (so that test files
 * running side by side never serve a build another one is replacing); returns it.
 */
export async function buildWeb(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'deepinside-web-'));
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export interface DemoPage {
  page: Page;
  context: BrowserContext;
  server: StaticServer;
  close(): Promise<void>;
}

/** Opens a build of the demo (cross-origin isolated unless told otherwise) and waits for the bundled model. */
export async function openDemo(dir: string, opts: { isolated?: boolean; mounts?: Record<string, string>; webgpu?: boolean } = {}): Promise<DemoPage> {
  const server = await serveStatic(dir, { isolated: opts.isolated, mounts: { '/examples/': EXAMPLES, ...opts.mounts } });
  const browser = await launchChromium({ webgpu: opts.webgpu });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  await page.goto(`${server.url}/`);
  await waitState(page, ['ready', 'error']);
  return { page, context, server, async close() { await browser.close(); server.close(); } };
}

/** Removes a build made by buildWeb(). */
export function removeBuild(dir: string | undefined): void {
  if (dir?.startsWith(tmpdir())) rmSync(dir, { recursive: true, force: true });
}

export async function waitState(page: Page, states: string[], timeout = 120_000): Promise<string> {
  await page.waitForFunction((s) => s.includes(document.body.dataset.state ?? ''), states, { timeout });
  return page.evaluate(() => document.body.dataset.state ?? '');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export interface PageResult {
  name: string;
  predictions: { index: number; label: string; score: number }[];
  map: number[];
  raw: number[];
  modelMask: number[];
  mask: number[];
  box: number[] | null;
  runtime: string;
  backend: string;
  ms: { network: number; segment: number; total: number };
}

/**
 * In the page: loads the bundled model with deepinside's browser build (runtime wasm or webgpu)
 * and localises the top class of each example image, by URL.
 */
export function localiseInPage(page: Page, names: string[], runtime: 'wasm' | 'webgpu' = 'wasm', repeats = 1): Promise<{ results: PageResult[]; isolated: boolean; runtime: string; fallback?: string }> {
  return page.evaluate(async ([names, runtime, repeats]) => {
    const w = window as unknown as { deepinside: typeof import('../../ts/browser.js'); ORT_FILES: string };
    const ex = await w.deepinside.Explainer.load(undefined, { runtime, wasmPaths: w.ORT_FILES });
    const results = [];
    for (const name of names) {
      let r;
      const t0 = performance.now();
      for (let k = 0; k < repeats; k++) [r] = await ex.localise(new URL(`examples/${name}`, location.href), { topK: 1 });
      const total = (performance.now() - t0) / repeats;
      const loc = r!.localisations[0]!;
      results.push({
        name, predictions: r!.predictions.map((p) => ({ index: p.index, label: p.label, score: p.score })),
        map: Array.from(loc.saliency.map), raw: Array.from(loc.saliency.raw), modelMask: Array.from(loc.modelMask), mask: Array.from(loc.mask),
        box: loc.box, runtime: r!.runtime, backend: r!.backend,
        ms: { network: r!.timings.networkMs, segment: r!.timings.segmentMs, total },
      });
    }
    const out = { results, isolated: crossOriginIsolated, runtime: ex.runtime, fallback: ex.runtimeFallbackReason };
    await ex.close();
    return out;
  }, [names, runtime, repeats] as const);
}

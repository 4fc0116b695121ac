// The browser build in a real page (the demo, built by Vite, in headless Debian Chromium): its
// results equal Node's for the same image and model — saliency maps within 1e-4, masks identical,
// the same top classes — with threaded wasm (cross-origin isolated) and single-threaded wasm; the
// demo page processes picked images, says clearly what is wrong with a bad image or an unsupported
// model, and keeps working offline. Screenshots go to test-artifacts/.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Explainer, type LocaliseResult } from '../../ts/index.js';
import { encodeModel } from '../../ts/onnx/codec.js';
import { TestNet } from '../helpers/net.js';
import { ARTIFACTS, EXAMPLES, ROOT, buildWeb, localiseInPage, openDemo, removeBuild, screenshot, waitState, type DemoPage, type PageResult } from './page.js';

let dir: string | undefined;
afterAll(() => removeBuild(dir));

const NAMES = readdirSync(EXAMPLES).filter((f) => f.endsWith('.png')).sort();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Node's results for the examples (the N-API core; runtime onnxruntime-web's wasm, or onnxruntime-node). */
async function nodeResults(runtime: 'wasm' | 'node'): Promise<Map<string, LocaliseResult>> {
  const ex = await Explainer.load(undefined, { runtime });
  const out = new Map<string, LocaliseResult>();
  for (const name of NAMES) out.set(name, (await ex.localise(join(EXAMPLES, name), { topK: 1 }))[0]!);
  await ex.close();
  return out;
}

/**
 * Compares the page's results with Node's. `strict`: maps within 1e-4 and masks identical (the same
 * runtime); otherwise the map difference is only reported (onnxruntime-node's CPU kernels are not
 * onnxruntime-web's: on bird.png its raw gradient differs by 0.3% of the map's maximum).
 */
function compare(node: Map<string, LocaliseResult>, page: PageResult[], label: string, strict = true) {
  let mapDiff = 0, rawRel = 0, maskMismatch = 0, modelMaskMismatch = 0;
  for (const p of page) {
    const n = node.get(p.name)!, loc = n.localisations[0]!;
    expect(p.predictions.map((q) => q.index), `${p.name}: top-5 classes`).toEqual(n.predictions.map((q) => q.index));
    let rawMax = 0;
    for (const v of loc.saliency.raw) rawMax = Math.max(rawMax, v);
    mapDiff = Math.max(mapDiff, maxAbsDiff(p.map, loc.saliency.map));
    rawRel = Math.max(rawRel, maxAbsDiff(p.raw, loc.saliency.raw) / rawMax);
    maskMismatch += mismatches(p.mask, loc.mask);
    modelMaskMismatch += mismatches(p.modelMask, loc.modelMask);
    expect(p.box, `${p.name}: box`).toEqual(loc.box);
    expect(p.backend).toBe('wasm');
  }
  console.log(`${label}: ${page.length} images, max |map difference| ${mapDiff.toExponential(2)}, max raw-gradient difference ${rawRel.toExponential(2)} of the map's maximum, ` +
    `${maskMismatch} mask pixels differ (${modelMaskMismatch} at model size)`);
  if (strict) expect(mapDiff).toBeLessThan(1e-4);
  expect(maskMismatch).toBe(0);
  expect(modelMaskMismatch).toBe(0);
}

describe('the browser build in Chromium equals Node', () => {
  let node: Map<string, LocaliseResult>;
  let demo: DemoPage;
  beforeAll(async () => {
    dir = await buildWeb();
    node = await nodeResults('wasm');
    demo = await openDemo(dir);
  }, 180_000);
  afterAll(async () => { await demo?.close(); });

  it('the page loads the bundled model (cross-origin isolated: threaded wasm)', async () => {
    expect(await demo.page.evaluate(() => document.body.dataset.state)).toBe('ready');
    expect(await demo.page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await demo.page.textContent('#model-status')).toMatch(/20 classes, 144×144 input, imagenet preset, runtime wasm/);
  });

  it('saliency maps within 1e-4 of Node\'s, masks and boxes identical, the same top-5 classes (threaded wasm; Node on wasm and on onnxruntime-node)', async () => {
    const r = await localiseInPage(demo.page, NAMES);
    expect(r.isolated).toBe(true);
    compare(node, r.results, 'Chromium wasm threaded (cross-origin isolated) vs Node wasm + native core');
    compare(await nodeResults('node'), r.results, 'Chromium wasm threaded (cross-origin isolated) vs Node onnxruntime-node + native core', false);
  }, 120_000);

  it('the demo processes a picked image and shows the top classes, map, mask and box', async () => {
    const { page } = demo;
    await page.setInputFiles('#image-file', join(EXAMPLES, 'elephant.png'));
    await waitState(page, ['done', 'error']);
    expect(await page.textContent('#error')).toBe('');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');
    const top = await page.$$eval('#top li b', (els) => els.map((e) => e.textContent));
    expect(top).toEqual(node.get('elephant.png')!.predictions.map((p) => p.label));
    expect(await page.textContent('#ran')).toMatch(/runtime wasm · core wasm/);
    await screenshot(page, 'demo-elephant');
    await page.click('#examples button[data-example="dog.png"]');
    await waitState(page, ['done', 'error']);
    expect(await page.$$eval('#top li b', (els) => els.map((e) => e.textContent))).toEqual(node.get('dog.png')!.predictions.map((p) => p.label));
    await screenshot(page, 'demo-dog');
    expect(await page.textContent('#ran')).toMatch(/map gated/); // the bundled model's recommendation
    // and its seed selector, which keeps the seeding Node's run kept
    const seeding = node.get('dog.png')!.localisations[0]!.seeding;
    expect(await page.textContent('#ran')).toContain(`seeds fg q${seeding.fgQuantile} / bg q${seeding.bgQuantile} (chosen by the seed selector)`);
    // another kind of map redraws the image shown
    await page.selectOption('#map', 'gradcam');
    await page.waitForFunction(() => document.querySelector('#ran')?.textContent?.includes('map gradcam') && document.body.dataset.state === 'done', null, { timeout: 60_000 });
    expect(await page.textContent('#error')).toBe('');
    await screenshot(page, 'demo-dog-gradcam');
    await page.selectOption('#map', '');
    await page.waitForFunction(() => document.querySelector('#ran')?.textContent?.includes('map gated') && document.body.dataset.state === 'done', null, { timeout: 60_000 });
  }, 90_000);

  it('draws class model visualisations live, with progress, and cancels', async () => {
    const { page } = demo;
    const panel = page.locator('#visualise-body');
    await page.fill('#vis-classes', 'dog, 6');
    await page.selectOption('#vis-preset', 'clear');
    await page.fill('#vis-steps', '24');
    await page.evaluate(() => {
      const w = window as unknown as { visLog: { step: number; steps: number; drawn: boolean }[] };
      w.visLog = [];
      document.getElementById('visualise-body')!.addEventListener('visualise-progress', (e) => w.visLog.push((e as CustomEvent).detail));
    });
    await page.click('#vis-start');
    await page.waitForFunction(() => document.getElementById('visualise-body')!.dataset.visState !== 'running', null, { timeout: 120_000, polling: 100 });
    expect(await panel.getAttribute('data-vis-state')).toBe('done');
    // live: every step reported, images redrawn before the last step
    const log = await page.evaluate(() => (window as unknown as { visLog: { step: number; steps: number; drawn: boolean }[] }).visLog);
    expect(log.map((e) => e.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(log.filter((e) => e.drawn && e.step < 24).length).toBeGreaterThan(0);
    expect(await page.$$eval('#vis-images figcaption', (els) => els.map((e) => e.textContent))).toEqual([expect.stringMatching(/^dog: p = /), expect.stringMatching(/^elephant: p = /)]);
    expect(await page.$$eval('#vis-images canvas', (els) => els.map((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]))).toEqual([[144, 144], [144, 144]]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('#visualise').screenshot({ path: join(ARTIFACTS, 'demo-visualise.png') });
    // cancel a long run
    await page.fill('#vis-steps', '2000');
    await page.click('#vis-start');
    await page.waitForFunction(() => (document.getElementById('vis-progress') as HTMLProgressElement).value >= 1, null, { timeout: 60_000, polling: 100 });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-visualise-running.png'), fullPage: true });
    await page.waitForFunction(() => (document.getElementById('vis-progress') as HTMLProgressElement).value >= 2, null, { timeout: 60_000, polling: 100 });
    await page.click('#vis-cancel'); // the page stays responsive while it computes
    await page.waitForFunction(() => document.getElementById('visualise-body')!.dataset.visState !== 'running', null, { timeout: 60_000, polling: 100 });
    expect(await panel.getAttribute('data-vis-state')).toBe('cancelled');
    expect(await page.textContent('#vis-status')).toMatch(/cancelled at step \d+/);
  }, 180_000);

  it('takes a dropped image, and a model file from disk with a preset and a labels file', async () => {
    const { page } = demo;
    // a drop of a File, as the browser delivers one
    await page.evaluate(async () => {
      const blob = await (await fetch('examples/pizza.png')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([blob], 'pizza.png', { type: 'image/png' }));
      document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    expect(await waitState(page, ['done', 'error'])).toBe('done');
    expect(await page.textContent('#top li b')).toBe(node.get('pizza.png')!.predictions[0]!.label);
    // the bundled model's file, opened from disk, with its labels upper-cased from a file
    const labels = readFileSync(join(ROOT, 'models/labels.txt'), 'utf8').toUpperCase();
    await page.setInputFiles('#labels-file', { name: 'labels.txt', mimeType: 'text/plain', buffer: Buffer.from(labels) });
    await waitState(page, ['ready', 'error']);
    await page.selectOption('#preset', 'imagenet');
    await waitState(page, ['ready', 'error']);
    await page.setInputFiles('#model-file', join(ROOT, 'models/deepinside-scenes.onnx'));
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
    expect(await page.textContent('#model-status')).toMatch(/^deepinside-scenes\.onnx: 20 classes, 144×144 input, imagenet preset/);
    await page.click('#examples button[data-example="pizza.png"]');
    expect(await waitState(page, ['done', 'error'])).toBe('done');
    expect(await page.textContent('#top li b')).toBe(node.get('pizza.png')!.predictions[0]!.label.toUpperCase());
    await screenshot(page, 'demo-model-from-disk');
    // back to the bundled model, without the labels file
    await page.setInputFiles('#labels-file', []);
    await page.check('input[name=model][value=bundled]');
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
  }, 120_000);

  it('an image that fails to decode gives a clear message', async () => {
    const { page } = demo;
    await page.setInputFiles('#image-file', { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') });
    expect(await waitState(page, ['done', 'error'])).toBe('error');
    expect(await page.textContent('#error')).toMatch(/This image cannot be used: broken\.png: not an image, or a format this browser cannot decode/);
    await screenshot(page, 'demo-bad-image');
  }, 60_000);

  it('an unsupported model gives the library\'s message (the op, the node, the model)', async () => {
    const { page } = demo;
    const t = new TestNet([1, 3, 16, 16], 1, 'erf');
    const logits = t.op('Gemm', [t.op('Flatten', [t.op('GlobalAveragePool', [t.conv(t.x, 3, 4, 3)])]), t.weight([4, 10])]);
    const bytes = encodeModel(t.done(t.op('Erf', [logits])));
    await page.setInputFiles('#model-file', { name: 'erf.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    expect(await waitState(page, ['ready', 'error'])).toBe('error');
    expect(await page.textContent('#error')).toMatch(/This model cannot be used: erf\.onnx: .*op 'Erf' \(node 'Erf'\) has no backward rule/);
    await screenshot(page, 'demo-unsupported-model');
    // back to the bundled model
    await page.check('input[name=model][value=bundled]');
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
  }, 60_000);

  it('keeps working offline once loaded (service worker)', async () => {
    const { page, context } = demo;
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      // installed means every file of precache.json is cached
      const files: string[] = await (await fetch('./precache.json')).json();
      const cache = await caches.open('deepinside-demo-v1');
      for (let i = 0; i < 600; i++) {
        const hits = await Promise.all(files.map((f) => cache.match(new URL(f, location.href).href)));
        if (hits.every(Boolean)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the service worker did not cache the page');
    });
    // offline for real: the server is gone (Chromium's offline emulation does not cover a service
    // worker's own fetches)
    demo.server.close();
    await context.setOffline(true);
    const before = demo.server.requests;
    await page.reload();
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
    await page.click('#examples button[data-example="bird.png"]');
    expect(await waitState(page, ['done', 'error'])).toBe('done');
    expect(demo.server.requests).toBe(before); // nothing reached the server
    expect(await page.textContent('#top li b')).toBe('bird');
    await screenshot(page, 'demo-offline');
  }, 120_000);
});

describe('without cross-origin isolation (single-threaded wasm)', () => {
  let demo: DemoPage;
  beforeAll(async () => { dir ??= await buildWeb(); demo = await openDemo(dir, { isolated: false }); }, 120_000);
  afterAll(async () => { await demo?.close(); });

  it('still equals Node', async () => {
    const node = await nodeResults('wasm');
    const r = await localiseInPage(demo.page, NAMES.slice(0, 2));
    expect(r.isolated).toBe(false);
    compare(node, r.results, 'Chromium wasm single-threaded (not isolated) vs Node wasm + native core');
    expect(await demo.page.textContent('#env')).toMatch(/not cross-origin isolated: single-threaded/);
  }, 120_000);
});

// WebGPU in a page: deepinside's browser build with runtime 'webgpu' runs the bundled model's
// gradient model on Chromium's software adapter (SwiftShader, --enable-unsafe-webgpu) and matches
// its wasm runtime (and onnxruntime-node in Node): the same top classes, the same masks, raw
// gradients within 1% of the map's maximum (bird.png: wasm's gradient differs from both webgpu's
// and onnxruntime-node's by 0.3%, which agree to ~1e-6). Slow: SwiftShader takes ~10 s an image.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Explainer } from '../../ts/index.js';
import { EXAMPLES, buildWeb, localiseInPage, openDemo, removeBuild, screenshot, waitState, type DemoPage, type PageResult } from './page.js';

// bird.png: the image where the wasm runtime's gradient departs from webgpu's and onnxruntime-node's
// (dog.png agrees to ~1e-6 everywhere, and the demo test below runs it on webgpu); one image keeps
// this file near a minute
const NAMES = ['bird.png'];

function stats(a: PageResult, b: { raw: ArrayLike<number>; map: ArrayLike<number>; modelMask: ArrayLike<number> }) {
  let map = 0, raw = 0, max = 0, masks = 0;
  for (let i = 0; i < a.map.length; i++) {
    map = Math.max(map, Math.abs(a.map[i]! - b.map[i]!));
    raw = Math.max(raw, Math.abs(a.raw[i]! - b.raw[i]!));
    max = Math.max(max, b.raw[i]!);
    if (a.modelMask[i] !== b.modelMask[i]) masks++;
  }
  return { map, raw: raw / max, masks };
}

describe('webgpu (Chromium\'s software adapter) in the page', () => {
  let demo: DemoPage;
  let dir: string;
  beforeAll(async () => {
    dir = await buildWeb();
    demo = await openDemo(dir);
  }, 180_000);
  afterAll(async () => { await demo?.close(); removeBuild(dir); });

  it('runs the bundled model\'s gradient model and matches wasm and onnxruntime-node', async () => {
    const gpu = await localiseInPage(demo.page, NAMES, 'webgpu');
    expect(gpu.runtime, gpu.fallback).toBe('webgpu');
    const wasm = await localiseInPage(demo.page, NAMES, 'wasm');
    const ex = await Explainer.load(undefined, { runtime: 'node' });
    for (const [k, name] of NAMES.entries()) {
      const g = gpu.results[k]!, w = wasm.results[k]!;
      const [n] = await ex.localise(join(EXAMPLES, name), { topK: 1 });
      const nl = n!.localisations[0]!;
      const vsWasm = stats(g, w), vsNode = stats(g, { raw: nl.saliency.raw, map: nl.saliency.map, modelMask: nl.modelMask });
      console.log(`${name}: webgpu vs wasm: max map difference ${vsWasm.map.toExponential(2)}, raw ${vsWasm.raw.toExponential(2)} of the maximum, ${vsWasm.masks} mask pixels differ; ` +
        `webgpu vs onnxruntime-node: map ${vsNode.map.toExponential(2)}, raw ${vsNode.raw.toExponential(2)}, ${vsNode.masks} mask pixels; webgpu ${g.ms.network.toFixed(0)} ms, wasm ${w.ms.network.toFixed(0)} ms network`);
      expect(g.predictions.map((p) => p.index)).toEqual(w.predictions.map((p) => p.index));
      expect(vsWasm.masks).toBe(0);
      expect(vsWasm.raw).toBeLessThan(1e-2);
      expect(vsNode.raw).toBeLessThan(1e-2);
      expect(g.box).toEqual(w.box);
    }
    await ex.close();
  }, 180_000);

  it('the demo page runs on webgpu when asked', async () => {
    const { page } = demo;
    await page.selectOption('#runtime', 'webgpu');
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
    expect(await page.textContent('#model-status')).toMatch(/runtime webgpu/);
    await page.click('#examples button[data-example="dog.png"]');
    expect(await waitState(page, ['done', 'error'], 120_000)).toBe('done');
    expect(await page.textContent('#ran')).toMatch(/runtime webgpu · core wasm/);
    await screenshot(page, 'demo-webgpu-dog');
  }, 180_000);
});

describe('webgpu asked for where there is none', () => {
  let demo: DemoPage;
  let dir: string;
  beforeAll(async () => {
    dir = await buildWeb();
    demo = await openDemo(dir, { webgpu: false });
  }, 180_000);
  afterAll(async () => { await demo?.close(); removeBuild(dir); });

  it('runs on wasm and says why', async () => {
    const { page } = demo;
    await page.selectOption('#runtime', 'webgpu');
    expect(await waitState(page, ['ready', 'error'])).toBe('ready');
    expect(await page.textContent('#model-status')).toMatch(/runtime wasm \(WebGPU unavailable: (no WebGPU adapter is available|this browser has no WebGPU)/);
    const r = await localiseInPage(page, ['dog.png'], 'webgpu');
    expect(r.runtime).toBe('wasm');
    expect(r.fallback).toMatch(/no WebGPU/);
  }, 120_000);
});

// The platform in browsers: models, labels and images from URLs, Blobs/Files or memory, the
// browser's image decoders, a resize that reproduces sharp's (image/resample.ts), onnxruntime-web
// (webgpu when asked and available, else wasm, threaded when the page is cross-origin isolated),
// and the WebAssembly build of the core. No Node built-ins.
import { parseLabels } from '../labels.js';
import { decodeImageInBrowser } from '../image/browser-decode.js';
import { resampleRgb } from '../image/resample.js';
import { loadWasmBackend } from '../native/wasm.js';
import type { OrtModule } from '../runtime/session.js';
import { type Platform, modelBytes } from './types.js';

/** The bundled model, emitted next to the bundle by the bundler. */
export const DEFAULT_MODEL_URL = new URL('../../models/deepinside-scenes.onnx', import.meta.url);

let ort: Promise<OrtModule> | undefined;

async function fetchBytes(url: string, what: string): Promise<Uint8Array> {
  let res: Response;
  try { res = await fetch(url); } catch (e) { throw new Error(`${url}: cannot fetch the ${what} (${(e as Error).message})`); }
  if (!res.ok) throw new Error(`${url}: cannot fetch the ${what} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Why WebGPU cannot run here, or null when an adapter is available. */
async function webgpuUnavailable(): Promise<string | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  try {
    return (await gpu.requestAdapter()) ? null : 'no WebGPU adapter is available';
  } catch (e) {
    return `no WebGPU adapter is available (${(e as Error).message})`;
  }
}

export const platform: Platform = {
  name: 'browser',
  defaultModel: () => DEFAULT_MODEL_URL,
  async readModel(model) {
    const bytes = modelBytes(model);
    if (bytes) return { bytes, source: 'model buffer' };
    if (model instanceof Blob) {
      const name = (model as File).name || 'model file';
      if (model.size === 0) throw new Error(`${name}: empty model file`);
      return { bytes: new Uint8Array(await model.arrayBuffer()), source: name };
    }
    const url = String(model);
    const b = await fetchBytes(url, 'model');
    if (b.length === 0) throw new Error(`${url}: empty model file`);
    return { bytes: b, source: url.split('/').pop() || url };
  },
  async readLabels(labels) {
    if (labels instanceof Blob) return parseLabels(await labels.text(), (labels as File).name || 'labels file');
    const url = String(labels);
    return parseLabels(new TextDecoder().decode(await fetchBytes(url, 'labels file')), url);
  },
  decodeImage: decodeImageInBrowser,
  resizeRgb: async (img, w, h, mode) => resampleRgb(img, w, h, mode),
  defaultRuntime: 'wasm',
  async loadOrt(runtime, opts) {
    if (runtime === 'node') throw new Error("runtime 'node' (onnxruntime-node) is for Node; in a browser use 'wasm' or 'webgpu'");
    // the webgpu build of onnxruntime-web also runs the wasm runtime: one module, one environment
    ort ??= import('onnxruntime-web/webgpu') as unknown as Promise<OrtModule>;
    const m = await ort;
    if (opts.wasmPaths) m.env.wasm.wasmPaths = opts.wasmPaths;
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const defaultThreads = isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
    if (runtime === 'webgpu') {
      const why = await webgpuUnavailable();
      if (why) return { ort: m, runtime: 'wasm', fallbackReason: why, defaultThreads };
    }
    return { ort: m, runtime, defaultThreads };
  },
  yieldToEventLoop: () => new Promise((resolve) => setTimeout(resolve, 0)),
  async loadCore(choice) {
    if (choice === 'native') throw new Error("backend 'native' (the N-API addon) is for Node; in a browser the core is WebAssembly ('wasm' or 'auto')");
    if (choice !== 'wasm' && choice !== 'auto') throw new TypeError(`choice must be 'native', 'wasm' or 'auto', got ${JSON.stringify(choice)}`);
    return { core: await loadWasmBackend(), ...(choice === 'auto' ? { fallbackReason: 'in a browser: the N-API addon is for Node, the WebAssembly build runs' } : {}) };
  },
};

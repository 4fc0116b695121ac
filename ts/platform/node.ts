// The platform in Node: files through node:fs, images through sharp, onnxruntime-node (or
// onnxruntime-web's wasm runtime), and the N-API addon with the WebAssembly core as fallback.
import { fileURLToPath } from 'node:url';
import { readModelFile } from '../model-file.js';
import { DEFAULT_MODEL } from '../default-model.js';
import { readLabels } from '../labels-file.js';
import { decodeImage } from '../image/decode.js';
import { resizeRgb } from '../image/resize.js';
import { loadCore } from '../native/index.js';
import type { OrtModule } from '../runtime/session.js';
import { type Platform, modelBytes } from './types.js';

export const platform: Platform = {
  name: 'node',
  defaultModel: () => DEFAULT_MODEL,
  async readModel(model) {
    const bytes = modelBytes(model);
    if (bytes) return { bytes, source: 'model buffer' };
    if (typeof model === 'string') return { bytes: await readModelFile(model), source: model };
    if (model instanceof URL && model.protocol === 'file:') { const path = fileURLToPath(model); return { bytes: await readModelFile(path), source: path }; }
    throw new TypeError('in Node a model is a file path, a file: URL or its bytes (Uint8Array)');
  },
  readLabels(labels) {
    if (typeof labels === 'string') return readLabels(labels);
    if (labels instanceof URL && labels.protocol === 'file:') return readLabels(fileURLToPath(labels));
    throw new TypeError('in Node a labels file is a path or a file: URL');
  },
  decodeImage,
  resizeRgb,
  defaultRuntime: 'node',
  async loadOrt(runtime) {
    const ort = (runtime === 'node' ? await import('onnxruntime-node') : await import('onnxruntime-web')) as unknown as OrtModule;
    return { ort, runtime, defaultThreads: 1 };
  },
  loadCore,
};

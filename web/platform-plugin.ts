// Vite plugins for the browser builds (the demo page and the library bundle):
// - browserPlatform: resolves ts/platform/current.js (Node's platform) to ts/platform/browser.ts,
//   and fails the build on any import of a Node built-in, so no node: module reaches a page;
// - ortFiles: copies onnxruntime-web's webgpu/wasm runtime files (.mjs + .wasm) into ort/ of the
//   output, where the page points onnxruntime-web (env.wasm.wasmPaths) so its threads' workers load.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BROWSER_PLATFORM = join(ROOT, 'ts/platform/browser.ts');
const BUILTINS = new Set(builtinModules);

export function browserPlatform(): Plugin {
  return {
    name: 'deepinside-browser-platform',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || BUILTINS.has(source) || BUILTINS.has(source.split('/')[0]!)) {
        this.error(`${importer ?? '?'} imports the Node built-in '${source}': the browser build must not use Node built-ins`);
      }
      if (importer && /(^|\/)platform\/current\.js$/.test(source)) return BROWSER_PLATFORM;
      return null;
    },
  };
}

// what onnxruntime-web/webgpu (1.30) loads: the asyncify build, which runs both its webgpu and wasm runtimes
export const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

export function ortFiles(dir = 'ort'): Plugin {
  return {
    name: 'deepinside-ort-files',
    apply: 'build',
    generateBundle() {
      for (const f of ORT_FILES) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${f}`, source: readFileSync(join(ROOT, 'node_modules/onnxruntime-web/dist', f)) });
      }
    },
  };
}

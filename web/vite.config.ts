// The demo page: `npm run build:web` builds web/ into web/dist (a static site; serve it with
// COOP/COEP headers for threaded WebAssembly). onnxruntime-web is resolved to its variant that
// loads its .mjs/.wasm from ort/ (copied there by ortFiles), so its worker threads start.
import { defineConfig } from 'vite';
import { browserPlatform, ortFiles } from './platform-plugin.js';
import { precache } from './precache-plugin.js';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [browserPlatform(), ortFiles(), precache()],
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'development|production'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
});

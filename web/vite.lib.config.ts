// The browser build of the library: dist/browser/deepinside.js (ESM, no Node built-ins), with the
// WebAssembly core and the bundled model emitted next to it. onnxruntime-web stays an import, for
// the application's bundler to resolve (it is a dependency of the package).
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { browserPlatform } from './platform-plugin.js';

const ROOT = resolve(import.meta.dirname, '..');

export default defineConfig({
  root: ROOT,
  base: './',
  plugins: [browserPlatform()],
  build: {
    outDir: resolve(ROOT, 'dist/browser'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    modulePreload: false,
    assetsInlineLimit: 0,
    // not build.lib: library mode inlines every asset (the 4.7 MB model) as a data: URL
    rolldownOptions: {
      input: resolve(ROOT, 'ts/browser.ts'),
      preserveEntrySignatures: 'strict',
      external: [/^onnxruntime-web(\/.*)?$/],
      output: { format: 'es', entryFileNames: 'deepinside.js', chunkFileNames: '[name]-[hash].js', assetFileNames: '[name]-[hash][extname]' },
    },
  },
});

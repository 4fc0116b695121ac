// Writes precache.json into the demo's build: every file the page may need offline (the app
// shell, onnxruntime-web's runtime files, the WebAssembly core, the bundled model and examples).
// The service worker (public/sw.js) caches them all when it installs.
import type { Plugin } from 'vite';

export function precache(): Plugin {
  return {
    name: 'deepinside-precache',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const files = ['./', ...Object.keys(bundle).filter((f) => !f.endsWith('.map')).map((f) => `./${f}`), './sw.js', './favicon.svg'];
        this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files, null, 1) });
      },
    },
  };
}

// The C++ core for the rest of deepinside: the N-API addon when it is built and loads, else the
// WebAssembly build of the same sources (bit-identical results).
import { loadNativeBackend } from './native.js';
import { loadWasmBackend } from './wasm.js';
import type { CoreChoice, LoadedCore } from './backend.js';

export * from './backend.js';
export { NativeLoadError, addonCandidates, cudaStatus, type CudaStatus } from './native.js';


/**
 * Loads the core. 'native' throws NativeLoadError when the addon cannot be loaded; 'wasm' always
 * uses the WebAssembly build; 'auto' (default) uses the addon when it loads, else the WebAssembly
 * build, and says why in fallbackReason. The WebAssembly module is not loaded when the addon is
 * used.
 */
export async function loadCore(choice: CoreChoice = 'auto'): Promise<LoadedCore> {
  if (choice === 'native') return { core: loadNativeBackend() };
  if (choice === 'wasm') return { core: await loadWasmBackend() };
  if (choice !== 'auto') throw new TypeError(`choice must be 'native', 'wasm' or 'auto', got ${JSON.stringify(choice)}`);
  try {
    return { core: loadNativeBackend() };
  } catch (e) {
    const fallbackReason = e instanceof Error ? e.message : String(e);
    return { core: await loadWasmBackend(), fallbackReason };
  }
}

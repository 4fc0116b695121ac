// The core through the N-API addon that `npm install` builds (CMakeLists.txt, cmake-js).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GMM_FIT_DEFAULTS,
  toCoreError,
  type ComponentResult,
  type CoreBackend,
  type Gmm,
  type GmmFitOptions,
  type GrabCutParams,
  type GrabCutResult,
  type MaxflowResult,
} from './backend.js';

/** The addon's exports (native/binding/addon.cpp). */
interface Addon {
  version(): string;
  quantile(map: Float32Array, q: number): number;
  gmmFit(samples: Float32Array, k: number, seed: number, iterations: number): Gmm;
  gmmLogLik(gmm: Gmm, samples: Float32Array): Float32Array;
  maxflowGrid(w: number, h: number, c: number, s: Float32Array, t: Float32Array, e: Float32Array): MaxflowResult;
  grabcutDefaults(): GrabCutParams;
  grabcut(rgb: Uint8Array, w: number, h: number, labels: Uint8Array, params?: Partial<GrabCutParams>): GrabCutResult;
  largestComponent(mask: Uint8Array, w: number, h: number): ComponentResult;
}

const ADDON_FUNCTIONS = ['version', 'quantile', 'gmmFit', 'gmmLogLik', 'maxflowGrid', 'grabcutDefaults', 'grabcut', 'largestComponent'];

/** The package root: this file is ts/native/native.ts or dist/native/native.js. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where the addon is looked for, in order: $DEEPINSIDE_NATIVE_ADDON alone when set; else the
 * cmake-js build (build/native/Release) and a prebuilt binary (prebuilds/PLATFORM-ARCH).
 */
export function addonCandidates(): string[] {
  const override = process.env.DEEPINSIDE_NATIVE_ADDON;
  if (override) return [override];
  return [
    join(ROOT, 'build', 'native', 'Release', 'deepinside_native.node'),
    join(ROOT, 'prebuilds', `${process.platform}-${process.arch}`, 'deepinside_native.node'),
  ];
}

/** The addon could not be loaded; message says why for each place looked in. */
export class NativeLoadError extends Error {
  override name = 'NativeLoadError';
}

let cached: Addon | undefined;

function loadAddon(): Addon {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const reasons: string[] = [];
  for (const file of addonCandidates()) {
    if (!existsSync(file)) {
      reasons.push(`${file}: not found`);
      continue;
    }
    try {
      const addon = require(file) as Partial<Addon>;
      const missing = ADDON_FUNCTIONS.filter((f) => typeof (addon as Record<string, unknown>)[f] !== 'function');
      if (missing.length) {
        reasons.push(`${file}: stale build, lacks ${missing.join(', ')}`);
        continue;
      }
      cached = addon as Addon;
      return cached;
    } catch (e) {
      reasons.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new NativeLoadError(`deepinside native addon not loaded (${reasons.join('; ')})`);
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toCoreError(e);
  }
}

/** Loads the addon (throws NativeLoadError when it cannot) and wraps it as a CoreBackend. */
export function loadNativeBackend(): CoreBackend {
  const a = loadAddon();
  return {
    name: 'native',
    version: a.version(),
    quantile: (map, q) => guard(() => a.quantile(map, q)),
    gmmFit: (samples, k, options: GmmFitOptions = {}) =>
      guard(() => a.gmmFit(samples, k, options.seed ?? GMM_FIT_DEFAULTS.seed, options.iterations ?? GMM_FIT_DEFAULTS.iterations)),
    gmmLogLik: (gmm, samples) => guard(() => a.gmmLogLik(gmm, samples)),
    maxflowGrid: (width, height, connectivity, source, sink, edges) =>
      guard(() => a.maxflowGrid(width, height, connectivity, source, sink, edges)),
    grabcut: (rgb, width, height, labels, params) =>
      guard(() => (params === undefined ? a.grabcut(rgb, width, height, labels) : a.grabcut(rgb, width, height, labels, params))),
    grabcutDefaults: () => guard(() => a.grabcutDefaults()),
    largestComponent: (mask, width, height) => guard(() => a.largestComponent(mask, width, height)),
  };
}

/** What cudaStatus reports. */
export interface CudaStatus {
  available: boolean;
  /** the device (name, compute capability, memory) or why not: "built without CUDA", "no CUDA device (...)" */
  reason: string;
}

/**
 * Whether the addon's CUDA functions (batched GMM likelihoods and grid max-flow, native/cuda) can
 * run here: the addon must load, have been built with CUDA (CMakeLists.txt builds the kernels when
 * a toolkit is found), and find a usable device. Never throws.
 */
export function cudaStatus(): CudaStatus {
  let addon: Addon;
  try {
    addon = loadAddon();
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
  const probe = (addon as Partial<{ cudaAvailable: () => CudaStatus }>).cudaAvailable;
  if (typeof probe !== 'function') return { available: false, reason: 'the native addon predates CUDA support; rebuild it' };
  try {
    return probe();
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

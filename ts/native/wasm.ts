// The core through its WebAssembly build (wasm/deepinside-core.mjs, made by wasm/build.sh): the
// fallback when the addon is not built, and the core in browsers. Same interface, same checks and
// messages as the addon, bit-identical results.
import {
  CoreError,
  GMM_FIT_DEFAULTS,
  LIMITS,
  checkInt,
  checkLength,
  checkNumber,
  checkTyped,
  checkUint32,
  describe,
  grabcutParams,
  pixelsWithinLimits,
  type ComponentResult,
  type CoreBackend,
  type Gmm,
  type GmmFitOptions,
  type GrabCutParams,
  type GrabCutResult,
  type MaxflowResult,
} from './backend.js';

/** What the emscripten module exports (wasm/build.sh's EXPORTED_FUNCTIONS). Pointers are numbers. */
interface WasmModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  HEAPU32: Uint32Array;
  HEAPF32: Float32Array;
  HEAPF64: Float64Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _di_last_error(): number;
  _di_version(): number;
  _di_quantile(map: number, n: number, q: number, out: number): number;
  _di_gmm_fit(samples: number, n: number, k: number, seed: number, iterations: number, out: number): number;
  _di_gmm_loglik(gmm: number, samples: number, n: number, out: number): number;
  _di_maxflow_grid(w: number, h: number, c: number, s: number, t: number, e: number, label: number, flow: number): number;
  _di_grabcut_defaults(params: number): void;
  _di_grabcut(rgb: number, w: number, h: number, labels: number, params: number, report: number): number;
  _di_largest_component(mask: number, w: number, h: number, out: number, box: number, area: number): number;
  _di_wasm_layout(): number;
  _di_wasm_layout_length(): number;
}

type ModuleFactory = (options?: Record<string, unknown>) => Promise<WasmModule>;

/** Field offsets of the C structs, read from the module (wasm/glue.c). */
interface Layout {
  gmm: { size: number; k: number; weight: number; mean: number; cov: number; inv: number; logNorm: number };
  params: { size: number; components: number; iterations: number; gamma: number; connectivity: number; seed: number; modelsFromSeeds: number };
  report: { size: number; iterations: number; energy: number; beta: number };
}

const MODULE_URL = new URL('../../wasm/deepinside-core.mjs', import.meta.url);
const LAYOUT_VERSION = 2;

let factory: Promise<ModuleFactory> | undefined;
let healthy: Promise<WasmBackend> | undefined;

/** Whether wasm/deepinside-core.mjs has been imported in this process (for tests). */
export function wasmModuleLoaded(): boolean {
  return factory !== undefined;
}

/** Instantiates the WebAssembly core (once; again after a trap). */
export function loadWasmBackend(): Promise<CoreBackend> {
  if (!healthy) {
    factory ??= import(MODULE_URL.href).then((m: { default: ModuleFactory }) => m.default);
    const instance = factory.then(async (create) => new WasmBackend(await create()));
    healthy = instance;
    instance.catch(() => {
      if (healthy === instance) healthy = undefined;
    });
  }
  return healthy;
}

function readLayout(m: WasmModule): Layout {
  const p = m._di_wasm_layout() >> 2;
  const t = Array.from(m.HEAP32.subarray(p, p + m._di_wasm_layout_length()));
  if (t[0] !== LAYOUT_VERSION) throw new Error(`wasm/deepinside-core.mjs has layout version ${t[0]}, expected ${LAYOUT_VERSION}`);
  const [, gs, gk, gw, gm, gc, gi, gl, ps, pc, pi, pg, pn, pse, pms, rs, ri, re, rb, maxPixels, maxSide, maxComp, maxIt, sizeT] = t as number[];
  if (maxPixels !== LIMITS.maxPixels || maxSide !== LIMITS.maxSide || maxComp !== LIMITS.maxComponents || maxIt !== LIMITS.maxGrabcutIterations || sizeT !== 4) {
    throw new Error('wasm/deepinside-core.mjs was built from a different deepinside.h (limits differ); rebuild it with wasm/build.sh');
  }
  return {
    gmm: { size: gs!, k: gk!, weight: gw!, mean: gm!, cov: gc!, inv: gi!, logNorm: gl! },
    params: { size: ps!, components: pc!, iterations: pi!, gamma: pg!, connectivity: pn!, seed: pse!, modelsFromSeeds: pms! },
    report: { size: rs!, iterations: ri!, energy: re!, beta: rb! },
  };
}

/** Pointers of one call, all freed in finally. */
class Allocs {
  private readonly ptrs: number[] = [];
  constructor(private readonly m: WasmModule) {}
  alloc(bytes: number): number {
    const p = this.m._malloc(Math.max(8, bytes));
    if (!p) throw new CoreError(`out of WebAssembly memory allocating ${bytes} bytes`, -5);
    this.ptrs.push(p);
    return p;
  }
  /** Copies a typed array into the heap (the heap may have grown: views are taken afresh). */
  copyIn(a: ArrayBufferView): number {
    const p = this.alloc(a.byteLength);
    this.m.HEAPU8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
    return p;
  }
  freeAll(): void {
    for (const p of this.ptrs) this.m._free(p);
    this.ptrs.length = 0;
  }
}

class WasmBackend implements CoreBackend {
  readonly name = 'wasm' as const;
  readonly version: string;
  private readonly layout: Layout;
  private broken: string | undefined;

  constructor(private readonly m: WasmModule) {
    this.layout = readLayout(m);
    this.version = this.cString(m._di_version());
  }

  private cString(p: number): string {
    const heap = this.m.HEAPU8;
    let end = p;
    while (heap[end] !== 0) end++;
    return new TextDecoder().decode(heap.subarray(p, end));
  }

  /** Runs one call with its allocations; frees them whatever happens; maps traps and C errors. */
  private run<T>(fn: string, body: (a: Allocs, check: (rc: number) => void) => T): T {
    if (this.broken) throw new CoreError(`the WebAssembly core is unusable after an earlier trap (${this.broken}); load it again`, 0);
    const a = new Allocs(this.m);
    const check = (rc: number) => {
      if (rc === 0) return;
      const msg = this.cString(this.m._di_last_error());
      throw new CoreError(msg || `${fn} failed with code ${rc}`, rc);
    };
    try {
      return body(a, check);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || (e instanceof Error && /^Aborted\(/.test(e.message))) {
        this.broken = e.message;
        healthy = undefined;
        throw new CoreError(`${fn}: the WebAssembly core trapped: ${e.message}`, 0, { cause: e });
      }
      throw e;
    } finally {
      a.freeAll();
    }
  }

  quantile(map: Float32Array, q: number): number {
    checkTyped(map, 'Float32Array', 'map');
    checkNumber(q, 'q');
    return this.run('di_quantile', (a, check) => {
      const pMap = a.copyIn(map);
      const pOut = a.alloc(4);
      check(this.m._di_quantile(pMap, map.length, q, pOut));
      return this.m.HEAPF32[pOut >> 2]!;
    });
  }

  gmmFit(samples: Float32Array, k: number, options: GmmFitOptions = {}): Gmm {
    checkTyped(samples, 'Float32Array', 'samples');
    if (samples.length % 3 !== 0) throw new RangeError(`samples has length ${samples.length}, not a multiple of 3 (RGB triples)`);
    checkInt(k, 'k');
    const seed = checkUint32(options.seed ?? GMM_FIT_DEFAULTS.seed, 'seed');
    const iterations = checkInt(options.iterations ?? GMM_FIT_DEFAULTS.iterations, 'iterations');
    return this.run('di_gmm_fit', (a, check) => {
      const pS = a.copyIn(samples);
      const pG = a.alloc(this.layout.gmm.size);
      this.m.HEAPU8.fill(0, pG, pG + this.layout.gmm.size);
      check(this.m._di_gmm_fit(pS, samples.length / 3, k, seed, iterations, pG));
      return this.readGmm(pG);
    });
  }

  private readGmm(p: number): Gmm {
    const L = this.layout.gmm;
    const k = this.m.HEAP32[(p + L.k) >> 2]!;
    if (k < 1 || k > LIMITS.maxComponents) throw new Error(`di_gmm_fit returned k = ${k}`);
    const f64 = (off: number, n: number) => this.m.HEAPF64.slice((p + off) >> 3, ((p + off) >> 3) + n);
    return { k, weight: f64(L.weight, k), mean: f64(L.mean, 3 * k), cov: f64(L.cov, 9 * k), inv: f64(L.inv, 9 * k), logNorm: f64(L.logNorm, k) };
  }

  gmmLogLik(gmm: Gmm, samples: Float32Array): Float32Array {
    if (typeof gmm !== 'object' || gmm === null || Array.isArray(gmm) || ArrayBuffer.isView(gmm)) {
      throw new TypeError(`gmm must be an object from gmmFit, got ${describe(gmm)}`);
    }
    const k = checkInt(gmm.k, 'gmm.k');
    if (k < 1 || k > LIMITS.maxComponents) throw new RangeError(`gmm.k must be in 1..${LIMITS.maxComponents}, got ${k}`);
    const fields = [
      ['weight', 'k', k],
      ['mean', '3*k', 3 * k],
      ['cov', '9*k', 9 * k],
      ['inv', '9*k', 9 * k],
      ['logNorm', 'k', k],
    ] as const;
    for (const [key, per, n] of fields) {
      checkTyped(gmm[key], 'Float64Array', `gmm.${key}`);
      checkLength(gmm[key].length, n, `gmm.${key}`, `${per} (gmm.k = ${k})`);
    }
    checkTyped(samples, 'Float32Array', 'samples');
    if (samples.length % 3 !== 0) throw new RangeError(`samples has length ${samples.length}, not a multiple of 3 (RGB triples)`);
    const n = samples.length / 3;
    return this.run('di_gmm_loglik', (a, check) => {
      const L = this.layout.gmm;
      const pG = a.alloc(L.size);
      this.m.HEAPU8.fill(0, pG, pG + L.size);
      this.m.HEAP32[(pG + L.k) >> 2] = k;
      for (const [key] of fields) this.m.HEAPF64.set(gmm[key], (pG + L[key]) >> 3);
      const pS = a.copyIn(samples);
      const pOut = a.alloc(4 * n);
      check(this.m._di_gmm_loglik(pG, pS, n, pOut));
      return this.m.HEAPF32.slice(pOut >> 2, (pOut >> 2) + n);
    });
  }

  maxflowGrid(width: number, height: number, connectivity: 4 | 8, source: Float32Array, sink: Float32Array, edges: Float32Array): MaxflowResult {
    checkInt(width, 'width');
    checkInt(height, 'height');
    checkInt(connectivity, 'connectivity');
    if (connectivity !== 4 && connectivity !== 8) throw new RangeError(`connectivity must be 4 or 8, got ${connectivity}`);
    checkTyped(source, 'Float32Array', 'source');
    checkTyped(sink, 'Float32Array', 'sink');
    checkTyped(edges, 'Float32Array', 'edges');
    const n = pixelsWithinLimits(width, height);
    if (n) {
      const wh = `width*height (${width}x${height})`;
      checkLength(source.length, n, 'source', wh);
      checkLength(sink.length, n, 'sink', wh);
      const per = connectivity === 4 ? 2 : 4;
      checkLength(edges.length, n * per, 'edges', `${per}*width*height (${width}x${height}, connectivity ${connectivity})`);
    }
    return this.run('di_maxflow_grid', (a, check) => {
      const pS = a.copyIn(source);
      const pT = a.copyIn(sink);
      const pE = a.copyIn(edges);
      const pL = a.alloc(n || 1);
      const pF = a.alloc(8);
      check(this.m._di_maxflow_grid(width, height, connectivity, pS, pT, pE, pL, pF));
      if (!n) throw new Error(`di_maxflow_grid accepted a ${width}x${height} grid outside the core's limits`);
      return { label: this.m.HEAPU8.slice(pL, pL + n), flow: this.m.HEAPF64[pF >> 3]! };
    });
  }

  grabcutDefaults(): GrabCutParams {
    return this.run('di_grabcut_defaults', (a) => {
      const L = this.layout.params;
      const p = a.alloc(L.size);
      this.m.HEAPU8.fill(0, p, p + L.size);
      this.m._di_grabcut_defaults(p);
      return {
        components: this.m.HEAP32[(p + L.components) >> 2]!,
        iterations: this.m.HEAP32[(p + L.iterations) >> 2]!,
        gamma: this.m.HEAPF64[(p + L.gamma) >> 3]!,
        connectivity: this.m.HEAP32[(p + L.connectivity) >> 2]! as 4 | 8,
        seed: this.m.HEAPU32[(p + L.seed) >> 2]!,
        modelsFromSeeds: this.m.HEAP32[(p + L.modelsFromSeeds) >> 2]! !== 0,
      };
    });
  }

  grabcut(rgb: Uint8Array, width: number, height: number, labels: Uint8Array, params?: Partial<GrabCutParams>): GrabCutResult {
    checkTyped(rgb, 'Uint8Array', 'rgb');
    checkInt(width, 'width');
    checkInt(height, 'height');
    checkTyped(labels, 'Uint8Array', 'labels');
    const p = grabcutParams(this.grabcutDefaults(), params);
    const n = pixelsWithinLimits(width, height);
    if (n) {
      checkLength(rgb.length, 3 * n, 'rgb', `3*width*height (${width}x${height})`);
      checkLength(labels.length, n, 'labels', `width*height (${width}x${height})`);
    }
    return this.run('di_grabcut', (a, check) => {
      const LP = this.layout.params;
      const LR = this.layout.report;
      const pRgb = a.copyIn(rgb);
      const pLab = n ? a.copyIn(labels) : a.alloc(1);
      const pP = a.alloc(LP.size);
      this.m.HEAPU8.fill(0, pP, pP + LP.size);
      this.m.HEAP32[(pP + LP.components) >> 2] = p.components;
      this.m.HEAP32[(pP + LP.iterations) >> 2] = p.iterations;
      this.m.HEAPF64[(pP + LP.gamma) >> 3] = p.gamma;
      this.m.HEAP32[(pP + LP.connectivity) >> 2] = p.connectivity;
      this.m.HEAPU32[(pP + LP.seed) >> 2] = p.seed;
      this.m.HEAP32[(pP + LP.modelsFromSeeds) >> 2] = p.modelsFromSeeds ? 1 : 0;
      const pR = a.alloc(LR.size);
      this.m.HEAPU8.fill(0, pR, pR + LR.size);
      check(this.m._di_grabcut(pRgb, width, height, pLab, pP, pR));
      if (!n) throw new Error(`di_grabcut accepted a ${width}x${height} image outside the core's limits`);
      const iterations = this.m.HEAP32[(pR + LR.iterations) >> 2]!;
      if (iterations < 0 || iterations > LIMITS.maxGrabcutIterations) throw new Error(`di_grabcut reported ${iterations} iterations`);
      const e0 = (pR + LR.energy) >> 3;
      return {
        labels: this.m.HEAPU8.slice(pLab, pLab + n),
        energy: Array.from(this.m.HEAPF64.subarray(e0, e0 + iterations)),
        iterations,
        beta: this.m.HEAPF64[(pR + LR.beta) >> 3]!,
      };
    });
  }

  largestComponent(mask: Uint8Array, width: number, height: number): ComponentResult {
    checkTyped(mask, 'Uint8Array', 'mask');
    checkInt(width, 'width');
    checkInt(height, 'height');
    const n = pixelsWithinLimits(width, height);
    if (n) checkLength(mask.length, n, 'mask', `width*height (${width}x${height})`);
    return this.run('di_largest_component', (a, check) => {
      const pM = a.copyIn(mask);
      const pO = a.alloc(n || 1);
      const pB = a.alloc(16);
      const pA = a.alloc(4);
      this.m.HEAP32.set([-1, -1, -1, -1], pB >> 2);
      this.m.HEAPU32[pA >> 2] = 0;
      check(this.m._di_largest_component(pM, width, height, pO, pB, pA));
      if (!n) throw new Error(`di_largest_component accepted a ${width}x${height} mask outside the core's limits`);
      const area = this.m.HEAPU32[pA >> 2]!;
      const b = this.m.HEAP32;
      const box: [number, number, number, number] | null = area === 0 ? null : [b[pB >> 2]!, b[(pB >> 2) + 1]!, b[(pB >> 2) + 2]!, b[(pB >> 2) + 3]!];
      return { mask: this.m.HEAPU8.slice(pO, pO + n), box, area };
    });
  }
}

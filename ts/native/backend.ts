// The interface of the C++ core (native/include/deepinside.h) as the rest of deepinside sees it,
// implemented twice: by the N-API addon (native.ts) and by the WebAssembly build (wasm.ts).
// Both give bit-identical results (the core is built with strict IEEE floating point on both).
//
// Conventions (as in the C header): images are RGB, 8-bit, row-major HWC; maps are float32,
// row-major; masks are uint8, row-major. GrabCut labels follow OpenCV: 0 = background seed,
// 1 = foreground seed, 2 = probably background, 3 = probably foreground.
//
// Inputs are never modified: outputs are always fresh arrays.
// Errors: a wrong JS type -> TypeError; a typed array of the wrong length or a non-integer where
// an integer is needed -> RangeError; everything the core rejects -> CoreError with its message.

/** Codes of the C ABI's DI_E_* errors. */
export type CoreErrorCode = 'DI_E_ARGUMENT' | 'DI_E_SIZE' | 'DI_E_VALUE' | 'DI_E_SEEDS' | 'DI_E_MEMORY' | 'DI_E_UNAVAILABLE' | 'DI_E_UNKNOWN';

const CODE_NAMES: Record<number, CoreErrorCode> = {
  [-1]: 'DI_E_ARGUMENT',
  [-2]: 'DI_E_SIZE',
  [-3]: 'DI_E_VALUE',
  [-4]: 'DI_E_SEEDS',
  [-5]: 'DI_E_MEMORY',
  [-6]: 'DI_E_UNAVAILABLE',
};

/** An error reported by the core: message is the core's di_last_error() text. */
export class CoreError extends Error {
  override name = 'CoreError';
  /** the C return code (negative) */
  readonly status: number;
  readonly code: CoreErrorCode;
  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = CODE_NAMES[status] ?? 'DI_E_UNKNOWN';
  }
}

/**
 * A fitted Gaussian mixture (k components of full-covariance 3-D Gaussians), as di_gmm holds it.
 * inv (inverse covariances) and logNorm (log(weight) - 0.5 log det - 1.5 log 2pi) are derived by
 * the core; gmmLogLik uses them as given.
 */
export interface Gmm {
  k: number;
  /** k */
  weight: Float64Array;
  /** 3k, component-major */
  mean: Float64Array;
  /** 9k, row-major 3x3 per component */
  cov: Float64Array;
  /** 9k */
  inv: Float64Array;
  /** k */
  logNorm: Float64Array;
}

export interface GmmFitOptions {
  /** k-means++ seed (uint32, default 0) */
  seed?: number;
  /** rounds of hard assignment and refit (default 10) */
  iterations?: number;
}

export const GMM_FIT_DEFAULTS = { seed: 0, iterations: 10 } as const;

export interface GrabCutParams {
  /** GMM components per model (default 5) */
  components: number;
  /** GrabCut iterations (default 5, at most 64) */
  iterations: number;
  /** smoothness weight (default 50) */
  gamma: number;
  /** neighbourhood (default 8) */
  connectivity: 4 | 8;
  /** k-means++ seed (uint32, default 0) */
  seed: number;
  /** fit the initial colour models to the hard seeds only, as the paper's localisation does (default false) */
  modelsFromSeeds: boolean;
}

export interface GrabCutResult {
  /** width*height labels: 0/1 where the input had seeds, 2/3 elsewhere */
  labels: Uint8Array;
  /** energy after each iteration (non-increasing) */
  energy: number[];
  iterations: number;
  /** 1 / (2 * mean squared neighbour colour difference) */
  beta: number;
}

export interface MaxflowResult {
  /** 1 where the pixel is on the source side of a minimum cut, 0 on the sink side */
  label: Uint8Array;
  /** the max-flow value (= the cut's capacity) */
  flow: number;
}

export interface ComponentResult {
  /** 1 on the largest 8-connected component, 0 elsewhere */
  mask: Uint8Array;
  /** [x0, y0, x1, y1] inclusive, null for an empty mask */
  box: [number, number, number, number] | null;
  area: number;
}

export interface CoreBackend {
  readonly name: 'native' | 'wasm';
  /** di_version() */
  readonly version: string;
  /** q-quantile (0 <= q <= 1) of the map, numpy's linear interpolation; NaN/Inf -> CoreError */
  quantile(map: Float32Array, q: number): number;
  /** fits a k-component GMM to samples (3n floats, RGB triples) */
  gmmFit(samples: Float32Array, k: number, options?: GmmFitOptions): Gmm;
  /** log p(x) of each of the n samples (3n floats) */
  gmmLogLik(gmm: Gmm, samples: Float32Array): Float32Array;
  /**
   * Exact max-flow on a width x height grid. source/sink: width*height terminal capacities;
   * edges: 2*width*height (connectivity 4: right, down) or 4*width*height (connectivity 8: right,
   * down, down-right, down-left) symmetric neighbour capacities. All finite and >= 0.
   */
  maxflowGrid(
    width: number,
    height: number,
    connectivity: 4 | 8,
    source: Float32Array,
    sink: Float32Array,
    edges: Float32Array,
  ): MaxflowResult;
  /** GrabCut on rgb (3*width*height) from labels (width*height, 0..3); labels is not modified */
  grabcut(rgb: Uint8Array, width: number, height: number, labels: Uint8Array, params?: Partial<GrabCutParams>): GrabCutResult;
  /** the core's default GrabCut parameters */
  grabcutDefaults(): GrabCutParams;
  /** largest 8-connected component of the non-zero pixels */
  largestComponent(mask: Uint8Array, width: number, height: number): ComponentResult;
}

/** The core's limits (deepinside.h). */
export const LIMITS = {
  maxPixels: 1 << 26,
  maxSide: 65536,
  maxComponents: 16,
  maxGrabcutIterations: 64,
} as const;

/**
 * Turns what a backend threw into the facade's error: the core's failures become CoreError,
 * TypeError/RangeError about arguments pass through.
 */
export function toCoreError(e: unknown): unknown {
  if (e instanceof CoreError) return e;
  if (e instanceof Error) {
    const { code, status } = e as Error & { code?: unknown; status?: unknown };
    if (typeof code === 'string' && code.startsWith('DI_E_')) {
      return new CoreError(e.message, typeof status === 'number' ? status : 0, { cause: e });
    }
  }
  return e;
}

// ---- argument checks, for backends written in TypeScript (the addon does the same in C++) ----

type TypedName = 'Float32Array' | 'Float64Array' | 'Uint8Array';
const TYPED_CTORS = { Float32Array, Float64Array, Uint8Array } as const;

export function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) {
    const n = v.constructor.name;
    return (/^[AEIOU]/.test(n) ? 'an ' : 'a ') + n;
  }
  if (Array.isArray(v)) return 'an Array';
  if (typeof v === 'object') return 'an object';
  return (/^[aeiou]/.test(typeof v) ? 'an ' : 'a ') + typeof v;
}

export function checkTyped<K extends TypedName>(v: unknown, kind: K, name: string): InstanceType<(typeof TYPED_CTORS)[K]> {
  if (!(v instanceof TYPED_CTORS[kind])) throw new TypeError(`${name} must be a ${kind}, got ${describe(v)}`);
  return v as InstanceType<(typeof TYPED_CTORS)[K]>;
}

export function checkNumber(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`);
  return v;
}

function numText(d: number): string {
  return Number.isNaN(d) ? 'NaN' : String(d);
}

export function checkInt(v: unknown, name: string): number {
  const d = checkNumber(v, name);
  if (!Number.isInteger(d) || d < -2147483648 || d > 2147483647) throw new RangeError(`${name} must be a 32-bit integer, got ${numText(d)}`);
  return d;
}

export function checkUint32(v: unknown, name: string): number {
  const d = checkNumber(v, name);
  if (!Number.isInteger(d) || d < 0 || d > 4294967295) throw new RangeError(`${name} must be an integer in 0..4294967295, got ${numText(d)}`);
  return d;
}

/** width*height when within the core's limits, else 0 (the core then reports the size itself). */
export function pixelsWithinLimits(width: number, height: number): number {
  if (width < 1 || height < 1 || width > LIMITS.maxSide || height > LIMITS.maxSide) return 0;
  const n = width * height;
  return n <= LIMITS.maxPixels ? n : 0;
}

export function checkLength(got: number, expected: number, name: string, what: string): void {
  if (got !== expected) throw new RangeError(`${name} has length ${got}, expected ${what} = ${expected}`);
}

const PARAM_KEYS = ['components', 'iterations', 'gamma', 'connectivity', 'seed', 'modelsFromSeeds'] as const;

/** Merges params into defaults with the addon's checks. */
export function grabcutParams(defaults: GrabCutParams, params: unknown): GrabCutParams {
  const p: GrabCutParams = { ...defaults };
  if (params === undefined || params === null) return p;
  if (typeof params !== 'object' || Array.isArray(params) || ArrayBuffer.isView(params)) {
    throw new TypeError(`params must be an object, got ${describe(params)}`);
  }
  for (const [key, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const name = `params.${key}`;
    if (!(PARAM_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`${name} is not a GrabCut parameter (${PARAM_KEYS.join(', ')})`);
    }
    if (key === 'gamma') p.gamma = checkNumber(v, name);
    else if (key === 'seed') p.seed = checkUint32(v, name);
    else if (key === 'connectivity') p.connectivity = checkInt(v, name) as 4 | 8;
    else if (key === 'modelsFromSeeds') {
      if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(v)}`);
      p.modelsFromSeeds = v;
    }
    else p[key as 'components' | 'iterations'] = checkInt(v, name);
  }
  return p;
}

export type CoreChoice = 'native' | 'wasm' | 'auto';

export interface LoadedCore {
  core: CoreBackend;
  /** with 'auto', why the addon was not used (the loader's message) */
  fallbackReason?: string;
}

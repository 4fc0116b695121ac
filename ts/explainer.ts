// The public API: load a classifier once, then classify images and compute their class saliency
// maps (Simonyan et al. 2014, section 3: M = max over channels of |dS_c/dI|).
import { platform } from './platform/current.js';
import type { LabelsInput, ModelInput } from './platform/types.js';
import { type GradifyInfo, forwardOnly, gradify } from './graph/gradify.js';
import type { Model } from './graph/ir.js';
import { decodeModel, encodeModel } from './onnx/codec.js';
import { type Labels, labelsFromMetadata } from './labels.js';
import { type ImageInput, type RgbImage, DEFAULT_MAX_PIXELS } from './image/types.js';
import { type CropRect, type ResizeMode, mapToSource, resizeMap } from './image/geometry.js';
import { type Preset, type PresetName, getPreset, toTensorData } from './image/preprocess.js';
import { normaliseForDisplay } from './image/colormap.js';
import { seededNormal } from './random.js';
import { prodDims } from './graph/dims.js';
import { softmax } from './scores.js';
import { type ModelSession, type RuntimeName, createSession } from './runtime/session.js';
import type { CoreChoice, LoadedCore } from './native/backend.js';
import { type LocaliseOptions, type LocaliseResult, RECOMMENDABLE, localise, segmentationSettings } from './localise.js';
import { ExplainerError } from './errors.js';
import { type VisualiseOptions, type VisualiseResult, visualise } from './visualise/index.js';
import { type MapKind, DEFAULT_MAP, checkMapName, combineMaps, gradCam } from './gradcam.js';

export interface LoadOptions {
  /** preprocessing preset (default: the model's metadata 'deepinside.preset', else 'imagenet') */
  preset?: PresetName;
  /** labels file (a path in Node; a URL or Blob/File in a browser); default: labels in the model's metadata, else class numbers */
  labels?: LabelsInput | Labels;
  /** 'node' (onnxruntime-node, Node's default), 'wasm' (onnxruntime-web, a browser's default) or 'webgpu' (browser; wasm where no adapter is available) */
  runtime?: RuntimeName;
  threads?: number;
  /** browser: where onnxruntime-web's .wasm/.mjs files are served (default: where its module is) */
  wasmPaths?: string;
  /** name of the image input, when the model has several float inputs */
  imageInput?: string;
  /** [height, width] for models whose image size is dynamic (default 224x224) */
  inputSize?: [number, number];
  /** how images are brought to the model's size (default 'stretch') */
  resize?: ResizeMode;
  /** images over this many pixels are refused (default 50 megapixels) */
  maxPixels?: number;
  /** most images per runtime call when the model's batch size is dynamic (default 8) */
  batchSize?: number;
  /** colour segmentation core for localise(): the N-API addon, WebAssembly, or auto (default) */
  backend?: CoreChoice;
  /** the feature map (tensor name) Grad-CAM maps read; default: the last one with a spatial size over 1x1 */
  camLayer?: string;
}

/** A class to explain: its index, its label, 'top' (the predicted class). */
export type Target = number | string;

export interface Prediction {
  index: number;
  label: string;
  /** unnormalised class score (the logit) */
  score: number;
  /** softmax probability */
  probability: number;
}

export interface ClassSaliency {
  target: Prediction;
  /** how the map was made (SaliencyOptions.map) */
  kind: MapKind;
  /** saliency at the model's input resolution, scaled to [0,1] for display (saturating at the 99th percentile) */
  map: Float32Array;
  /** the map before normalisation: max over channels of |dS/dI| ('gradient'), Grad-CAM, or their product ('gated') */
  raw: Float32Array;
  width: number;
  height: number;
  /** `map` placed on the original image's pixel grid (zero outside a centre crop) */
  sourceMap: Float32Array;
  sourceWidth: number;
  sourceHeight: number;
}

export interface SaliencyResult {
  name: string;
  /** the image at the model's input size, and the region of the original it covers */
  input: RgbImage;
  crop: CropRect;
  predictions: Prediction[];
  maps: ClassSaliency[];
  runtime: RuntimeName;
  timings: { decodeMs: number; networkMs: number };
}

export interface SaliencyOptions {
  /** one class or several (default 'top') */
  target?: Target | Target[];
  /** explain the k highest-scoring classes instead of `target` */
  topK?: number;
  /**
   * Average the map over this many noisy copies of the image (SmoothGrad, Smilkov et al. 2017);
   * 1 (default) is the paper's single backward pass.
   */
  samples?: number;
  /** noise standard deviation for `samples` > 1, as a fraction of the input tensor's range (default 0.1) */
  noise?: number;
  /**
   * 'gradient' (default): the paper's map, max over channels of |dS/dI|; 'gradcam': Grad-CAM
   * (Selvaraju et al. 2017) on the model's last spatial feature map, upsampled to the input; 'gated':
   * the two multiplied, the gradient's detail kept where Grad-CAM places the object.
   */
  map?: MapKind;
}

export { ExplainerError, AbortError } from './errors.js';

/** SmoothGrad's default noise, as a fraction of the input tensor's range. */
export const DEFAULT_NOISE = 0.1;

interface Prepared {
  name: string;
  /** the image at the model's input size, as the network saw it */
  input: RgbImage;
  tensor: Float32Array;
  crop: CropRect;
  sourceWidth: number;
  sourceHeight: number;
  decodeMs: number;
}

export class Explainer {
  private constructor(
    readonly info: GradifyInfo & { width: number; height: number; source: string },
    readonly preset: Preset,
    readonly labels: Labels | null,
    private readonly session: ModelSession,
    private readonly opts: LoadOptions,
    /** the gradient model, for writing to disk */
    readonly gradientModel: Model,
    /**
     * localise() settings the model recommends (its metadata 'deepinside.localise', a JSON object);
     * they fill in what a caller leaves out. Empty for most models.
     */
    readonly localiseDefaults: LocaliseOptions = {},
  ) {}

  /**
   * Loads an ONNX classifier (default: the bundled scenes model): a file path or its bytes, and in a
   * browser also a URL or a Blob/File.
   */
  static async load(model: ModelInput = platform.defaultModel(), opts: LoadOptions = {}): Promise<Explainer> {
    const { bytes, source } = await platform.readModel(model);
    const decoded = decodeModel(bytes, source);
    const { model: gm, info } = gradify(decoded, { imageInput: opts.imageInput, inputSize: opts.inputSize ?? defaultSize(decoded, opts.imageInput), camLayer: opts.camLayer });
    const spatial = info.layout === 'NCHW' ? info.imageShape.slice(2) : info.imageShape.slice(1, 3);
    const [height, width] = spatial;
    if (typeof height !== 'number' || typeof width !== 'number') throw new ExplainerError(`${source}: the image size is not static`);
    const presetName = opts.preset ?? (decoded.metadata['deepinside.preset'] as PresetName | undefined) ?? 'imagenet';
    const labelsFile = isLabelsInput(opts.labels) ? opts.labels : undefined;
    const labels = labelsFile !== undefined ? await platform.readLabels(labelsFile) : (opts.labels as Labels | undefined) ?? labelsFromMetadata(decoded.metadata);
    if (labels && labels.names.length !== info.classes) {
      const name = typeof labelsFile === 'string' ? labelsFile : labelsFile instanceof Blob ? (labelsFile as File).name || 'labels' : labelsFile ? String(labelsFile) : 'labels';
      throw new ExplainerError(`${name}: ${labels.names.length} labels for a model with ${info.classes} classes`);
    }
    const session = await createSession(encodeModel(gm), encodeModel(forwardOnly(gm)), info.imageInput, { runtime: opts.runtime, threads: opts.threads, wasmPaths: opts.wasmPaths });
    const localiseDefaults = recommendedLocalisation(decoded.metadata, source);
    return new Explainer({ ...info, width, height, source }, getPreset(presetName), labels, session, opts, gm, localiseDefaults);
  }

  get runtime(): RuntimeName {
    return this.session.runtime;
  }

  /** why the runtime asked for is not the one that runs (webgpu without an adapter), if so */
  get runtimeFallbackReason(): string | undefined {
    return this.session.fallbackReason;
  }

  get classes(): number {
    return this.info.classes;
  }

  label(index: number): string {
    return this.labels?.names[index] ?? String(index);
  }

  /** Resolves a target (index, label or 'top') to a class index; 'top' gives -1. */
  resolveTarget(target: Target): number {
    if (target === 'top') return -1;
    if (typeof target === 'number' || /^\d+$/.test(target)) {
      const i = Number(target);
      if (!Number.isInteger(i) || i < 0 || i >= this.classes) throw new ExplainerError(`target ${target} is out of range: the model has classes 0 to ${this.classes - 1}`);
      return i;
    }
    const i = this.labels?.names.findIndex((n) => n.toLowerCase() === target.toLowerCase()) ?? -1;
    const j = i >= 0 ? i : this.labels?.ids.indexOf(target) ?? -1;
    if (j < 0) throw new ExplainerError(`target '${target}' is not a class label of this model${this.labels ? '' : ' (it has no labels; give --labels or a class index)'}`);
    return j;
  }

  private async prepare(input: ImageInput, index: number): Promise<Prepared> {
    const t0 = performance.now();
    const name = typeof input === 'string' ? input : input instanceof URL ? input.href : input instanceof Blob && (input as File).name ? (input as File).name : `image ${index}`;
    const img: RgbImage = await platform.decodeImage(input, { maxPixels: this.opts.maxPixels ?? DEFAULT_MAX_PIXELS, name });
    const { image, crop } = await platform.resizeRgb(img, this.info.width, this.info.height, this.opts.resize ?? 'stretch');
    const tensor = toTensorData([image], this.preset, this.info.layout);
    return { name, input: image, tensor, crop, sourceWidth: img.width, sourceHeight: img.height, decodeMs: performance.now() - t0 };
  }

  private get maxBatch(): number {
    return typeof this.info.imageShape[0] === 'number' ? (this.info.imageShape[0] as number) : this.opts.batchSize ?? 8;
  }

  private shape(n: number): number[] {
    const s = this.info.imageShape.map((d) => (typeof d === 'number' ? d : 0));
    s[0] = n;
    return s;
  }

  /**
   * Runs rows of (image tensor, class weights) through the runtime in batches the model accepts;
   * with `cam`, each row also gets the Grad-CAM feature map and its gradient.
   */
  private async runRows(rows: { tensor: Float32Array; weights?: Float32Array }[], cam = false): Promise<RowOutputs[]> {
    const out: RowOutputs[] = [];
    const size = rows[0]?.tensor.length ?? 0, C = this.classes;
    const camSize = this.info.cam ? (prodDims(this.info.cam.shape.slice(1)) as number) : 0; // static: gradify checks
    const fixed = this.maxBatch;
    for (let start = 0; start < rows.length; start += fixed) {
      const chunk = rows.slice(start, start + fixed);
      // a model with a fixed batch size gets padded batches
      const n = typeof this.info.imageShape[0] === 'number' ? fixed : chunk.length;
      const x = new Float32Array(n * size);
      chunk.forEach((r, i) => x.set(r.tensor, i * size));
      let w: Float32Array | undefined;
      if (chunk[0]!.weights) {
        w = new Float32Array(n * C);
        chunk.forEach((r, i) => w!.set(r.weights!, i * C));
      }
      const res = await this.session.run(x, this.shape(n), w, cam);
      chunk.forEach((_, i) => out.push({
        scores: res.scores.subarray(i * C, (i + 1) * C),
        gradient: res.gradient?.subarray(i * size, (i + 1) * size),
        camActivation: res.camActivation?.subarray(i * camSize, (i + 1) * camSize),
        camGradient: res.camGradient?.subarray(i * camSize, (i + 1) * camSize),
      }));
    }
    return out;
  }

  /** Values in one image tensor: 3 x height x width, in the model's layout. */
  get tensorLength(): number {
    return 3 * this.info.width * this.info.height;
  }

  /**
   * Scores and input gradients for tensors already in the model's normalised input space (the
   * model's layout and size, `tensorLength` values each), one row per (tensor, class weights).
   * The building block of class model visualisation; saliency() runs the same path.
   */
  async gradients(rows: { tensor: Float32Array; weights: Float32Array }[]): Promise<{ scores: Float32Array; gradient: Float32Array }[]> {
    rows.forEach((r, i) => {
      if (r.tensor.length !== this.tensorLength) throw new ExplainerError(`gradients: row ${i} has ${r.tensor.length} tensor values, the model takes ${this.tensorLength}`);
      if (r.weights.length !== this.classes) throw new ExplainerError(`gradients: row ${i} has ${r.weights.length} class weights, the model has ${this.classes} classes`);
    });
    const out = await this.runRows(rows);
    return out.map((o) => ({ scores: o.scores, gradient: o.gradient! }));
  }

  private predictions(scores: Float32Array, k: number): Prediction[] {
    const probs = softmax(scores);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!).slice(0, k);
    return order.map((index) => ({ index, label: this.label(index), score: scores[index]!, probability: probs[index]! }));
  }

  /** Top-k classes per image (forward pass only). */
  async classify(images: ImageInput[], topK = 5): Promise<{ name: string; predictions: Prediction[] }[]> {
    const prepared = await Promise.all(images.map((im, i) => this.prepare(im, i)));
    const out = await this.runRows(prepared.map((p) => ({ tensor: p.tensor })));
    return prepared.map((p, i) => ({ name: p.name, predictions: this.predictions(out[i]!.scores, Math.min(topK, this.classes)) }));
  }

  /** Class saliency maps for each image: one map per requested target. */
  async saliency(images: ImageInput | ImageInput[], opts: SaliencyOptions = {}): Promise<SaliencyResult[]> {
    const list = Array.isArray(images) ? images : [images];
    const targets = opts.topK ? [] : ([] as Target[]).concat(opts.target ?? 'top');
    const fixed = targets.map((t) => this.resolveTarget(t));
    if (opts.topK !== undefined && (!Number.isInteger(opts.topK) || opts.topK < 1 || opts.topK > this.classes)) {
      throw new ExplainerError(`topK must be an integer from 1 to ${this.classes}, got ${opts.topK}`);
    }
    const samples = opts.samples ?? 1, noise = opts.noise ?? DEFAULT_NOISE, kind = opts.map ?? DEFAULT_MAP;
    checkSmoothGrad(samples, noise);
    this.checkMapKind(kind);
    const prepared = await Promise.all(list.map((im, i) => this.prepare(im, i)));
    const t0 = performance.now();
    // A forward pass when a target depends on the prediction (or noise would blur the scores);
    // then one gradient row per (image, class, sample).
    const needForward = opts.topK !== undefined || fixed.includes(-1) || samples > 1;
    const forward = needForward ? await this.runRows(prepared.map((p) => ({ tensor: p.tensor }))) : null;
    // per image, its classes; each (image, class) owns `samples` consecutive rows from `start`
    const classesOf = prepared.map((_, i) => {
      const top = forward ? this.predictions(forward[i]!.scores, opts.topK ?? 1).map((q) => q.index) : [];
      return opts.topK ? top : fixed.map((c) => (c === -1 ? top[0]! : c));
    });
    const plan = prepared.flatMap((p, i) => classesOf[i]!.flatMap((c) => Array.from({ length: samples }, (_, s) => ({
      weights: oneHot(this.classes, c),
      tensor: samples === 1 ? p.tensor : noisy(p.tensor, noise, (i * 7919 + c) * 257 + s),
    }))));
    const rows = await this.runRows(plan, kind !== 'gradient');
    const networkMs = performance.now() - t0;
    let next = 0;
    return prepared.map((p, i) => {
      const mine = classesOf[i]!.map((cls) => { const start = next; next += samples; return { cls, start }; });
      const scores = forward ? forward[i]!.scores : rows[mine[0]!.start]!.scores;
      const preds = this.predictions(scores, Math.min(5, this.classes));
      const all = this.predictions(scores, this.classes);
      return {
        name: p.name,
        input: p.input,
        crop: p.crop,
        predictions: preds,
        runtime: this.runtime,
        timings: { decodeMs: p.decodeMs, networkMs: networkMs / prepared.length },
        maps: mine.map(({ cls, start }) => {
          const raw = channelMaxAbs(rows[start]!.gradient!, this.info.layout, this.info.width, this.info.height);
          // SmoothGrad: the mean of the maps of the noisy copies
          for (let k = start + 1; k < start + samples; k++) {
            const m = channelMaxAbs(rows[k]!.gradient!, this.info.layout, this.info.width, this.info.height);
            for (let j = 0; j < raw.length; j++) raw[j]! += m[j]!;
          }
          if (samples > 1) for (let j = 0; j < raw.length; j++) raw[j]! /= samples;
          const cam = kind === 'gradient' ? null : this.camOfRows(rows.slice(start, start + samples));
          const combined = combineMaps(kind, raw, cam);
          const map = normaliseForDisplay(combined);
          return {
            target: all.find((q) => q.index === cls)!,
            kind, map, raw: combined, width: this.info.width, height: this.info.height,
            sourceMap: mapToSource(map, this.info.width, this.info.height, p.crop, p.sourceWidth, p.sourceHeight),
            sourceWidth: p.sourceWidth, sourceHeight: p.sourceHeight,
          };
        }),
      };
    });
  }

  /** Refuses a map kind this model cannot make, naming what is missing. */
  checkMapKind(kind: MapKind): void {
    checkMapName(kind);
    if (kind !== 'gradient' && !this.info.cam) {
      throw new ExplainerError(`${this.info.source}: map '${kind}' needs a feature map for Grad-CAM, and the model has no float tensor of rank 4 with a spatial size over 1x1 between the image and the scores (name one with camLayer)`);
    }
  }

  /**
   * Grad-CAM of an (image, class) at the input size: the mean over its rows (SmoothGrad's noisy
   * copies), taken at the feature map's resolution and upsampled once (the resize is linear).
   */
  private camOfRows(rows: RowOutputs[]): Float32Array {
    const { shape } = this.info.cam!;
    const [channels, height, width] = (this.info.layout === 'NCHW' ? shape.slice(1) : [shape[3], shape[1], shape[2]]) as number[];
    const mean = new Float32Array(width! * height!);
    for (const r of rows) {
      const cam = gradCam({ activation: r.camActivation!, gradient: r.camGradient!, channels: channels!, width: width!, height: height!, layout: this.info.layout });
      for (let j = 0; j < mean.length; j++) mean[j]! += cam[j]! / rows.length;
    }
    return resizeMap(mean, width!, height!, this.info.width, this.info.height);
  }

  private core?: Promise<LoadedCore>;

  /** The segmentation core localise() uses (loaded on first use), and why it fell back, if it did. */
  loadCore(): Promise<LoadedCore> {
    this.core ??= platform.loadCore(this.opts.backend ?? 'auto');
    return this.core;
  }

  /** Weakly supervised localisation: mask and box per image and target (see localise.ts). */
  async localise(images: ImageInput | ImageInput[], opts: LocaliseOptions = {}): Promise<LocaliseResult[]> {
    return localise(this, await this.loadCore(), images, opts);
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  /**
   * Class model visualisation (the paper's section 2): per target class, the image that maximises
   * S_c(I) - lambda ||I||^2 by gradient ascent from the zero image (preset 'paper'), or a regularised
   * variant that reads better ('clear'); all targets in one batch per step. See ts/visualise/.
   */
  visualise(targets: Target | Target[], opts: VisualiseOptions = {}): Promise<VisualiseResult[]> {
    return visualise(this, targets, opts);
  }
}

interface RowOutputs { scores: Float32Array; gradient?: Float32Array; camActivation?: Float32Array; camGradient?: Float32Array }

function checkSmoothGrad(samples: number, noise: number) {
  if (!Number.isInteger(samples) || samples < 1 || samples > 256) throw new ExplainerError(`samples must be an integer from 1 to 256, got ${samples}`);
  if (!(noise >= 0 && noise <= 10)) throw new ExplainerError(`noise must be a number from 0 to 10, got ${noise}`);
}

/** The model's 'deepinside.localise' metadata, checked like the options it stands for. */
function recommendedLocalisation(metadata: Record<string, string>, source: string): LocaliseOptions {
  const text = metadata['deepinside.localise'];
  if (text === undefined) return {};
  const where = `${source}: metadata 'deepinside.localise'`;
  let value: unknown;
  try { value = JSON.parse(text); } catch { throw new ExplainerError(`${where} is not JSON: ${text.slice(0, 80)}`); }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExplainerError(`${where} must be a JSON object of localise() options`);
  const unknown = Object.keys(value).filter((k) => !(RECOMMENDABLE as readonly string[]).includes(k));
  if (unknown.length) throw new ExplainerError(`${where} has unknown option(s) ${unknown.join(', ')}; allowed: ${RECOMMENDABLE.join(', ')}`);
  const opts = value as LocaliseOptions;
  try {
    segmentationSettings(opts);
    checkSmoothGrad(opts.samples ?? 1, opts.noise ?? DEFAULT_NOISE);
    if (opts.map !== undefined) checkMapName(opts.map);
  } catch (e) {
    throw new ExplainerError(`${where}: ${(e as Error).message}`);
  }
  return opts;
}

/** The tensor plus Gaussian noise of sd = noise * (its max - its min), from a fixed seed. */
function noisy(t: Float32Array, noise: number, seed: number): Float32Array {
  let lo = Infinity, hi = -Infinity;
  for (const v of t) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const sd = noise * (hi - lo), normal = seededNormal(seed);
  return Float32Array.from(t, (v) => v + sd * normal());
}

function isLabelsInput(x: unknown): x is LabelsInput {
  return typeof x === 'string' || x instanceof URL || (typeof Blob !== 'undefined' && x instanceof Blob);
}

function oneHot(n: number, i: number): Float32Array {
  const w = new Float32Array(n);
  w[i] = 1;
  return w;
}

/** The paper's map: M(i,j) = max over channels of |w(i,j,c)|. */
export function channelMaxAbs(gradient: Float32Array, layout: 'NCHW' | 'NHWC', width: number, height: number): Float32Array {
  const hw = width * height, channels = gradient.length / hw;
  const m = new Float32Array(hw);
  for (let p = 0; p < hw; p++) {
    let best = 0;
    for (let c = 0; c < channels; c++) {
      const v = Math.abs(layout === 'NCHW' ? gradient[c * hw + p]! : gradient[p * channels + c]!);
      if (v > best) best = v;
    }
    m[p] = best;
  }
  return m;
}

function defaultSize(model: Model, imageInput?: string): [number, number] | undefined {
  const v = model.graph.inputs.find((i) => (imageInput ? i.name === imageInput : i.shape?.length === 4));
  if (!v?.shape || v.shape.length !== 4) return undefined;
  const spatial = v.shape[1] === 3 || v.shape[1] === 1 ? v.shape.slice(2) : v.shape.slice(1, 3);
  return spatial.every((d) => typeof d === 'number') ? undefined : [224, 224];
}

// The seam between the shared code (Explainer, localise, graph, preprocessing) and the platform it
// runs on: only reading models, labels and images, resizing, the ONNX runtime and the segmentation
// core differ between Node (node.ts) and browsers (browser.ts).
import type { Labels } from '../labels.js';
import type { DecodeOptions, ImageInput, RgbImage } from '../image/types.js';
import type { CropRect, ResizeMode } from '../image/geometry.js';
import type { OrtModule, RuntimeName } from '../runtime/session.js';
import type { CoreChoice, LoadedCore } from '../native/backend.js';

/** A model: a file path (Node) or URL (browser), its bytes, or (browser) a Blob/File. */
export type ModelInput = string | URL | Uint8Array | ArrayBuffer | Blob;
/** A labels file: a path (Node) or URL (browser), or (browser) a Blob/File. */
export type LabelsInput = string | URL | Blob;

export interface LoadedOrt {
  ort: OrtModule;
  /** the runtime that will run: the one asked for, or wasm when webgpu is not available */
  runtime: RuntimeName;
  /** why the runtime asked for is not the one that runs */
  fallbackReason?: string;
  /** wasm threads when not given (1 in Node; in a page, more when it is cross-origin isolated) */
  defaultThreads: number;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** the bundled model (models/deepinside-scenes.onnx) */
  defaultModel(): ModelInput;
  readModel(model: ModelInput): Promise<{ bytes: Uint8Array; source: string }>;
  readLabels(labels: LabelsInput): Promise<Labels>;
  decodeImage(input: ImageInput, opts: DecodeOptions): Promise<RgbImage>;
  resizeRgb(img: RgbImage, width: number, height: number, mode: ResizeMode): Promise<{ image: RgbImage; crop: CropRect }>;
  readonly defaultRuntime: RuntimeName;
  loadOrt(runtime: RuntimeName, opts: { wasmPaths?: string }): Promise<LoadedOrt>;
  loadCore(choice: CoreChoice): Promise<LoadedCore>;
  /**
   * Called after each runtime call. In a page, onnxruntime-web's wasm runtime computes on the main
   * thread and its promises resolve as microtasks, so a loop of calls (visualise) would never let
   * the page paint or take input; the browser platform yields a task here.
   */
  yieldToEventLoop?(): Promise<void>;
}

/** Bytes of a model given in memory, or null for a path/URL/Blob. */
export function modelBytes(model: ModelInput): Uint8Array | null {
  if (model instanceof Uint8Array) return model;
  if (model instanceof ArrayBuffer) return new Uint8Array(model);
  return null;
}

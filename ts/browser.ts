// The package's entry in browsers (`import { Explainer } from 'deepinside'` under a bundler's
// "browser" condition, or 'deepinside/browser'): the Node API, with models, labels and images also
// given as URLs, Blobs/Files, ImageData, ImageBitmap, <img> or canvas; onnxruntime-web (wasm, or
// webgpu when asked and available) and the WebAssembly core. No Node built-ins.
import { platform, DEFAULT_MODEL_URL } from './platform/browser.js';
import type { DecodeOptions, ImageInput, RgbImage } from './image/types.js';
import type { LabelsInput } from './platform/types.js';
import type { Labels } from './labels.js';
import type { CoreChoice, LoadedCore } from './native/backend.js';

export * from './explainer.js';
export { localise, segment, PAPER_SETTINGS, DEFAULT_SETTINGS, type Box, type Localisation, type LocaliseOptions, type LocaliseResult, type SegmentationSettings } from './localise.js';
export { type ImageInput, type RawImage, type RgbImage, type DrawableImage, ImageError } from './image/types.js';
export { type PresetName, type Preset, getPreset, PRESET_NAMES } from './image/preprocess.js';
export { type Labels, parseLabels } from './labels.js';
export { type CoreChoice, type LoadedCore } from './native/backend.js';
export { iou, maskIou, localised, localisationError, FIXED_BOXES } from './evaluation.js';
export { SELECTOR_FEATURES, seedings, type SeedSelector, type Seeding } from './seed-selection.js';
export { type MapKind, MAP_KINDS, type FeatureMap, gradCam, gradCamAt } from './gradcam.js';
export type { ModelInput, LabelsInput } from './platform/types.js';
export { visualise, VISUALISE_PRESETS, presetSettings, resolveSettings as resolveVisualiseSettings, type VisualiseOptions, type VisualiseResult, type VisualiseSettings, type VisualiseProgress, type VisualisePresetName, type OptimizerName, type ParametrisationName, type GradientSource } from './visualise/index.js';

/** The bundled model (URL of models/deepinside-scenes.onnx as the bundler emitted it). */
export const DEFAULT_MODEL = DEFAULT_MODEL_URL.href;
export { DEFAULT_MODEL_URL };

/** Decodes any image input to 8-bit RGB with the browser's decoders. */
export function decodeImage(input: ImageInput, opts: DecodeOptions = {}): Promise<RgbImage> {
  return platform.decodeImage(input, opts);
}

/** Reads a labels file from a URL or a Blob/File. */
export function readLabels(labels: LabelsInput): Promise<Labels> {
  return platform.readLabels(labels);
}

/** The segmentation core: in a browser always the WebAssembly build ('native' is an error). */
export function loadCore(choice: CoreChoice = 'auto'): Promise<LoadedCore> {
  return platform.loadCore(choice);
}

/** Drawing helpers for results: colormaps, overlays, mask tints and boxes on RGB images. */
export { applyColormap, overlay, type ColormapName, type OverlayOptions } from './image/colormap.js';
export { tintMask, drawBox } from './image/draw.js';

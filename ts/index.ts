// The package's public entry in Node: `import { Explainer } from 'deepinside'`.
export * from './explainer.js';
export { localise, segment, PAPER_SETTINGS, PAPER_OPTIONS, DEFAULT_SETTINGS, type RanSettings, type Box, type Localisation, type LocaliseOptions, type LocaliseResult, type SegmentationSettings } from './localise.js';
export { DEFAULT_MODEL, EXAMPLES_DIR } from './default-model.js';
export { type ImageInput, type RawImage, type RgbImage, ImageError, decodeImage } from './image/decode.js';
export { type PresetName, type Preset, getPreset, PRESET_NAMES } from './image/preprocess.js';
export { type Labels, parseLabels } from './labels.js';
export { readLabels } from './labels-file.js';
export { type CoreChoice, type LoadedCore, loadCore, cudaStatus, type CudaStatus } from './native/index.js';
export { iou, maskIou, localised, localisationError, FIXED_BOXES } from './evaluation.js';
export { SELECTOR_FEATURES, seedings, type SeedSelector, type Seeding } from './seed-selection.js';
export { type MapKind, MAP_KINDS, type FeatureMap, gradCam, gradCamAt } from './gradcam.js';
export { createSceneGenerator, writeSceneDataset, sceneSeed, type Scene, type SceneGenerator } from './scenes/index.js';
export { visualise, VISUALISE_PRESETS, presetSettings, resolveSettings as resolveVisualiseSettings, type VisualiseOptions, type VisualiseResult, type VisualiseSettings, type VisualiseProgress, type VisualisePresetName, type OptimizerName, type ParametrisationName, type GradientSource } from './visualise/index.js';

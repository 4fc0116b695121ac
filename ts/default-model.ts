// The bundled default model (models/): a small ConvNet trained by models/train.py on the scenes of
// ts/scenes/, used whenever no model is given. Its preset and labels live in its ONNX metadata.
import { fileURLToPath } from 'node:url';

/** models/ of the package, from ts/ (sources) and dist/ (the build) alike. */
export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
export const DEFAULT_MODEL = `${MODELS_DIR}deepinside-scenes.onnx`;
/** The SHA-256 of DEFAULT_MODEL as recorded when it was trained (models/deepinside-scenes.sha256). */
export const DEFAULT_MODEL_CHECKSUM = `${MODELS_DIR}deepinside-scenes.sha256`;
/** Example scenes the main command runs on when given no images. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../examples/', import.meta.url));

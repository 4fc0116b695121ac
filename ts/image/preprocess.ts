// Pixel normalisation presets and conversion between RGB images and model input tensors.
// A tensor value is (pixel * scale - mean) / std, with pixel, mean and std in model channel order.
import type { RgbImage } from './decode.js';

export type PresetName = 'imagenet' | 'caffe' | 'unit';
export type Layout = 'NCHW' | 'NHWC';
type Triple = [number, number, number];

export interface Preset {
  name: PresetName;
  channelOrder: 'RGB' | 'BGR';
  /** In model channel order, after scaling. */
  mean: Triple;
  std: Triple;
  /** Applied to the 0..255 pixel before the mean is subtracted. */
  scale: number;
}

const PRESETS: Record<PresetName, Preset> = {
  // torchvision / timm models
  imagenet: { name: 'imagenet', channelOrder: 'RGB', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], scale: 1 / 255 },
  // Caffe-trained VGG and friends: BGR, 0..255, mean subtracted only
  caffe: { name: 'caffe', channelOrder: 'BGR', mean: [104, 117, 123], std: [1, 1, 1], scale: 1 },
  unit: { name: 'unit', channelOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], scale: 1 / 255 },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** Returns a copy, so callers may tweak it without changing the built-in preset. */
export function getPreset(name: string): Preset {
  if (!Object.hasOwn(PRESETS, name)) {
    throw new Error(`unknown preprocessing preset "${name}"; valid presets: ${PRESET_NAMES.join(', ')}`);
  }
  const p = PRESETS[name as PresetName];
  return { ...p, mean: [...p.mean], std: [...p.std] };
}

/** Index of the source RGB channel feeding model channel c. */
function srcChannel(preset: Preset, c: number): number {
  return preset.channelOrder === 'BGR' ? 2 - c : c;
}

/** Packs a batch of equally sized images into one float tensor buffer. */
export function toTensorData(images: RgbImage[], preset: Preset, layout: Layout): Float32Array {
  if (images.length === 0) throw new Error('toTensorData: no images');
  const { width, height } = images[0];
  const hw = width * height;
  const out = new Float32Array(images.length * hw * 3);
  images.forEach((img, b) => {
    if (img.width !== width || img.height !== height) {
      throw new Error(`toTensorData: image ${b} is ${img.width}x${img.height}, but image 0 is ${width}x${height}`);
    }
    if (img.data.length !== hw * 3) throw new Error(`toTensorData: image ${b} has ${img.data.length} bytes, expected ${hw * 3}`);
    const base = b * hw * 3;
    for (let c = 0; c < 3; c++) {
      const s = srcChannel(preset, c);
      const k = preset.scale / preset.std[c];
      const m = preset.mean[c] / preset.std[c];
      for (let i = 0; i < hw; i++) {
        const v = img.data[i * 3 + s] * k - m;
        out[layout === 'NCHW' ? base + c * hw + i : base + i * 3 + c] = v;
      }
    }
  });
  return out;
}

/** Inverse of toTensorData for one image (the first in `data`), clamped to 0..255. */
export function fromTensorData(data: Float32Array, width: number, height: number, preset: Preset, layout: Layout): RgbImage {
  const hw = width * height;
  if (data.length < hw * 3) throw new Error(`fromTensorData: ${data.length} values, need ${hw * 3} for ${width}x${height}x3`);
  const out = new Uint8Array(hw * 3);
  for (let c = 0; c < 3; c++) {
    const s = srcChannel(preset, c);
    for (let i = 0; i < hw; i++) {
      const v = data[layout === 'NCHW' ? c * hw + i : i * 3 + c];
      const px = (v * preset.std[c] + preset.mean[c]) / preset.scale;
      out[i * 3 + s] = Math.min(255, Math.max(0, Math.round(px))); // NaN rounds to NaN → stored as 0
    }
  }
  return { data: out, width, height };
}

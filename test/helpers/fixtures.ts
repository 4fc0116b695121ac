// Small models and images that the API and CLI tests write to a temporary directory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Dim } from '../../ts/graph/ir.js';
import { encodeModel } from '../../ts/onnx/codec.js';
import { TestNet, int, ints } from './net.js';

export const CLASSES = 10;
export const SIZE = 32;

/** A small CNN classifier: conv-relu-pool, conv-relu, global pool, linear, softmax. */
export function tinyClassifier(batch: Dim = 'N', seed = 3): Uint8Array {
  const t = new TestNet([batch, 3, SIZE, SIZE], seed, 'tiny');
  let h = t.op('Relu', [t.conv(t.x, 3, 8, 3, { pads: ints([1, 1, 1, 1]) })]);
  h = t.op('MaxPool', [h], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) });
  h = t.op('Relu', [t.conv(h, 8, 16, 3, { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) })]);
  h = t.op('Flatten', [t.op('GlobalAveragePool', [h])]);
  h = t.op('Gemm', [h, t.weight([CLASSES, 16], 0.5), t.weight([CLASSES], 0.1)], { transB: int(1) });
  return encodeModel(t.done(t.op('Softmax', [h], { axis: int(1) })));
}

export function tempDir(prefix = 'deepinside-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A photo-like test image: a bright disc on a gradient background. */
export async function sceneImage(width = 48, height = 40, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const inDisc = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (Math.min(width, height) / 4) ** 2;
    const i = (y * width + x) * 3;
    data[i] = inDisc ? 230 : (x * 255) / width;
    data[i + 1] = inDisc ? 40 : (y * 255) / height;
    data[i + 2] = inDisc ? 60 : 120;
  }
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg().toBuffer();
}

export function writeFixture(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

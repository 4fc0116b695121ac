// PNG output and crash-safe file writes.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from './decode.js';

export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1;
}

/** Encodes an 8-bit RGB or single-channel image as PNG. */
export async function encodePng(img: RgbImage | GreyImage): Promise<Buffer> {
  const channels = 'channels' in img ? img.channels : 3;
  const expected = img.width * img.height * channels;
  if (!(img.width > 0 && img.height > 0) || img.data.length !== expected) {
    throw new Error(`encodePng: ${img.data.length} bytes do not match ${img.width}x${img.height}x${channels}`);
  }
  const pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels } });
  // Without an explicit colourspace sharp widens one-channel input to RGB.
  return (channels === 1 ? pipeline.toColourspace('b-w') : pipeline).png().toBuffer();
}

/**
 * Writes via a temporary file in the same directory and a rename, so readers never see a
 * half-written file, and a failed write leaves any previous file untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync(); // data on disk before the rename makes it visible
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

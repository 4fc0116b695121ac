// Image input: files, encoded buffers and raw pixel arrays, all decoded to 8-bit RGB (HWC).
// Transparent pixels are flattened onto BLACK (colour * alpha), so a fully transparent
// region reads as zero signal rather than as a bright white area the model might respond to.
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

export type ImageInput = string | Uint8Array | RawImage;

/** 8-bit RGB, row-major, channels interleaved (HWC). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DecodeOptions {
  /** Largest accepted width * height. */
  maxPixels?: number;
  /** Name used in error messages instead of the path / "image buffer". */
  name?: string;
}

export const DEFAULT_MAX_PIXELS = 50_000_000;

export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

export async function decodeImage(input: ImageInput, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof input === 'string') {
    const label = opts.name ?? input;
    return decodeEncoded(await readImageFile(input, label), label, maxPixels);
  }
  if (input instanceof Uint8Array) {
    const label = opts.name ?? 'image buffer';
    if (input.length === 0) throw new ImageError(`${label}: empty buffer, no image data`);
    return decodeEncoded(input, label, maxPixels);
  }
  return decodeRaw(input, opts.name ?? 'raw image', maxPixels);
}

async function readImageFile(path: string, label: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ImageError(`${label}: not a regular file`);
    if (st.size === 0) throw new ImageError(`${label}: empty file`);
    return await readFile(path);
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ImageError(`${label}: file not found`);
    if (code === 'EACCES') throw new ImageError(`${label}: permission denied`);
    throw new ImageError(`${label}: cannot read file (${(e as Error).message})`);
  }
}

function checkSize(width: number, height: number, maxPixels: number, label: string): void {
  if (!(width > 0 && height > 0)) throw new ImageError(`${label}: image has zero size (${width}x${height})`);
  if (width * height > maxPixels) {
    throw new ImageError(
      `${label}: image is ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels} pixels`,
    );
  }
}

async function decodeEncoded(buf: Uint8Array, label: string, maxPixels: number): Promise<RgbImage> {
  // Header first: a huge image is refused with its real size before any pixel is decoded.
  let meta: Metadata;
  try {
    meta = await sharp(buf, { failOn: 'truncated', limitInputPixels: false }).metadata();
  } catch (e) {
    throw sharpError(e, label);
  }
  checkSize(meta.width ?? 0, meta.height ?? 0, maxPixels, label);

  try {
    // failOn 'truncated' makes a cut-off JPEG an error instead of a grey-padded image;
    // limitInputPixels stays as a backstop in case the header lied.
    const { data, info } = await sharp(buf, { failOn: 'truncated', limitInputPixels: maxPixels, autoOrient: true })
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .toColourspace('srgb') // greyscale / CMYK / 16-bit all end up as 8-bit sRGB
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageError(`${label}: decoded to ${info.channels} channels, expected 3`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    if (e instanceof ImageError) throw e;
    throw sharpError(e, label);
  }
}

/** Turns libvips' terse messages into "<label>: <what is wrong>". */
function sharpError(e: unknown, label: string): ImageError {
  const msg = e instanceof Error ? e.message : String(e);
  const detail = msg.split('\n')[0];
  if (/unsupported image format/i.test(msg)) return new ImageError(`${label}: not an image, or an unsupported format`);
  if (/exceeds pixel limit/i.test(msg)) return new ImageError(`${label}: image is over the pixel limit`);
  if (/premature end|truncat|corrupt|read error|damaged|unexpected end|bogus/i.test(msg)) {
    return new ImageError(`${label}: truncated or corrupt image data (${detail})`);
  }
  return new ImageError(`${label}: cannot decode image (${detail})`);
}

function decodeRaw(raw: RawImage, label: string, maxPixels: number): RgbImage {
  const { data, width, height, channels } = raw;
  if (channels !== 3 && channels !== 4) throw new ImageError(`${label}: raw channels must be 3 or 4, got ${channels}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ImageError(`${label}: raw width and height must be non-negative integers, got ${width}x${height}`);
  }
  checkSize(width, height, maxPixels, label);
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new ImageError(
      `${label}: raw data has ${data.length} bytes but ${width}x${height}x${channels} needs ${expected}`,
    );
  }
  const n = width * height;
  const out = new Uint8Array(n * 3);
  if (channels === 3) {
    out.set(data);
  } else {
    for (let i = 0; i < n; i++) {
      const a = data[i * 4 + 3];
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round((data[i * 4 + c] * a) / 255); // onto black
    }
  }
  return { data: out, width, height };
}

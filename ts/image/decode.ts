// Image input in Node: files, encoded buffers (sharp) and raw pixel arrays, all decoded to 8-bit
// RGB (HWC). Transparent pixels are flattened onto black (see types.ts).
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp, { type Metadata } from 'sharp';
import { type DecodeOptions, type ImageInput, type RgbImage, DEFAULT_MAX_PIXELS, ImageError, checkSize, decodeRaw, isRawImage } from './types.js';

export * from './types.js';

export async function decodeImage(input: ImageInput, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof input === 'string' || (input instanceof URL && input.protocol === 'file:')) {
    const path = typeof input === 'string' ? input : fileURLToPath(input);
    const label = opts.name ?? path;
    return decodeEncoded(await readImageFile(path, label), label, maxPixels);
  }
  if (input instanceof Uint8Array) {
    const label = opts.name ?? 'image buffer';
    if (input.length === 0) throw new ImageError(`${label}: empty buffer, no image data`);
    return decodeEncoded(input, label, maxPixels);
  }
  if (isRawImage(input)) return decodeRaw(input, opts.name ?? 'raw image', maxPixels);
  throw new ImageError(`${opts.name ?? 'image'}: in Node an image is a file path or file: URL, encoded bytes or raw pixels { data, width, height, channels } (Blobs, http URLs and drawable images are for browsers)`);
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


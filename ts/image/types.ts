// Image types and the platform-independent part of image input: raw pixel arrays to 8-bit RGB.
// Transparent pixels are flattened onto BLACK (colour * alpha), so a fully transparent
// region reads as zero signal rather than as a bright white area the model might respond to.
// Decoding encoded images is per platform: sharp in Node (decode.ts), the browser's own decoders
// in pages (browser-decode.ts).

export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * Images a browser can draw (ImageData, ImageBitmap, HTMLImageElement, HTMLCanvasElement,
 * OffscreenCanvas), typed structurally so that Node code needs no DOM types.
 */
export interface DrawableImage {
  readonly width: number;
  readonly height: number;
}

/**
 * An image: a file path (Node) or URL string (browser), encoded bytes (PNG/JPEG/WebP...), raw
 * pixels, and in browsers also a Blob/File, a URL, or anything drawable.
 */
export type ImageInput = string | Uint8Array | RawImage | Blob | URL | DrawableImage;

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

export function checkSize(width: number, height: number, maxPixels: number, label: string): void {
  if (!(width > 0 && height > 0)) throw new ImageError(`${label}: image has zero size (${width}x${height})`);
  if (width * height > maxPixels) {
    throw new ImageError(
      `${label}: image is ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels} pixels`,
    );
  }
}

export function isRawImage(x: unknown): x is RawImage {
  return typeof x === 'object' && x !== null && 'data' in x && !(x instanceof Blob);
}

export function decodeRaw(raw: RawImage, label: string, maxPixels: number): RgbImage {
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

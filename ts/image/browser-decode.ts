// Image input in browsers: URLs, Blobs/Files and encoded bytes through the browser's own decoders
// (createImageBitmap, no colour-space conversion, so PNGs give their stored bytes as sharp does),
// ImageData, anything drawable (ImageBitmap, <img>, <canvas>, OffscreenCanvas) and raw pixels,
// all to 8-bit RGB, transparent pixels flattened onto black as in Node.
import { type DecodeOptions, type ImageInput, type RgbImage, DEFAULT_MAX_PIXELS, ImageError, checkSize, decodeRaw, isRawImage } from './types.js';

export async function decodeImageInBrowser(input: ImageInput, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (typeof input === 'string' || input instanceof URL) {
    const label = opts.name ?? String(input);
    return decodeBlob(await fetchImage(String(input), label), label, maxPixels);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const label = opts.name ?? 'image buffer';
    if (input.byteLength === 0) throw new ImageError(`${label}: empty buffer, no image data`);
    return decodeBlob(new Blob([input as Uint8Array<ArrayBuffer>]), label, maxPixels);
  }
  if (input instanceof Blob) {
    const label = opts.name ?? ((input as File).name || 'image blob');
    if (input.size === 0) throw new ImageError(`${label}: empty file, no image data`);
    return decodeBlob(input, label, maxPixels);
  }
  const label = opts.name ?? 'image';
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    checkSize(input.width, input.height, maxPixels, label);
    return decodeRaw({ data: input.data, width: input.width, height: input.height, channels: 4 }, label, maxPixels);
  }
  if (isRawImage(input)) return decodeRaw(input, label, maxPixels);
  if (typeof HTMLImageElement !== 'undefined' && input instanceof HTMLImageElement) {
    if (!input.complete || input.naturalWidth === 0) {
      try { await input.decode(); } catch { throw new ImageError(`${label}: the <img> did not load (${input.currentSrc || input.src || 'no src'})`); }
    }
    return draw(input, input.naturalWidth, input.naturalHeight, label, maxPixels);
  }
  if (isDrawable(input)) return draw(input as CanvasImageSource, input.width, input.height, label, maxPixels);
  throw new ImageError(`${label}: not an image input (give a URL, Blob/File, bytes, ImageData, ImageBitmap, <img>, canvas or raw pixels)`);
}

async function fetchImage(url: string, label: string): Promise<Blob> {
  let res: Response;
  try { res = await fetch(url); } catch (e) { throw new ImageError(`${label}: cannot fetch the image (${(e as Error).message})`); }
  if (!res.ok) throw new ImageError(`${label}: cannot fetch the image (HTTP ${res.status})`);
  const blob = await res.blob();
  if (blob.size === 0) throw new ImageError(`${label}: empty file, no image data`);
  return blob;
}

async function decodeBlob(blob: Blob, label: string, maxPixels: number): Promise<RgbImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new ImageError(`${label}: not an image, or a format this browser cannot decode`);
  }
  try {
    return draw(bitmap, bitmap.width, bitmap.height, label, maxPixels);
  } finally {
    bitmap.close();
  }
}

function isDrawable(x: unknown): boolean {
  return (typeof ImageBitmap !== 'undefined' && x instanceof ImageBitmap)
    || (typeof HTMLCanvasElement !== 'undefined' && x instanceof HTMLCanvasElement)
    || (typeof OffscreenCanvas !== 'undefined' && x instanceof OffscreenCanvas)
    || (typeof VideoFrame !== 'undefined' && x instanceof VideoFrame)
    || (typeof SVGImageElement !== 'undefined' && x instanceof SVGImageElement);
}

function draw(source: CanvasImageSource, width: number, height: number, label: string, maxPixels: number): RgbImage {
  checkSize(width, height, maxPixels, label);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new ImageError(`${label}: no 2D canvas to read the pixels`);
  ctx.drawImage(source, 0, 0);
  let pixels: ImageData;
  try {
    pixels = ctx.getImageData(0, 0, width, height);
  } catch (e) {
    throw new ImageError(`${label}: the page may not read this image's pixels (${(e as Error).message}; a cross-origin image needs CORS)`);
  }
  return decodeRaw({ data: pixels.data, width, height, channels: 4 }, label, maxPixels);
}

// Background photographs: decoded once per process to a working resolution, with a pyramid of halved
// copies so that a crop of any size reaches the scene without aliasing.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { BACKGROUND_PACKAGES, type BackgroundPhoto } from './catalogue.js';

/** Photographs are kept with this many pixels on their short side (level 0). */
export const BACKGROUND_SHORT_SIDE = 512;

/** One level: RGB float, 0..255. */
export interface PhotoLevel {
  data: Float32Array;
  width: number;
  height: number;
}

export interface Photo {
  file: string;
  levels: PhotoLevel[];
}

function halve(src: PhotoLevel): PhotoLevel {
  const width = src.width >> 1, height = src.height >> 1;
  const data = new Float32Array(width * height * 3);
  const s = src.data, w = src.width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = 3 * (2 * y * w + 2 * x), b = a + 3 * w, d = 3 * (y * width + x);
      for (let c = 0; c < 3; c++) data[d + c] = 0.25 * (s[a + c]! + s[a + 3 + c]! + s[b + c]! + s[b + 3 + c]!);
    }
  }
  return { data, width, height };
}

/** Throws a clear error naming the Debian packages when a photograph is missing. */
export async function checkBackgrounds(photos: readonly BackgroundPhoto[], root: string): Promise<void> {
  const missing: string[] = [];
  for (const p of photos) {
    try { await access(join(root, p.file)); } catch { missing.push(join(root, p.file)); }
  }
  if (missing.length) {
    const pkgs = [...new Set(photos.filter((p) => missing.includes(join(root, p.file))).map((p) => p.debian))];
    throw new Error(`scene backgrounds: ${missing.length} photograph(s) missing under ${root} (first: ${missing[0]}); ` +
      `they come from the Debian package(s) ${pkgs.join(', ')}: apt-get install -y ${BACKGROUND_PACKAGES.join(' ')}`);
  }
}

const cache = new Map<string, Promise<Photo>>();

async function decodePhoto(path: string): Promise<Photo> {
  let raw: Buffer, info: OutputInfo;
  try {
    ({ data: raw, info } = await sharp(path).rotate()
      .resize({ width: BACKGROUND_SHORT_SIDE, height: BACKGROUND_SHORT_SIDE, fit: 'outside' })
      .removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw new Error(`scene backgrounds: cannot decode ${path} (${(e as Error).message})`);
  }
  const levels: PhotoLevel[] = [{ data: Float32Array.from(raw), width: info.width, height: info.height }];
  while (levels.length < 4 && Math.min(levels.at(-1)!.width, levels.at(-1)!.height) >= 128) levels.push(halve(levels.at(-1)!));
  return { file: path, levels };
}

/** The photograph at root/file, decoded on first use and kept for the process. */
export function loadPhoto(root: string, photo: BackgroundPhoto): Promise<Photo> {
  const path = join(root, photo.file);
  let p = cache.get(path);
  if (!p) {
    p = decodePhoto(path);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p;
}

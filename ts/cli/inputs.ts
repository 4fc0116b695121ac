// Expands the CLI's image arguments: files, directories (their images, sorted) and glob patterns.
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import fg from 'fast-glob';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif', 'tif', 'tiff', 'bmp', 'avif'];

export async function expandImageArgs(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => null);
    if (info?.isDirectory()) {
      const found = await fg(`**/*.{${IMAGE_EXTENSIONS.join(',')}}`, { cwd: arg, caseSensitiveMatch: false, absolute: false });
      if (found.length === 0) throw new Error(`${arg}: the directory holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
      out.push(...found.sort().map((f) => `${arg.replace(/\/$/, '')}/${f}`));
    } else if (info) {
      out.push(arg);
    } else if (fg.isDynamicPattern(arg)) {
      const found = await fg(arg, { onlyFiles: true });
      if (found.length === 0) throw new Error(`${arg}: no files match this pattern`);
      out.push(...found.sort());
    } else {
      throw new Error(`${arg}: file not found`);
    }
  }
  if (out.length === 0) throw new Error('no images given');
  return out;
}

/** Decodes every image once before any work, so a bad file stops the run before anything is written. */
export async function validateImages(files: string[], maxPixels?: number): Promise<void> {
  for (const f of files) await decodeImage(f, { maxPixels: maxPixels ?? DEFAULT_MAX_PIXELS });
}

/** Output names per image: the file's stem, made unique when two inputs share it. */
export function stems(files: string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const s = basename(f, extname(f));
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    return n ? `${s}-${n}` : s;
  });
}


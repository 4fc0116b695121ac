// Annotated image sets ({file, class_index, boxes, ...} lists, files relative to the list's folder)
// and classification error over them.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export interface Annotation {
  file: string;
  class_index: number;
  label?: string;
  boxes?: number[][];
  /** ground-truth object mask: a greyscale PNG of the image's size, non-zero = object */
  mask?: string;
}

export async function readAnnotations(path: string, limit?: number): Promise<{ path: string; items: (Annotation & { path: string; maskPath?: string })[] }> {
  let parsed: unknown;
  try { parsed = JSON.parse(await readFile(path, 'utf8')); } catch (e) {
    throw new Error(`${path}: cannot read the annotations (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${path}: annotations must be a JSON array of {file, class_index}`);
  const items = parsed.slice(0, limit ?? parsed.length).map((a, i) => {
    if (typeof a?.file !== 'string' || !Number.isInteger(a?.class_index)) throw new Error(`${path}: entry ${i} lacks a file or an integer class_index`);
    if (a.mask !== undefined && typeof a.mask !== 'string') throw new Error(`${path}: entry ${i} has a mask that is not a file name`);
    return { ...(a as Annotation), path: resolve(dirname(path), a.file), maskPath: typeof a.mask === 'string' ? resolve(dirname(path), a.mask) : undefined };
  });
  return { path, items };
}

/** Top-1 and top-5 classification error: the fraction of images whose class is not among the first k. */
export function classificationError(truth: number[], ranked: number[][]): { top1Error: number; top5Error: number } {
  const miss = (k: number) => truth.filter((c, i) => !ranked[i]!.slice(0, k).includes(c)).length / truth.length;
  return { top1Error: miss(1), top5Error: miss(5) };
}

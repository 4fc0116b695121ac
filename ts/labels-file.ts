// Reading a labels file in Node.
import { readFile } from 'node:fs/promises';
import { type Labels, parseLabels } from './labels.js';

export async function readLabels(path: string): Promise<Labels> {
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    throw new Error(`${path}: cannot read the labels file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseLabels(text, path);
}

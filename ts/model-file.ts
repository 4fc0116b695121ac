// Reads a model file with errors that say what is wrong with it.
import { readFile, stat } from 'node:fs/promises';

export class ModelFileError extends Error {}

export async function readModelFile(path: string): Promise<Uint8Array> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ModelFileError(`${path}: model file not found`);
  if (!info.isFile()) throw new ModelFileError(`${path}: not a file`);
  if (info.size === 0) throw new ModelFileError(`${path}: empty model file`);
  return readFile(path);
}

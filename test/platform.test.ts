// The Node platform (ts/platform/node.ts): file: URLs wherever paths are taken, and a clear error
// for the inputs only browsers take.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Explainer, DEFAULT_MODEL, EXAMPLES_DIR, decodeImage } from '../ts/index.js';
import { platform } from '../ts/platform/current.js';

describe('the Node platform', () => {
  it('is the platform Node code gets', () => {
    expect(platform.name).toBe('node');
    expect(platform.defaultRuntime).toBe('node');
  });

  it('reads images, models and labels from file: URLs as from paths', async () => {
    const path = join(EXAMPLES_DIR, 'dog.png');
    expect(await decodeImage(pathToFileURL(path))).toEqual(await decodeImage(path));
    const ex = await Explainer.load(pathToFileURL(DEFAULT_MODEL), { labels: pathToFileURL(join(DEFAULT_MODEL, '../labels.txt')) });
    expect(ex.info.source).toBe(DEFAULT_MODEL);
    expect(ex.label(1)).toBe('dog');
    await ex.close();
  });

  it('says which inputs are for browsers', async () => {
    await expect(decodeImage(new Blob([new Uint8Array([1, 2, 3])]))).rejects.toThrow(/in Node an image is a file path or file: URL, encoded bytes or raw pixels/);
    await expect(decodeImage(new URL('https://example.org/cat.jpg'))).rejects.toThrow(/Blobs, http URLs and drawable images are for browsers/);
    await expect(Explainer.load(new Blob([new Uint8Array([1])]))).rejects.toThrow(/in Node a model is a file path, a file: URL or its bytes/);
  });
});

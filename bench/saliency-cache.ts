// Saliency maps cached on disk by bench/localisation-study.mts --cache DIR, so the ILSVRC studies
// (bench/ilsvrc/) segment the same maps without running the network: per image i, `i.json` (crop,
// size, targets), `i.rgb` (the model-size input) and `i.maps` (the raw maps, float32, in target order).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassSaliency } from '../ts/explainer.js';
import type { RgbImage } from '../ts/image/decode.js';
import type { CropRect } from '../ts/image/resize.js';

export interface CachedEntry { input: RgbImage; crop: CropRect; maps: ClassSaliency[] }

/** The cache directory the ILSVRC scripts read (SALIENCY_CACHE, default /tmp/salcache). */
export const SALIENCY_CACHE = process.env.SALIENCY_CACHE ?? '/tmp/salcache';

export function saveEntries(dir: string, entries: CachedEntry[]): void {
  mkdirSync(dir, { recursive: true });
  entries.forEach((e, i) => {
    const meta = { crop: e.crop, w: e.input.width, h: e.input.height, maps: e.maps.map((m) => ({ target: m.target, sourceWidth: m.sourceWidth, sourceHeight: m.sourceHeight })) };
    writeFileSync(join(dir, `${i}.json`), JSON.stringify(meta));
    writeFileSync(join(dir, `${i}.rgb`), e.input.data);
    writeFileSync(join(dir, `${i}.maps`), Buffer.concat(e.maps.map((m) => Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength))));
  });
}

/** Image i's entry; each map's raw, display and source maps are the cached raw map. */
export function loadEntry(dir: string, i: number): CachedEntry {
  const meta = JSON.parse(readFileSync(join(dir, `${i}.json`), 'utf8'));
  const rgb = new Uint8Array(readFileSync(join(dir, `${i}.rgb`)));
  const all = readFileSync(join(dir, `${i}.maps`));
  const size = meta.w * meta.h;
  const maps = meta.maps.map((m: ClassSaliency, k: number) => {
    const raw = new Float32Array(all.buffer.slice(all.byteOffset + k * size * 4, all.byteOffset + (k + 1) * size * 4));
    return { ...m, raw, map: raw, width: meta.w, height: meta.h, sourceMap: raw };
  });
  return { input: { data: rgb, width: meta.w, height: meta.h }, crop: meta.crop, maps };
}

export function loadEntries(dir: string, n: number): CachedEntry[] {
  return Array.from({ length: n }, (_, i) => loadEntry(dir, i));
}

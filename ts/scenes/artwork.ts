// Emoji artwork: the SVG of a (set, codepoint) from its npm package, rendered once per process by
// sharp (librsvg) to RGBA at a fixed resolution, cropped to the drawn pixels, premultiplied, with a
// pyramid of halved copies so that drawing it small samples without aliasing.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { ARTWORK_SET_INFO, type ArtworkRef, type ArtworkSetName, DISTRACTORS, SCENE_CLASSES } from './catalogue.js';

/** The side, in pixels, that every artwork is rendered at (its SVG canvas). */
export const ARTWORK_RESOLUTION = 256;

/** One level of an artwork pyramid: premultiplied RGBA, 0..255, with a transparent border. */
export interface ArtworkLevel {
  data: Float32Array;
  width: number;
  height: number;
}

export interface Artwork extends ArtworkRef {
  /** level 0 is the crop at ARTWORK_RESOLUTION; level i is halved i times */
  levels: ArtworkLevel[];
  /** size of the drawn pixels (alpha > 0) at level 0, without the border */
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);

interface IconifyIcon { body: string; width?: number; height?: number; left?: number; top?: number }
interface IconifySet {
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, { parent: string; hFlip?: boolean; vFlip?: boolean; rotate?: number }>;
  width?: number; height?: number; left?: number; top?: number;
}

const iconifySets = new Map<ArtworkSetName, Promise<{ icons: IconifySet; chars: Record<string, string> }>>();

function loadIconify(set: ArtworkSetName) {
  let p = iconifySets.get(set);
  if (!p) {
    const pkg = ARTWORK_SET_INFO[set].package;
    p = (async () => {
      let icons: string, chars: string;
      try {
        [icons, chars] = await Promise.all([readFile(require.resolve(`${pkg}/icons.json`), 'utf8'), readFile(require.resolve(`${pkg}/chars.json`), 'utf8')]);
      } catch (e) {
        throw new Error(`scene artwork: cannot read the npm package ${pkg} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run npm install`);
      }
      return { icons: JSON.parse(icons) as IconifySet, chars: JSON.parse(chars) as Record<string, string> };
    })();
    p.catch(() => iconifySets.delete(set));
    iconifySets.set(set, p);
  }
  return p;
}

const setRoot = (set: ArtworkSetName) => {
  const pkg = ARTWORK_SET_INFO[set].package;
  try { return dirname(require.resolve(`${pkg}/package.json`)); } catch {
    throw new Error(`scene artwork: the npm package ${pkg} is not installed; run npm install`);
  }
};

/**
 * The icon that `names` gives for the codepoint, else (unless `exact`) one named after the glyph's CLDR
 * name ("tropical fish" -> tropical-fish, or tropical-fish-face).
 */
function iconByName(icons: IconifySet, codepoint: string, names: Readonly<Record<string, string>> = {}, exact = false): string | undefined {
  const listed = names[codepoint];
  if (listed !== undefined || exact) return listed;
  const glyph = [...SCENE_CLASSES.flatMap((c) => c.glyphs), ...DISTRACTORS].find((g) => g.codepoint === codepoint);
  if (!glyph) return undefined;
  const slug = glyph.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return [slug, `${slug}-face`].find((n) => icons.icons[n] || icons.aliases?.[n]);
}

/** The SVG document of an artwork, sized ARTWORK_RESOLUTION square. */
export async function artworkSvg(ref: ArtworkRef): Promise<string> {
  const { set, codepoint } = ref;
  const size = ARTWORK_RESOLUTION;
  if (ARTWORK_SET_INFO[set].format === 'svg-files') {
    const file = join(setRoot(set), `${codepoint}.svg`);
    let svg: string;
    try { svg = await readFile(file, 'utf8'); } catch {
      throw new Error(`scene artwork: ${set} has no SVG for U+${codepoint.toUpperCase()} (${file})`);
    }
    // set the canvas size on the root element, keeping its viewBox
    return svg.replace(/<svg\b([^>]*)>/, (_, attrs: string) => `<svg${attrs.replace(/\s(width|height)="[^"]*"/g, '')} width="${size}" height="${size}">`);
  }
  const { icons, chars } = await loadIconify(set);
  const { lookup, names } = ARTWORK_SET_INFO[set];
  let name = lookup === 'name' || lookup === 'names' ? iconByName(icons, codepoint, names, lookup === 'names') : chars[codepoint];
  if (name && !icons.icons[name]) {
    const alias = icons.aliases?.[name];
    if (alias && !alias.hFlip && !alias.vFlip && !alias.rotate) name = alias.parent;
  }
  const icon = name ? icons.icons[name] : undefined;
  if (!icon) throw new Error(`scene artwork: ${set} (${ARTWORK_SET_INFO[set].package}) has no icon for U+${codepoint.toUpperCase()}`);
  const w = icon.width ?? icons.width ?? 16, h = icon.height ?? icons.height ?? 16;
  const l = icon.left ?? icons.left ?? 0, t = icon.top ?? icons.top ?? 0;
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${size}" height="${size}" viewBox="${l} ${t} ${w} ${h}">${icon.body}</svg>`;
}

/** Halves a premultiplied RGBA level (2x2 box filter; an odd last row or column averages with the transparent border). */
function halve(src: ArtworkLevel): ArtworkLevel {
  const width = Math.ceil(src.width / 2), height = Math.ceil(src.height / 2);
  const data = new Float32Array(width * height * 4);
  const at = (x: number, y: number, c: number) => (x < src.width && y < src.height ? src.data[4 * (y * src.width + x) + c]! : 0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        data[4 * (y * width + x) + c] = 0.25 * (at(2 * x, 2 * y, c) + at(2 * x + 1, 2 * y, c) + at(2 * x, 2 * y + 1, c) + at(2 * x + 1, 2 * y + 1, c));
      }
    }
  }
  return { data, width, height };
}

/** Renders an SVG to an artwork: RGBA at ARTWORK_RESOLUTION, cropped to alpha > 0 plus a 1-pixel transparent border. */
export async function rasteriseArtwork(ref: ArtworkRef, svg: string): Promise<Artwork> {
  let raw: Buffer, info: OutputInfo;
  try {
    ({ data: raw, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw new Error(`scene artwork: cannot render ${ref.set} U+${ref.codepoint.toUpperCase()} (${(e as Error).message})`);
  }
  const { width: W, height: H } = info;
  if (info.channels !== 4) throw new Error(`scene artwork: ${ref.set} U+${ref.codepoint} rendered with ${info.channels} channels`);
  let x0 = W, y0 = H, x1 = -1, y1 = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (raw[4 * (y * W + x) + 3]! > 0) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
    }
  }
  if (x1 < 0) throw new Error(`scene artwork: ${ref.set} U+${ref.codepoint.toUpperCase()} renders empty`);
  const width = x1 - x0 + 1, height = y1 - y0 + 1;
  const bw = width + 2, bh = height + 2;
  const data = new Float32Array(bw * bh * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = 4 * ((y + y0) * W + x + x0), d = 4 * ((y + 1) * bw + x + 1);
      const a = raw[s + 3]! / 255;
      data[d] = raw[s]! * a; data[d + 1] = raw[s + 1]! * a; data[d + 2] = raw[s + 2]! * a; data[d + 3] = raw[s + 3]!;
    }
  }
  const levels: ArtworkLevel[] = [{ data, width: bw, height: bh }];
  while (levels.length < 6 && levels.at(-1)!.width > 4 && levels.at(-1)!.height > 4) levels.push(halve(levels.at(-1)!));
  return { set: ref.set, codepoint: ref.codepoint, levels, width, height };
}

const cache = new Map<string, Promise<Artwork>>();

/** The rendered artwork of (set, codepoint), rendered on first use and kept for the process. */
export function loadArtwork(ref: ArtworkRef): Promise<Artwork> {
  const key = `${ref.set}:${ref.codepoint}`;
  let p = cache.get(key);
  if (!p) {
    p = artworkSvg(ref).then((svg) => rasteriseArtwork(ref, svg));
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

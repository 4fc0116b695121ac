// The scene generator: an emoji object of a known class, composited with random scale, position,
// rotation, colour and partial occlusion onto a crop of a real photograph, with its exact mask and
// box. Training data for the bundled default ConvNet, and a localisation benchmark with exact ground
// truth. Deterministic: the same (seed, options) gives the same bytes.
import { join } from 'node:path';
import { writeFileAtomic } from '../image/encode.js';
import { seededRandom } from '../random.js';
import { type Artwork, loadArtwork } from './artwork.js';
import { checkBackgrounds, loadPhoto, type Photo } from './backgrounds.js';
import { encodePngFast } from './png.js';
import {
  type ArtworkRef, type ArtworkSetName, type BackgroundPhoto, backgroundsOf, classArtwork, DEFAULT_BACKGROUND_ROOT,
  DISTRACTOR_ARTWORK, SCENE_CLASSES, type Split,
} from './catalogue.js';
import { colourJitter, composite, drawBackground, drawLayer, extent, type Layer, layerCoverage, outlineLayer, type Placement, visibleAfter } from './compose.js';

export * from './catalogue.js';
export { ARTWORK_RESOLUTION, loadArtwork, type Artwork } from './artwork.js';

export interface SceneGeneratorOptions {
  /** which artwork and photographs to draw from (default 'train') */
  split?: Split;
  /** the side of the square scene in pixels (default 128) */
  size?: number;
  /** where the Debian wallpaper packages put the photographs (default /usr/share/backgrounds) */
  backgroundRoot?: string;
}

export type DistractorPlacement = 'behind' | 'front' | 'occluder';

export interface Scene {
  seed: number;
  split: Split;
  width: number;
  height: number;
  /** RGB, 8-bit, row-major, channels interleaved */
  rgb: Uint8Array;
  classIndex: number;
  /** the class name (labels.txt) */
  label: string;
  wnid: string;
  /** inclusive pixel box [x0, y0, x1, y1] around the mask */
  box: [number, number, number, number];
  /** 1 where the object is visible (its alpha after occlusion > 0.5), else 0; width * height values */
  mask: Uint8Array;
  maskArea: number;
  /** 1 where the object was drawn (alpha > 0.5) before anything covered it: the amodal mask, within the frame */
  amodal: Uint8Array;
  amodalArea: number;
  artwork: { set: ArtworkSetName; codepoint: string; name: string };
  /**
   * How the object was drawn: centre and longer side of its unrotated drawn extent (pixels), clockwise
   * rotation (degrees), mirrored or not, the share of its in-frame pixels that distractors hide, and
   * (training scenes only) the outline it was redrawn with, if any.
   */
  object: { center: [number, number]; side: number; rotation: number; flip: boolean; occluded: number; outline?: Outline };
  /** the photograph and the crop of it: [x0, y0, x1, y1] as fractions of its width and height */
  background: { file: string; crop: [number, number, number, number]; flip: boolean };
  distractors: { set: ArtworkSetName; codepoint: string; name: string; placement: DistractorPlacement }[];
}

export interface SceneGenerator {
  readonly split: Split;
  readonly size: number;
  /** loads and renders every artwork and photograph the split uses (otherwise done on first use) */
  preload(): Promise<void>;
  /** the scene of a seed (any 32-bit integer); classIndex forces the class */
  generate(seed: number, opts?: { classIndex?: number }): Promise<Scene>;
}

/** A dark line drawn around an artwork and along its inner edges (outlineLayer): width in pixels, ink level 0..255. */
export interface Outline {
  width: number;
  ink: number;
}

/** A 32-bit mixer (murmur3's finaliser). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of scene `index` of a data set made from `seed`. */
export function sceneSeed(seed: number, index: number): number {
  return mix32((mix32(seed >>> 0) + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}

const MAX_SIZE = 2048, MIN_SIZE = 16;

/** Draw ranges; fractions are of the scene side. */
const P = {
  objectSide: [0.25, 0.7], // the object's longer drawn side
  maxRotation: 25, // degrees, triangular distribution
  clipChance: 0.3, clipMax: 0.2, // share of scenes where the object may leave the frame, and by how much of its extent
  hue: 18, saturation: [0.7, 1.25], brightness: [0.75, 1.15],
  distractorCount: [0.3, 0.75], // P(0), P(<=1)
  distractorSide: [0.15, 0.35],
  occluderChance: 0.6, // a scene's first distractor overlaps the object
  minVisible: 0.55, minOccluded: 0.04, // an occluder hides 4..45% of the object's pixels
  cropSide: [0.35, 1], // of the photo's short side
  bgBrightness: [0.8, 1.15], bgSaturation: [0.7, 1.2], bgContrast: [0.85, 1.15],
  // training scenes only: artwork redrawn with a dark outline of this width (canvas pixels at 128) and ink level
  outlineChance: 0.3, outlineWidth: [0.8, 2.2], outlineInk: [10, 60],
} as const;

export function createSceneGenerator(options: SceneGeneratorOptions = {}): SceneGenerator {
  const split = options.split ?? 'train';
  const size = options.size ?? 128;
  const root = options.backgroundRoot ?? DEFAULT_BACKGROUND_ROOT;
  if (split !== 'train' && split !== 'test') throw new Error(`scene split must be 'train' or 'test', not ${JSON.stringify(split)}`);
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) throw new Error(`scene size must be an integer from ${MIN_SIZE} to ${MAX_SIZE}, not ${size}`);
  const photos = backgroundsOf(split);
  let checked: Promise<void> | null = null;
  const check = () => (checked ??= checkBackgrounds(photos, root).catch((e) => { checked = null; throw e; }));

  async function attempt(seed: number, classIndex: number | undefined, attemptNo: number): Promise<Scene | null> {
    // the split salts the stream, so train and test scenes of one seed share no layout
    const rnd = seededRandom(mix32((seed >>> 0) ^ Math.imul(attemptNo, 0x27d4eb2d) ^ (split === 'test' ? 0x5bd1e995 : 0)));
    const uni = (r: readonly number[]) => r[0]! + (r[1]! - r[0]!) * rnd();
    const pick = <T>(a: readonly T[]): T => a[Math.min(a.length - 1, Math.floor(rnd() * a.length))]!;
    const tri = (max: number) => (rnd() + rnd() - 1) * max;
    // the outline augmentation draws from the stream in training scenes only (and only for a layer that
    // was drawn), so test scenes stay as they were
    const outlineOf = (l: Layer | null): Outline | null =>
      !l || split !== 'train' || rnd() >= P.outlineChance ? null : { width: (uni(P.outlineWidth) * size) / 128, ink: uni(P.outlineInk) };
    const outlined = (l: Layer | null, o: Outline | null) => (l && o ? outlineLayer(l, size, o.width, o.ink) : l);
    const maybeOutlined = (l: Layer | null) => outlined(l, outlineOf(l));

    // choices that need assets come first, so the draw order never depends on what is cached
    const k = classIndex ?? Math.floor(rnd() * SCENE_CLASSES.length);
    const ref = pick(classArtwork(k, split));
    const photoRef = pick(photos);
    const u = rnd();
    const nDistractors = u < P.distractorCount[0] ? 0 : u < P.distractorCount[1] ? 1 : 2;
    const distractorRefs = Array.from({ length: nDistractors }, () => pick(DISTRACTOR_ARTWORK));
    const [art, photo, ...distractorArt] = await Promise.all([
      loadArtwork(ref), loadPhoto(root, photoRef), ...distractorRefs.map((d) => loadArtwork(d)),
    ]) as [Artwork, Photo, ...Artwork[]];

    // background: a square crop at a random scale and place, maybe mirrored, colour-jittered
    const lv0 = photo.levels[0]!;
    const side = Math.min(lv0.width, lv0.height) * uni(P.cropSide);
    const crop = { x: rnd() * (lv0.width - side), y: rnd() * (lv0.height - side), side, flip: rnd() < 0.5 };
    const bgMatrix = colourJitter(0, uni(P.bgSaturation), uni(P.bgBrightness));
    const canvas = drawBackground(photo, crop, size, bgMatrix, uni(P.bgContrast));

    // the object
    const objSide = uni(P.objectSide) * size;
    const angle = (tri(P.maxRotation) * Math.PI) / 180;
    const scale = objSide / Math.max(art.width, art.height);
    const { hw, hh } = extent(art, { scale, angle });
    const clip = rnd() < P.clipChance ? rnd() * P.clipMax : 0;
    const place = (h: number) => { const m = h * (1 - 2 * clip); return m >= size - m ? size / 2 : m + rnd() * (size - 2 * m); };
    const objPlace: Placement = { cx: place(hw), cy: place(hh), scale, angle, flip: rnd() < 0.5 };
    const objMatrix = colourJitter(tri(P.hue), uni(P.saturation), uni(P.brightness));
    const objDrawn = drawLayer(art, objPlace, objMatrix, size);
    const objOutline = outlineOf(objDrawn);
    const objLayer = outlined(objDrawn, objOutline);
    if (!objLayer) return null;
    const coverage = layerCoverage(objLayer, size);
    const amodal = new Uint8Array(size * size);
    let fullArea = 0;
    for (let p = 0; p < amodal.length; p++) if (coverage[p]! > 0.5) { amodal[p] = 1; fullArea++; }
    if (fullArea < 16) return null;

    // distractors: the first may overlap the object (an occluder); others lie behind it or in front
    const behind: Layer[] = [], front: Layer[] = [];
    const distractors: Scene['distractors'] = [];
    for (const [i, d] of distractorArt.entries()) {
      const dScale = (uni(P.distractorSide) * size) / Math.max(d.width, d.height);
      const dAngle = (tri(P.maxRotation) * Math.PI) / 180;
      const dFlip = rnd() < 0.5;
      const dMatrix = colourJitter(tri(P.hue), uni(P.saturation), uni(P.brightness));
      const de = extent(d, { scale: dScale, angle: dAngle });
      let placement: DistractorPlacement = i === 0 && rnd() < P.occluderChance ? 'occluder' : rnd() < 0.5 ? 'behind' : 'front';
      let layer: Layer | null = null;
      if (placement === 'occluder') {
        for (let t = 0; t < 6 && !layer; t++) {
          const phi = rnd() * 2 * Math.PI;
          const reach = Math.abs(Math.cos(phi)) * hw + Math.abs(Math.sin(phi)) * hh;
          const dist = reach * uni([0.55, 1.0]) + (de.hw + de.hh) / 2 * uni([-0.2, 0.3]);
          const l = maybeOutlined(drawLayer(d, { cx: objPlace.cx + dist * Math.cos(phi), cy: objPlace.cy + dist * Math.sin(phi), scale: dScale, angle: dAngle, flip: dFlip }, dMatrix, size));
          const left = l ? visibleAfter(coverage, size, l) / fullArea : 1;
          if (l && left >= P.minVisible && left <= 1 - P.minOccluded) layer = l;
        }
        if (!layer) placement = 'front';
      }
      if (!layer) {
        // anywhere in the frame; one in front must not hide much of the object
        for (let t = 0; t < 6 && !layer; t++) {
          const l = maybeOutlined(drawLayer(d, { cx: rnd() * size, cy: rnd() * size, scale: dScale, angle: dAngle, flip: dFlip }, dMatrix, size));
          if (l && (placement === 'behind' || visibleAfter(coverage, size, l) / fullArea >= P.minVisible)) layer = l;
        }
      }
      if (!layer) continue;
      (placement === 'behind' ? behind : front).push(layer);
      distractors.push({ set: d.set, codepoint: d.codepoint, name: distractorRefs[i]!.name, placement });
    }

    for (const l of behind) composite(canvas, size, l);
    composite(canvas, size, objLayer);
    for (const l of front) composite(canvas, size, l, coverage);

    const mask = new Uint8Array(size * size);
    let x0 = size, y0 = size, x1 = -1, y1 = -1, area = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (coverage[y * size + x]! <= 0.5) continue;
        mask[y * size + x] = 1; area++;
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
    if (area < 16) return null;
    const clamped = new Uint8ClampedArray(canvas.length);
    clamped.set(canvas); // rounds (half to even) and clamps to 0..255
    const rgb = new Uint8Array(clamped.buffer);

    const cls = SCENE_CLASSES[k]!;
    const W = lv0.width, H = lv0.height;
    return {
      seed, split, width: size, height: size, rgb, classIndex: k, label: cls.name, wnid: cls.wnid,
      box: [x0, y0, x1, y1], mask, maskArea: area, amodal, amodalArea: fullArea,
      artwork: { set: ref.set, codepoint: ref.codepoint, name: ref.name },
      object: {
        center: [objPlace.cx, objPlace.cy], side: objSide, rotation: (angle * 180) / Math.PI, flip: objPlace.flip,
        occluded: 1 - area / fullArea,
        ...(objOutline ? { outline: objOutline } : {}),
      },
      background: { file: photoRef.file, crop: [crop.x / W, crop.y / H, (crop.x + side) / W, (crop.y + side) / H], flip: crop.flip },
      distractors,
    };
  }

  return {
    split,
    size,
    async preload() {
      await check();
      const refs: ArtworkRef[] = [...SCENE_CLASSES.flatMap((_, k) => classArtwork(k, split)), ...DISTRACTOR_ARTWORK];
      await Promise.all([...refs.map((r) => loadArtwork(r)), ...photos.map((p: BackgroundPhoto) => loadPhoto(root, p))]);
    },
    async generate(seed, opts = {}) {
      if (!Number.isInteger(seed)) throw new Error(`scene seed must be an integer, not ${seed}`);
      if (opts.classIndex !== undefined) classArtwork(opts.classIndex, split); // range check
      await check();
      for (let n = 0; n < 16; n++) {
        const scene = await attempt(seed, opts.classIndex, n);
        if (scene) return scene;
      }
      throw new Error(`scene ${seed}: no valid layout in 16 attempts`);
    },
  };
}

export interface SceneDatasetOptions extends SceneGeneratorOptions {
  count: number;
  /** the data set's seed (default 0); scene i uses sceneSeed(seed, i) and class i mod the class count */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  /** scenes encoded and written at once (default 8) */
  concurrency?: number;
}

export interface SceneAnnotation {
  file: string;
  width: number;
  height: number;
  class_index: number;
  wnid: string;
  label: string;
  boxes: [number, number, number, number][];
  mask: string;
  seed: number;
  artwork: Scene['artwork'];
  background: Scene['background'];
  distractors: Scene['distractors'];
  occluded: number;
}

/**
 * Writes a scene data set: images/NNNNNN.png, masks/NNNNNN.png (0 or 255), labels.txt (one class
 * name per line; the line is the class index) and annotations.json (the list `deepinside evaluate`
 * reads, plus the mask file and how each scene was made), every file atomically, the annotations last.
 */
export async function writeSceneDataset(dir: string, options: SceneDatasetOptions): Promise<{ annotations: string; items: SceneAnnotation[] }> {
  const { count, seed = 0, onProgress } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`scene count must be a positive integer, not ${count}`);
  if (!Number.isInteger(seed)) throw new Error(`scene seed must be an integer, not ${seed}`);
  const gen = createSceneGenerator(options);
  await gen.preload();
  const digits = Math.max(6, String(count - 1).length);
  const items: SceneAnnotation[] = new Array(count);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let next = 0, done = 0, failed = false;
  const writeOne = async (i: number) => {
    const s = await gen.generate(sceneSeed(seed, i), { classIndex: i % SCENE_CLASSES.length });
    const name = `${String(i).padStart(digits, '0')}.png`;
    const maskImg = new Uint8Array(s.mask.length);
    for (let p = 0; p < s.mask.length; p++) if (s.mask[p]) maskImg[p] = 255;
    const [png, maskPng] = await Promise.all([encodePngFast(s.rgb, s.width, s.height, 3), encodePngFast(maskImg, s.width, s.height, 1)]);
    await Promise.all([writeFileAtomic(join(dir, 'images', name), png), writeFileAtomic(join(dir, 'masks', name), maskPng)]);
    items[i] = {
      file: `images/${name}`, width: s.width, height: s.height, class_index: s.classIndex, wnid: s.wnid, label: s.label,
      boxes: [s.box], mask: `masks/${name}`, seed: s.seed, artwork: s.artwork, background: s.background, distractors: s.distractors,
      occluded: Math.round(s.object.occluded * 1000) / 1000,
    };
  };
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await writeOne(i);
      } catch (e) {
        failed = true; // the other workers stop at their next scene
        throw e;
      }
      onProgress?.(++done, count);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  await writeFileAtomic(join(dir, 'labels.txt'), SCENE_CLASSES.map((c) => c.name).join('\n') + '\n');
  const annotations = join(dir, 'annotations.json');
  await writeFileAtomic(annotations, `[\n${items.map((a) => JSON.stringify(a)).join(',\n')}\n]\n`);
  return { annotations, items };
}

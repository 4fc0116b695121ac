// The scene generator (ts/scenes): deterministic scenes whose mask and box are exact, artwork and
// photographs held out for the test split, and a data set writer whose output evaluate can read.
// Needs the Debian wallpaper packages named in ts/scenes/catalogue.ts (.ci/run installs them).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readAnnotations } from '../ts/cli/dataset.js';
import { parseLabels } from '../ts/labels.js';
import {
  ARTWORK_SET_INFO, ARTWORK_SETS, BACKGROUNDS, CLASS_ARTWORK, DISTRACTOR_ARTWORK, DISTRACTORS, TRAINING_ONLY_SETS, classArtwork, createSceneGenerator, loadArtwork,
  SCENE_CLASSES, sceneSeed, writeSceneDataset,
} from '../ts/scenes/index.js';
import { artworkSvg } from '../ts/scenes/artwork.js';
import { drawLayer, IDENTITY, layerCoverage, outlineLayer, type Layer } from '../ts/scenes/compose.js';
import { encodePngFast } from '../ts/scenes/png.js';

const train = createSceneGenerator({ split: 'train', size: 96 });
const test = createSceneGenerator({ split: 'test', size: 96 });

function bbox(mask: Uint8Array, w: number): number[] {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  mask.forEach((v, p) => {
    if (!v) return;
    const x = p % w, y = Math.floor(p / w);
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  });
  return [x0, y0, x1, y1];
}

describe('scene generator', () => {
  it('is deterministic: the same seed gives the same bytes, other seeds other scenes', async () => {
    const a = await train.generate(12345);
    const b = await createSceneGenerator({ split: 'train', size: 96 }).generate(12345);
    expect(Buffer.from(b.rgb).equals(Buffer.from(a.rgb))).toBe(true);
    expect(Buffer.from(b.mask).equals(Buffer.from(a.mask))).toBe(true);
    expect(JSON.stringify({ ...b, rgb: 0, mask: 0, amodal: 0 })).toBe(JSON.stringify({ ...a, rgb: 0, mask: 0, amodal: 0 }));
    expect(a.rgb.length).toBe(96 * 96 * 3);
    for (const seed of [12346, 0, 0xffffffff]) {
      const c = await train.generate(seed);
      expect(Buffer.from(c.rgb).equals(Buffer.from(a.rgb))).toBe(false);
    }
    // the PNG bytes are deterministic too
    expect((await encodePngFast(a.rgb, 96, 96, 3)).equals(await encodePngFast(b.rgb, 96, 96, 3))).toBe(true);
  });

  it('gives a box that is the bounding box of the mask, and a mask that is the drawn object less what covers it', async () => {
    let occluded = 0;
    for (let i = 0; i < 24; i++) {
      const s = await train.generate(sceneSeed(99, i), { classIndex: i % SCENE_CLASSES.length });
      expect(s.classIndex).toBe(i % SCENE_CLASSES.length);
      expect(s.label).toBe(SCENE_CLASSES[s.classIndex]!.name);
      expect(s.box).toEqual(bbox(s.mask, s.width));
      expect(s.maskArea).toBe(s.mask.reduce((a, v) => a + v, 0));
      expect(s.maskArea).toBeGreaterThan(0);
      // the mask lies inside the object's own (amodal) mask ...
      expect(s.mask.filter((v, p) => v && !s.amodal[p]).length).toBe(0);
      // ... which is where the artwork lands when drawn again from the reported placement
      const art = await loadArtwork(s.artwork);
      const drawn = drawLayer(art, {
        cx: s.object.center[0], cy: s.object.center[1], scale: s.object.side / Math.max(art.width, art.height),
        angle: (s.object.rotation * Math.PI) / 180, flip: s.object.flip,
      }, IDENTITY, s.width)!;
      const o = s.object.outline;
      const layer = o ? outlineLayer(drawn, s.width, o.width, o.ink) : drawn;
      const redrawn = layerCoverage(layer, s.width);
      expect(s.amodal.filter((v, p) => v !== (redrawn[p]! > 0.5 ? 1 : 0)).length).toBe(0);
      expect(s.amodalArea).toBe(s.amodal.reduce((a, v) => a + v, 0));
      // occlusion removes pixels: only distractors in front can
      const covering = s.distractors.filter((d) => d.placement !== 'behind').length;
      if (s.maskArea < s.amodalArea) expect(covering).toBeGreaterThan(0);
      if (s.distractors.some((d) => d.placement === 'occluder')) {
        occluded++;
        expect(s.maskArea).toBeLessThan(s.amodalArea);
        expect(s.object.occluded).toBeGreaterThan(0);
      }
      // objects are a quarter to seven tenths of the scene side
      expect(s.object.side).toBeGreaterThanOrEqual(0.25 * s.width - 1e-9);
      expect(s.object.side).toBeLessThanOrEqual(0.7 * s.width + 1e-9);
    }
    expect(occluded).toBeGreaterThan(2);
  });

  it('holds artwork and photographs out: the test split shows only artwork and photos the train split never does', async () => {
    const key = (a: { set: string; codepoint: string; classIndex: number }) => `${a.classIndex}:${a.set}:${a.codepoint}`;
    const trainArt = new Set(CLASS_ARTWORK.filter((a) => a.split === 'train').map(key));
    const testArt = new Set(CLASS_ARTWORK.filter((a) => a.split === 'test').map(key));
    expect([...testArt].filter((k) => trainArt.has(k))).toEqual([]);
    for (let k = 0; k < SCENE_CLASSES.length; k++) {
      expect(classArtwork(k, 'test').length).toBeGreaterThanOrEqual(1);
      expect(classArtwork(k, 'train').length).toBeGreaterThanOrEqual(2);
    }
    // the held-out set rotates: every set holds something out
    expect(new Set(CLASS_ARTWORK.filter((a) => a.split === 'test').map((a) => a.set))).toEqual(new Set(ARTWORK_SETS));
    // ... and the held-out artwork is exactly what it was before the training-only sets came (LICENSES.md lists it)
    expect(CLASS_ARTWORK.filter((a) => a.split === 'test').map((a) => `${a.set}:${a.codepoint}`).join(' ')).toBe([
      'noto:1f408 twemoji:1f408-200d-2b1b twemoji:1f415 openmoji:1f429 openmoji:1f41f noto:1f420 noto:1f426 twemoji:1f99c twemoji:1f98b',
      'openmoji:1f422 noto:1f418 twemoji:1f34e openmoji:1f34f openmoji:1f34c noto:1f355 twemoji:1f344 openmoji:1f697 noto:1f699 noto:2708',
      'twemoji:1f6e9 twemoji:1f6b2 openmoji:26f5 noto:1f3b8 twemoji:2602 openmoji:2614 openmoji:1f3e0 noto:1f3e1 noto:1f33b twemoji:1f68c',
      'openmoji:1f68e',
    ].join(' '));
    // the training-only sets are sets of their own, and draw no distractors
    const trainingOnly = TRAINING_ONLY_SETS.map((t) => t.set);
    expect(new Set(trainingOnly).size).toBe(trainingOnly.length);
    expect(trainingOnly.filter((set) => ARTWORK_SETS.includes(set))).toEqual([]);
    expect(Object.keys(ARTWORK_SET_INFO).sort()).toEqual([...ARTWORK_SETS, ...trainingOnly].sort());
    expect(DISTRACTOR_ARTWORK.filter((a) => !ARTWORK_SETS.includes(a.set))).toEqual([]);
    const trainPhotos = new Set(BACKGROUNDS.filter((b) => b.split === 'train').map((b) => b.file));
    const testPhotos = BACKGROUNDS.filter((b) => b.split === 'test').map((b) => b.file);
    expect(testPhotos.length).toBeGreaterThan(0);
    expect(testPhotos.filter((f) => trainPhotos.has(f))).toEqual([]);
    for (let i = 0; i < 20; i++) {
      const s = await test.generate(sceneSeed(5, i), { classIndex: i % SCENE_CLASSES.length });
      expect(testArt.has(key({ ...s.artwork, classIndex: s.classIndex }))).toBe(true);
      expect(testPhotos).toContain(s.background.file);
      const t = await train.generate(sceneSeed(5, i), { classIndex: i % SCENE_CLASSES.length });
      expect(trainArt.has(key({ ...t.artwork, classIndex: t.classIndex }))).toBe(true);
      expect(trainPhotos.has(t.background.file)).toBe(true);
    }
  });

  it('renders every class from every set it claims', async () => {
    for (const a of CLASS_ARTWORK) {
      const art = await loadArtwork(a);
      expect(art.width, `${a.set} ${a.codepoint}`).toBeGreaterThan(32);
      expect(art.height, `${a.set} ${a.codepoint}`).toBeGreaterThan(32);
    }
    for (let k = 0; k < SCENE_CLASSES.length; k++) {
      for (const g of SCENE_CLASSES[k]!.glyphs) {
        const sets = CLASS_ARTWORK.filter((a) => a.classIndex === k && a.codepoint === g.codepoint).map((a) => a.set);
        const extra = TRAINING_ONLY_SETS.filter((t) => !t.lacks.includes(g.codepoint)).map((t) => t.set);
        expect(sets).toEqual([...(g.sets ?? ARTWORK_SETS), ...extra]);
      }
    }
    // the training-only sets are never shown in test scenes, and lack exactly what the catalogue says
    expect(CLASS_ARTWORK.filter((a) => TRAINING_ONLY_SETS.some((t) => t.set === a.set)).every((a) => a.split === 'train')).toBe(true);
    const classCodepoints = SCENE_CLASSES.flatMap((c) => c.glyphs.map((g) => g.codepoint));
    for (const t of TRAINING_ONLY_SETS) {
      expect(t.lacks.filter((cp) => !classCodepoints.includes(cp)), t.set).toEqual([]);
      for (const codepoint of t.lacks) await expect(loadArtwork({ set: t.set, codepoint })).rejects.toThrow(/has no icon/);
    }
    // icon names listed by codepoint are for glyphs the catalogue has
    for (const info of Object.values(ARTWORK_SET_INFO)) {
      const unknown = Object.keys(info.names ?? {}).filter((cp) => !classCodepoints.includes(cp) && !DISTRACTORS.some((g) => g.codepoint === cp));
      expect(unknown, info.name).toEqual([]);
    }
    // no set draws two of its class glyphs with one picture (a name lookup that fell on the wrong icon)
    const seen = new Map<string, string>();
    for (const a of CLASS_ARTWORK) {
      const svg = await artworkSvg(a);
      expect(seen.get(svg), `${a.set} ${a.codepoint}`).toBeUndefined();
      seen.set(svg, `${a.set} ${a.codepoint}`);
    }
  });

  it('redraws some training artwork outlined, and never test artwork', async () => {
    const outlinedTrain = [], outlinedTest = [];
    for (let i = 0; i < 40; i++) {
      if ((await train.generate(sceneSeed(7, i))).object.outline) outlinedTrain.push(i);
      if ((await test.generate(sceneSeed(7, i))).object.outline) outlinedTest.push(i);
    }
    expect(outlinedTrain.length).toBeGreaterThan(4); // 30% of scenes: 12 expected
    expect(outlinedTest).toEqual([]);
  });

  it('outlineLayer draws an ink ring around the silhouette and a line along inner colour edges', () => {
    // a 10x10 square, red on the left half and blue on the right, fully opaque, at (20, 20) on a 64 canvas
    const w = 10, rgb = new Float32Array(w * w * 3), alpha = new Float32Array(w * w).fill(1);
    for (let p = 0; p < w * w; p++) rgb.set(p % w < 5 ? [255, 0, 0] : [0, 0, 255], 3 * p);
    const square: Layer = { x0: 20, y0: 20, width: w, height: w, rgb, alpha };
    const o = outlineLayer(square, 64, 2, 30);
    const at = (x: number, y: number) => { const p = (y - o.y0) * o.width + (x - o.x0); return { a: o.alpha[p]!, r: o.rgb[3 * p]!, b: o.rgb[3 * p + 2]! }; };
    expect(o.x0).toBeLessThanOrEqual(18); expect(o.x0 + o.width - 1).toBeGreaterThanOrEqual(31);
    // the ring: opaque ink up to 2 pixels out, nothing at 4
    for (const [x, y] of [[19, 25], [18, 25], [25, 30], [25, 31], [30, 22]]) expect(at(x, y)).toEqual({ a: 1, r: 30, b: 30 });
    expect(at(16, 25).a).toBe(0);
    // inside: the colours stay, but the red/blue boundary is inked
    expect(at(22, 25)).toEqual({ a: 1, r: 255, b: 0 });
    expect(at(27, 25)).toEqual({ a: 1, r: 0, b: 255 });
    expect(at(24, 25)).toEqual({ a: 1, r: 30, b: 30 });
    // the input layer is left as it was
    expect(square.rgb[3 * 4]).toBe(255);
  });

  it('rejects bad options and says which Debian packages carry missing photographs', async () => {
    expect(() => createSceneGenerator({ size: 8 })).toThrow(/size/);
    expect(() => createSceneGenerator({ split: 'val' as 'train' })).toThrow(/split/);
    await expect(train.generate(1.5)).rejects.toThrow(/integer/);
    await expect(train.generate(1, { classIndex: SCENE_CLASSES.length })).rejects.toThrow(/out of range/);
    const nowhere = createSceneGenerator({ backgroundRoot: join(tmpdir(), 'no-such-backgrounds') });
    await expect(nowhere.generate(1)).rejects.toThrow(/mate-backgrounds.*lomiri-wallpapers-16\.04|apt-get install/);
  });
});

describe('writeSceneDataset', () => {
  it('writes images, masks, labels and annotations that readAnnotations reads, matching the generator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepinside-scenes-'));
    let ticks = 0;
    const { annotations } = await writeSceneDataset(dir, { count: 22, seed: 3, split: 'test', size: 64, onProgress: () => ticks++ });
    expect(ticks).toBe(22);
    const { items } = await readAnnotations(annotations);
    expect(items.length).toBe(22);
    const labels = parseLabels(readFileSync(join(dir, 'labels.txt'), 'utf8'), 'labels.txt');
    expect(labels.names).toEqual(SCENE_CLASSES.map((c) => c.name));
    const gen = createSceneGenerator({ split: 'test', size: 64 });
    for (const [i, a] of items.entries()) {
      expect(a.file).toBe(`images/${String(i).padStart(6, '0')}.png`);
      expect(a.class_index).toBe(i % SCENE_CLASSES.length);
      expect(a.label).toBe(labels.names[a.class_index]);
      const s = await gen.generate(sceneSeed(3, i), { classIndex: i % SCENE_CLASSES.length });
      expect(a.boxes).toEqual([s.box]);
      const img = await sharp(a.path).raw().toBuffer({ resolveWithObject: true });
      expect([img.info.width, img.info.height, img.info.channels]).toEqual([64, 64, 3]);
      expect(img.data.equals(Buffer.from(s.rgb))).toBe(true);
      const mask = await sharp(join(dir, (a as unknown as { mask: string }).mask)).extractChannel(0).raw().toBuffer();
      expect(mask.equals(Buffer.from(s.mask.map((v) => v * 255)))).toBe(true);
    }
    // the same call writes the same bytes
    const dir2 = mkdtempSync(join(tmpdir(), 'deepinside-scenes-'));
    await writeSceneDataset(dir2, { count: 22, seed: 3, split: 'test', size: 64 });
    for (const f of ['annotations.json', 'labels.txt', 'images/000007.png', 'masks/000021.png']) {
      expect(readFileSync(join(dir2, f)).equals(readFileSync(join(dir, f)))).toBe(true);
    }
  });
});

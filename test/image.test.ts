import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, ImageError, DEFAULT_MAX_PIXELS, type RgbImage } from '../ts/image/decode.js';
import { resizeRgb, resizeMap, mapToSource } from '../ts/image/resize.js';
import { getPreset, toTensorData, fromTensorData } from '../ts/image/preprocess.js';
import { applyColormap, normalise, overlay } from '../ts/image/colormap.js';
import { encodePng, writeFileAtomic } from '../ts/image/encode.js';

/** Deterministic noisy RGB test pattern (noise keeps JPEG data large enough to cut in half). */
function pattern(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + (i >> 5) * 31) % 251;
  return data;
}

function encode(data: Uint8Array, width: number, height: number, channels: 3 | 4 = 3) {
  return sharp(data, { raw: { width, height, channels } });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deepinside-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('decodeImage', () => {
  it('decodes a PNG buffer losslessly', async () => {
    const px = pattern(20, 10);
    const png = await encode(px, 20, 10).png().toBuffer();
    const img = await decodeImage(png);
    expect([img.width, img.height]).toEqual([20, 10]);
    expect(Array.from(img.data)).toEqual(Array.from(px));
  });

  it('decodes a JPEG buffer and a file', async () => {
    const jpg = await encode(pattern(32, 24), 32, 24).jpeg().toBuffer();
    const img = await decodeImage(jpg);
    expect([img.width, img.height, img.data.length]).toEqual([32, 24, 32 * 24 * 3]);
    const file = join(dir, 'ok.jpg');
    await writeFile(file, jpg);
    expect((await decodeImage(file)).width).toBe(32);
  });

  it('flattens PNG alpha onto black and applies EXIF orientation', async () => {
    const rgba = new Uint8Array([200, 100, 50, 0, 200, 100, 50, 255]);
    const img = await decodeImage(await encode(rgba, 2, 1, 4).png().toBuffer());
    expect(Array.from(img.data)).toEqual([0, 0, 0, 200, 100, 50]);
    // Orientation 6 = rotate 90° clockwise to display: a 4x2 stored image shows as 2x4.
    const rotated = await encode(pattern(4, 2), 4, 2).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const r = await decodeImage(rotated);
    expect([r.width, r.height]).toEqual([2, 4]);
  });

  it('accepts raw RGB and RGBA', async () => {
    const rgb = await decodeImage({ data: new Uint8Array([1, 2, 3, 4, 5, 6]), width: 2, height: 1, channels: 3 });
    expect(Array.from(rgb.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const rgba = await decodeImage({
      data: new Uint8ClampedArray([255, 255, 255, 255, 200, 100, 50, 0]), width: 1, height: 2, channels: 4,
    });
    expect(Array.from(rgba.data)).toEqual([255, 255, 255, 0, 0, 0]);
  });

  it('reports a missing file by name', async () => {
    const file = join(dir, 'missing.png');
    await expect(decodeImage(file)).rejects.toThrow(ImageError);
    await expect(decodeImage(file)).rejects.toThrow(`${file}: file not found`);
  });

  it('reports an empty file and an empty buffer', async () => {
    const file = join(dir, 'empty.png');
    await writeFile(file, new Uint8Array(0));
    await expect(decodeImage(file)).rejects.toThrow(`${file}: empty file`);
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/image buffer: empty/);
  });

  it('reports a text file as not an image', async () => {
    const file = join(dir, 'notes.png');
    await writeFile(file, 'this is just some text, not pixels\n');
    await expect(decodeImage(file)).rejects.toThrow(`${file}: not an image, or an unsupported format`);
    await expect(decodeImage(Buffer.from('hello'), { name: 'upload' })).rejects.toThrow(/^upload: not an image/);
  });

  it('reports a truncated JPEG', async () => {
    const jpg = await encode(pattern(128, 96), 128, 96).jpeg().toBuffer();
    const file = join(dir, 'half.jpg');
    await writeFile(file, jpg.subarray(0, jpg.length >> 1));
    await expect(decodeImage(file)).rejects.toThrow(`${file}: truncated or corrupt image data`);
  });

  it('reports raw size mismatches and zero sizes', async () => {
    const data = new Uint8Array(11);
    await expect(decodeImage({ data, width: 2, height: 2, channels: 3 })).rejects.toThrow(/11 bytes but 2x2x3 needs 12/);
    await expect(decodeImage({ data: new Uint8Array(0), width: 0, height: 5, channels: 3 })).rejects.toThrow(/zero size/);
  });

  it('refuses images over the pixel limit from the header, naming size and limit', async () => {
    const png = await encode(pattern(20, 10), 20, 10).png().toBuffer();
    await expect(decodeImage(png, { maxPixels: 199, name: 'big.png' })).rejects.toThrow(
      'big.png: image is 20x10 = 200 pixels, over the limit of 199 pixels',
    );
    await expect(decodeImage(png, { maxPixels: 200 })).resolves.toBeTruthy();
    await expect(
      decodeImage({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 }, { maxPixels: 3 }),
    ).rejects.toThrow(/over the limit of 3 pixels/);
    expect(DEFAULT_MAX_PIXELS).toBe(50_000_000);
  });
});

describe('resize', () => {
  it('stretches and centre-crops, reporting the source crop', async () => {
    const img: RgbImage = { data: pattern(64, 32), width: 64, height: 32 };
    const s = await resizeRgb(img, 16, 16, 'stretch');
    expect(s.crop).toEqual({ x: 0, y: 0, width: 64, height: 32 });
    expect(s.image.data.length).toBe(16 * 16 * 3);
    const c = await resizeRgb(img, 16, 16, 'center-crop');
    expect(c.crop).toEqual({ x: 16, y: 0, width: 32, height: 32 });
    expect([c.image.width, c.image.height]).toEqual([16, 16]);
  });

  it('centre-crop of a constant-colour left/right split keeps only the middle', async () => {
    // Left quarter red, right quarter blue, middle green: a square crop sees only green.
    const w = 40, h = 20;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const c = x < 10 ? 0 : x >= 30 ? 2 : 1;
      data[(y * w + x) * 3 + c] = 255;
    }
    const { image } = await resizeRgb({ data, width: w, height: h }, 8, 8, 'center-crop');
    for (let i = 0; i < 64; i++) expect(Array.from(image.data.subarray(i * 3, i * 3 + 3))).toEqual([0, 255, 0]);
  });

  it('resizeMap interpolates a ramp with pixel-centre alignment', () => {
    const up = resizeMap(new Float32Array([0, 1]), 2, 1, 4, 1);
    expect(Array.from(up)).toEqual([0, 0.25, 0.75, 1]);
    const down = resizeMap(new Float32Array([0, 1, 2, 3]), 4, 1, 2, 1);
    expect(Array.from(down)).toEqual([0.5, 2.5]);
    const same = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(Array.from(resizeMap(same, 3, 2, 3, 2))).toEqual(Array.from(same));
    expect(() => resizeMap(same, 2, 2, 4, 4)).toThrow(/6 values/);
  });

  it('mapToSource places the map inside the crop and zeros outside', () => {
    const map = new Float32Array([1, 2, 3, 4]); // 2x2
    const out = mapToSource(map, 2, 2, { x: 2, y: 1, width: 2, height: 2 }, 5, 4);
    expect(Array.from(out)).toEqual([
      0, 0, 0, 0, 0,
      0, 0, 1, 2, 0,
      0, 0, 3, 4, 0,
      0, 0, 0, 0, 0,
    ]);
    const whole = mapToSource(new Float32Array([0, 1]), 2, 1, { x: 0, y: 0, width: 4, height: 1 }, 4, 1);
    expect(Array.from(whole)).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('preprocess', () => {
  const img: RgbImage = { data: pattern(5, 3), width: 5, height: 3 };

  it('round-trips every preset and layout', () => {
    for (const name of ['imagenet', 'caffe', 'unit']) {
      for (const layout of ['NCHW', 'NHWC'] as const) {
        const p = getPreset(name);
        const t = toTensorData([img, img], p, layout);
        expect(t.length).toBe(2 * 5 * 3 * 3);
        expect(Array.from(fromTensorData(t, 5, 3, p, layout).data)).toEqual(Array.from(img.data));
      }
    }
  });

  it('imagenet normalises RGB', () => {
    const px: RgbImage = { data: new Uint8Array([255, 0, 128]), width: 1, height: 1 };
    const t = toTensorData([px], getPreset('imagenet'), 'NCHW');
    expect(t[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(t[1]).toBeCloseTo(-0.456 / 0.224, 5);
    expect(t[2]).toBeCloseTo((128 / 255 - 0.406) / 0.225, 5);
  });

  it('caffe uses BGR order and subtracts BGR means without scaling', () => {
    const px: RgbImage = { data: new Uint8Array([10, 20, 30, 40, 50, 60]), width: 2, height: 1 };
    const p = getPreset('caffe');
    expect(p.channelOrder).toBe('BGR');
    expect(Array.from(toTensorData([px], p, 'NCHW'))).toEqual([30 - 104, 60 - 104, 20 - 117, 50 - 117, 10 - 123, 40 - 123]);
    expect(Array.from(toTensorData([px], p, 'NHWC'))).toEqual([30 - 104, 20 - 117, 10 - 123, 60 - 104, 50 - 117, 40 - 123]);
  });

  it('clamps out-of-range tensors and rejects bad input', () => {
    const p = getPreset('unit');
    const back = fromTensorData(new Float32Array([2, -1, 0.5]), 1, 1, p, 'NHWC');
    expect(Array.from(back.data)).toEqual([255, 0, 128]);
    expect(() => getPreset('vgg')).toThrow('unknown preprocessing preset "vgg"; valid presets: imagenet, caffe, unit');
    const other: RgbImage = { data: pattern(4, 3), width: 4, height: 3 };
    expect(() => toTensorData([img, other], p, 'NCHW')).toThrow(/image 1 is 4x3/);
  });

  it('getPreset returns an independent copy', () => {
    getPreset('imagenet').mean[0] = 99;
    expect(getPreset('imagenet').mean[0]).toBe(0.485);
  });
});

describe('colormap', () => {
  it('has the standard endpoints', () => {
    expect(Array.from(applyColormap(new Float32Array([0, 1]), 'viridis'))).toEqual([68, 1, 84, 253, 231, 37]);
    expect(Array.from(applyColormap(new Float32Array([0, 0.5, 1]), 'jet'))).toEqual([0, 0, 128, 123, 255, 123, 128, 0, 0]);
    // Out-of-range values clamp to the ends.
    expect(Array.from(applyColormap(new Float32Array([-3, 7]), 'viridis'))).toEqual([68, 1, 84, 253, 231, 37]);
  });

  it('normalise and overlay', () => {
    expect(Array.from(normalise(new Float32Array([2, 4, 6])))).toEqual([0, 0.5, 1]);
    expect(Array.from(normalise(new Float32Array([3, 3])))).toEqual([0, 0]);
    const img: RgbImage = { data: new Uint8Array([100, 100, 100]), width: 1, height: 1 };
    const o = overlay(img, new Float32Array([1]), { colormap: 'viridis', alpha: 0.5 });
    expect(Array.from(o.data)).toEqual([177, 166, 69]);
    expect(() => overlay(img, new Float32Array(2))).toThrow(/2 values/);
  });
});

describe('encode', () => {
  it('encodes RGB and grey PNGs that decode back', async () => {
    const rgb: RgbImage = { data: pattern(6, 4), width: 6, height: 4 };
    expect(Array.from((await decodeImage(await encodePng(rgb))).data)).toEqual(Array.from(rgb.data));
    const grey = await encodePng({ data: new Uint8Array([0, 128, 255, 7]), width: 2, height: 2, channels: 1 });
    const meta = await sharp(grey).metadata();
    expect([meta.format, meta.channels, meta.width]).toEqual(['png', 1, 2]);
  });

  it('writeFileAtomic creates directories and leaves no temporary files', async () => {
    const target = join(dir, 'a', 'b', 'out.bin');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(target, new Uint8Array([4, 5]));
    expect(Array.from(await readFile(target))).toEqual([4, 5]);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.bin']);
  });

  it('writeFileAtomic leaves no debris when the rename fails', async () => {
    const target = join(dir, 'isdir');
    await writeFileAtomic(join(target, 'x'), 'x'); // makes `target` a non-empty directory
    await expect(writeFileAtomic(target, 'y')).rejects.toThrow();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

// The CLI end to end, and every kind of bad input: a clear message, a non-zero exit, no output files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { TestNet } from './helpers/net.js';
import { CLASSES, sceneImage, tempDir, tinyClassifier, writeFixture } from './helpers/fixtures.js';
import { encodeModel } from '../ts/onnx/codec.js';
import { decodeModel } from '../ts/onnx/codec.js';
import { encodePng } from '../ts/image/encode.js';
import { Explainer } from '../ts/explainer.js';
import { SELECTOR_FEATURES, seedings } from '../ts/seed-selection.js';


describe('deepinside CLI', () => {
  let dir: string, model: string, png: string, jpg: string, labels: string;
  beforeAll(async () => {
    dir = tempDir();
    model = writeFixture(dir, 'tiny.onnx', tinyClassifier());
    png = writeFixture(dir, 'scene.png', await sceneImage(48, 40));
    jpg = writeFixture(dir, 'photo.jpg', await sceneImage(40, 40, 'jpeg'));
    labels = writeFixture(dir, 'labels.txt', Array.from({ length: CLASSES }, (_, i) => `n0000000${i} thing${i}, other name`).join('\n'));
  });

  it('saliency writes heatmap and overlay PNGs and JSON per image, and --json to stdout', async () => {
    const out = join(dir, 'out');
    const r = await cli(['saliency', png, jpg, '--model', model, '--preset', 'unit', '--labels', labels, '--target', 'top', '--target', '4', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toHaveLength(2);
    expect(summary[0].maps[1].target).toMatchObject({ index: 4, label: 'thing4' });
    const files = readdirSync(out).sort();
    expect(files).toContain('scene.json');
    expect(files).toContain('scene.4.overlay.png');
    expect(files).toContain('photo.4.saliency.png');
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(8);
    const json = JSON.parse(readFileSync(join(out, 'scene.json'), 'utf8'));
    expect([json.width, json.height]).toEqual([48, 40]);
  });

  it('takes directories and globs of images', async () => {
    const images = tempDir();
    writeFixture(images, 'a.png', readFileSync(png));
    writeFixture(images, 'b.jpg', readFileSync(jpg));
    writeFixture(images, 'notes.md', 'not an image, and not picked up');
    const out = join(dir, 'out-glob');
    const r = await cli(['saliency', images, '--model', model, '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    const g = await cli(['classify', join(images, '*.png'), '--model', model, '--json', '--top', '3']);
    expect(g.code).toBe(0);
    const parsed = JSON.parse(g.stdout);
    expect(parsed).toHaveLength(1);
    expect(parsed[0].predictions).toHaveLength(3);
  });

  it('classify --dataset prints top-1 and top-5 error', async () => {
    const ann = writeFixture(dir, 'ann.json', JSON.stringify([{ file: 'scene.png', class_index: 0 }, { file: 'photo.jpg', class_index: 1 }]));
    const r = await cli(['classify', '--dataset', ann, '--model', model, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.n).toBe(2);
    expect(s.classification.top1Error).toBeGreaterThanOrEqual(0);
    expect(s.classification.top5Error).toBeLessThanOrEqual(s.classification.top1Error);
  });

  it('gradify writes a gradient model with the documented contract', async () => {
    const out = join(dir, 'grad.onnx');
    const r = await cli(['gradify', model, out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/removed the trailing Softmax/);
    const gm = decodeModel(readFileSync(out), out);
    expect(gm.graph.inputs.map((v) => v.name)).toEqual(['x', 'class_weights']);
    expect(gm.graph.outputs.map((v) => [v.name, v.shape])).toEqual([
      ['scores', ['N', CLASSES]], ['input_gradient', ['N', 3, 32, 32]],
      // the last feature map (16 channels, 8x8) and its gradient, for Grad-CAM
      ['cam_activation', ['N', 16, 8, 8]], ['cam_gradient', ['N', 16, 8, 8]],
    ]);
    expect(r.stdout).toMatch(/cam_activation and cam_gradient \(\S+ \[N, 16, 8, 8\]\)/);
  });

  it('localise writes mask and box-overlay PNGs and JSON per image, on either core', async () => {
    for (const backend of ['native', 'wasm']) {
      const out = join(dir, `loc-${backend}`);
      const r = await cli(['localise', png, '--model', model, '--backend', backend, '--top-k', '2', '--out', out, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const [s] = JSON.parse(r.stdout);
      expect(s.backend).toBe(backend);
      expect(s.settings.map, 'the JSON says which map ran').toBe('gradient');
      expect(s.localisations).toHaveLength(2);
      const files = readdirSync(out);
      expect(files.filter((f) => f.endsWith('.mask.png'))).toHaveLength(2);
      expect(files.filter((f) => f.endsWith('.box.png'))).toHaveLength(2);
      expect(files).toContain('scene.json');
    }
  });

  it('localise --refine runs the second, rectangle-mode pass and says so; bad margins are refused', async () => {
    const out = join(dir, 'loc-refine');
    const r = await cli(['localise', png, '--model', model, '--refine', '0.1', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s.settings.refine).toBe(0.1);
    const off = await cli(['localise', png, '--model', model, '--refine', 'off', '--out', join(dir, 'loc-off'), '--json']);
    expect(JSON.parse(off.stdout)[0].settings.refine).toBe(false);
    for (const bad of ['2', '-1', 'wide']) {
      const e = await cli(['localise', png, '--model', model, '--refine', bad, '--out', join(dir, 'loc-bad')]);
      expect(e.code).not.toBe(0);
      expect(e.stderr).toMatch(new RegExp(`--refine <margin>' argument '${bad}' is invalid. expected 'off' or a margin from 0 to 1`));
    }
  });

  it('localise --border seeds a background frame and says so; bad widths are refused', async () => {
    const r = await cli(['localise', png, '--model', model, '--border', '0.05', '--out', join(dir, 'loc-border'), '--json']);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s.settings.border).toBe(0.05);
    const box = s.localisations[0].box, { width, height } = s;
    // without the frame this scene's mask reaches the bottom edge; with it, nothing of the mask lies in the frame
    const plain = JSON.parse((await cli(['localise', png, '--model', model, '--out', join(dir, 'loc-noborder'), '--json'])).stdout)[0];
    expect(plain.localisations[0].box[3]).toBe(height - 1);
    expect(box[0]).toBeGreaterThan(0);
    expect(box[1]).toBeGreaterThan(0);
    expect(box[2]).toBeLessThan(width - 1);
    expect(box[3]).toBeLessThan(height - 1);
    for (const bad of ['0.5', '-0.1', 'wide', '']) {
      const e = await cli(['localise', png, '--model', model, '--border', bad, '--out', join(dir, 'loc-bad')]);
      expect(e.code).not.toBe(0);
      expect(e.stderr).toMatch(/--border <fraction>' argument .* is invalid. expected a fraction of the side from 0 to below 0.5/);
    }
  });

  it('localise --select runs a seed selector from a file and says which seeding it kept; off and bad files are handled', async () => {
    const D = SELECTOR_FEATURES.length;
    const sel = { fgQuantiles: [0.97, 0.9], bgQuantiles: [0.3, 0.6], refine: [false, 0], mean: new Array(D).fill(0), scale: new Array(D).fill(1), weights: new Array(D).fill(0.1), bias: 0 };
    const file = writeFixture(dir, 'selector.json', JSON.stringify(sel));
    const r = await cli(['localise', png, '--model', model, '--select', file, '--out', join(dir, 'loc-sel'), '--json']);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s.settings.select).toEqual(sel);
    expect(seedings(sel)).toContainEqual(s.localisations[0].seeding);
    expect(s.localisations[0].selectorScore).toEqual(expect.any(Number));
    const off = await cli(['localise', png, '--model', model, '--select', 'off', '--out', join(dir, 'loc-sel-off'), '--json']);
    expect(JSON.parse(off.stdout)[0].localisations[0].seeding).toEqual({ fgQuantile: 0.95, bgQuantile: 0.3, refine: false });
    const missing = await cli(['localise', png, '--model', model, '--select', join(dir, 'nope.json'), '--out', join(dir, 'loc-sel-bad')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read the seed selector file .*nope.json/);
    const bad = writeFixture(dir, 'bad-selector.json', JSON.stringify({ ...sel, weights: [1] }));
    const wrong = await cli(['localise', png, '--model', model, '--select', bad, '--out', join(dir, 'loc-sel-bad')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/select.weights must be/);
    expect(existsSync(join(dir, 'loc-sel-bad'))).toBe(false);
  });

  it('evaluate --json reports classification and localisation error next to the fixed-box baselines', async () => {
    const ann = writeFixture(dir, 'boxes.json', JSON.stringify([
      { file: 'scene.png', class_index: 0, boxes: [[12, 10, 35, 29]] },
      { file: 'photo.jpg', class_index: 1, boxes: [[0, 0, 39, 39]] },
    ]));
    const r = await cli(['evaluate', '--dataset', ann, '--model', model, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.n).toBe(2);
    expect(s.settings.downsample).toBe(1); // 'auto', as it ran on the 32x32 model input
    for (const k of ['classification', 'localisation', 'baselines.wholeImage', 'baselines.centre80', 'baselines.saliencyBox']) {
      const v = k.split('.').reduce((o, p) => o[p], s);
      expect(v.top1Error).toBeGreaterThanOrEqual(0);
      expect(v.top5Error).toBeLessThanOrEqual(v.top1Error);
    }
    expect(s.localisation.top5Error).toBeGreaterThanOrEqual(s.classification.top5Error);
    expect(s.meanMaskIou).toBeUndefined();
    const bad = await cli(['evaluate', '--dataset', writeFixture(dir, 'nobox.json', JSON.stringify([{ file: 'scene.png', class_index: 0 }])), '--model', model]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nobox\.json: scene\.png has no ground-truth boxes/);
  });

  it('evaluate reports the mean mask IoU of the true class when the annotations have masks', async () => {
    // a mask equal to the whole image: the IoU is then the localised mask's share of the image
    const grey = { data: new Uint8Array(48 * 40).fill(255), width: 48, height: 40, channels: 1 as const };
    writeFixture(dir, 'full-mask.png', await encodePng(grey));
    const ann = writeFixture(dir, 'masks.json', JSON.stringify([{ file: 'scene.png', class_index: 0, boxes: [[0, 0, 47, 39]], mask: 'full-mask.png' }]));
    const r = await cli(['evaluate', '--dataset', ann, '--model', model, '--json']);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout);
    // against a whole-image mask, the IoU is the share of the image the true class's mask covers
    const ex = await Explainer.load(model);
    const [loc] = await ex.localise(png, { topK: 5 });
    await ex.close();
    const mine = loc!.localisations.find((l) => l.target.index === 0);
    const expected = mine ? mine.mask.reduce((a, v) => a + v, 0) / (48 * 40) : 0;
    expect(s.meanMaskIou).toBeCloseTo(expected, 9);
    const wrong = writeFixture(dir, 'wrong-mask.json', JSON.stringify([{ file: 'scene.png', class_index: 0, boxes: [[0, 0, 47, 39]], mask: 'photo.jpg' }]));
    const bad = await cli(['evaluate', '--dataset', wrong, '--model', model]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/photo\.jpg: the mask is 40x40, its image 48x40/);
  });

  it('explain writes predictions, saliency, mask and box pictures, JSON and a contact sheet', async () => {
    const out = join(dir, 'out-explain');
    const r = await cli(['explain', png, jpg, '--model', model, '--preset', 'unit', '--labels', labels, '--out', out, '--top', '3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote 2 ×/);
    const files = readdirSync(out).sort();
    for (const f of ['scene.saliency.png', 'scene.overlay.png', 'scene.mask.png', 'scene.box.png', 'scene.json', 'photo.json', 'summary.json', 'summary.png']) expect(files).toContain(f);
    const json = JSON.parse(readFileSync(join(out, 'scene.json'), 'utf8'));
    expect(json.predictions).toHaveLength(3);
    expect(json.target.index).toBe(json.predictions[0].index);
    expect(json.target.label).toMatch(/^thing\d$/);
    expect(json.box === null || json.box.length === 4).toBe(true);
  });

  describe('bad input: message, non-zero exit, no output', () => {
    const expectFailure = async (args: string[], message: RegExp) => {
      const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
      const r = await cli([...args, '--out', out]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out), 'no output directory').toBe(false);
    };
    const sal = (image: string, extra: string[] = []) => ['saliency', image, '--model', model, ...extra];

    it('not an image', async () => {
      await expectFailure(sal(writeFixture(dir, 'notes.txt', 'hello, world')), /notes\.txt: not an image/);
    });
    it('a truncated JPEG', async () => {
      const full = await sceneImage(64, 64, 'jpeg');
      await expectFailure(sal(writeFixture(dir, 'cut.jpg', full.subarray(0, full.length >> 1))), /cut\.jpg: truncated or corrupt/);
    });
    it('an empty file', async () => {
      await expectFailure(sal(writeFixture(dir, 'empty.png', '')), /empty\.png: empty file/);
    });
    it('a missing image', async () => {
      await expectFailure(sal(join(dir, 'nope.png')), /nope\.png: file not found/);
    });
    it('one bad image among good ones stops before anything is written', async () => {
      await expectFailure(['saliency', png, writeFixture(dir, 'bad.png', 'xx'), '--model', model], /bad\.png: not an image/);
    });
    it('a missing model', async () => {
      await expectFailure(['saliency', png, '--model', join(dir, 'missing.onnx')], /missing\.onnx: model file not found/);
    });
    it('a file that is not ONNX', async () => {
      await expectFailure(['saliency', png, '--model', writeFixture(dir, 'fake.onnx', 'this is not protobuf at all')], /fake\.onnx: not an ONNX model/);
    });
    it('a model without an image-like input', async () => {
      const t = new TestNet([4], 1, 'vector');
      const m = writeFixture(dir, 'vector.onnx', encodeModel(t.done(t.op('Relu', [t.x]))));
      await expectFailure(['saliency', png, '--model', m], /vector\.onnx: no image-like inputs.*x float32\[4\]/);
    });
    it('an op without a backward rule', async () => {
      const t = new TestNet(['N', 3, 8, 8], 1, 'erf');
      const m = writeFixture(dir, 'erf.onnx', encodeModel(t.done(t.op('Flatten', [t.op('Erf', [t.conv(t.x, 3, 2, 3)])]))));
      await expectFailure(['saliency', png, '--model', m], /erf\.onnx: op 'Erf' \(node 'Erf'\) has no backward rule/);
    });
    it('a target out of range', async () => {
      await expectFailure(sal(png, ['--target', '10']), /target 10 is out of range: the model has classes 0 to 9/);
    });
    it('an image over the size limit', async () => {
      await expectFailure(sal(png, ['--max-pixels', '1000']), /scene\.png: image is 48x40 = 1920 pixels, over the limit of 1000/);
    });
    it('gradify on an unsupported op writes nothing', async () => {
      const t = new TestNet(['N', 3, 8, 8], 1, 'erf2');
      const m = writeFixture(dir, 'erf2.onnx', encodeModel(t.done(t.op('Erf', [t.x]))));
      const out = join(dir, 'erf2-grad.onnx');
      const r = await cli(['gradify', m, out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/op 'Erf'/);
      expect(existsSync(out)).toBe(false);
    });
  });
});

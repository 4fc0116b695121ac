// `deepinside visualise` and the visualisations `explain` adds, end to end; bad options fail with a
// clear message, a non-zero exit and no output.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { CLASSES, SIZE, sceneImage, tempDir, tinyClassifier, writeFixture } from './helpers/fixtures.js';


describe('deepinside visualise', () => {
  let dir: string, model: string, labels: string;
  beforeAll(() => {
    dir = tempDir();
    model = writeFixture(dir, 'tiny.onnx', tinyClassifier());
    labels = writeFixture(dir, 'labels.txt', Array.from({ length: CLASSES }, (_, i) => `n0000000${i} thing ${i}, other name`).join('\n'));
  });

  it('writes one PNG per class, a grid and visualise.json', async () => {
    const out = join(dir, 'vis');
    const r = await cli(['visualise', '--model', model, '--preset', 'unit', '--labels', labels, '--target', '3', '--target', 'thing 5', '--style', 'clear', '--steps', '12', '--seed', '4', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['3-thing-3.png', '5-thing-5.png', 'grid.png', 'visualise.json']);
    const json = JSON.parse(readFileSync(join(out, 'visualise.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(json);
    expect(json.settings).toMatchObject({ preset: 'clear', steps: 12, seed: 4, parametrisation: 'fourier' });
    expect(json.classes.map((c: { target: { label: string } }) => c.target.label)).toEqual(['thing 3', 'thing 5']);
    expect(json.classes[0].scores).toHaveLength(12);
    expect(json.classes[0].finalScore).toBeGreaterThan(json.classes[0].scores[0]);
    const meta = await sharp(join(out, '3-thing-3.png')).metadata();
    expect([meta.width, meta.height]).toEqual([SIZE, SIZE]);
    const grid = await sharp(join(out, 'grid.png')).metadata();
    expect(grid.width).toBeGreaterThan(2 * 128);
  });

  it('--target all visualises every class; the paper style by default', async () => {
    const out = join(dir, 'vis-all');
    const r = await cli(['visualise', '--model', model, '--target', 'all', '--steps', '3', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+\/10 classified as their target/);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(CLASSES + 1);
    expect(JSON.parse(readFileSync(join(out, 'visualise.json'), 'utf8')).settings).toMatchObject({ preset: 'paper', optimizer: 'sgd', l2: expect.any(Number) });
  });

  it('explain adds a visualisation of each predicted class, listed in the JSON', async () => {
    const png = writeFixture(dir, 'scene.png', await sceneImage(48, 40));
    const out = join(dir, 'explain');
    const r = await cli(['explain', png, '--model', model, '--preset', 'unit', '--labels', labels, '--out', out, '--visualise-steps', '5']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary[0].visualisation).toBe(join(out, 'visualise', `${summary[0].target.index}-thing-${summary[0].target.index}.png`));
    expect(existsSync(summary[0].visualisation)).toBe(true);
    expect(existsSync(join(out, 'visualise.png'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'visualise.json'), 'utf8')).settings).toMatchObject({ preset: 'clear', steps: 5 });
    const none = join(dir, 'explain-none');
    expect((await cli(['explain', png, '--model', model, '--out', none, '--no-visualise'])).code).toBe(0);
    expect(existsSync(join(none, 'visualise.png'))).toBe(false);
  });

  it.each([
    [['--target', '3', '--steps', '-1'], /steps must be an integer from 1 to 100000, got -1/],
    [['--target', '3', '--lr', 'NaN'], /'--lr <rate>' argument 'NaN' is invalid/],
    [['--target', '3', '--l2', '-0.5'], /l2 must be a number from 0 .* got -0.5/],
    [['--target', 'zebra'], /target 'zebra' is not a class label/],
    [['--target', '12'], /target 12 is out of range/],
    [['--target', 'top'], /--target top has no meaning for visualise/],
    [[], /give one or more --target classes/],
    [['--target', '3', '--style', 'pretty'], /argument 'pretty' is invalid/],
  ])('bad options %j: message, non-zero exit, no output', async (args, message) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    const r = await cli(['visualise', '--model', model, ...args, '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});

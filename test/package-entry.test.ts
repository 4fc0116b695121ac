// The package entry exposes the API, and Explainer.gradients() (the building block of class model
// visualisation) is the same computation as saliency() on the same tensor.
import { describe, expect, it } from 'vitest';
import * as pkg from '../ts/index.js';
import { CLASSES, SIZE, sceneImage, tinyClassifier } from './helpers/fixtures.js';
import { decodeImage } from '../ts/image/decode.js';
import { resizeRgb } from '../ts/image/resize.js';
import { getPreset, toTensorData } from '../ts/image/preprocess.js';

describe('package entry', () => {
  it('exports the public API', () => {
    for (const name of ['Explainer', 'localise', 'loadCore', 'decodeImage', 'createSceneGenerator', 'iou', 'seedings', 'SELECTOR_FEATURES', 'DEFAULT_MODEL']) {
      expect(pkg, name).toHaveProperty(name);
    }
  });

  it('gradients() gives the input gradient saliency() is built from, and checks its rows', async () => {
    const ex = await pkg.Explainer.load(tinyClassifier(), { preset: 'unit' });
    const image = await sceneImage(48, 40);
    const [r] = await ex.saliency(image, { target: 4 });
    const { image: resized } = await resizeRgb(await decodeImage(image), SIZE, SIZE, 'stretch');
    const tensor = toTensorData([resized], getPreset('unit'), 'NCHW');
    const weights = new Float32Array(CLASSES); weights[4] = 1;
    const [g] = await ex.gradients([{ tensor, weights }]);
    expect(g!.gradient.length).toBe(ex.tensorLength);
    expect(pkg.channelMaxAbs(g!.gradient, 'NCHW', SIZE, SIZE)).toEqual(r!.maps[0]!.raw);
    expect(g!.scores[4]).toBeCloseTo(r!.maps[0]!.target.score, 5);
    await expect(ex.gradients([{ tensor: tensor.subarray(1), weights }])).rejects.toThrow(/row 0 has 3071 tensor values, the model takes 3072/);
    await expect(ex.gradients([{ tensor, weights: new Float32Array(3) }])).rejects.toThrow(/3 class weights, the model has 10 classes/);
    await ex.close();
  });
});

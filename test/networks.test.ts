// Whole-network gradient checks: reduced-size nets shaped like the ImageNet families, gradified and
// run in onnxruntime, against float64 central differences of the original graph.
import { describe, expect, it } from 'vitest';
import { gradify } from '../ts/graph/gradify.js';
import { FAMILIES } from './helpers/families.js';
import { gradCheck } from './helpers/gradcheck.js';

const TOLERANCE = 1e-3;

describe('whole-network gradients of ImageNet-shaped families', () => {
  for (const f of FAMILIES) {
    it(f.name, async () => {
      const model = f.build();
      const { info } = gradify(model);
      expect(info.removedSoftmax).toBe(f.softmax);
      expect(info.classes).toBe(10);
      expect(info.scoresShape).toEqual([f.input[0], 10]);

      const r = await gradCheck(model, f.input, { samples: 48, scale: f.scale });
      // activations at a realistic scale: scores neither vanish nor blow up
      const maxScore = Math.max(...Array.from(r.scores, Math.abs));
      expect(r.scores.every(Number.isFinite)).toBe(true);
      expect(maxScore).toBeGreaterThan(1e-2);
      expect(maxScore).toBeLessThan(1e2);
      expect(r.checked).toBe(48);
      expect(r.maxAbsGrad, 'gradient should not vanish').toBeGreaterThan(1e-6);
      expect(r.relError).toBeLessThan(TOLERANCE);
    });
  }
});

// Runs a table of single-op gradient checks: each case builds a tiny net around one op.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../ts/graph/ir.js';
import { gradCheck } from './gradcheck.js';
import { TestNet } from './net.js';

export interface OpCase {
  name: string;
  input: number[];
  build: (t: TestNet) => string;
  scale?: number;
}

export const TOLERANCE = 1e-3;

export function gradientCases(title: string, cases: OpCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const t = new TestNet(c.input, c.name.length * 31 + 5, c.name.replace(/\W+/g, '_'));
        const model: Model = t.done(c.build(t));
        const r = await gradCheck(model, c.input, { scale: c.scale });
        expect(r.maxAbsGrad, 'gradient should not vanish').toBeGreaterThan(1e-6);
        expect(r.relError).toBeLessThan(TOLERANCE);
      });
    }
  });
}

// Builds small ONNX models in the IR for tests: random weights from a seeded generator.
import { GraphBuilder } from '../../ts/graph/builder.js';
import { type Attr, type Dim, type Model, floatTensor } from '../../ts/graph/ir.js';

import { seededRandom as rng } from '../../ts/random.js';

export { rng };

export class TestNet {
  readonly model: Model;
  readonly b: GraphBuilder;
  readonly x = 'x';
  readonly rand: () => number;

  constructor(inputShape: Dim[], seed = 1, name = 'testnet', opset = 17) {
    this.rand = rng(seed);
    this.model = {
      graph: { name, nodes: [], inputs: [{ name: 'x', dtype: 'float32', shape: inputShape }], outputs: [], initializers: new Map() },
      opset, irVersion: 8, producer: 'deepinside-tests', metadata: {}, source: `${name}.onnx`,
    };
    this.b = new GraphBuilder(this.model.graph);
  }

  /** A float initializer with values uniform in [-scale, scale] (plus `offset`). */
  weight(dims: number[], scale = 0.5, offset = 0): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.b.tensor(floatTensor(dims, Array.from({ length: n }, () => offset + scale * (2 * this.rand() - 1))), 'w');
  }

  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.b.node(op, inputs, attrs);
  }

  opN(op: string, inputs: string[], n: number, attrs: Record<string, Attr> = {}): string[] {
    return this.b.nodeN(op, inputs, attrs, n);
  }

  ints(v: number[]): string {
    return this.b.ints(v);
  }

  conv(x: string, cin: number, cout: number, k: number, attrs: Record<string, Attr> = {}, group = 1): string {
    return this.op('Conv', [x, this.weight([cout, cin / group, k, k], 1 / Math.sqrt((cin / group) * k * k)), this.weight([cout], 0.1)], {
      ...attrs, group: { t: 'int', v: group },
    });
  }

  done(output: string, shape: Dim[] | null = null): Model {
    this.model.graph.outputs = [{ name: output, dtype: 'float32', shape }];
    return this.model;
  }
}

export const ints = (v: number[]): Attr => ({ t: 'ints', v });
export const int = (v: number): Attr => ({ t: 'int', v });
export const float = (v: number): Attr => ({ t: 'float', v });
export const str = (v: string): Attr => ({ t: 'string', v });

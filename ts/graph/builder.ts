// Emits nodes and constants into a graph under fresh names. gradify and the tests build graphs
// through it so every name is unique and every constant is shared.
import { type Attr, type Graph, type Node, type Tensor, floatTensor, int64Tensor } from './ir.js';

export class GraphBuilder {
  private used = new Set<string>();
  private constCache = new Map<string, string>();

  constructor(readonly graph: Graph, private readonly prefix = '') {
    for (const n of graph.nodes) { this.used.add(n.name); n.outputs.forEach((o) => this.used.add(o)); }
    for (const k of graph.initializers.keys()) this.used.add(k);
    for (const v of graph.inputs) this.used.add(v.name);
  }

  fresh(base: string): string {
    let name = this.prefix + base;
    for (let i = 1; this.used.has(name); i++) name = `${this.prefix}${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Append a node; returns its output names. */
  nodeN(op: string, inputs: string[], attrs: Record<string, Attr> = {}, nOutputs = 1, base = op): string[] {
    const outputs = Array.from({ length: nOutputs }, (_, i) => this.fresh(`${base}_out${nOutputs > 1 ? i : ''}`));
    const node: Node = { name: this.fresh(base), op, domain: '', inputs, outputs, attrs };
    this.graph.nodes.push(node);
    return outputs;
  }

  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, base = op): string {
    return this.nodeN(op, inputs, attrs, 1, base)[0]!;
  }

  tensor(t: Tensor, base = 'const'): string {
    const name = this.fresh(base);
    this.graph.initializers.set(name, t);
    return name;
  }

  /** A shared int64 constant (1-D, or a scalar with `scalar`). */
  ints(values: number[], scalar = false): string {
    const key = `i${scalar ? 's' : ''}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.tensor(int64Tensor(scalar ? [] : [values.length], values), 'ints');
      this.constCache.set(key, name);
    }
    return name;
  }

  /** A shared float32 scalar constant. */
  scalar(value: number): string {
    const key = `f:${value}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.tensor(floatTensor([], [value]), 'scalar');
      this.constCache.set(key, name);
    }
    return name;
  }
}

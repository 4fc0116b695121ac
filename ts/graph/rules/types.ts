// What a backward rule sees: the forward node, shapes, a builder to emit the backward ops, and
// which of the node's inputs need a gradient.
import type { GraphBuilder } from '../builder.js';
import type { Dim, Node } from '../ir.js';
import { isKnown } from '../dims.js';
import type { ShapeMap } from '../shapes.js';

export class GradifyError extends Error {}

export class RuleContext {
  constructor(
    readonly b: GraphBuilder,
    readonly shapes: ShapeMap,
    readonly node: Node,
    private readonly onPath: (tensor: string) => boolean,
    private readonly source: string,
  ) {}

  /** Throws an error that names the model, the node and its op. */
  fail(message: string): never {
    throw new GradifyError(`${this.source}: node '${this.node.name}' (${this.node.op}): ${message}`);
  }

  /** Whether input i of the node depends on the image (and so needs a gradient). */
  needs(i: number): boolean {
    const name = this.node.inputs[i];
    return !!name && this.onPath(name);
  }

  input(i: number): string {
    const name = this.node.inputs[i];
    if (!name) this.fail(`input ${i} is missing`);
    return name;
  }

  output(i = 0): string {
    return this.node.outputs[i]!;
  }

  shape(tensor: string): Dim[] {
    const s = this.shapes.get(tensor)?.shape;
    if (!s) this.fail(`the shape of '${tensor}' could not be inferred`);
    return s;
  }

  rank(tensor: string): number {
    return this.shape(tensor).length;
  }

  /**
   * A shape whose dims after the batch axis must be static for this rule; the batch dim may stay
   * dynamic (it comes back as 0, which the rules only ever pass to Reshape as "copy").
   */
  staticShape(tensor: string, why: string): number[] {
    const s = this.shape(tensor);
    if (!s.slice(1).every(isKnown)) this.fail(`${why} needs the static shape of '${tensor}', which is [${s.join(', ')}]; give the model input a fixed size`);
    return s.map((d) => (isKnown(d) ? d : 0));
  }

  /** Constant values of an initializer input (axes, pads, shapes); fails when computed at run time. */
  constInts(i: number, what: string): number[] {
    const v = this.shapes.get(this.input(i))?.value;
    if (!v || !v.every(isKnown)) this.fail(`${what} must be a constant`);
    return v as number[];
  }

  /** Shape of a tensor as an int64 tensor name: a constant when static, else a Shape node. */
  shapeOf(tensor: string): string {
    const s = this.shapes.get(tensor)?.shape;
    if (s && s.every(isKnown)) return this.b.ints(s as number[]);
    return this.b.node('Shape', [tensor]);
  }
}

/** Gradients of the node's inputs (null where none is needed) from those of its outputs. */
export type BackwardRule = (ctx: RuleContext, dY: (string | null)[]) => (string | null)[];

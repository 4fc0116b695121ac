// Option value parsers for the CLI: each turns a flag's text into a value or throws commander's
// InvalidArgumentError, which commander prints with the flag's name.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export function number(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** An integer from min to max. */
export function integer(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** A pooling factor: 'auto' or a positive integer. */
export function factor(v: string): number | 'auto' {
  return v === 'auto' ? v : positiveInt(v);
}

/** 'off' (false) or a margin from 0 to 1, a fraction of a box's sides. */
export function margin(v: string): number | false {
  if (v === 'off') return false;
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n <= 1)) throw new InvalidArgumentError("expected 'off' or a margin from 0 to 1");
  return n;
}

/** 'off' (false) or a seed selector read from a JSON file (models/fit-selector.mts writes one); checked by localise(). */
export function selectorFile(v: string): object | false {
  if (v === 'off') return false;
  let text: string;
  try { text = readFileSync(v, 'utf8'); } catch (e) { throw new InvalidArgumentError(`cannot read the seed selector file ${v}: ${(e as Error).message}`); }
  try { return JSON.parse(text) as object; } catch { throw new InvalidArgumentError(`the seed selector file ${v} is not JSON`); }
}

/** HEIGHTxWIDTH. */
export function size(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError('expected HEIGHTxWIDTH, e.g. 224x224');
  return [Number(m[1]), Number(m[2])];
}

/** A sigma in pixels, 0 to 64. */
export function nonNegative(v: string): number {
  const n = Number(v);
  if (!(n >= 0 && n <= 64)) throw new InvalidArgumentError('expected a number from 0 to 64');
  return n;
}

/** A frame's width as a fraction of the side, from 0 to below 0.5. */
export function borderWidth(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0 && n < 0.5)) throw new InvalidArgumentError('expected a fraction of the side from 0 to below 0.5');
  return n;
}

/** A quantile strictly between 0 and 1. */
export function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
  return n;
}

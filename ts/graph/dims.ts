// Symbolic dimension arithmetic for shape inference. A dimension is a number or a monomial string
// such as "N" or "512*N" (a product of named dynamic sizes), so that Flatten followed by
// Reshape([N, -1]) still resolves to a number. What is not a monomial becomes a fresh symbol.
import type { Dim } from './ir.js';

let freshCounter = 0;
export const freshDim = (hint = 'd'): Dim => `?${hint}${++freshCounter}`;

interface Mono { k: number; syms: string[] }

function parse(d: Dim): Mono {
  if (typeof d === 'number') return { k: d, syms: [] };
  const m: Mono = { k: 1, syms: [] };
  for (const tok of d.split('*')) {
    if (/^\d+$/.test(tok)) m.k *= Number(tok);
    else m.syms.push(tok);
  }
  return m;
}

function render(m: Mono): Dim {
  if (m.syms.length === 0 || m.k === 0) return m.k;
  const syms = [...m.syms].sort().join('*');
  return m.k === 1 ? syms : `${m.k}*${syms}`;
}

export function prodDims(ds: readonly Dim[]): Dim {
  const p: Mono = { k: 1, syms: [] };
  for (const d of ds) {
    const m = parse(d);
    p.k *= m.k;
    p.syms.push(...m.syms);
  }
  return render(p);
}

export const mulDims = (a: Dim, b: Dim): Dim => prodDims([a, b]);

/** a / b when b divides a exactly as monomials, else a fresh symbol. */
export function divDims(a: Dim, b: Dim): Dim {
  const x = parse(a), y = parse(b);
  const rest = [...x.syms];
  for (const s of y.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return freshDim('q');
    rest.splice(i, 1);
  }
  if (y.k === 0 || x.k % y.k !== 0) return freshDim('q');
  return render({ k: x.k / y.k, syms: rest });
}

export function addDims(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a + b : freshDim('s');
}

export const isKnown = (d: Dim): d is number => typeof d === 'number';

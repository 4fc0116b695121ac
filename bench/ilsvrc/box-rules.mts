// Other rules for the box drawn from the GrabCut foreground (trimmed coordinate percentiles, components
// above a share of the largest, dilate then largest), against the default box around all foreground.
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS, boundingBox, boxToSource, type Box } from '../../ts/localise.js';
import { iou, FIXED_BOXES } from '../../ts/evaluation.js';
import { dilate } from '../../ts/image/morphology.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
const opts = JSON.parse(process.argv[2] ?? '{}');
type Rule = (fg: Uint8Array, w: number, h: number) => Box | null;
function trimmed(q: number): Rule {
  return (fg, w, h) => {
    const xs: number[] = [], ys: number[] = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (fg[y * w + x]) { xs.push(x); ys.push(y); }
    if (!xs.length) return null;
    xs.sort((a, b) => a - b); ys.sort((a, b) => a - b);
    const at = (a: number[], f: number) => a[Math.min(a.length - 1, Math.floor(f * (a.length - 1)))]!;
    return [at(xs, q), at(ys, q), at(xs, 1 - q), at(ys, 1 - q)];
  };
}
function compsAbove(frac: number, dil = 0): Rule {
  return (fg, w, h) => {
    const src = dil ? dilate(fg, w, h, dil) : fg;
    // label components (8-conn) by BFS
    const lab = new Int32Array(w * h).fill(-1); const areas: number[] = []; const boxes: Box[] = [];
    for (let p = 0; p < w * h; p++) {
      if (!src[p] || lab[p]! >= 0) continue;
      const id = areas.length; let a = 0; const st = [p]; lab[p] = id; let b: Box = [w, h, -1, -1];
      while (st.length) { const q = st.pop()!; const x = q % w, y = (q / w) | 0;
        if (fg[q]) { a++; b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)]; }
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) { const nx = x + dx, ny = y + dy; if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue; const r = ny * w + nx; if (src[r] && lab[r]! < 0) { lab[r] = id; st.push(r); } } }
      areas.push(a); boxes.push(b);
    }
    if (!areas.length) return null;
    const max = Math.max(...areas); let out: Box | null = null;
    areas.forEach((a, i) => { if (a >= frac * max && boxes[i]![2] >= 0) { const b = boxes[i]!; out = out ? [Math.min(out[0], b[0]), Math.min(out[1], b[1]), Math.max(out[2], b[2]), Math.max(out[3], b[3])] : b; } });
    return out;
  };
}
const rules: Record<string, Rule> = {
  all: (fg, w, h) => boundingBox(fg, w, h),
  trim1: trimmed(0.01), trim2: trimmed(0.02), trim5: trimmed(0.05), trim10: trimmed(0.1),
  largest: compsAbove(1), comps50: compsAbove(0.5), comps20: compsAbove(0.2), comps10: compsAbove(0.1),
  dil3largest: compsAbove(1, 3), dil6largest: compsAbove(1, 6), dil6c20: compsAbove(0.2, 6), dil10largest: compsAbove(1, 10),
};
const okTop1: Record<string, number> = {}, okTop5: Record<string, number> = {};
for (let i = 0; i < items.length; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const { width: w, height: h } = e.input;
  const hit: Record<string, boolean[]> = {};
  for (const m of e.maps) {
    if (m.target.index !== items[i]!.class_index) { for (const n of Object.keys(rules)) (hit[n] ??= []).push(false); continue; }
    const r = segment(core, e.input, m, { ...DEFAULT_SETTINGS, ...opts }, e.crop);
    for (const [n, rule] of Object.entries(rules)) {
      const b = rule(r.modelMask, w, h);
      const sb = b ? boxToSource(b, w, h, e.crop, m.sourceWidth, m.sourceHeight) : null;
      (hit[n] ??= []).push(!!sb && items[i]!.boxes!.some((g) => iou(sb, g) >= 0.5));
    }
  }
  for (const n of Object.keys(rules)) { okTop1[n] = (okTop1[n] ?? 0) + (hit[n]![0] ? 1 : 0); okTop5[n] = (okTop5[n] ?? 0) + (hit[n]!.some(Boolean) ? 1 : 0); }
}
for (const n of Object.keys(rules)) console.log(n.padEnd(14), 'top-1 err', (100 - okTop1[n]! / 2).toFixed(1), ' top-5 err', (100 - okTop5[n]! / 2).toFixed(1));

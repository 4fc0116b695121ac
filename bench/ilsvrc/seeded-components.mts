// Box around the foreground components that contain a foreground seed (others are background bleed?)
import { readAnnotations } from '../../ts/cli/dataset.js';
import { loadCore } from '../../ts/native/index.js';
import { segment, DEFAULT_SETTINGS, seedLabels, boundingBox, boxToSource } from '../../ts/localise.js';
import { localisationError } from '../../ts/evaluation.js';
import { gaussianBlur } from '../../ts/image/blur.js';
import { SALIENCY_CACHE, loadEntry } from '../saliency-cache.js';
const { items } = await readAnnotations(process.env.DATASET ?? '../shared/data/ilsvrc-dev/annotations.json');
const { core } = await loadCore('native');
function components(fg: Uint8Array, W: number, H: number): Int32Array {
  const lab = new Int32Array(fg.length).fill(-1); let n = 0; const st: number[] = [];
  for (let p = 0; p < fg.length; p++) if (fg[p] && lab[p] < 0) {
    lab[p] = n; st.push(p);
    while (st.length) { const q = st.pop()!; const x = q % W, y = (q / W) | 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) { const X = x + dx, Y = y + dy; if (X < 0 || Y < 0 || X >= W || Y >= H) continue; const r = Y * W + X; if (fg[r] && lab[r] < 0) { lab[r] = n; st.push(r); } } }
    n++;
  }
  return lab;
}
const rules = ['all', 'seeded', 'seeded-mass50', 'seeded-mass80'];
const guesses: Record<string, any[][]> = Object.fromEntries(rules.map((r) => [r, []]));
for (let i = 0; i < items.length; i++) {
  const e = loadEntry(SALIENCY_CACHE, i);
  const { width: W, height: H } = e.input, size = W * H;
  for (const r of rules) guesses[r]!.push([]);
  e.maps.forEach((m) => {
    const raw = m.raw;
    const seg = segment(core, e.input, m, { ...DEFAULT_SETTINGS, downsample: 2 }, e.crop);
    const fg = seg.modelMask;
    const seeds = seedLabels(core, gaussianBlur(raw, W, H, 2), 0.95, 0.3);
    const lab = components(fg, W, H);
    const n = Math.max(-1, ...lab) + 1;
    const seedCount = new Float64Array(n), mass = new Float64Array(n);
    const sm = gaussianBlur(raw, W, H, 2);
    for (let p = 0; p < size; p++) if (lab[p]! >= 0) { if (seeds[p] === 1) seedCount[lab[p]!]++; mass[lab[p]!] += sm[p]!; }
    const keep = (pred: (c: number) => boolean) => { const o = new Uint8Array(size); for (let p = 0; p < size; p++) if (lab[p]! >= 0 && pred(lab[p]!)) o[p] = 1; const b = boundingBox(o, W, H); return b ? boxToSource(b, W, H, e.crop, m.sourceWidth, m.sourceHeight) : null; };
    const order = Array.from(mass.keys()).sort((a, b) => mass[b]! - mass[a]!);
    const total = mass.reduce((a, b) => a + b, 0);
    const topMass = (f: number) => { const set = new Set<number>(); let acc = 0; for (const c of order) { set.add(c); acc += mass[c]!; if (acc >= f * total) break; } return set; };
    const t50 = topMass(0.5), t80 = topMass(0.8);
    const put = (r: string, box: any) => guesses[r]!.at(-1)!.push({ cls: m.target.index, box });
    put('all', seg.box);
    put('seeded', keep((c) => seedCount[c]! > 0));
    put('seeded-mass50', keep((c) => t50.has(c)));
    put('seeded-mass80', keep((c) => t80.has(c)));
  });
}
const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
for (const r of rules) { const e = localisationError(guesses[r]!, truths); console.log(`${r.padEnd(16)} ${(100 * e.top1Error).toFixed(1)} / ${(100 * e.top5Error).toFixed(1)}`); }

// `deepinside evaluate`: the paper's localisation protocol on an annotated image set.
import { Explainer, type LoadOptions } from '../explainer.js';
import { FIXED_BOXES, type Guess, localisationError, maskIou, type ErrorRates } from '../evaluation.js';
import { classificationError, readAnnotations } from './dataset.js';
import { progress } from './progress.js';
import { type SegmentationFlags, segmentationOptions } from './segmentation.js';
import { seedings } from '../seed-selection.js';
import { type Localisation, type LocaliseOptions, type SegmentationSettings, boundingBox, boxToSource, segmentationSettings } from '../localise.js';
import type { CoreBackend } from '../native/backend.js';
import type { CropRect } from '../image/resize.js';
import { decodeImage } from '../image/decode.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSceneDataset } from '../scenes/index.js';

/** The baseline without the colour model: the box around the saliency map's pixels at or above the fg quantile. */
function saliencyBox(core: CoreBackend, l: Localisation, q: number, crop: CropRect) {
  const { raw, width, height, sourceWidth, sourceHeight } = l.saliency;
  const hi = core.quantile(raw, q);
  const box = boundingBox(Uint8Array.from(raw, (v) => (v >= hi ? 1 : 0)), width, height);
  return box ? boxToSource(box, width, height, crop, sourceWidth, sourceHeight) : null;
}

async function readMask(path: string, w: number, h: number): Promise<Uint8Array> {
  const img = await decodeImage(path);
  if (img.width !== w || img.height !== h) throw new Error(`${path}: the mask is ${img.width}x${img.height}, its image ${w}x${h}`);
  return Uint8Array.from({ length: w * h }, (_, i) => (img.data[3 * i]! > 127 ? 1 : 0));
}

interface EvaluateFlags extends SegmentationFlags {
  model?: string; dataset?: string; scenes?: number; sceneSeed: number; limit?: number; json?: boolean;
}

/** --dataset, or --scenes N: a held-out benchmark of N generated test-split scenes (ts/scenes) in a temporary folder. */
async function benchmarkAnnotations(o: EvaluateFlags): Promise<{ path: string; cleanup: () => void }> {
  if (o.dataset && o.scenes) throw new Error('give --dataset or --scenes, not both');
  if (o.dataset) return { path: o.dataset, cleanup: () => {} };
  if (!o.scenes) throw new Error('give --dataset ANNOTATIONS.json or --scenes N');
  const dir = mkdtempSync(join(tmpdir(), 'deepinside-scenes-'));
  const bar = progress(o.scenes, 'scenes', !o.json);
  let last = 0;
  try {
    const { annotations } = await writeSceneDataset(dir, { count: o.scenes, seed: o.sceneSeed, split: 'test', onProgress: (done) => { bar.tick(done - last); last = done; } });
    return { path: annotations, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  } finally {
    bar.stop();
  }
}

export interface EvaluationReport {
  dataset: string;
  n: number;
  runtime: string;
  backend: string;
  fallbackReason?: string;
  classification: ErrorRates;
  localisation: ErrorRates;
  baselines: Record<string, ErrorRates>;
  /** mean IoU of the true class's mask with the ground-truth mask, when the annotations have masks */
  meanMaskIou?: number;
  settings: SegmentationSettings;
  msPerImage: number;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export async function evaluateCommand(o: EvaluateFlags, load: LoadOptions): Promise<void> {
  const seg = segmentationOptions(o);
  const settings = segmentationSettings(seg); // bad settings fail before any work, scene generation included
  const bench = await benchmarkAnnotations(o);
  try {
    await evaluate({ ...o, dataset: bench.path }, load, seg, settings);
  } finally {
    bench.cleanup();
  }
}

async function evaluate(o: EvaluateFlags & { dataset: string }, load: LoadOptions, seg: LocaliseOptions, settings: SegmentationSettings): Promise<void> {
  const { items } = await readAnnotations(o.dataset, o.limit);
  for (const a of items) if (!Array.isArray(a.boxes) || a.boxes.length === 0) throw new Error(`${o.dataset}: ${a.file} has no ground-truth boxes`);
  const ex = await Explainer.load(o.model, load);
  const core = await ex.loadCore();
  const bar = progress(items.length, 'evaluate', !o.json);
  const guesses: Guess[][] = [];
  const baseline: Record<string, Guess[][]> = Object.fromEntries(Object.keys(FIXED_BOXES).map((k) => [k, []]));
  baseline.saliencyBox = [];
  const ranked: number[][] = [];
  const maskIous: number[] = [];
  const t0 = performance.now();
  let ran = settings; // as localise() resolved them for this model ('auto' → the factor)
  for (const a of items) {
    // the five guesses: the top-5 classes, each with its own saliency map and box
    const [r] = await ex.localise(a.path, { ...seg, topK: 5 });
    ran = r!.settings;
    guesses.push(r!.localisations.map((l) => ({ cls: l.target.index, box: l.box })));
    ranked.push(r!.predictions.map((p) => p.index));
    const { sourceWidth: w, sourceHeight: h } = r!.localisations[0]!.saliency;
    for (const [name, box] of Object.entries(FIXED_BOXES)) baseline[name]!.push(r!.localisations.map((l) => ({ cls: l.target.index, box: box(w, h) })));
    baseline.saliencyBox!.push(r!.localisations.map((l) => ({ cls: l.target.index, box: saliencyBox(core.core, l, settings.fgQuantile, r!.crop) })));
    if (a.maskPath) {
      // the true class's guess against the true mask; 0 when the class is not among the guesses
      const truth = await readMask(a.maskPath, w, h);
      const mine = r!.localisations.find((l) => l.target.index === a.class_index);
      maskIous.push(mine ? maskIou(mine.mask, truth) : 0);
    }
    bar.tick();
  }
  bar.stop();
  const msPerImage = (performance.now() - t0) / items.length;
  await ex.close();
  const truths = items.map((a) => ({ cls: a.class_index, boxes: a.boxes! }));
  const report: EvaluationReport = {
    dataset: o.scenes ? `${o.scenes} generated test-split scenes (seed ${o.sceneSeed})` : o.dataset, n: items.length, runtime: ex.runtime, backend: core.core.name, fallbackReason: core.fallbackReason,
    classification: classificationError(truths.map((t) => t.cls), ranked),
    localisation: localisationError(guesses, truths),
    baselines: Object.fromEntries(Object.entries(baseline).map(([k, g]) => [k, localisationError(g, truths)])),
    meanMaskIou: maskIous.length === items.length ? maskIous.reduce((x, y) => x + y, 0) / items.length : undefined,
    settings: ran,
    msPerImage,
  };
  if (o.json) { console.log(JSON.stringify(report)); return; }
  console.log(`${report.dataset}: ${report.n} images (${ex.info.source}; runtime ${report.runtime}, core ${report.backend}; ${msPerImage.toFixed(0)} ms per image)`);
  console.log(`classification error        top-1 ${pct(report.classification.top1Error)}  top-5 ${pct(report.classification.top5Error)}`);
  console.log(`localisation error          top-1 ${pct(report.localisation.top1Error)}  top-5 ${pct(report.localisation.top5Error)}  (saliency + GrabCut: ${JSON.stringify(report.settings, (k, v) => (k === 'select' && v ? `a seed selector of ${seedings(v).length} seedings` : v))})`);
  for (const [k, v] of Object.entries(report.baselines)) console.log(`  baseline ${k.padEnd(12)} top-1 ${pct(v.top1Error)}  top-5 ${pct(v.top5Error)}`);
  if (report.meanMaskIou !== undefined) console.log(`mean mask IoU of the true class ${report.meanMaskIou.toFixed(3)}`);
}

// `deepinside visualise`: class model visualisation (the paper's section 2) for the classes given,
// one PNG per class, a captioned grid and visualise.json. Also used by `explain`.
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { Explainer, type LoadOptions } from '../explainer.js';
import { writeFileAtomic, encodePng } from '../image/encode.js';
import { captionedSheet } from '../image/captioned-sheet.js';
import { VISUALISE_PRESETS, type VisualiseOptions, type VisualisePresetName, type VisualiseResult, resolveSettings } from '../visualise/index.js';
import { progress } from './progress.js';
import { number } from './parse.js';

export interface VisualiseFlags {
  target: string[];
  out: string;
  style: VisualisePresetName;
  steps?: number;
  lr?: number;
  l2?: number;
  tv?: number;
  jitter?: number;
  blurEvery?: number;
  blurSigma?: number;
  parametrisation?: 'pixel' | 'fourier';
  seed?: number;
  json?: boolean;
}

/** The visualisation flags (ranges are checked by the API, which names the option and value). */
export const visualiseFlags = (cmd: Command) => cmd
  .addOption(new Option('--style <name>', "'paper': the paper's plain objective; 'clear': regularised for readable images").choices(VISUALISE_PRESETS as string[]).default('paper'))
  .option('--steps <n>', 'gradient steps (default: paper 200, clear 128)', number)
  .option('--lr <rate>', 'learning rate (default: paper: chosen from the first gradient; clear: 0.03 (Adam))', number)
  .option('--l2 <lambda>', "lambda of the paper's L2 penalty on the model's input tensor", number)
  .option('--tv <weight>', 'total variation weight (display units)', number)
  .option('--jitter <pixels>', 'random shifts of up to this many pixels each step', number)
  .option('--blur-every <k>', 'blur the image every k steps (0: never)', number)
  .option('--blur-sigma <pixels>', 'sigma of that blur', number)
  .addOption(new Option('--parametrisation <name>', 'optimise pixels or a decorrelated Fourier spectrum').choices(['pixel', 'fourier']))
  .option('--seed <s>', 'seed of the random jitter', number);

export function visualiseOptions(o: VisualiseFlags): VisualiseOptions {
  return {
    preset: o.style, steps: o.steps, learningRate: o.lr, l2: o.l2, tv: o.tv, jitter: o.jitter,
    blurEvery: o.blurEvery, blurSigma: o.blurSigma, parametrisation: o.parametrisation, seed: o.seed,
  };
}

/** A file name for a class: `<index>-<label>` with the label reduced to [a-z0-9-]. */
export function classFileName(index: number, label: string): string {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return slug && slug !== String(index) ? `${index}-${slug}` : String(index);
}

/** Runs the visualisation with a progress bar on stderr (when it is a terminal). */
export async function runVisualisation(ex: Explainer, classes: number[], opts: VisualiseOptions, label: string, show: boolean): Promise<VisualiseResult[]> {
  const steps = resolveSettings(opts, ex.info.width, ex.info.height, 1).steps;
  const bar = progress(steps, label, show);
  try {
    return await ex.visualise(classes, { ...opts, onProgress: () => bar.tick() });
  } finally {
    bar.stop();
  }
}

/** DIR/<index>-<label>.png per result (exact) and a captioned grid (a 256-colour preview) at gridPath; returns the JSON record of each. */
export async function writeVisualisations(results: VisualiseResult[], dir: string, gridPath: string) {
  const records = [];
  for (const r of results) {
    const file = join(dir, `${classFileName(r.target.index, r.target.label)}.png`);
    await writeFileAtomic(file, await encodePng(r.image));
    records.push({
      target: r.target, file, finalScore: r.finalScore, probability: r.probability, predicted: r.predicted,
      startScore: r.scores[0], learningRate: r.learningRate, norm2: r.norm2, scores: r.scores,
    });
  }
  const cell = Math.max(128, Math.min(224, results[0]!.image.width));
  const grid = await captionedSheet(results.map((r) => ({ image: r.image, caption: `${r.target.label}${r.predicted.index === r.target.index ? '' : ` (→ ${r.predicted.label})`}` })), { cell, cols: Math.min(results.length, results.length > 12 ? 5 : 4), palette: true });
  await writeFileAtomic(gridPath, grid);
  return records;
}

export async function visualiseCommand(o: VisualiseFlags, load: LoadOptions, model?: string) {
  const ex = await Explainer.load(model, load);
  try {
    if (o.target.length === 0) throw new Error("give one or more --target classes (index or label), or --target all");
    if (o.target.includes('top')) throw new Error("--target top has no meaning for visualise (there is no image): give a class index or label");
    const classes = o.target.flatMap((t) => (t === 'all' ? Array.from({ length: ex.classes }, (_, i) => i) : [ex.resolveTarget(t)]));
    const opts = visualiseOptions(o);
    const settings = resolveSettings(opts, ex.info.width, ex.info.height, 1); // bad options fail here, before any work
    const t0 = performance.now();
    const results = await runVisualisation(ex, classes, opts, 'visualise', !o.json);
    const records = await writeVisualisations(results, o.out, join(o.out, 'grid.png'));
    const summary = {
      model: ex.info.source, runtime: ex.runtime, width: ex.info.width, height: ex.info.height,
      settings: { ...results[0]!.settings, learningRate: settings.learningRate },
      grid: join(o.out, 'grid.png'), classes: records, seconds: (performance.now() - t0) / 1000,
    };
    await writeFileAtomic(join(o.out, 'visualise.json'), JSON.stringify(summary, null, 2));
    if (o.json) { console.log(JSON.stringify(summary)); return; }
    for (const r of records) {
      console.log(`${r.file}: ${r.target.label} score ${r.startScore!.toFixed(2)} -> ${r.finalScore.toFixed(2)}, p ${r.probability.toFixed(3)}, classified as ${r.predicted.label}`);
    }
    const hits = records.filter((r) => r.predicted.index === r.target.index).length;
    console.log(`${hits}/${records.length} classified as their target; grid ${summary.grid}, visualise.json (${summary.seconds.toFixed(1)} s, ${settings.steps} steps, style ${settings.preset})`);
  } finally {
    await ex.close();
  }
}

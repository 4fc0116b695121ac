// `deepinside explain`: the main job in one command. For each image: its top classes, the class
// saliency map of the top class, and that class's mask and box (weakly supervised localisation);
// PNG pictures and one JSON file per image, plus summary.json and a contact sheet summary.png;
// then one class model visualisation (preset 'clear') per predicted class, and their grid.
import { join } from 'node:path';
import { Explainer, type LoadOptions } from '../explainer.js';
import { decodeImage } from '../image/decode.js';
import { overlay, type ColormapName } from '../image/colormap.js';
import { writeFileAtomic } from '../image/encode.js';
import { contactSheet } from '../image/sheet.js';
import type { LocaliseOptions } from '../localise.js';
import { EXAMPLES_DIR } from '../default-model.js';
import { expandImageArgs, stems, validateImages } from './inputs.js';
import { progress } from './progress.js';
import { localisationPicture, writeLocalisationImages, writeMapImages } from './outputs.js';
import { classFileName, runVisualisation, writeVisualisations } from './visualise.js';

export interface ExplainFlags { out: string; top: number; colormap: ColormapName; json?: boolean; maxPixels?: number; visualise: boolean; visualiseSteps: number }

export async function explainCommand(images: string[], o: ExplainFlags, load: LoadOptions, seg: LocaliseOptions, model?: string) {
  const files = await expandImageArgs(images.length ? images : [EXAMPLES_DIR]);
  await validateImages(files, o.maxPixels);
  const ex = await Explainer.load(model, load);
  const core = await ex.loadCore();
  if (core.fallbackReason && !o.json) process.stderr.write(`deepinside: using the WebAssembly core (${core.fallbackReason})\n`);
  const names = stems(files);
  const bar = progress(files.length, 'explain', !o.json);
  const summary = [];
  const sheet = [];
  for (const [i, file] of files.entries()) {
    const [r] = await ex.localise(file, { ...seg, target: 'top' });
    const l = r!.localisations[0]!;
    const source = await decodeImage(file, { maxPixels: Number.MAX_SAFE_INTEGER });
    const base = join(o.out, names[i]!);
    const maps = await writeMapImages(base, l.saliency, source, o.colormap);
    const loc = await writeLocalisationImages(base, l, source);
    const record = {
      image: file, width: source.width, height: source.height,
      predictions: r!.predictions.slice(0, o.top), target: l.target, ...maps, ...loc,
      model: ex.info.source, runtime: r!.runtime, backend: r!.backend, fallbackReason: r!.fallbackReason, timings: r!.timings,
      settings: r!.settings,
    };
    await writeFileAtomic(`${base}.json`, JSON.stringify(record, null, 2));
    summary.push(record);
    sheet.push([source, overlay(source, l.saliency.sourceMap, { colormap: o.colormap }), localisationPicture(l, source)]);
    bar.tick();
  }
  bar.stop();
  // class model visualisation of each predicted class, all in one batch
  const classes = [...new Set(summary.map((s) => s.target.index))];
  let visualised: { classes: Awaited<ReturnType<typeof writeVisualisations>>; grid: string; settings: unknown; seconds: number } | null = null;
  if (o.visualise && classes.length) {
    const t0 = performance.now();
    const results = await runVisualisation(ex, classes, { preset: 'clear', steps: o.visualiseSteps }, 'visualise', !o.json);
    const grid = join(o.out, 'visualise.png');
    visualised = { classes: await writeVisualisations(results, join(o.out, 'visualise'), grid), grid, settings: results[0]!.settings, seconds: (performance.now() - t0) / 1000 };
    await writeFileAtomic(join(o.out, 'visualise.json'), JSON.stringify(visualised, null, 2));
    for (const s of summary) Object.assign(s, { visualisation: join(o.out, 'visualise', `${classFileName(s.target.index, s.target.label)}.png`) });
  }
  await ex.close();
  await writeFileAtomic(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2));
  await writeFileAtomic(join(o.out, 'summary.png'), await contactSheet(sheet));
  if (o.json) { console.log(JSON.stringify(summary)); return; }
  for (const s of summary) {
    const top = s.predictions.map((p) => `${p.label} ${(100 * p.probability).toFixed(1)}%`).join(', ');
    console.log(`${s.image}: ${top}; ${s.target.label} box ${JSON.stringify(s.box)}`);
  }
  console.log(`wrote ${summary.length} × (saliency, overlay, mask, box PNG + JSON), summary.json and summary.png to ${o.out}`);
  if (visualised) console.log(`class model visualisations (style clear) of ${visualised.classes.length} predicted classes: ${join(o.out, 'visualise')}/, grid ${visualised.grid}, visualise.json (${visualised.seconds.toFixed(1)} s)`);
}

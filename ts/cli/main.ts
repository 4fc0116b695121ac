// The deepinside command line: gradify, classify, saliency.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { Explainer, type LoadOptions, type SaliencyResult } from '../explainer.js';
import { gradify } from '../graph/gradify.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { readModelFile } from '../model-file.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import type { ColormapName } from '../image/colormap.js';
import { writeFileAtomic } from '../image/encode.js';
import { writeLocalisationImages, writeMapImages } from './outputs.js';
import { PRESET_NAMES, type PresetName } from '../image/preprocess.js';
import { expandImageArgs, stems, validateImages } from './inputs.js';
import { progress } from './progress.js';
import { classificationError, readAnnotations } from './dataset.js';
import { evaluateCommand } from './evaluate.js';
import { scenesCommand } from './scenes.js';
import { explainCommand } from './explain.js';
import { visualiseCommand, visualiseFlags } from './visualise.js';
import type { LocaliseResult } from '../localise.js';
import { type MapKind, MAP_KINDS } from '../gradcam.js';
import { type SegmentationFlags, segmentationOptions } from './segmentation.js';
import { borderWidth, factor, fraction, margin, selectorFile, nonNegative, nonNegativeInt, positiveInt, size } from './parse.js';

const VERSION = '0.1.0';

const modelOptions = (cmd: Command) => cmd
  .option('-m, --model <file>', 'ONNX image classifier (default: the bundled scenes model, models/)')
  .addOption(new Option('-p, --preset <name>', 'preprocessing preset').choices(PRESET_NAMES))
  .option('-l, --labels <file>', 'class labels: one per line (synset_words.txt style) or a JSON array')
  .addOption(new Option('--runtime <name>', 'ONNX runtime').choices(['node', 'wasm']).default('node'))
  .addOption(new Option('--resize <mode>', 'how images reach the model size').choices(['stretch', 'center-crop']).default('stretch'))
  .option('--input-size <HxW>', 'image size for models with a dynamic input size (default 224x224)', size)
  .option('--max-pixels <n>', `refuse larger images (default ${DEFAULT_MAX_PIXELS})`, positiveInt)
  .addOption(new Option('--backend <name>', 'colour segmentation core (localise, evaluate)').choices(['auto', 'native', 'wasm']).default('auto'))
  .option('--json', 'print machine-readable JSON on stdout');

/**
 * How each map is made (SaliencyOptions): --samples, --noise, --map. Localisation fills unset ones
 * from the model's recommendation (its metadata), saliency does not.
 */
const mapFlags = (cmd: Command, recommended: boolean) => {
  const byDefault = (paper: string) => `default: ${recommended ? "the model's recommendation, else " : ''}${paper}`;
  return cmd
    .option('--samples <n>', `SmoothGrad: average each map over n noisy copies of the image (${byDefault('1 = the paper')})`, positiveInt)
    .option('--noise <sd>', 'SmoothGrad noise, as a fraction of the input range (default 0.1)', nonNegative)
    .addOption(new Option('--map <kind>', `the map: 'gradient' (the paper's dS/dI), 'gradcam' (Grad-CAM on the last feature map) or 'gated' (their product) (${byDefault('gradient')})`).choices([...MAP_KINDS]));
};

/** The segmentation settings of localise and evaluate (ts/localise.ts SegmentationSettings). */
const segmentationFlags = (cmd: Command) => mapFlags(cmd, true)
    .option('--paper', "the paper's exact settings (no smoothing, box of the largest component, models from the seeds)")
    .option('--fg-quantile <q>', 'saliency quantile above which pixels seed the foreground (default 0.95)', fraction)
    .option('--bg-quantile <q>', 'saliency quantile below which pixels seed the background (default 0.3)', fraction)
    .option('--iterations <n>', 'GrabCut iterations (default 5)', positiveInt)
    .option('--smoothing <sigma>', 'Gaussian blur of the saliency map before seeding, in model pixels (default 2; paper 0)', nonNegative)
    .option('--downsample <factor>', "segment on the model grid pooled by this integer factor; 'auto' (default) pools 224-pixel inputs 2x2, 1 = the model grid as in the paper", factor)
    .option('--border <fraction>', 'seed a frame along the image edges, this fraction of each side wide, as background (default 0 = the paper; 0.04 suits photographs, README)', borderWidth)
    .addOption(new Option('--box-from <what>', 'box around all foreground or the largest component (default all; paper largest)').choices(['all', 'largest']))
    .option('--refine <margin>', "a second GrabCut in rectangle mode inside the first pass's box grown by this fraction of its sides, or 'off' (default: the model's recommendation, else off = the paper)", margin)
    .option('--select <file>', "a seed selector (JSON, models/fit-selector.mts) that runs GrabCut from several seedings and keeps the mask it rates best, or 'off' (default: the model's recommendation, unless --fg-quantile, --bg-quantile or --refine is given; else off = the paper)", selectorFile);

interface ModelFlags {
  model?: string; preset?: PresetName; labels?: string; runtime: 'node' | 'wasm'; resize: 'stretch' | 'center-crop';
  inputSize?: [number, number]; maxPixels?: number; json?: boolean; backend: 'auto' | 'native' | 'wasm'; camLayer?: string;
}

function loadOptions(o: ModelFlags): LoadOptions {
  return { preset: o.preset, labels: o.labels, runtime: o.runtime, resize: o.resize, inputSize: o.inputSize, maxPixels: o.maxPixels, backend: o.backend, camLayer: o.camLayer };
}

const CHUNK = 16;

async function classifyCommand(images: string[], o: ModelFlags & { top: number; dataset?: string; limit?: number }) {
  if (o.dataset && images.length) throw new Error('give images or --dataset, not both');
  const annotations = o.dataset ? await readAnnotations(o.dataset, o.limit) : null;
  const files = annotations ? annotations.items.map((a) => a.path) : await expandImageArgs(images);
  await validateImages(files, o.maxPixels);
  const ex = await Explainer.load(o.model, loadOptions(o));
  const bar = progress(files.length, 'classify', !o.json);
  const results = [];
  for (let i = 0; i < files.length; i += CHUNK) {
    const part = await ex.classify(files.slice(i, i + CHUNK), Math.max(o.top, annotations ? 5 : 0));
    results.push(...part);
    bar.tick(part.length);
  }
  bar.stop();
  await ex.close();
  if (annotations) {
    const err = classificationError(annotations.items.map((a) => a.class_index), results.map((r) => r.predictions.map((p) => p.index)));
    const summary = { dataset: o.dataset, n: files.length, runtime: ex.runtime, classification: err };
    if (o.json) console.log(JSON.stringify({ ...summary, images: results }));
    else console.log(`${files.length} images: top-1 error ${(100 * err.top1Error).toFixed(1)}%, top-5 error ${(100 * err.top5Error).toFixed(1)}% (${ex.info.source}, runtime ${ex.runtime})`);
    return;
  }
  if (o.json) { console.log(JSON.stringify(results.map((r) => ({ ...r, predictions: r.predictions.slice(0, o.top) })))); return; }
  for (const r of results) {
    console.log(r.name);
    for (const p of r.predictions.slice(0, o.top)) console.log(`  ${p.probability.toFixed(4)}  ${String(p.index).padStart(4)}  ${p.label}`);
  }
}

async function writeSaliency(r: SaliencyResult, file: string, stem: string, out: string, colormap: ColormapName) {
  const source = await decodeImage(file, { maxPixels: Number.MAX_SAFE_INTEGER });
  const written: Record<string, unknown>[] = [];
  for (const m of r.maps) {
    const files = await writeMapImages(join(out, `${stem}.${m.target.index}`), m, source, colormap);
    written.push({ target: m.target, kind: m.kind, ...files, modelResolution: [m.width, m.height] });
  }
  const json = { image: file, width: r.maps[0]?.sourceWidth, height: r.maps[0]?.sourceHeight, predictions: r.predictions, maps: written, runtime: r.runtime, timings: r.timings };
  await writeFileAtomic(join(out, `${stem}.json`), JSON.stringify(json, null, 2));
  return json;
}

async function saliencyCommand(images: string[], o: ModelFlags & { target: string[]; topK?: number; out: string; colormap: ColormapName; samples?: number; noise?: number; map?: MapKind }) {
  const files = await expandImageArgs(images);
  await validateImages(files, o.maxPixels);
  const ex = await Explainer.load(o.model, loadOptions(o));
  const targets = o.target.length ? o.target : ['top'];
  targets.forEach((t) => ex.resolveTarget(t)); // fail on a bad target or map before any work
  if (o.map) ex.checkMapKind(o.map);
  const names = stems(files);
  const bar = progress(files.length, 'saliency', !o.json);
  const summary = [];
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK);
    const results = await ex.saliency(chunk, { ...(o.topK ? { topK: o.topK } : { target: targets }), samples: o.samples, noise: o.noise, map: o.map });
    for (const [k, r] of results.entries()) summary.push(await writeSaliency(r, chunk[k]!, names[i + k]!, o.out, o.colormap));
    bar.tick(chunk.length);
  }
  bar.stop();
  await ex.close();
  if (o.json) console.log(JSON.stringify(summary));
  else for (const s of summary) console.log(`${s.image}: ${s.maps.map((m) => `${(m.target as { label: string }).label} -> ${m.overlay}`).join(', ')}`);
}

async function writeLocalisation(r: LocaliseResult, file: string, stem: string, out: string) {
  const source = await decodeImage(file, { maxPixels: Number.MAX_SAFE_INTEGER });
  const written: Record<string, unknown>[] = [];
  for (const l of r.localisations) written.push({ target: l.target, ...(await writeLocalisationImages(join(out, `${stem}.${l.target.index}`), l, source)) });
  const json = { image: file, width: source.width, height: source.height, predictions: r.predictions, localisations: written, runtime: r.runtime, backend: r.backend, fallbackReason: r.fallbackReason, timings: r.timings, settings: r.settings };
  await writeFileAtomic(join(out, `${stem}.json`), JSON.stringify(json, null, 2));
  return json;
}

interface LocaliseFlags extends ModelFlags, SegmentationFlags { target: string[]; topK?: number; out: string }

async function localiseCommand(images: string[], o: LocaliseFlags) {
  const files = await expandImageArgs(images);
  await validateImages(files, o.maxPixels);
  const ex = await Explainer.load(o.model, loadOptions(o));
  const targets = o.target.length ? o.target : ['top'];
  targets.forEach((t) => ex.resolveTarget(t));
  const core = await ex.loadCore();
  if (core.fallbackReason && !o.json) process.stderr.write(`deepinside: using the WebAssembly core (${core.fallbackReason})\n`);
  const names = stems(files);
  const bar = progress(files.length, 'localise', !o.json);
  const summary = [];
  const opts = segmentationOptions(o);
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK);
    const results = await ex.localise(chunk, o.topK ? { ...opts, topK: o.topK } : { ...opts, target: targets });
    for (const [k, r] of results.entries()) summary.push(await writeLocalisation(r, chunk[k]!, names[i + k]!, o.out));
    bar.tick(chunk.length);
  }
  bar.stop();
  await ex.close();
  if (o.json) console.log(JSON.stringify(summary));
  else for (const s of summary) console.log(`${s.image}: ${s.localisations.map((l) => `${(l.target as { label: string }).label} box ${JSON.stringify(l.box)} -> ${l.boxOverlay}`).join(', ')}`);
}

async function gradifyCommand(input: string, output: string, o: { imageInput?: string; inputSize?: [number, number]; camLayer?: string }) {
  const { model, info } = gradify(decodeModel(await readModelFile(input), input), o);
  await writeFileAtomic(output, encodeModel(model));
  console.log(`${output}: inputs ${info.imageInput} [${info.imageShape.join(', ')}], class_weights [${info.scoresShape.join(', ')}]; outputs scores, input_gradient` +
    (info.cam ? `, cam_activation and cam_gradient (${info.cam.tensor} [${info.cam.shape.join(', ')}])` : '') +
    (info.removedSoftmax ? `; removed the trailing ${info.removedSoftmax}` : ''));
}

export function buildProgram(): Command {
  const program = new Command('deepinside')
    .version(VERSION)
    .description('Look inside image classifiers: class saliency maps for any ONNX ConvNet (Simonyan et al., arXiv 1312.6034)');

  program.command('gradify')
    .description('write the gradient model: (image, class_weights) -> (scores, input_gradient)')
    .argument('<in>', 'ONNX classifier').argument('<out>', 'gradient model to write')
    .option('--image-input <name>', 'the image input, when the model has several float inputs')
    .option('--input-size <HxW>', 'fix a dynamic image size', size)
    .option('--cam-layer <tensor>', 'the feature map exposed for Grad-CAM (default: the last one with a spatial size over 1x1)')
    .action(gradifyCommand);

  modelOptions(program.command('classify')
    .description('top classes of each image, or the classification error over an annotated set')
    .argument('[images...]', 'image files, directories or glob patterns')
    .option('-k, --top <k>', 'classes to show', positiveInt, 5)
    .option('--dataset <annotations.json>', 'measure top-1/top-5 error over an annotated image set')
    .option('--limit <n>', 'use the first n images of the dataset', positiveInt))
    .action(classifyCommand);

  mapFlags(modelOptions(program.command('saliency')
    .description('class saliency maps: heatmap and overlay PNGs and a JSON summary per image')
    .argument('<images...>', 'image files, directories or glob patterns')
    .option('-t, --target <class...>', "class index, label or 'top' (repeatable)", [])
    .option('--top-k <k>', 'explain the k highest-scoring classes', positiveInt)
    .requiredOption('-o, --out <dir>', 'output directory')
    .addOption(new Option('--colormap <name>', 'heatmap colours').choices(['viridis', 'jet']).default('viridis'))), false)
    .action(saliencyCommand);
  segmentationFlags(modelOptions(program.command('localise')
    .description('weakly supervised localisation: object mask and box per image (GrabCut seeded by the saliency map)')
    .argument('<images...>', 'image files, directories or glob patterns')
    .option('-t, --target <class...>', "class index, label or 'top' (repeatable)", [])
    .option('--top-k <k>', 'localise the k highest-scoring classes', positiveInt)
    .requiredOption('-o, --out <dir>', 'output directory')))
    .action(localiseCommand);

  segmentationFlags(modelOptions(program.command('explain')
    .description('the main job: top classes, saliency map, mask and box of the top class per image, as PNG and JSON (default: the bundled example scenes)')
    .argument('[images...]', 'image files, directories or glob patterns (default: the bundled examples/)')
    .option('-k, --top <k>', 'classes to list per image', positiveInt, 5)
    .requiredOption('-o, --out <dir>', 'output directory')
    .addOption(new Option('--colormap <name>', 'heatmap colours').choices(['viridis', 'jet']).default('viridis'))
    .option('--visualise-steps <n>', 'steps of the class model visualisation of each predicted class', positiveInt, 96)
    .option('--no-visualise', 'skip the class model visualisations')))
    .action((images, o) => explainCommand(images, o, loadOptions(o), segmentationOptions(o), o.model));

  segmentationFlags(modelOptions(program.command('evaluate')
    .description('ILSVRC-style evaluation: classification and localisation error (top-1, top-5) next to fixed-box baselines')
    .option('--dataset <annotations.json>', 'annotated images: [{file, class_index, boxes: [[x0,y0,x1,y1],...], mask?}]')
    .option('--scenes <n>', 'instead: a held-out benchmark of n generated scenes (test split; deepinside scenes)', positiveInt)
    .option('--scene-seed <s>', 'seed of the --scenes benchmark', nonNegativeInt, 1000)
    .option('--limit <n>', 'use the first n images', positiveInt)))
    .action((o) => evaluateCommand(o, loadOptions(o)));
  visualiseFlags(modelOptions(program.command('visualise')
    .description("class model visualisation: the image that maximises a class score (the paper's section 2), one PNG per class, a grid and visualise.json")
    .option('-t, --target <class...>', "class index or label (repeatable), or 'all'", [])
    .requiredOption('-o, --out <dir>', 'output directory')))
    .action((o) => visualiseCommand(o, loadOptions(o), o.model));
  program.addCommand(scenesCommand());
  return program;
}

/** Runs the CLI; errors become one line on stderr and exit status 1. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().exitOverride((err) => { throw Object.assign(err, { cliUsage: true }); }).parseAsync(argv);
    return 0;
  } catch (e) {
    const err = e as Error & { cliUsage?: boolean; exitCode?: number };
    if (err.cliUsage) return err.exitCode ?? 1; // commander has already printed usage or help
    process.stderr.write(`deepinside: error: ${err.message}\n`);
    return 1;
  }
}

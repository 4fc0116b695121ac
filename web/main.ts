// The demo page: pick or drop an image, choose the bundled model or an .onnx file (with preset and
// labels), and see the top classes, the class saliency map, and the object mask and box that
// localisation finds from the map alone — all computed in the page by deepinside's browser build.
import * as deepinside from '../ts/browser.js';
import type { Explainer, LoadOptions, LocaliseResult, PresetName, RgbImage, ImageInput, MapKind } from '../ts/browser.js';
import { mountVisualise, suggestClasses } from './visualise-panel.js';
import { drawRgb } from './canvas.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ORT_FILES = new URL('./ort/', document.baseURI).href;

type State = 'starting' | 'loading-model' | 'ready' | 'processing' | 'done' | 'error';

const demo = {
  state: 'starting' as State,
  explainer: null as Explainer | null,
  modelError: null as string | null,
  last: null as LocaliseResult | null,
  /** processes an image as the page does (for tests and the console) */
  process: (input: ImageInput, name?: string) => processImage(input, name),
};
Object.assign(window, { deepinside, demo, ORT_FILES });

function setState(s: State) {
  demo.state = s;
  document.body.dataset.state = s;
}

function showError(message: string | null) {
  const el = $('error');
  el.hidden = !message;
  el.textContent = message ?? '';
}

function status(text: string, el = 'status') {
  $(el).textContent = text;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---- the model -------------------------------------------------------------------------------

let loading: Promise<Explainer | null> = Promise.resolve(null);
let generation = 0;

/** Loads the chosen model after any load in progress; a newer choice supersedes this one. */
async function loadModel(previous: Promise<unknown>, mine: number): Promise<Explainer | null> {
  await previous.catch(() => null);
  if (mine !== generation) return null;
  setState('loading-model');
  showError(null);
  const old = demo.explainer;
  demo.explainer = null;
  // the results and the visualisation panel belong to the model being replaced
  $('results').hidden = true;
  $('visualise-body').innerHTML = '<p class="small">Load a model to visualise its classes.</p>';
  await old?.close();
  const choice = (document.querySelector('input[name=model]:checked') as HTMLInputElement).value;
  const file = $<HTMLInputElement>('model-file').files?.[0];
  const labels = $<HTMLInputElement>('labels-file').files?.[0];
  const preset = $<HTMLSelectElement>('preset').value as PresetName | '';
  const runtime = $<HTMLSelectElement>('runtime').value as 'wasm' | 'webgpu';
  if (choice === 'file' && !file) {
    status('choose an .onnx file', 'model-status');
    setState('ready');
    return null;
  }
  const opts: LoadOptions = { runtime, wasmPaths: ORT_FILES, ...(preset ? { preset } : {}), ...(labels ? { labels } : {}) };
  const name = choice === 'file' ? file!.name : 'the bundled scenes model';
  status(`loading ${name}…`, 'model-status');
  const t0 = performance.now();
  try {
    const ex = await deepinside.Explainer.load(choice === 'file' ? file! : undefined, opts);
    demo.explainer = ex;
    demo.modelError = null;
    const fallback = ex.runtimeFallbackReason ? ` (WebGPU unavailable: ${ex.runtimeFallbackReason})` : '';
    status(`${name}: ${ex.classes} classes, ${ex.info.width}×${ex.info.height} input, ${ex.preset.name} preset, ` +
      `runtime ${ex.runtime}${fallback}; loaded in ${Math.round(performance.now() - t0)} ms`, 'model-status');
    setState('ready');
    mountVisualise($('visualise-body'), ex, () => (demo.last ? demo.last.predictions.slice(0, 3).map((p) => p.index) : []));
    return ex;
  } catch (e) {
    const message = errorText(e);
    demo.modelError = message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
    status('no model loaded', 'model-status');
    showError(`This model cannot be used: ${demo.modelError}`);
    setState('error');
    return null;
  }
}

function reload() {
  setState('loading-model');
  loading = loadModel(loading, ++generation);
}

for (const id of ['labels-file', 'preset', 'runtime']) $(id).addEventListener('change', reload);
for (const r of document.querySelectorAll('input[name=model]')) r.addEventListener('change', reload);
$('model-file').addEventListener('change', () => {
  (document.querySelector('input[name=model][value=file]') as HTMLInputElement).checked = true;
  reload();
});

// ---- images ----------------------------------------------------------------------------------

let lastImage: { input: ImageInput; label?: string } | null = null;

async function processImage(input: ImageInput, label?: string): Promise<LocaliseResult | null> {
  lastImage = { input, label };
  const ex = await loading;
  if (!ex) {
    showError(demo.modelError ? `This model cannot be used: ${demo.modelError}` : 'Load a model first.');
    setState('error');
    return null;
  }
  setState('processing');
  showError(null);
  status('computing the saliency map and localising…');
  try {
    const name = label ?? (input instanceof File ? input.name : typeof input === 'string' ? input.split('/').pop()! : 'image');
    const image = await deepinside.decodeImage(input, { name });
    const map = ($<HTMLSelectElement>('map').value || undefined) as MapKind | undefined;
    const [r] = await ex.localise({ ...image, channels: 3 }, { topK: 1, map });
    demo.last = r!;
    draw(image, r!);
    suggestClasses(r!.predictions.slice(0, 3).map((p) => p.label));
    status(`${name}: network ${r!.timings.networkMs.toFixed(0)} ms, segmentation ${r!.timings.segmentMs.toFixed(0)} ms`);
    setState('done');
    return r!;
  } catch (e) {
    showError(`This image cannot be used: ${errorText(e)}`);
    status('');
    setState('error');
    return null;
  }
}

function toCanvas(id: string, img: RgbImage) {
  drawRgb($<HTMLCanvasElement>(id), img);
}

function draw(image: RgbImage, r: LocaliseResult) {
  const loc = r.localisations[0]!;
  const map = loc.saliency.sourceMap;
  $('results').hidden = false;
  $('top').replaceChildren(...r.predictions.map((p) => {
    const li = document.createElement('li');
    li.innerHTML = `<b></b> <span></span>`;
    li.querySelector('b')!.textContent = p.label;
    li.querySelector('span')!.textContent = `${(100 * p.probability).toFixed(1)}%`;
    return li;
  }));
  const seeds = `seeds fg q${loc.seeding.fgQuantile} / bg q${loc.seeding.bgQuantile}${loc.selectorScore === undefined ? '' : ' (chosen by the seed selector)'}`;
  $('ran').textContent = `runtime ${r.runtime} · core ${r.backend} · map ${r.settings.map} · ${seeds} · class explained: ${loc.target.label}`;
  toCanvas('c-image', image);
  toCanvas('c-saliency', { data: deepinside.applyColormap(map), width: image.width, height: image.height });
  toCanvas('c-overlay', deepinside.overlay(image, map));
  const tinted = deepinside.tintMask(image, loc.mask);
  toCanvas('c-mask', loc.box ? deepinside.drawBox(tinted, loc.box, [255, 220, 0], Math.max(1, Math.round(image.width / 128))) : tinted);
}

// another kind of map redraws the image shown
$('map').addEventListener('change', () => { if (lastImage) void processImage(lastImage.input, lastImage.label); });

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f) void processImage(f);
});
$<HTMLInputElement>('image-file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void processImage(f);
});

const examples = import.meta.glob('../examples/*.png', { eager: true, query: '?url', import: 'default' }) as Record<string, string>;
for (const [path, url] of Object.entries(examples)) {
  const b = document.createElement('button');
  const name = path.split('/').pop()!;
  b.title = name;
  b.dataset.example = name;
  b.innerHTML = `<img alt="">`;
  b.querySelector('img')!.src = url;
  b.addEventListener('click', () => void processImage(url, name));
  $('examples').append(b);
}

// ---- start -----------------------------------------------------------------------------------

$('env').textContent = `${crossOriginIsolated ? 'cross-origin isolated: threaded WebAssembly' : 'not cross-origin isolated: single-threaded WebAssembly'} · ${'gpu' in navigator ? 'WebGPU present' : 'no WebGPU'}`;
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('./sw.js').catch((e) => console.warn('service worker:', e));
}
reload();

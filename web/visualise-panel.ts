// The class model visualisation panel (the paper's section 2, Explainer.visualise): choose classes
// and a preset, and watch each class's image emerge step by step, with a progress bar and a
// cancel button (an AbortSignal). Each step dispatches a 'visualise-progress' event on the panel
// ({ step, steps, drawn }).
import type { Explainer, VisualisePresetName } from '../ts/browser.js';
import { drawRgb } from './canvas.js';

type VisState = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** how often the images are redrawn while the ascent runs */
const REDRAW_MS = 150;

let current: AbortController | null = null;

export function mountVisualise(root: HTMLElement, explainer: Explainer, suggested: () => number[] = () => []): void {
  current?.abort();
  const labels = Array.from({ length: explainer.classes }, (_, i) => explainer.label(i));
  root.innerHTML = `
    <p class="small">The image that maximises the class score S<sub>c</sub>(I) − λ‖I‖², by gradient ascent on the
      input from the zero image ('paper'), or regularised to read better ('clear').</p>
    <div class="row">
      <label>classes <input id="vis-classes" size="40" placeholder="labels or indices, comma-separated"></label>
      <label>preset <select id="vis-preset"><option value="clear">clear</option><option value="paper">paper</option></select></label>
      <label>steps <input id="vis-steps" type="number" min="1" max="5000" placeholder="preset's"></label>
      <button id="vis-start">Visualise</button>
      <button id="vis-cancel" disabled>Cancel</button>
    </div>
    <div class="row"><progress id="vis-progress" max="1" value="0"></progress> <span id="vis-status" class="small"></span></div>
    <div id="vis-images" class="row"></div>`;
  const $ = <T extends HTMLElement>(id: string) => root.querySelector(`#${id}`) as T;
  const input = $<HTMLInputElement>('vis-classes');
  const first = suggested();
  input.value = (first.length ? first : [0, 1, 2].filter((i) => i < labels.length)).map((i) => labels[i]).join(', ');
  const setState = (s: VisState, text: string) => {
    root.dataset.visState = s;
    $('vis-status').textContent = text;
    $<HTMLButtonElement>('vis-start').disabled = s === 'running';
    $<HTMLButtonElement>('vis-cancel').disabled = s !== 'running';
  };
  setState('idle', '');

  $('vis-cancel').addEventListener('click', () => current?.abort());
  $('vis-start').addEventListener('click', async () => {
    const targets = input.value.split(',').map((t) => t.trim()).filter(Boolean).map((t) => (/^\d+$/.test(t) ? Number(t) : t));
    const steps = Number($<HTMLInputElement>('vis-steps').value) || undefined;
    const controller = new AbortController();
    current = controller;
    const progress = $<HTMLProgressElement>('vis-progress');
    progress.value = 0;
    let canvases: HTMLCanvasElement[] = [];
    try {
      const names = targets.map((t) => labels[explainer.resolveTarget(t)]!);
      $('vis-images').replaceChildren(...names.map((n) => {
        const f = document.createElement('figure');
        f.innerHTML = '<canvas></canvas><figcaption></figcaption>';
        f.querySelector('figcaption')!.textContent = n;
        return f;
      }));
      canvases = [...$('vis-images').querySelectorAll('canvas')];
      setState('running', `starting ${names.length} classes…`);
      let last = 0;
      const t0 = performance.now();
      const results = await explainer.visualise(targets, {
        preset: $<HTMLSelectElement>('vis-preset').value as VisualisePresetName,
        ...(steps ? { steps } : {}),
        signal: controller.signal,
        onProgress: (p) => {
          progress.max = p.steps;
          progress.value = p.step;
          $('vis-status').textContent = `step ${p.step} of ${p.steps} · scores ${p.scores.map((s) => s.toFixed(1)).join(', ')}`;
          const now = performance.now();
          const redraw = now - last > REDRAW_MS || p.step === p.steps;
          if (redraw) {
            last = now;
            p.images().forEach((img, i) => drawRgb(canvases[i]!, img));
          }
          root.dispatchEvent(new CustomEvent('visualise-progress', { detail: { step: p.step, steps: p.steps, drawn: redraw } }));
        },
      });
      results.forEach((r, i) => {
        drawRgb(canvases[i]!, r.image);
        canvases[i]!.parentElement!.querySelector('figcaption')!.textContent =
          `${r.target.label}: p = ${(100 * r.probability).toFixed(1)}%${r.predicted.index === r.target.index ? '' : ` (seen as ${r.predicted.label})`}`;
      });
      setState('done', `done in ${((performance.now() - t0) / 1000).toFixed(1)} s (runtime ${explainer.runtime})`);
    } catch (e) {
      if (controller.signal.aborted) setState('cancelled', `cancelled at step ${progress.value}`);
      else setState('error', `cannot visualise: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      if (current === controller) current = null;
    }
  });
}

/** Offers these classes in the panel (the top classes of the image just explained), unless it is running. */
export function suggestClasses(labels: string[]): void {
  const input = document.getElementById('vis-classes') as HTMLInputElement | null;
  if (input && !current) input.value = labels.join(', ');
}


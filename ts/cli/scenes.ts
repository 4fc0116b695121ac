// `deepinside scenes`: writes a synthetic scene data set (emoji objects on photographs, with exact
// masks and boxes) in the annotations format `deepinside evaluate` reads.
import { Command, Option } from 'commander';
import { progress } from './progress.js';
import { integer } from './parse.js';
import { BACKGROUND_PACKAGES, DEFAULT_BACKGROUND_ROOT, type Split, writeSceneDataset } from '../scenes/index.js';

interface ScenesFlags { out: string; count: number; seed: number; split: Split; size: number; backgrounds?: string; json?: boolean }

export async function scenesAction(o: ScenesFlags): Promise<void> {
  const bar = progress(o.count, 'scenes', !o.json);
  const t0 = performance.now();
  let last = 0;
  const { annotations, items } = await writeSceneDataset(o.out, {
    count: o.count, seed: o.seed, split: o.split, size: o.size, backgroundRoot: o.backgrounds,
    onProgress: (done) => { bar.tick(done - last); last = done; },
  });
  bar.stop();
  const seconds = (performance.now() - t0) / 1000;
  const summary = { out: o.out, annotations, count: items.length, split: o.split, size: o.size, seed: o.seed, seconds, scenesPerSecond: items.length / seconds };
  if (o.json) console.log(JSON.stringify(summary));
  else console.log(`${annotations}: ${items.length} ${o.split} scenes of ${o.size}x${o.size} (seed ${o.seed}) in ${seconds.toFixed(1)} s, ${summary.scenesPerSecond.toFixed(0)}/s`);
}

export function scenesCommand(): Command {
  return new Command('scenes')
    .description('write synthetic scenes (emoji objects on photographs) with exact masks and boxes: images/, masks/, labels.txt, annotations.json')
    .requiredOption('-o, --out <dir>', 'output directory')
    .requiredOption('-n, --count <n>', 'number of scenes', integer(1, 10_000_000))
    .option('--seed <s>', 'data set seed', integer(0, 0xffffffff), 0)
    .addOption(new Option('--split <name>', 'artwork and photographs to draw from').choices(['train', 'test']).default('train'))
    .option('--size <px>', 'scene side in pixels', integer(16, 2048), 128)
    .option('--backgrounds <dir>', `where the photographs are (default ${DEFAULT_BACKGROUND_ROOT}, from the Debian packages ${BACKGROUND_PACKAGES.join(', ')})`)
    .option('--json', 'print a machine-readable summary on stdout')
    .action(scenesAction);
}

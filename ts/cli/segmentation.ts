// The CLI's segmentation flags -> localise() options (--paper selects the paper's settings).
import type { MapKind } from '../gradcam.js';
import { type LocaliseOptions, PAPER_OPTIONS, definedOnly } from '../localise.js';

export interface SegmentationFlags { paper?: boolean; fgQuantile?: number; bgQuantile?: number; iterations?: number; smoothing?: number; boxFrom?: 'all' | 'largest'; downsample?: number | 'auto'; border?: number; refine?: number | false; select?: object | false; samples?: number; noise?: number; map?: MapKind }

export function segmentationOptions(o: SegmentationFlags): LocaliseOptions {
  const chosen = { fgQuantile: o.fgQuantile, bgQuantile: o.bgQuantile, iterations: o.iterations, smoothing: o.smoothing, boxFrom: o.boxFrom, downsample: o.downsample, border: o.border, refine: o.refine, select: o.select as LocaliseOptions['select'], samples: o.samples, noise: o.noise, map: o.map };
  return o.paper ? { ...PAPER_OPTIONS, ...definedOnly(chosen) } : chosen;
}


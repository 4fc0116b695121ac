// The CLI's segmentation flags -> localise() options (--paper selects the paper's settings).
import { type LocaliseOptions, PAPER_SETTINGS } from '../localise.js';

export interface SegmentationFlags { paper?: boolean; fgQuantile?: number; bgQuantile?: number; iterations?: number; smoothing?: number; boxFrom?: 'all' | 'largest'; downsample?: number | 'auto' }

export function segmentationOptions(o: SegmentationFlags): LocaliseOptions {
  const chosen = { fgQuantile: o.fgQuantile, bgQuantile: o.bgQuantile, iterations: o.iterations, smoothing: o.smoothing, boxFrom: o.boxFrom, downsample: o.downsample };
  return o.paper ? { ...PAPER_SETTINGS, ...Object.fromEntries(Object.entries(chosen).filter(([, v]) => v !== undefined)) } : chosen;
}


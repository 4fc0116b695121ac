// Where a resized (and possibly centre-cropped) image sits in the original, and carrying maps
// computed at the model's size back onto the original image grid. Platform-independent.

export type ResizeMode = 'stretch' | 'center-crop';

/** A rectangle in source-image pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function checkResize(width: number, height: number, mode: ResizeMode): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`resizeRgb: target size must be positive integers, got ${width}x${height}`);
  }
  if (mode !== 'stretch' && mode !== 'center-crop') {
    throw new Error(`resizeRgb: unknown mode "${String(mode)}" (expected 'stretch' or 'center-crop')`);
  }
}

/** The source region a resize to width x height covers: all of it, or the largest centred region of that aspect ratio. */
export function cropFor(img: { width: number; height: number }, width: number, height: number, mode: ResizeMode): CropRect {
  return mode === 'stretch' ? { x: 0, y: 0, width: img.width, height: img.height } : centreCrop(img, width, height);
}

export function centreCrop(img: { width: number; height: number }, width: number, height: number): CropRect {
  const target = width / height;
  if (img.width / img.height > target) {
    const w = Math.min(img.width, Math.max(1, Math.round(img.height * target)));
    return { x: Math.floor((img.width - w) / 2), y: 0, width: w, height: img.height };
  }
  const h = Math.min(img.height, Math.max(1, Math.round(img.width / target)));
  return { x: 0, y: Math.floor((img.height - h) / 2), width: img.width, height: h };
}

/** Bilinear sample at continuous pixel coordinates (pixel centres at integers), edges clamped. */
function sample(map: Float32Array, w: number, h: number, fx: number, fy: number): number {
  fx = Math.min(Math.max(fx, 0), w - 1);
  fy = Math.min(Math.max(fy, 0), h - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const top = map[y0 * w + x0] * (1 - ax) + map[y0 * w + x1] * ax;
  const bottom = map[y1 * w + x0] * (1 - ax) + map[y1 * w + x1] * ax;
  return top * (1 - ay) + bottom * ay;
}

function checkMap(map: Float32Array, w: number, h: number, fn: string): void {
  if (!(w > 0 && h > 0) || map.length !== w * h) {
    throw new Error(`${fn}: map has ${map.length} values but is declared ${w}x${h}`);
  }
}

/** Bilinear resize of a single-channel map (align_corners = false, like PyTorch / OpenCV). */
export function resizeMap(map: Float32Array, w: number, h: number, newW: number, newH: number): Float32Array {
  checkMap(map, w, h, 'resizeMap');
  const out = new Float32Array(newW * newH);
  const sx = w / newW;
  const sy = h / newH;
  for (let y = 0; y < newH; y++) {
    const fy = (y + 0.5) * sy - 0.5;
    for (let x = 0; x < newW; x++) out[y * newW + x] = sample(map, w, h, (x + 0.5) * sx - 0.5, fy);
  }
  return out;
}

/**
 * Places a map computed on the resized (and possibly cropped) image back onto the source grid:
 * each source pixel whose centre lies inside `crop` samples the map bilinearly; others are 0.
 */
export function mapToSource(
  map: Float32Array,
  mapW: number,
  mapH: number,
  crop: CropRect,
  srcW: number,
  srcH: number,
): Float32Array {
  checkMap(map, mapW, mapH, 'mapToSource');
  const out = new Float32Array(srcW * srcH);
  const sx = mapW / crop.width;
  const sy = mapH / crop.height;
  const x0 = Math.max(0, Math.ceil(crop.x - 0.5));
  const x1 = Math.min(srcW, Math.ceil(crop.x + crop.width - 0.5));
  const y0 = Math.max(0, Math.ceil(crop.y - 0.5));
  const y1 = Math.min(srcH, Math.ceil(crop.y + crop.height - 0.5));
  for (let y = y0; y < y1; y++) {
    const fy = (y + 0.5 - crop.y) * sy - 0.5;
    for (let x = x0; x < x1; x++) out[y * srcW + x] = sample(map, mapW, mapH, (x + 0.5 - crop.x) * sx - 0.5, fy);
  }
  return out;
}

// Resizing images to the model's input size in Node, with sharp (libvips). resample.ts is the
// same computation in plain TypeScript for browsers (exact for reductions under 4x).
// Enlargements are resample.ts' plain bilinear in Node too: it is the convention of torch's
// F.interpolate (align_corners=False), which training code uses when it upsamples (the bundled
// model's 128-pixel scenes into its 144-pixel input), and sharp's enlargement differs from it by
// 3.2 grey levels on average on such a scene (a sub-pixel shift), enough to cost the bundled model
// 0.4 points of held-out accuracy. It also makes Node and browsers feed the same bytes.
import sharp from 'sharp';
import type { RgbImage } from './types.js';
import { type CropRect, type ResizeMode, checkResize, cropFor } from './geometry.js';
import { resampleRgb } from './resample.js';

export * from './geometry.js';

/**
 * Resizes to exactly width x height. 'stretch' ignores the aspect ratio; 'center-crop' takes the
 * largest centred region with the target aspect ratio (the same as scaling the short side to
 * the target and cropping the centre). `crop` is the source region the result covers.
 */
export async function resizeRgb(
  img: RgbImage,
  width: number,
  height: number,
  mode: ResizeMode,
): Promise<{ image: RgbImage; crop: CropRect }> {
  checkResize(width, height, mode);
  const crop = cropFor(img, width, height, mode);
  if (width > crop.width || height > crop.height) return resampleRgb(img, width, height, mode);

  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  // Cropping before resizing keeps the crop rectangle in whole source pixels.
  if (crop.width !== img.width || crop.height !== img.height) {
    pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
  }
  // 'linear' is an antialiased triangle filter, close to PIL's bilinear used by most training code.
  const data = await pipeline.resize(width, height, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  return { image: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height }, crop };
}


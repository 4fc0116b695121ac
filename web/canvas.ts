// Draws an RGB image (deepinside's RgbImage) onto a canvas, resizing the canvas to fit.
import type { RgbImage } from '../ts/browser.js';

export function drawRgb(canvas: HTMLCanvasElement, img: RgbImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0, n = img.width * img.height; i < n; i++) {
    rgba.data[i * 4] = img.data[i * 3]!;
    rgba.data[i * 4 + 1] = img.data[i * 3 + 1]!;
    rgba.data[i * 4 + 2] = img.data[i * 3 + 2]!;
    rgba.data[i * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
}

/**
 * Y-channel PSNR with the SR benchmarks' convention (BasicSR / the PLKSR paper): Y of YCbCr from
 * 0..255 RGB, `border` pixels cropped from every side, peak 255. training/metrics.py is the
 * reference; this copy lets browser tests and the benchmark score results where they are made.
 */
import type { RgbaImage } from './image';

function luma(data: Uint8ClampedArray | Uint8Array, i: number): number {
  return 16 + (65.481 * data[i] + 128.553 * data[i + 1] + 24.966 * data[i + 2]) / 255;
}

export function psnrY(a: RgbaImage, b: RgbaImage, border: number): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let sum = 0;
  let count = 0;
  for (let y = border; y < a.height - border; y++) {
    for (let x = border; x < a.width - border; x++) {
      const i = (y * a.width + x) * 4;
      const d = luma(a.data, i) - luma(b.data, i);
      sum += d * d;
      count++;
    }
  }
  const mse = sum / count;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** The top-left width x height of an image: HR benchmark images are cropped to a multiple of the scale. */
export function cropTo(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) data.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return { width, height, data };
}

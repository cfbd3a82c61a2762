/**
 * Y-channel SSIM with the convention of training/metrics.py (the reference): Y of YCbCr from
 * 0..255 RGB, `border` pixels cropped from every side, an 11-tap Gaussian window (sigma 1.5)
 * applied "valid" (no padding), the mean of the SSIM map. PSNR is the engine's own psnrY.
 */
import type { RgbaImage } from '../../src/core/image';

export { cropTo, psnrY } from '../../src/core/metrics';

const WINDOW = gaussianWindow(11, 1.5);

function gaussianWindow(size: number, sigma: number): Float64Array {
  const g = new Float64Array(size);
  const half = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) sum += g[i] = Math.exp(-((i - half) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) g[i] /= sum;
  return g;
}

/** The cropped Y plane as float64, unrounded (16..235). */
function lumaPlane(image: RgbaImage, border: number): { y: Float64Array; width: number; height: number } {
  const width = image.width - 2 * border;
  const height = image.height - 2 * border;
  const y = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = ((r + border) * image.width + c + border) * 4;
      y[r * width + c] = 16 + (65.481 * image.data[i] + 128.553 * image.data[i + 1] + 24.966 * image.data[i + 2]) / 255;
    }
  }
  return { y, width, height };
}

/** Separable Gaussian filter without padding: the output is (width - 10) x (height - 10). */
function filterValid(src: Float64Array, width: number, height: number): Float64Array {
  const n = WINDOW.length;
  const ow = width - n + 1;
  const oh = height - n + 1;
  const rows = new Float64Array(oh * width);
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < width; c++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += WINDOW[k] * src[(r + k) * width + c];
      rows[r * width + c] = acc;
    }
  }
  const out = new Float64Array(oh * ow);
  for (let r = 0; r < oh; r++) {
    for (let c = 0; c < ow; c++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += WINDOW[k] * rows[r * width + c + k];
      out[r * ow + c] = acc;
    }
  }
  return out;
}

export function ssimY(a: RgbaImage, b: RgbaImage, border: number): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError(`sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  const { y: ya, width, height } = lumaPlane(a, border);
  const { y: yb } = lumaPlane(b, border);
  const product = (p: Float64Array, q: Float64Array): Float64Array => p.map((v, i) => v * q[i]);
  const muA = filterValid(ya, width, height);
  const muB = filterValid(yb, width, height);
  const aa = filterValid(product(ya, ya), width, height);
  const bb = filterValid(product(yb, yb), width, height);
  const ab = filterValid(product(ya, yb), width, height);
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i];
    const mb = muB[i];
    const varA = aa[i] - ma * ma;
    const varB = bb[i] - mb * mb;
    const cov = ab[i] - ma * mb;
    sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
  }
  return sum / muA.length;
}

/** The timing and scoring loops, shared by the bench page and the Node runner. */
import type { RgbaImage } from '../../src/core/image';
import { cropTo, psnrY, ssimY } from './metrics';
import type { QualityRequest, QualityResult, TimingRequest, TimingResult } from './protocol';

export type Upscale = (image: RgbaImage) => Promise<RgbaImage>;
export type LoadImage = (key: string) => Promise<RgbaImage>;

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function timeUpscale(upscale: Upscale, load: LoadImage, request: TimingRequest): Promise<TimingResult> {
  const image = await load(request.input);
  let out: RgbaImage | undefined;
  for (let i = 0; i < request.warmup; i++) out = await upscale(image);
  const ms: number[] = [];
  for (let i = 0; i < request.runs; i++) {
    const t0 = performance.now();
    out = await upscale(image);
    ms.push(performance.now() - t0);
  }
  if (!out) throw new Error('no run');
  return { input: request.input, width: image.width, height: image.height, outWidth: out.width, outHeight: out.height, warmup: request.warmup, ms };
}

/** Y-PSNR / SSIM of each LR -> SR against its HR (cropped to scale x LR), `scale` border pixels cropped. */
export async function scoreQuality(upscale: Upscale, load: LoadImage, request: QualityRequest): Promise<QualityResult> {
  const { scale } = request;
  const images: QualityResult['images'] = [];
  for (const { name, lr, hr } of request.images) {
    const low = await load(lr);
    const sr = await upscale(low);
    const high = await load(hr);
    if (sr.width !== low.width * scale || sr.height !== low.height * scale) throw new Error(`${name}: output ${sr.width}x${sr.height} is not x${scale}`);
    const ref = cropTo(high, sr.width, sr.height);
    images.push({ name, psnr: psnrY(sr, ref, scale), ssim: ssimY(sr, ref, scale) });
  }
  const mean = (key: 'psnr' | 'ssim'): number => images.reduce((s, r) => s + r[key], 0) / images.length;
  return { scale, images, psnr: mean('psnr'), ssim: mean('ssim') };
}

/** Raw pixels on the wire: width and height as little-endian uint32, then RGBA bytes. */
export function encodeRaw(image: RgbaImage): Uint8Array {
  const out = new Uint8Array(8 + image.data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, image.width, true);
  view.setUint32(4, image.height, true);
  out.set(image.data, 8);
  return out;
}

export function decodeRaw(buffer: ArrayBuffer): RgbaImage {
  const view = new DataView(buffer);
  const width = view.getUint32(0, true);
  const height = view.getUint32(4, true);
  return { width, height, data: new Uint8ClampedArray(buffer, 8, width * height * 4) };
}

import { EnhanceError } from './errors';
import { SHIPPED_SCALES } from './models';

/**
 * The result and its encodings (RGBA pixels, canvas, PNG, data URL) are whole-image copies, so
 * output size, not input size, bounds memory: at 4096 x 4096 each RGBA copy is 64 MB. (The seam
 * blend's floats cover only the output rows of one row of tiles: see SeamBlender.)
 */
export const MAX_OUTPUT_PIXELS = 4096 * 4096;

/** Canvases (the result's PNG is drawn on one) take at most this many pixels on a side, in Chrome and Firefox. */
export const MAX_OUTPUT_SIDE = 32767;

/** The largest input any job can take: the smallest shipped scale's result at MAX_OUTPUT_PIXELS. */
export const MAX_INPUT_PIXELS = MAX_OUTPUT_PIXELS / SHIPPED_SCALES[0] ** 2;

/**
 * The largest image file a job takes, in bytes, however it comes (downloaded, or read from the
 * page's blob: URL). More than any file within the size limits needs (the largest input, 4.2
 * megapixels, is 34 MB as 16-bit RGBA before compression): a response still growing past it is
 * no image Enhance can take (an endless stream, a server that never stops), nor is a blob the
 * page padded out, and the engine's page would hold it whole.
 */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** The refusal of a file over MAX_IMAGE_BYTES. */
export function fileTooLarge(): EnhanceError {
  return new EnhanceError('fetch-failed', `the file is over ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
}

/** Widest activation PLKSR-tiny keeps per pixel (the channel mixer's 2 x 64 channels). */
const WIDEST_CHANNELS = 128;

/** Whether the result of `scale` on a width x height image can be made: drawn (each side) and held (its pixels). */
export function resultFits(width: number, height: number, scale: number): boolean {
  return Math.max(width, height) * scale <= MAX_OUTPUT_SIDE && width * height * scale * scale <= MAX_OUTPUT_PIXELS;
}

export function checkImageSize(width: number, height: number, scale: number, maxInputPixels: number): void {
  if (width === 0 || height === 0) throw new EnhanceError('empty-image');
  if (width * height > maxInputPixels) {
    throw new EnhanceError('too-large', `${width}x${height} is over ${maxInputPixels.toLocaleString('en')} pixels`);
  }
  // A strip (a sprite sheet, a panorama banner) within the pixel count could still not be drawn:
  // refused before minutes of inference, not when the result is encoded.
  if (Math.max(width, height) * scale > MAX_OUTPUT_SIDE) {
    const underlying = `x${scale} of ${width}x${height} would be over ${MAX_OUTPUT_SIDE} pixels on a side`;
    throw new EnhanceError(resultFits(width, height, SHIPPED_SCALES[0]) ? 'too-long-for-scale' : 'too-long', undefined, underlying);
  }
  if (width * height * scale * scale > MAX_OUTPUT_PIXELS) {
    throw new EnhanceError('too-large-for-scale', undefined, `x${scale} of ${width}x${height} would exceed ${MAX_OUTPUT_PIXELS.toLocaleString('en')} output pixels`);
  }
}

/**
 * The largest square tile side whose widest float32 activation fits in one GPU buffer binding
 * (WebGPU adapters cap it, often at 128 MiB), capped by the configured tile size.
 */
export function tileForBufferLimit(maxBindingBytes: number, configuredTile: number): number {
  const side = Math.floor(Math.sqrt(maxBindingBytes / (WIDEST_CHANNELS * 4)));
  return Math.max(64, Math.min(configuredTile, side));
}

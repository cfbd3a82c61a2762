/**
 * The files the command line reads: PNG and JPEG (most photos), turned upright by their EXIF
 * orientation as a browser shows them (these decoders give the pixels as stored).
 */
import jpeg from 'jpeg-js';
import { countFrames } from '../core/discovery';
import { EnhanceError, textOf } from '../core/errors';
import type { RgbaImage } from '../core/image';
import { exifOrientation } from '../core/image-header';
import { uprightPixels } from '../core/orientation';
import { decodePng, isPng } from './png';

export function decodeImageFile(bytes: Buffer): RgbaImage {
  // The decoders give an animated PNG's default image alone, which may not even be a frame of it.
  if (countFrames(bytes) > 1) throw new EnhanceError('animated');
  const stored = isJpeg(bytes) ? decodeJpeg(bytes) : isPng(bytes) ? decodePng(bytes) : null;
  if (!stored) throw new EnhanceError('not-an-image', 'not a PNG or JPEG file');
  return uprightPixels(stored, exifOrientation(bytes));
}

export function isJpeg(bytes: Buffer): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/** The library's words mean nothing to a user: a damaged file says so, with them for the log line. */
function decodeJpeg(bytes: Buffer): RgbaImage {
  try {
    const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
  } catch (error) {
    throw new EnhanceError('not-an-image', 'a damaged or cut-short JPEG', textOf(error));
  }
}

/**
 * The files the command line reads: PNG and JPEG (most photos), turned upright by their EXIF
 * orientation as a browser shows them (these decoders give the pixels as stored).
 */
import jpeg from 'jpeg-js';
import { countFrames } from '../core/discovery';
import { EnhanceError, textOf } from '../core/errors';
import type { RgbaImage } from '../core/image';
import { exifOrientation, JPEG_SOF, jpegSegments } from '../core/image-header';
import { uprightPixels } from '../core/orientation';
import { halvedColour, samplesAsStored, smoothColourToRgb } from './jpeg-colour';
import { decodePng, isPng } from './png';

/**
 * Turns away a file these decoders do not read, before any model is loaded or the size is judged:
 * advice to upscale a WebP x2 would only lead to this refusal.
 */
export function checkReadable(bytes: Buffer): void {
  // The decoders give an animated PNG's default image alone, which may not even be a frame of it.
  if (countFrames(bytes) > 1) throw new EnhanceError('animated');
  if (!isJpeg(bytes) && !isPng(bytes)) throw new EnhanceError('not-an-image', 'not a PNG or JPEG file');
}

export function decodeImageFile(bytes: Buffer): RgbaImage {
  checkReadable(bytes);
  return uprightPixels(isJpeg(bytes) ? decodeJpeg(bytes) : decodePng(bytes), exifOrientation(bytes));
}

export function isJpeg(bytes: Buffer): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8;
}

/**
 * What the library cannot read in a sound file, said as such rather than as damage: it decodes a
 * 12-bit JPEG as if 8-bit (saturated noise, no error), a four-channel one only with Adobe's
 * marker, which tells CMYK from YCCK, and no lossless or arithmetic-coded one.
 */
function unsupportedJpeg(bytes: Buffer): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let adobe = false;
  for (const { marker, at } of jpegSegments(view)) {
    if (marker === 0xee && bytes.subarray(at + 4, at + 9).toString('latin1') === 'Adobe') adobe = true;
    if (!JPEG_SOF.has(marker) || at + 10 > bytes.length) continue;
    // Huffman-coded baseline, extended and progressive frames only (SOF0-2): the library knows no lossless or arithmetic coding.
    if (marker > 0xc2) return 'a lossless or arithmetic-coded JPEG: only baseline and progressive JPEGs are read';
    const precision = bytes[at + 4];
    if (precision !== 8) return `a ${precision}-bit JPEG: only 8-bit JPEGs are read`;
    if (bytes[at + 9] === 4 && !adobe) return 'a four-channel (CMYK) JPEG without the Adobe marker that says how its colours are stored';
    return null;
  }
  return null;
}

/** The library's words mean nothing to a user: a damaged file says so, with them for the log line. */
function decodeJpeg(bytes: Buffer): RgbaImage {
  const unsupported = unsupportedJpeg(bytes);
  if (unsupported !== null) throw new EnhanceError('not-an-image', unsupported);
  try {
    const rgb = storesRgb(bytes);
    // Colour stored at half the resolution comes as stored (Y, Cb, Cr), to be smoothed here.
    const halved = rgb ? null : halvedColour(bytes);
    const { width, height, data } = jpeg.decode(halved ? samplesAsStored(bytes) : bytes, { useTArray: true, formatAsRGBA: true, ...((rgb || halved) && { colorTransform: false }) });
    const image = { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
    if (halved) smoothColourToRgb(image, halved);
    return image;
  } catch (error) {
    throw new EnhanceError('not-an-image', 'a damaged or cut-short JPEG', textOf(error));
  }
}

/**
 * Whether a three-channel JPEG stores RGB, not YCbCr, by libjpeg's rules, which browsers follow: a
 * JFIF marker means YCbCr; else Adobe's marker says, by its transform (0: none, so RGB); else
 * channels named 'R', 'G', 'B' mean RGB. The library reads Adobe's transform 0 as YCbCr (Photoshop
 * saves RGB JPEGs so): every colour would come out wrong.
 */
function storesRgb(bytes: Buffer): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number, length: number) => bytes.subarray(at, at + length).toString('latin1');
  let adobeTransform: number | undefined;
  for (const { marker, at } of jpegSegments(view)) {
    const body = at + 4;
    if (marker === 0xe0 && text(body, 5) === 'JFIF\0') return false;
    if (marker === 0xee && text(body, 5) === 'Adobe' && body + 11 < bytes.length) adobeTransform = bytes[body + 11];
    if (JPEG_SOF.has(marker) && body + 6 + 3 * 3 <= bytes.length && bytes[body + 5] === 3) {
      return adobeTransform === undefined ? text(body + 6, 1) + text(body + 9, 1) + text(body + 12, 1) === 'RGB' : adobeTransform === 0;
    }
  }
  return false;
}

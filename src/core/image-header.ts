/**
 * An image file's pixel size, read from its header without decoding it. The engine checks the size
 * limits on it first: decoding a 20000 x 20000 PNG (a few MB on disk) would ask for 1.6 GB before
 * any limit could say no, and end in a crashed engine or a misleading "not an image".
 */
import type { Size } from './image-geometry';
import { gifImageDescriptors } from './gif-blocks';
import { isoBrands, walkIsoBoxes } from './iso-boxes';

/** JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): the ones that state the size. */
export const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
/** JPEG markers with no length after them. */
const JPEG_STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);

/**
 * Width and height as stored (before any EXIF rotation, which keeps the pixel count) of a PNG,
 * JPEG, GIF, WebP, BMP or AVIF file; null for other formats and for headers cut short, which the
 * decoder then judges.
 */
export function headerSize(bytes: Uint8Array): Size | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number, length: number): string =>
    offset + length <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + length)) : '';
  const fits = (end: number) => end <= bytes.length;
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n' && ascii(12, 4) === 'IHDR' && fits(24)) return { width: view.getUint32(16), height: view.getUint32(20) };
  if ((ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') && fits(10)) return gifSize(bytes, view);
  if (ascii(0, 2) === 'BM') return bmpSize(view);
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return webpSize(view, ascii(12, 4));
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(view);
  const brands = isoBrands(view);
  if (brands.includes('avif') || brands.includes('avis')) return avifSize(view);
  return null;
}

/**
 * The logical screen, grown to hold the first image where that reaches past it, as browsers draw
 * a GIF: some encoders write a screen of 0 x 0, which would read as an image with no pixels, and
 * a 1 x 1 screen could hide a first image far too large to decode.
 */
function gifSize(bytes: Uint8Array, view: DataView): Size {
  const screen = { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  const first = gifImageDescriptors(bytes).next();
  // The descriptor: 0x2c, then left, top, width and height.
  if (first.done || first.value + 9 > bytes.length) return screen;
  const at = first.value;
  return {
    width: Math.max(screen.width, view.getUint16(at + 1, true) + view.getUint16(at + 5, true)),
    height: Math.max(screen.height, view.getUint16(at + 3, true) + view.getUint16(at + 7, true)),
  };
}

/** The boxes on the way from the file to its items' properties (meta/iprp/ipco). */
const AVIF_PROPERTIES_PATH = new Set(['meta', 'iprp', 'ipco']);

/**
 * The largest image spatial extent (ispe) among the items' properties. Every image item has one:
 * the picture, its alpha plane, a thumbnail, and the tiles of a grid as well as the grid itself,
 * whose extent is the picture's. None of the others is larger than the picture, so the largest is
 * its size, without resolving which item is the primary one.
 */
function avifSize(view: DataView): Size | null {
  let largest: Size | null = null;
  walkIsoBoxes(view, AVIF_PROPERTIES_PATH, ({ type, start, end }) => {
    // A full box: version and flags, then the width and the height.
    if (type !== 'ispe' || start + 12 > end) return;
    const size = { width: view.getUint32(start + 4), height: view.getUint32(start + 8) };
    if (!largest || size.width * size.height > largest.width * largest.height) largest = size;
  });
  return largest;
}

function webpSize(view: DataView, chunk: string): Size | null {
  const fits = (end: number) => end <= view.byteLength;
  // Lossy: a 3-byte frame tag and the start code 9d 01 2a, then 14-bit sizes.
  if (chunk === 'VP8 ' && fits(30)) return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  // Lossless: the signature byte 0x2f, then width - 1 and height - 1 in 14 bits each.
  if (chunk === 'VP8L' && fits(25)) {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  // Extended (alpha, animation, metadata): the canvas size, 24 bits each, minus one.
  if (chunk === 'VP8X' && fits(30)) {
    const u24 = (at: number) => view.getUint16(at, true) | (view.getUint8(at + 2) << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}

/** Two layouts: OS/2 1.x's 12-byte header has 16-bit sizes; the later ones, 32-bit (a negative height: rows top down). */
function bmpSize(view: DataView): Size | null {
  if (view.byteLength < 18) return null;
  if (view.getUint32(14, true) === 12) return view.byteLength >= 22 ? { width: view.getUint16(18, true), height: view.getUint16(20, true) } : null;
  return view.byteLength >= 26 ? { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) } : null;
}

/** The size in the first start-of-frame segment. */
function jpegSize(view: DataView): Size | null {
  for (const { marker, at } of jpegSegments(view)) {
    if (JPEG_SOF.has(marker)) return at + 9 <= view.byteLength ? { width: view.getUint16(at + 7), height: view.getUint16(at + 5) } : null;
  }
  return null;
}

/**
 * A JPEG's segments before its image data, each with its marker and where it starts (at its 0xff);
 * they end early where the file is not one we can read.
 */
export function* jpegSegments(view: DataView): Generator<{ marker: number; at: number }> {
  for (let at = 2; at + 4 <= view.byteLength; ) {
    if (view.getUint8(at) !== 0xff) return;
    const marker = view.getUint8(at + 1);
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (JPEG_STANDALONE.has(marker)) {
      at += 2;
      continue;
    }
    if (marker === 0xda) return; // the image data
    yield { marker, at };
    at += 2 + view.getUint16(at + 2);
  }
}

/** EXIF orientations: 1 as stored, 2-4 flipped or half-turned, 5-8 with their sides swapped. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** The EXIF tag that says how to turn the stored picture upright. */
const ORIENTATION_TAG = 0x0112;

/**
 * How a JPEG's EXIF data (its APP1 segment) or a PNG's (its eXIf chunk, before the pixels) says to
 * turn its picture upright, which browsers do unless the page's style says not to; 1 (as stored)
 * for other files (Chromium and Firefox turn no WebP by its EXIF: measured), and where none is said.
 */
export function exifOrientation(bytes: Uint8Array): Orientation {
  const tiff = exifTiff(bytes);
  // A SHORT, as the standard has it: browsers read no other type (Chromium's EXIF reader).
  const value = tiff ? tiffNumber(tiff, tiffEntry(tiff, tiff.firstDirectory, ORIENTATION_TAG), [TIFF_SHORT]) : undefined;
  return value !== undefined && value >= 1 && value <= 8 ? (value as Orientation) : 1;
}

/** EXIF's directory of camera data, which the first directory points to, and the picture's size there. */
const EXIF_DIRECTORY_TAG = 0x8769;
const PIXEL_X_DIMENSION_TAG = 0xa002;
const PIXEL_Y_DIMENSION_TAG = 0xa003;

/**
 * The picture's size as a JPEG's or PNG's EXIF data gives it (PixelXDimension, PixelYDimension);
 * null where it gives none. Browsers lay a file out at that size, not its pixels', where its EXIF
 * resolution says so (a "2x" file at 144 dpi: Chromium for JPEG, Firefox for JPEG and PNG, measured).
 */
export function exifPixelDimensions(bytes: Uint8Array): Size | null {
  const tiff = exifTiff(bytes);
  if (!tiff) return null;
  const exifDirectory = tiffNumber(tiff, tiffEntry(tiff, tiff.firstDirectory, EXIF_DIRECTORY_TAG), [TIFF_LONG]);
  // Where the standard puts them; some writers put them in the first directory, which Chromium reads too.
  for (const directory of [exifDirectory, tiff.firstDirectory]) {
    if (directory === undefined) continue;
    const width = tiffNumber(tiff, tiffEntry(tiff, directory, PIXEL_X_DIMENSION_TAG), [TIFF_SHORT, TIFF_LONG]);
    const height = tiffNumber(tiff, tiffEntry(tiff, directory, PIXEL_Y_DIMENSION_TAG), [TIFF_SHORT, TIFF_LONG]);
    if (width && height) return { width, height };
  }
  return null;
}

/**
 * The file's size in pixels, upright, where the page lays it out at its EXIF size, smaller
 * (laidOutAtExifSize): `shown` is the element's natural size, `stored` the header's. Null otherwise.
 */
export function pixelsOverExifSize(shown: Size, bytes: Uint8Array, stored: Size): Size | null {
  const upright = exifOrientation(bytes) >= 5 ? { width: stored.height, height: stored.width } : stored;
  return laidOutAtExifSize(shown, upright, exifPixelDimensions(bytes)) ? upright : null;
}

/**
 * Whether the page lays the file out at the size its EXIF data gives (`exif`: exifPixelDimensions),
 * not at its pixels' (`file`, upright): the browser took a density from it, and the element's
 * natural size, `shown`, is the file's over that density.
 */
export function laidOutAtExifSize(shown: Size, file: Size, exif: Size | null): boolean {
  if (!exif || shown.width * shown.height >= file.width * file.height) return false;
  return (shown.width === exif.width && shown.height === exif.height) || (shown.width === exif.height && shown.height === exif.width);
}

/** A TIFF block (EXIF's layout): its byte order, then the offset of its first directory. */
interface Tiff {
  view: DataView;
  little: boolean;
  firstDirectory: number;
}

/** The TIFF block of a JPEG's EXIF data or a PNG's (see exifOrientation); null where there is none. */
function exifTiff(bytes: Uint8Array): Tiff | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(0, 8)) === '\x89PNG\r\n\x1a\n') {
    for (const { type, at, length } of pngChunksBeforePixels(view)) {
      if (type === 'eXIf') return length >= 8 && at + 8 + length <= view.byteLength ? tiffOf(new DataView(view.buffer, view.byteOffset + at + 8, length)) : null;
    }
    return null;
  }
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  for (const { marker, at } of jpegSegments(view)) {
    if (JPEG_SOF.has(marker)) return null; // the frame comes after the metadata
    const start = at + 4;
    // The segment's length counts its own two bytes; "Exif\0\0" comes before the TIFF block.
    const length = Math.min(view.getUint16(at + 2) - 8, view.byteLength - start - 6);
    if (marker !== 0xe1 || length < 8 || String.fromCharCode(...bytes.subarray(start, start + 6)) !== 'Exif\0\0') continue;
    return tiffOf(new DataView(bytes.buffer, bytes.byteOffset + start + 6, length));
  }
  return null;
}

function tiffOf(view: DataView): Tiff | null {
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const little = order === 0x4949;
  return { view, little, firstDirectory: view.getUint32(4, little) };
}

/**
 * Where `tag`'s entry of 12 bytes starts in the directory at `directory` (its count of entries,
 * then the entries); undefined where it is not there, or the block ends first.
 */
function tiffEntry({ view, little }: Tiff, directory: number, tag: number): number | undefined {
  if (directory + 2 > view.byteLength) return undefined;
  const entries = view.getUint16(directory, little);
  for (let i = 0; i < entries; i++) {
    const entry = directory + 2 + i * 12;
    if (entry + 12 > view.byteLength) return undefined;
    if (view.getUint16(entry, little) === tag) return entry;
  }
  return undefined;
}

/** TIFF's types of whole numbers: SHORT and LONG. */
const TIFF_SHORT = 3;
const TIFF_LONG = 4;

/** The entry's one value (held in the entry itself) where its type is one of `types`; undefined for no entry, and for other types. */
function tiffNumber({ view, little }: Tiff, entry: number | undefined, types: readonly number[]): number | undefined {
  if (entry === undefined || view.getUint32(entry + 4, little) !== 1) return undefined;
  const type = view.getUint16(entry + 2, little);
  if (!types.includes(type)) return undefined;
  return type === TIFF_SHORT ? view.getUint16(entry + 8, little) : view.getUint32(entry + 8, little);
}

/**
 * A PNG's chunks before its pixels (IDAT), each with its type, where it starts (at its length) and
 * its data's length: a chunk is a length, a type, the data and a checksum. The last may be cut short.
 */
export function* pngChunksBeforePixels(view: DataView): Generator<{ type: string; at: number; length: number }> {
  for (let at = 8; at + 8 <= view.byteLength; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5), view.getUint8(at + 6), view.getUint8(at + 7));
    if (type === 'IDAT') return;
    yield { type, at, length };
    at += 12 + length;
  }
}


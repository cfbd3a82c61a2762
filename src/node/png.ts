/** PNG files <-> RgbaImage in Node, for the CLI, the benchmark and the tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { EnhanceError, textOf } from '../core/errors';
import type { RgbaImage } from '../core/image';

const SIGNATURE = Buffer.from('\x89PNG\r\n\x1a\n', 'latin1');

export function isPng(bytes: Buffer): boolean {
  return bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE);
}

/** Refuses what is not a PNG, or is a damaged one, with the engine's "not an image" (the library's words mean nothing to a user). */
export function decodePng(bytes: Buffer): RgbaImage {
  if (!isPng(bytes)) throw new EnhanceError('not-an-image', 'not a PNG file');
  let png;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new EnhanceError('not-an-image', 'a damaged or cut-short PNG', textOf(error));
  }
  return { width: png.width, height: png.height, data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length) };
}

export function readPng(path: string): RgbaImage {
  return decodePng(readFileSync(path));
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length).copy(png.data);
  return PNG.sync.write(png);
}

export function writePng(path: string, image: RgbaImage): void {
  writeFileSync(path, encodePng(image));
}

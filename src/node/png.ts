/** PNG files <-> RgbaImage in Node, for the CLI, the benchmark and the tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { RgbaImage } from '../core/image';

export function decodePng(bytes: Buffer): RgbaImage {
  const png = PNG.sync.read(bytes);
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

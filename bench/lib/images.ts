/**
 * The benchmark's images, decoded in Node and served raw to the page so every method sees the
 * same bytes: two crops of a Set14 LR image, one 1024x768 Urban100 photo (tiled at maxTile 256),
 * and the Set14 LR/HR pairs for quality.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RgbaImage } from '../../src/core/image';
import { readPng } from '../../src/node/png';
import type { QualityRequest } from './protocol';

export const BENCH_DATA = resolve(import.meta.dirname, '../../../shared/data/bench');

interface InputSpec {
  id: string;
  label: string;
  file: string;
  crop?: { x: number; y: number; width: number; height: number };
}

/** Timing inputs, smallest first. monarchx2.png is 384x256; img_002.png is 1024x768. */
export const TIMING_INPUTS: readonly InputSpec[] = [
  /** Only for software WebGPU (SwiftShader), where 128x128 at x4 takes minutes. */
  { id: '32', label: '32x32', file: 'Set14/LR_bicubic/X2/monarchx2.png', crop: { x: 176, y: 112, width: 32, height: 32 } },
  { id: '128', label: '128x128', file: 'Set14/LR_bicubic/X2/monarchx2.png', crop: { x: 128, y: 64, width: 128, height: 128 } },
  { id: '256', label: '256x256', file: 'Set14/LR_bicubic/X2/monarchx2.png', crop: { x: 64, y: 0, width: 256, height: 256 } },
  { id: '1024x768', label: '1024x768', file: 'Urban100/HR/img_002.png' },
];

function crop(image: RgbaImage, r: { x: number; y: number; width: number; height: number }): RgbaImage {
  const out = new Uint8ClampedArray(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    const src = ((r.y + y) * image.width + r.x) * 4;
    out.set(image.data.subarray(src, src + r.width * 4), y * r.width * 4);
  }
  return { width: r.width, height: r.height, data: out };
}

const cache = new Map<string, RgbaImage>();

/** Keys: input/<id>, set14/hr/<name>, set14/x<scale>/<name>. */
export function loadImage(key: string): RgbaImage {
  let image = cache.get(key);
  if (image) return image;
  const [kind, a, b] = key.split('/');
  if (kind === 'input') {
    const spec = TIMING_INPUTS.find((i) => i.id === a);
    if (!spec) throw new Error(`unknown input ${a}`);
    const full = readPng(join(BENCH_DATA, spec.file));
    image = spec.crop ? crop(full, spec.crop) : full;
  } else if (kind === 'set14' && a === 'hr' && b) {
    image = readPng(join(BENCH_DATA, 'Set14/HR', `${b}.png`));
  } else if (kind === 'set14' && /^x\d$/.test(a) && b) {
    image = readPng(lrPath(Number(a.slice(1)), b));
  } else {
    throw new Error(`unknown image key ${key}`);
  }
  cache.set(key, image);
  return image;
}

function lrPath(scale: number, name: string): string {
  return join(BENCH_DATA, 'Set14/LR_bicubic', `X${scale}`, `${name}x${scale}.png`);
}

export function set14Names(): string[] {
  return readdirSync(join(BENCH_DATA, 'Set14/HR'))
    .filter((f) => f.endsWith('.png'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** LR pixels of each Set14 image at a scale, in set14Names() order: what a method's Set14 pass costs. */
export function set14LrPixels(scale: number): number[] {
  return set14Names().map((name) => {
    const lr = loadImage(`set14/x${scale}/${name}`);
    return lr.width * lr.height;
  });
}

/** Set14 at a scale, from the stored MATLAB-bicubic LR files: every image, the first `limit`, or the named ones. */
export function set14Request(scale: number, only?: { limit?: number; names?: readonly string[] }): QualityRequest {
  const names = set14Names().filter((name) => !only?.names || only.names.includes(name));
  for (const name of names) if (!existsSync(lrPath(scale, name))) throw new Error(`Set14 has no x${scale} LR for ${name} (${lrPath(scale, name)})`);
  return { scale, images: names.slice(0, only?.limit).map((name) => ({ name, lr: `set14/x${scale}/${name}`, hr: `set14/hr/${name}` })) };
}

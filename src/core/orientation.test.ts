import { describe, expect, it } from 'vitest';
import type { RgbaImage } from './image';
import type { Orientation } from './image-header';
import { storedPixels, uprightPixels } from './orientation';

const letters = ({ width, height, data }: RgbaImage): string[] =>
  Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => String.fromCharCode(data[(y * width + x) * 4])).join(''));

/** What a file with each orientation stores, for a decoder to turn it into abc/def: worked out by hand from EXIF's definitions. */
const STORED = [
  [1, ['abc', 'def']],
  [2, ['cba', 'fed']],
  [3, ['fed', 'cba']],
  [4, ['def', 'abc']],
  [5, ['ad', 'be', 'cf']],
  [6, ['cf', 'be', 'ad']],
  [7, ['fc', 'eb', 'da']],
  [8, ['da', 'eb', 'fc']],
] as Array<[Orientation, string[]]>;

/** A picture whose pixels are the letters of `rows` (each letter's code in its four channels). */
const picture = (rows: string[]): RgbaImage => ({
  width: rows[0].length,
  height: rows.length,
  data: Uint8ClampedArray.from(rows.join('').split('').flatMap((c) => Array(4).fill(c.charCodeAt(0)))),
});

/** 3 x 2: abc over def. */
const upright = picture(['abc', 'def']);

describe('storedPixels', () => {
  it.each(STORED)('orientation %i: stored as %j', (orientation, stored) => {
    const out = storedPixels(upright, orientation);
    expect(letters(out)).toEqual(stored);
    expect([out.width, out.height]).toEqual([stored[0].length, stored.length]);
  });

  it('keeps every channel of a pixel together', () => {
    const image: RgbaImage = { width: 2, height: 1, data: Uint8ClampedArray.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect([...storedPixels(image, 6).data]).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });
});

describe('uprightPixels', () => {
  it.each(STORED)('orientation %i: %j turned upright is abc/def', (orientation, stored) => {
    const out = uprightPixels(picture(stored), orientation);
    expect(letters(out)).toEqual(['abc', 'def']);
    expect([out.width, out.height]).toEqual([3, 2]);
  });
});

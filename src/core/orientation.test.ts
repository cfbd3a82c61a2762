import { describe, expect, it } from 'vitest';
import type { RgbaImage } from './image';
import type { Orientation } from './image-header';
import { storedPixels } from './orientation';

/** A 3 x 2 picture whose pixels are the letters a-f, row by row (each letter's code in its four channels). */
const upright: RgbaImage = { width: 3, height: 2, data: Uint8ClampedArray.from([...'abcdef'].flatMap((c) => Array(4).fill(c.charCodeAt(0)))) };

const letters = ({ width, height, data }: RgbaImage): string[] =>
  Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => String.fromCharCode(data[(y * width + x) * 4])).join(''));

describe('storedPixels', () => {
  // What a file with each orientation stores, for a decoder to turn it into abc/def: worked out by hand from EXIF's definitions.
  it.each([
    [1, ['abc', 'def']],
    [2, ['cba', 'fed']],
    [3, ['fed', 'cba']],
    [4, ['def', 'abc']],
    [5, ['ad', 'be', 'cf']],
    [6, ['cf', 'be', 'ad']],
    [7, ['fc', 'eb', 'da']],
    [8, ['da', 'eb', 'fc']],
  ] as Array<[Orientation, string[]]>)('orientation %i: stored as %j', (orientation, stored) => {
    const out = storedPixels(upright, orientation);
    expect(letters(out)).toEqual(stored);
    expect([out.width, out.height]).toEqual([stored[0].length, stored.length]);
  });

  it('keeps every channel of a pixel together', () => {
    const image: RgbaImage = { width: 2, height: 1, data: Uint8ClampedArray.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    expect([...storedPixels(image, 6).data]).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });
});

import { describe, expect, it } from 'vitest';
import { bleedIntoTransparent } from './alpha-bleed';
import { createRgbaImage } from './image';

const pixel = (image: { width: number; data: Uint8ClampedArray }, x: number, y: number) => Array.from(image.data.slice((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));

describe('bleedIntoTransparent', () => {
  it('colours transparent pixels from their nearest visible neighbours, and changes nothing else', () => {
    // One row: red at x 0, blue at x 4 (alpha 10: faint, still visible), transparent black between and after.
    const image = createRgbaImage(40, 1);
    image.data.set([255, 0, 0, 255], 0);
    image.data.set([0, 0, 255, 10], 4 * 4);
    const out = bleedIntoTransparent(image);
    expect(pixel(out, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(pixel(out, 4, 0)).toEqual([0, 0, 255, 10]);
    expect(pixel(out, 1, 0)).toEqual([255, 0, 0, 0]);
    expect(pixel(out, 3, 0)).toEqual([0, 0, 255, 0]);
    expect(pixel(out, 2, 0)).toEqual([128, 0, 128, 0]);
    expect(pixel(out, 20, 0)).toEqual([0, 0, 255, 0]);
    // Beyond the spread: the mean visible colour, never black.
    expect(pixel(out, 39, 0)).toEqual([128, 0, 128, 0]);
    expect(Array.from(image.data.slice(4, 8))).toEqual([0, 0, 0, 0]);
  });

  it("fills an all but transparent pixel's colour too: a canvas gives it back false (premultiplied in 8 bits)", () => {
    // Orange at x 0-3, then orange at alpha 1 as the canvas reads it back: (255, 0, 0).
    const image = createRgbaImage(12, 1);
    for (let x = 0; x < 4; x++) image.data.set([230, 120, 30, 255], x * 4);
    image.data.set([255, 0, 0, 1], 4 * 4);
    const out = bleedIntoTransparent(image);
    expect(pixel(out, 4, 0)).toEqual([230, 120, 30, 1]);
    expect(pixel(out, 6, 0)).toEqual([230, 120, 30, 0]);
  });

  it('leaves an image with nothing visible, or nothing transparent, as it is', () => {
    const empty = createRgbaImage(3, 3);
    expect(bleedIntoTransparent(empty).data).toEqual(empty.data);
    const opaque = createRgbaImage(2, 2);
    opaque.data.fill(200);
    expect(bleedIntoTransparent(opaque).data).toEqual(opaque.data);
  });
});

import { describe, expect, it } from 'vitest';
import { outsideSrgb } from './gamut';
import type { RgbaImage } from './image';

/** One pixel of these Display P3 values, with alpha. */
const pixel = (r: number, g: number, b: number, a = 255): RgbaImage => ({ width: 1, height: 1, data: new Uint8ClampedArray([r, g, b, a]) });

describe('outsideSrgb', () => {
  it("finds Display P3's own red and green, which sRGB cannot show", () => {
    expect(outsideSrgb(pixel(255, 0, 0))).toBe(true);
    expect(outsideSrgb(pixel(0, 255, 0))).toBe(true);
  });

  it("passes sRGB's primaries and secondaries as Display P3 writes them in 8 bits (red as Chromium does), white, black and grays", () => {
    for (const [r, g, b] of [[234, 51, 35], [117, 251, 76], [0, 0, 245], [255, 255, 84], [117, 251, 253], [234, 51, 247]]) expect(outsideSrgb(pixel(r, g, b))).toBe(false);
    for (const v of [0, 1, 128, 254, 255]) expect(outsideSrgb(pixel(v, v, v))).toBe(false);
  });

  it('ignores transparent pixels, whose colour is never seen', () => {
    expect(outsideSrgb(pixel(255, 0, 0, 0))).toBe(false);
  });

  it('ignores translucent pixels, whose colours a canvas gives back off (sRGB colours as Chromium read them in Display P3)', () => {
    // sRGB's green at alpha 243, its red at 187, an orange at 1.
    for (const [r, g, b, a] of [[116, 251, 76, 243], [235, 50, 35, 187], [255, 0, 0, 1]]) expect(outsideSrgb(pixel(r, g, b, a))).toBe(false);
  });

  it('finds one saturated pixel among many plain ones', () => {
    const image: RgbaImage = { width: 3, height: 1, data: new Uint8ClampedArray([128, 128, 128, 255, 200, 200, 200, 255, 255, 0, 0, 255]) };
    expect(outsideSrgb(image)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { DIFFERENT_PICTURE_LEVELS, THUMBNAIL_SIDE, decodeThumbnail, differentPictures, encodeThumbnail, sameShape, thumbnailOf } from './thumbnail';

const BYTES = THUMBNAIL_SIDE * THUMBNAIL_SIDE * 4;
const gradient = Uint8Array.from({ length: BYTES }, (_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));

describe('thumbnail', () => {
  it('survives encoding, every byte value included', () => {
    const all = Uint8Array.from({ length: BYTES }, (_, i) => i % 256);
    expect(decodeThumbnail(encodeThumbnail(all))).toEqual(all);
  });

  it('reads anything but an encoded thumbnail as none', () => {
    for (const text of [undefined, 42, '', 'not base64!', btoa('short'), btoa('x'.repeat(BYTES + 1))]) expect(decodeThumbnail(text)).toBeNull();
  });

  it('refuses to encode a buffer of another size', () => {
    expect(() => encodeThumbnail(new Uint8Array(BYTES - 4))).toThrow(RangeError);
  });

  it('calls one picture drawn a little differently the same picture', () => {
    const noisy = gradient.map((v, i) => (i % 4 === 3 ? v : Math.min(255, v + (i % 3) * 4)));
    expect(differentPictures(gradient, noisy)).toBe(false);
    expect(differentPictures(gradient, gradient)).toBe(false);
  });

  it('tells two pictures apart once the mean difference passes the threshold', () => {
    const shifted = (levels: number) => gradient.map((v, i) => (i % 4 === 3 ? v : v < 128 ? v + levels : v - levels));
    // Three of four channels move: the mean over RGBA is 3/4 of the shift.
    expect(differentPictures(gradient, shifted(Math.floor((DIFFERENT_PICTURE_LEVELS * 4) / 3)))).toBe(false);
    expect(differentPictures(gradient, shifted(Math.ceil((DIFFERENT_PICTURE_LEVELS * 4) / 3) + 1))).toBe(true);
    expect(differentPictures(gradient, gradient.map((v, i) => (i % 4 === 3 ? v : 255 - v)))).toBe(true);
  });
});

describe('thumbnailOf', () => {
  it('averages each of the 16 x 16 cells', () => {
    // 32 x 32: every cell is 2 x 2; the top-left pixel of each is white, the rest black.
    const data = new Uint8ClampedArray(32 * 32 * 4);
    for (let y = 0; y < 32; y += 2) for (let x = 0; x < 32; x += 2) data.fill(255, (y * 32 + x) * 4, (y * 32 + x) * 4 + 4);
    const thumbnail = thumbnailOf({ width: 32, height: 32, data });
    expect(new Set(thumbnail)).toEqual(new Set([64]));
  });

  it('gives an image under 16 pixels across a pixel for every cell', () => {
    // 4 x 1: each pixel fills 4 x 16 cells.
    const data = Uint8ClampedArray.from([10, 0, 0, 255, 20, 0, 0, 255, 30, 0, 0, 255, 40, 0, 0, 255]);
    const thumbnail = thumbnailOf({ width: 4, height: 1, data });
    const reds = Array.from({ length: THUMBNAIL_SIDE }, (_, x) => thumbnail[(5 * THUMBNAIL_SIDE + x) * 4]);
    expect(reds).toEqual([10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30, 40, 40, 40, 40]);
  });
});

describe('sameShape', () => {
  it('takes the same size, turned or not', () => {
    expect(sameShape({ width: 400, height: 267 }, { width: 400, height: 267 })).toBe(true);
    expect(sameShape({ width: 400, height: 267 }, { width: 267, height: 400 })).toBe(true);
  });

  it("takes a CDN's variant at another resolution, to the rounding of its pixels, either way round", () => {
    expect(sameShape({ width: 400, height: 267 }, { width: 1000, height: 667 })).toBe(true);
    expect(sameShape({ width: 1000, height: 667 }, { width: 400, height: 267 })).toBe(true);
    expect(sameShape({ width: 101, height: 33 }, { width: 1000, height: 327 })).toBe(true);
  });

  it('refuses another shape: a placeholder a guarded host sends', () => {
    expect(sameShape({ width: 400, height: 267 }, { width: 400, height: 300 })).toBe(false);
    expect(sameShape({ width: 400, height: 267 }, { width: 1000, height: 690 })).toBe(false);
    expect(sameShape({ width: 72, height: 72 }, { width: 120, height: 60 })).toBe(false);
  });
});

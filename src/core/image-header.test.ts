import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countFrames } from './discovery';
import { exifOrientation, exifPixelDimensions, headerSize, laidOutAtExifSize, pixelsOverExifSize } from './image-header';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));

describe('headerSize', () => {
  // Written by PIL and avifenc (make_fixtures.py), not by this reader's own idea of the formats.
  it.each(['size-13x7.png', 'size-13x7.gif', 'size-13x7.bmp', 'size-13x7.jpg', 'size-13x7-progressive.jpg', 'size-13x7-lossy.webp', 'size-13x7-lossless.webp', 'size-13x7-alpha.webp', 'size-13x7.avif', 'size-13x7-alpha.avif'])(
    '%s: 13 x 7',
    (name) => {
      expect(headerSize(fixture(name))).toEqual({ width: 13, height: 7 });
    },
  );

  it("a GIF whose logical screen is smaller than its first image (0 x 0, as some encoders write): the image's extent, as browsers draw it", () => {
    const gif = fixture('size-13x7.gif');
    const screen = new DataView(gif.buffer);
    screen.setUint16(6, 0, true);
    screen.setUint16(8, 0, true);
    expect(headerSize(gif)).toEqual({ width: 13, height: 7 });
    // A screen of 1 x 1 before a large first image, set off from the corner.
    // The first descriptor follows the 13-byte header and the global colour table (PIL writes no extension before it).
    const first = 13 + (gif[10] & 0x80 ? 3 * 2 ** ((gif[10] & 0x07) + 1) : 0);
    expect(gif[first]).toBe(0x2c);
    screen.setUint16(6, 1, true);
    screen.setUint16(8, 1, true);
    screen.setUint16(first + 1, 5, true);
    screen.setUint16(first + 5, 20000, true);
    screen.setUint16(first + 7, 30000, true);
    expect(headerSize(gif)).toEqual({ width: 20005, height: 30000 });
  });

  it('an AVIF made of a grid of tiles: the whole picture, not a tile', () => {
    expect(headerSize(fixture('size-200x140-grid.avif'))).toEqual({ width: 200, height: 140 });
  });

  it('reads a size far past what could be decoded, from the header alone', () => {
    const png = fixture('size-13x7.png').slice(0, 33);
    new DataView(png.buffer).setUint32(16, 20000);
    new DataView(png.buffer).setUint32(20, 30000);
    expect(headerSize(png)).toEqual({ width: 20000, height: 30000 });
    // A few hundred bytes of AVIF can state as much: its size is a property, apart from the pixels.
    const avif = fixture('size-13x7.avif');
    const ispe = new TextDecoder('latin1').decode(avif).indexOf('ispe');
    new DataView(avif.buffer).setUint32(ispe + 8, 20000);
    new DataView(avif.buffer).setUint32(ispe + 12, 30000);
    expect(headerSize(avif)).toEqual({ width: 20000, height: 30000 });
  });

  it("an OS/2 1.x BMP, whose 12-byte header has 16-bit sizes", () => {
    const bmp = new Uint8Array(26);
    const view = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    view.setUint32(14, 12, true);
    view.setUint16(18, 13, true);
    view.setUint16(20, 7, true);
    view.setUint16(22, 1, true); // planes
    view.setUint16(24, 24, true); // bits per pixel
    expect(headerSize(bmp)).toEqual({ width: 13, height: 7 });
    expect(headerSize(bmp.slice(0, 21))).toBeNull();
  });

  it('an AVIF of containers nested thousands deep (8 bytes each) ends the walk, not the stack', () => {
    const nested = (type: string, depth: number) => {
      const file = new Uint8Array(24 + depth * 8);
      file.set([0, 0, 0, 24, ...new TextEncoder().encode('ftypavif'), 0, 0, 0, 0, ...new TextEncoder().encode('avifmif1')]);
      // Size 0: each box runs to the end of the file, holding the next.
      for (let i = 0; i < depth; i++) file.set(new TextEncoder().encode(type), 24 + i * 8 + 4);
      return file;
    };
    expect(headerSize(nested('iprp', 20_000))).toBeNull();
    expect(countFrames(nested('moov', 20_000))).toBe(1);
  });

  it('says nothing of other formats or of headers cut short', () => {
    expect(headerSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(headerSize(fixture('size-13x7.png').slice(0, 20))).toBeNull();
    expect(headerSize(fixture('size-13x7.jpg').slice(0, 40))).toBeNull();
    expect(headerSize(fixture('size-13x7-lossy.webp').slice(0, 24))).toBeNull();
    expect(headerSize(fixture('size-13x7.avif').slice(0, 40))).toBeNull();
  });
});

/** A JPEG's start, then an APP1 segment holding `tiff` as EXIF data, then its end: all exifOrientation reads. */
function jpegWithExif(tiff: number[]): Uint8Array {
  const payload = [...new TextEncoder().encode('Exif\0\0'), ...tiff];
  const length = payload.length + 2;
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff, ...payload, 0xff, 0xd9]);
}

/** A little-endian TIFF block whose first directory holds one entry: `tag`, a SHORT, `value`. */
const littleEndianTiff = (tag: number, value: number) => [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, tag & 0xff, tag >> 8, 3, 0, 1, 0, 0, 0, value, 0, 0, 0, 0, 0, 0, 0];

/** The 13x7 PNG fixture with an eXIf chunk holding `tiff`: right after its header, or after its pixels (where browsers no longer look). */
function pngWithExif(tiff: number[], afterPixels = false): Uint8Array {
  const png = fixture('size-13x7.png');
  const length = [0, 0, tiff.length >> 8, tiff.length & 0xff];
  // The checksum is left as zeros: the reader does not check it.
  const exif = [...length, ...new TextEncoder().encode('eXIf'), ...tiff, 0, 0, 0, 0];
  const at = afterPixels ? png.length - 12 : 33; // before IEND, or after IHDR
  return new Uint8Array([...png.subarray(0, at), ...exif, ...png.subarray(at)]);
}

describe('exifOrientation', () => {
  it('reads a camera\'s big-endian EXIF after a JFIF segment (exiftool writes it so)', () => {
    const file = new Uint8Array(readFileSync(new URL('../../test/e2e/files/exif-orientation-6.jpg', import.meta.url)));
    expect(exifOrientation(file)).toBe(6);
  });

  it('reads little-endian EXIF', () => {
    expect(exifOrientation(jpegWithExif(littleEndianTiff(0x0112, 8)))).toBe(8);
    expect(exifOrientation(jpegWithExif(littleEndianTiff(0x0112, 3)))).toBe(3);
  });

  it("reads a PNG's eXIf chunk before its pixels, as browsers do (Chromium and Firefox: measured)", () => {
    expect(exifOrientation(pngWithExif(littleEndianTiff(0x0112, 6)))).toBe(6);
    expect(exifOrientation(pngWithExif(littleEndianTiff(0x0112, 6), true))).toBe(1);
    expect(exifOrientation(pngWithExif(littleEndianTiff(0x0112, 6)).slice(0, 50))).toBe(1);
  });

  it('reads the orientation as a SHORT only, as browsers do', () => {
    const asLong = littleEndianTiff(0x0112, 6);
    asLong[12] = 4; // the entry's type: LONG
    expect(exifOrientation(jpegWithExif(asLong))).toBe(1);
  });

  it('is 1, as stored, without EXIF, without the tag, with a value out of range, and for other formats', () => {
    expect(exifOrientation(fixture('size-13x7.jpg'))).toBe(1);
    expect(exifOrientation(jpegWithExif(littleEndianTiff(0x0110, 6)))).toBe(1);
    expect(exifOrientation(jpegWithExif(littleEndianTiff(0x0112, 9)))).toBe(1);
    expect(exifOrientation(fixture('size-13x7.png'))).toBe(1);
  });

  it('is 1 for EXIF data cut short or pointing past its end, without throwing', () => {
    const whole = littleEndianTiff(0x0112, 6);
    // Its one entry ends at byte 22: the offset of a next directory after it is not needed.
    for (let cut = 0; cut < whole.length; cut++) expect(exifOrientation(jpegWithExif(whole.slice(0, cut)))).toBe(cut >= 22 ? 6 : 1);
    const pointingAway = [...whole];
    pointingAway[4] = 0xf0;
    expect(exifOrientation(jpegWithExif(pointingAway))).toBe(1);
    const file = jpegWithExif(whole);
    // The file cut anywhere: the orientation is read once the entry that holds it is whole (its 12 bytes end at byte 34).
    for (let cut = 0; cut < file.length - 2; cut++) expect(exifOrientation(file.slice(0, cut))).toBe(cut >= 34 ? 6 : 1);
  });
});

describe('exifPixelDimensions', () => {
  const file = (name: string) => new Uint8Array(readFileSync(new URL(`../../test/e2e/files/${name}`, import.meta.url)));

  it("reads the size in a JPEG's and a PNG's EXIF camera directory, which the first directory points to", () => {
    // Both written by Pillow at 144 dpi, giving half their pixels' size.
    expect(headerSize(file('exif-144dpi.jpg'))).toEqual({ width: 160, height: 120 });
    expect(exifPixelDimensions(file('exif-144dpi.jpg'))).toEqual({ width: 80, height: 60 });
    expect(exifPixelDimensions(file('exif-144dpi-16x12.png'))).toEqual({ width: 8, height: 6 });
  });

  it('is null without EXIF, without the camera directory, and for EXIF cut short', () => {
    expect(exifPixelDimensions(fixture('size-13x7.jpg'))).toBeNull();
    expect(exifPixelDimensions(jpegWithExif(littleEndianTiff(0x0112, 6)))).toBeNull();
    expect(exifPixelDimensions(file('exif-orientation-6.jpg'))).toBeNull();
    // Cut anywhere: no throw, and nothing read until the whole entry is there.
    const whole = file('exif-144dpi.jpg');
    const read = Array.from({ length: 200 }, (_, cut) => exifPixelDimensions(whole.slice(0, cut)));
    const first = read.findIndex((size) => size !== null);
    expect(first).toBeGreaterThan(40);
    expect(read.slice(first)).toEqual(read.slice(first).map(() => ({ width: 80, height: 60 })));
  });
});

describe('pixelsOverExifSize', () => {
  const turned = new Uint8Array(readFileSync(new URL('../../test/e2e/files/exif-144dpi-turned-16x12.jpg', import.meta.url)));

  it("gives the pixels' size upright for a file stored on its side (EXIF orientation 6)", () => {
    // Stored 16x12, its EXIF size 8x6: laid out at that size, it would be 6x8 upright.
    expect(headerSize(turned)).toEqual({ width: 16, height: 12 });
    expect(pixelsOverExifSize({ width: 6, height: 8 }, turned, { width: 16, height: 12 })).toEqual({ width: 12, height: 16 });
    // As Chromium 156 and Firefox 153 lay such a file out (measured): at its pixels' size, turned.
    expect(pixelsOverExifSize({ width: 12, height: 16 }, turned, { width: 16, height: 12 })).toBeNull();
  });
});

describe('laidOutAtExifSize', () => {
  const size = (width: number, height: number) => ({ width, height });

  it('is the page showing the EXIF size, smaller than the pixels, turned or not', () => {
    expect(laidOutAtExifSize(size(80, 60), size(160, 120), size(80, 60))).toBe(true);
    expect(laidOutAtExifSize(size(60, 80), size(120, 160), size(80, 60))).toBe(true);
  });

  it("is not where the page shows the file's pixels (Chromium lays a PNG out so), nor without an EXIF size", () => {
    expect(laidOutAtExifSize(size(160, 120), size(160, 120), size(80, 60))).toBe(false);
    expect(laidOutAtExifSize(size(80, 60), size(160, 120), null)).toBe(false);
    expect(laidOutAtExifSize(size(80, 61), size(160, 120), size(80, 60))).toBe(false);
    // An EXIF size larger than the pixels (a file cropped after it was written): nothing to count anew.
    expect(laidOutAtExifSize(size(200, 150), size(160, 120), size(200, 150))).toBe(false);
  });
});

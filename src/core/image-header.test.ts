import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { headerSize } from './image-header';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));

describe('headerSize', () => {
  // Written by PIL and avifenc (make_fixtures.py), not by this reader's own idea of the formats.
  it.each(['size-13x7.png', 'size-13x7.gif', 'size-13x7.bmp', 'size-13x7.jpg', 'size-13x7-progressive.jpg', 'size-13x7-lossy.webp', 'size-13x7-lossless.webp', 'size-13x7-alpha.webp', 'size-13x7.avif', 'size-13x7-alpha.avif'])(
    '%s: 13 x 7',
    (name) => {
      expect(headerSize(fixture(name))).toEqual({ width: 13, height: 7 });
    },
  );

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

  it('says nothing of other formats or of headers cut short', () => {
    expect(headerSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(headerSize(fixture('size-13x7.png').slice(0, 20))).toBeNull();
    expect(headerSize(fixture('size-13x7.jpg').slice(0, 40))).toBeNull();
    expect(headerSize(fixture('size-13x7-lossy.webp').slice(0, 24))).toBeNull();
    expect(headerSize(fixture('size-13x7.avif').slice(0, 40))).toBeNull();
  });
});

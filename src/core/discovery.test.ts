import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countFrames, drawsAsBlocks, filterBlurs, mayHoldFrames, needsEnhancing, typeFromUrl, type DiscoveryRules, type ImageFacts } from './discovery';

const rules: DiscoveryRules = { minUpscaleFactor: 1.5, minSide: 24, maxInputPixels: 4_000_000 };

/** A 200x100 JPEG drawn at 400x200 CSS px on a 1x screen: needs x2. */
function facts(overrides: Partial<ImageFacts> = {}): ImageFacts {
  return {
    naturalWidth: 200,
    naturalHeight: 100,
    renderedWidth: 400,
    renderedHeight: 200,
    stretch: 1,
    objectFit: 'fill',
    density: 1,
    devicePixelRatio: 1,
    visible: true,
    pixelated: false,
    blurred: false,
    type: 'image/jpeg',
    frameCount: null,
    currentSrc: 'https://example.test/photo.jpg',
    ...overrides,
  };
}

describe('needsEnhancing', () => {
  it('enhances an image shown larger than its pixels, with the factor it needs', () => {
    expect(needsEnhancing(facts(), rules)).toEqual({ enhance: true, need: 2 });
  });

  it('counts device pixels, not CSS pixels', () => {
    const shownAtNaturalSize = facts({ renderedWidth: 200, renderedHeight: 100 });
    expect(needsEnhancing(shownAtNaturalSize, rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing({ ...shownAtNaturalSize, devicePixelRatio: 2 }, rules)).toEqual({ enhance: true, need: 2 });
  });

  it('takes the axis that lacks the most (object-fit: fill stretches one more)', () => {
    expect(needsEnhancing(facts({ renderedWidth: 300, renderedHeight: 300 }), rules)).toEqual({ enhance: true, need: 3 });
    expect(needsEnhancing(facts({ renderedWidth: 300, renderedHeight: 300, objectFit: 'cover' }), rules)).toEqual({ enhance: true, need: 3 });
  });

  it('measures the picture object-fit draws, not its box', () => {
    // 200x100 letterboxed in a 200x200 box: drawn at its own size, the box's height is bars.
    expect(needsEnhancing(facts({ renderedWidth: 200, renderedHeight: 200, objectFit: 'contain' }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing(facts({ renderedWidth: 600, renderedHeight: 400, objectFit: 'contain' }), rules)).toEqual({ enhance: true, need: 3 });
    // Never scaled up, however large the box.
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'none' }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'scale-down' }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    // At its own size the screen's density still asks for more.
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'none', devicePixelRatio: 2 }), rules)).toEqual({ enhance: true, need: 2 });
    expect(needsEnhancing(facts({ renderedWidth: 100, renderedHeight: 100, objectFit: 'scale-down', devicePixelRatio: 2 }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    // A srcset's 2x file on a 2x screen, drawn at its own size: one file pixel to a device pixel.
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'none', devicePixelRatio: 2, density: 2 }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'scale-down', devicePixelRatio: 2, density: 2 }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing(facts({ renderedWidth: 800, renderedHeight: 800, objectFit: 'none', devicePixelRatio: 2, density: 0.5 }), rules)).toEqual({ enhance: true, need: 4 });
    // A zoom or a transform drawing the box twice as large draws the picture at twice its own size, in either fit.
    expect(needsEnhancing(facts({ renderedWidth: 1600, renderedHeight: 1600, objectFit: 'none', stretch: 2 }), rules)).toEqual({ enhance: true, need: 2 });
    expect(needsEnhancing(facts({ renderedWidth: 1600, renderedHeight: 1600, objectFit: 'scale-down', stretch: 2 }), rules)).toEqual({ enhance: true, need: 2 });
    // Scaled down into a box smaller than its own size, stretched back: the box, not its own size, bounds it.
    expect(needsEnhancing(facts({ renderedWidth: 200, renderedHeight: 200, objectFit: 'scale-down', stretch: 2 }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
  });

  it('enhances from exactly the minimum factor up', () => {
    expect(needsEnhancing(facts({ renderedWidth: 300, renderedHeight: 150 }), rules)).toEqual({ enhance: true, need: 1.5 });
    expect(needsEnhancing(facts({ renderedWidth: 299, renderedHeight: 149 }), rules)).toEqual({ enhance: false, reason: 'sharp-enough' });
  });

  it.each<[string, Partial<ImageFacts>, string]>([
    ['no source', { currentSrc: '' }, 'no-source'],
    ['an SVG', { type: 'image/svg+xml' }, 'svg'],
    ['a hidden image', { visible: false }, 'hidden'],
    ['pixel art the page draws as blocks', { pixelated: true }, 'pixel-art'],
    ['an image the page draws blurred', { blurred: true }, 'blurred'],
    ['an empty box', { renderedWidth: 0 }, 'zero-size'],
    ['a box of unknown size', { renderedHeight: Number.NaN }, 'zero-size'],
    ['an image not decoded yet', { naturalWidth: 0, naturalHeight: 0 }, 'not-loaded'],
    ['a tracking pixel', { naturalWidth: 1, naturalHeight: 1, renderedWidth: 1, renderedHeight: 1 }, 'too-small'],
    ['an icon blown up', { naturalWidth: 16, naturalHeight: 16, renderedWidth: 64, renderedHeight: 64 }, 'too-small'],
    ['a thin strip', { naturalWidth: 400, naturalHeight: 23 }, 'too-small'],
    ['an image over the input limit', { naturalWidth: 4000, naturalHeight: 1001, renderedWidth: 8000, renderedHeight: 2002 }, 'too-large'],
    ['a strip longer than any enhancement of it could be drawn', { naturalWidth: 16384, naturalHeight: 40, renderedWidth: 32768, renderedHeight: 80 }, 'too-large'],
    ['an animated GIF', { type: 'image/gif', frameCount: 12 }, 'animated'],
  ])('skips %s', (_, overrides, reason) => {
    expect(needsEnhancing(facts(overrides), rules)).toEqual({ enhance: false, reason });
  });

  it('accepts the limits themselves', () => {
    expect(needsEnhancing(facts({ naturalWidth: 24, naturalHeight: 24, renderedWidth: 48, renderedHeight: 48 }), rules).enhance).toBe(true);
    expect(needsEnhancing(facts({ naturalWidth: 2000, naturalHeight: 2000, renderedWidth: 4000, renderedHeight: 4000 }), rules).enhance).toBe(true);
  });

  it('enhances a GIF whose frames are not counted yet, or that has one frame', () => {
    expect(needsEnhancing(facts({ type: 'image/gif' }), rules).enhance).toBe(true);
    expect(needsEnhancing(facts({ type: 'image/gif', frameCount: 1 }), rules).enhance).toBe(true);
  });

  it('follows the rules it is given', () => {
    expect(needsEnhancing(facts(), { ...rules, minUpscaleFactor: 2.5 })).toEqual({ enhance: false, reason: 'sharp-enough' });
    expect(needsEnhancing(facts(), { ...rules, minSide: 101 })).toEqual({ enhance: false, reason: 'too-small' });
    expect(needsEnhancing(facts(), { ...rules, maxInputPixels: 19_999 })).toEqual({ enhance: false, reason: 'too-large' });
  });
});

describe('typeFromUrl', () => {
  it.each([
    ['https://example.test/a/photo.JPG', 'image/jpeg'],
    ['https://example.test/logo.svg?v=3#top', 'image/svg+xml'],
    ['https://example.test/anim.gif', 'image/gif'],
    ['https://example.test/x.webp', 'image/webp'],
    ['data:image/png;base64,iVBORw0KGgo=', 'image/png'],
    ['data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
    ['data:IMAGE/GIF;base64,R0lG', 'image/gif'],
    ['https://example.test/image.php?id=4', null],
    ['https://example.test/photos/', null],
    ['data:,hello', null],
    ['not a url', null],
  ])('%s -> %s', (url, type) => {
    expect(typeFromUrl(url)).toBe(type);
  });
});

// ---- hand-built files: the smallest byte sequences each container parser must walk ----

const bytesOf = (...parts: Array<string | number[] | Uint8Array>): Uint8Array =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : [...part])));

const u32be = (n: number): number[] => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u32le = (n: number): number[] => u32be(n).reverse();

interface GifOptions {
  frames: number;
  /** Entries in the global color table (a power of two), or 0 for none. */
  globalColors?: number;
  localColors?: number;
  graphicControl?: boolean;
}

function gif({ frames, globalColors = 2, localColors = 0, graphicControl = false }: GifOptions): Uint8Array {
  const tableFlag = (colors: number): number => (colors ? 0x80 | (Math.log2(colors) - 1) : 0);
  const parts: Array<string | number[]> = ['GIF89a', [1, 0, 1, 0, tableFlag(globalColors), 0, 0], new Array(globalColors * 3).fill(0)];
  // A comment extension whose text holds the image descriptor's byte, 0x2c (','): it must be skipped, not counted.
  parts.push([0x21, 0xfe, 3], 'a,b', [0]);
  for (let i = 0; i < frames; i++) {
    if (graphicControl) parts.push([0x21, 0xf9, 4, 0, 10, 0, 0, 0]);
    parts.push([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, tableFlag(localColors)], new Array(localColors * 3).fill(0x2c));
    // LZW minimum code size, one data sub-block holding 0x2c and 0x21, terminator.
    parts.push([2, 2, 0x2c, 0x21, 0]);
  }
  parts.push([0x3b]);
  return bytesOf(...parts);
}

function pngChunk(type: string, data: number[] = []): Array<string | number[]> {
  return [u32be(data.length), type, data, [0, 0, 0, 0]]; // the CRC is not checked
}

function png(...chunks: Array<Array<string | number[]>>): Uint8Array {
  return bytesOf('\x89PNG\r\n\x1a\n', ...pngChunk('IHDR', new Array(13).fill(0)), ...chunks.flat(), ...pngChunk('IEND'));
}

function webpChunk(type: string, data: number[]): Array<string | number[]> {
  return [type, u32le(data.length), data, data.length % 2 ? [0] : []];
}

function webp(...chunks: Array<Array<string | number[]>>): Uint8Array {
  const body = bytesOf('WEBP', ...chunks.flat());
  return bytesOf('RIFF', u32le(body.length), body);
}

const vp8x = (flags: number): Array<string | number[]> => webpChunk('VP8X', [flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const anmf = (): Array<string | number[]> => webpChunk('ANMF', new Array(17).fill(0)); // odd size: padded

function isoBox(type: string, ...content: Array<string | number[]>): number[] {
  const body = [...bytesOf(...content)];
  return [...u32be(8 + body.length), ...bytesOf(type), ...body];
}

interface AvifOptions {
  /** Samples per track (an image sequence with alpha has two tracks); none: no movie at all. */
  samples?: number[];
  /** The sizes in an stz2 box (8-bit fields) instead of stsz. */
  compact?: boolean;
  /** The movie after a media data box that states its size in 64 bits, as streaming writers do. */
  movieLast?: boolean;
}

function avif(brands: string[], { samples = [], compact = false, movieLast = false }: AvifOptions = {}): Uint8Array {
  const sizes = (count: number): number[] =>
    compact ? isoBox('stz2', [0, 0, 0, 0, 0, 0, 0, 8], u32be(count), new Array(count).fill(7)) : isoBox('stsz', [0, 0, 0, 0], u32be(0), u32be(count), ...new Array(count).fill(u32be(7)));
  const track = (count: number): number[] => isoBox('trak', isoBox('tkhd', new Array(12).fill(0)), isoBox('mdia', isoBox('minf', isoBox('stbl', isoBox('stsd', [0]), sizes(count)))));
  const ftyp = isoBox('ftyp', brands[0], u32be(0), ...brands);
  const meta = isoBox('meta', [0, 0, 0, 0], isoBox('hdlr', new Array(8).fill(0), 'pict'));
  const movie = samples.length ? isoBox('moov', isoBox('mvhd', new Array(12).fill(0)), ...samples.map(track)) : [];
  const data = [0, 0, 0, 1, ...bytesOf('mdat'), ...u32be(0), ...u32be(16 + 5), 1, 2, 3, 4, 5];
  return bytesOf(ftyp, meta, ...(movieLast ? [data, movie] : [movie, data]));
}

describe('mayHoldFrames', () => {
  it('is true of the containers countFrames reads, false of a JPEG and of too short a head', () => {
    expect(mayHoldFrames(gif({ frames: 1 }))).toBe(true);
    expect(mayHoldFrames(png(pngChunk('IDAT', [1])))).toBe(true);
    expect(mayHoldFrames(webp(webpChunk('VP8 ', [1, 2, 3, 4])))).toBe(true);
    expect(mayHoldFrames(avif(['avif', 'mif1']))).toBe(true);
    expect(mayHoldFrames(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1]))).toBe(false);
    expect(mayHoldFrames(new Uint8Array([0x47, 0x49]))).toBe(false);
  });
});

describe('countFrames on hand-built files', () => {
  it.each([
    ['a still GIF', gif({ frames: 1 }), 1],
    ['a still GIF with a graphic control extension', gif({ frames: 1, graphicControl: true }), 1],
    ['an animated GIF', gif({ frames: 3, graphicControl: true }), 3],
    ['an animated GIF without a global color table', gif({ frames: 2, globalColors: 0, localColors: 4 }), 2],
    ['an animated GIF with a large global table', gif({ frames: 5, globalColors: 256 }), 5],
  ])('%s', (_, bytes, frames) => {
    expect(countFrames(bytes)).toBe(frames);
  });

  it('counts the GIF frames it can reach in a truncated file', () => {
    const full = gif({ frames: 3 });
    expect(countFrames(full.subarray(0, full.length - 10))).toBe(3);
    expect(countFrames(full.subarray(0, 20))).toBe(1);
  });

  it.each([
    ['a plain PNG', png(pngChunk('IDAT', [1, 2, 3])), 1],
    ['an APNG', png(pngChunk('acTL', [...u32be(7), ...u32be(0)]), pngChunk('IDAT', [1])), 7],
    ['an APNG of one frame', png(pngChunk('acTL', [...u32be(1), ...u32be(0)]), pngChunk('IDAT', [1])), 1],
    ['a PNG whose acTL comes after IDAT (not an APNG by the spec)', png(pngChunk('IDAT', [1]), pngChunk('acTL', [...u32be(7), ...u32be(0)])), 1],
  ])('%s', (_, bytes, frames) => {
    expect(countFrames(bytes)).toBe(frames);
  });

  it.each([
    ['a simple (VP8) WebP', webp(webpChunk('VP8 ', [1, 2, 3, 4])), 1],
    ['an extended WebP without the animation flag', webp(vp8x(0x10), webpChunk('ALPH', [1]), webpChunk('VP8 ', [1, 2])), 1],
    ['an animated WebP', webp(vp8x(0x02), webpChunk('ANIM', [0, 0, 0, 0, 0, 0]), anmf(), anmf(), anmf(), anmf()), 4],
    ['an animated WebP of one frame', webp(vp8x(0x02), webpChunk('ANIM', [0, 0, 0, 0, 0, 0]), anmf()), 1],
  ])('%s', (_, bytes, frames) => {
    expect(countFrames(bytes)).toBe(frames);
  });

  it.each([
    ['a still AVIF', avif(['avif', 'mif1', 'miaf']), 1],
    ['an AVIF image sequence', avif(['avis', 'avif', 'msf1', 'iso8', 'mif1', 'miaf'], { samples: [24] }), 24],
    ['an AVIF sequence named by a compatible brand, with an alpha track', avif(['avif', 'mif1', 'avis'], { samples: [12, 12] }), 12],
    ['an AVIF sequence of one frame', avif(['avis', 'msf1'], { samples: [1] }), 1],
    ['an AVIF sequence whose sizes are in a compact box', avif(['avis'], { samples: [6], compact: true }), 6],
    ['an AVIF sequence whose movie comes after its data, with a 64-bit box size', avif(['avis'], { samples: [9], movieLast: true }), 9],
    ['a still AVIF that carries a sample table anyway', avif(['avif', 'mif1'], { samples: [5] }), 1],
  ])('%s', (_, bytes, frames) => {
    expect(countFrames(bytes)).toBe(frames);
  });

  it('reads the frame count of a truncated AVIF sequence where it is in reach, else says 1', () => {
    const full = avif(['avis'], { samples: [24], movieLast: true });
    expect(countFrames(full.subarray(0, full.length - 6))).toBe(24);
    expect(countFrames(full.subarray(0, full.length - 24 * 4 - 6))).toBe(1);
  });

  // As Node's readFileSync hands out small files, from a shared pool at an offset: the readers that
  // go through a DataView (APNG, WebP, AVIF) must start it at the file, not at the pool's start.
  it.each([
    ['a GIF', gif({ frames: 2 }), 2],
    ['an APNG', png(pngChunk('acTL', [...u32be(7), ...u32be(0)]), pngChunk('IDAT', [1])), 7],
  ])('reads %s that sits inside a larger buffer', (_, file, frames) => {
    const buffer = new Uint8Array(file.length + 8);
    buffer.set(file, 5);
    expect(countFrames(buffer.subarray(5, 5 + file.length))).toBe(frames);
  });

  it.each([
    ['empty input', new Uint8Array(0)],
    ['a JPEG', bytesOf([0xff, 0xd8, 0xff, 0xe0], 'JFIF')],
    ['a lone GIF signature', bytesOf('GIF89a')],
    ['a lone PNG signature', bytesOf('\x89PNG\r\n\x1a\n')],
    ['a RIFF file that is not WebP', bytesOf('RIFF', u32le(4), 'WAVE')],
    ['random bytes', new Uint8Array(Array.from({ length: 64 }, (_, i) => (i * 37) % 256))],
  ])('says 1 for %s', (_, bytes) => {
    expect(countFrames(bytes)).toBe(1);
  });
});

describe('countFrames on files made by Pillow', () => {
  const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`__fixtures__/${name}`, import.meta.url)));

  it.each([
    ['animated.gif', 3],
    ['animated.png', 3],
    ['animated.webp', 3],
    ['still.gif', 1],
    ['still-transparent.gif', 1],
    ['still.png', 1],
    ['still.webp', 1],
    ['still-transparent.webp', 1],
  ])('%s has %i frame(s)', (name, frames) => {
    expect(countFrames(fixture(name))).toBe(frames);
  });
});

describe('drawsAsBlocks', () => {
  // Computed values as Chromium 156 and Firefox 153 give them (measured): Firefox draws its own
  // 'optimizespeed' as pixelated; Chrome computes optimizeSpeed as 'auto'.
  it.each([
    ['pixelated', true],
    ['crisp-edges', true],
    ['optimizespeed', true],
    ['auto', false],
    ['optimizequality', false],
    ['-webkit-optimize-contrast', false],
  ])('%s: %s', (value, blocks) => {
    expect(drawsAsBlocks(value)).toBe(blocks);
  });
});

describe('filterBlurs', () => {
  it.each([
    ['none', false],
    ['blur(30px)', true],
    ['brightness(0.8) blur(4.5px) saturate(2)', true],
    ['blur(0px)', false],
    ['drop-shadow(rgb(0, 0, 0) 2px 2px 4px)', false],
  ])('%s: %s', (filter, blurs) => {
    expect(filterBlurs(filter)).toBe(blurs);
  });
});

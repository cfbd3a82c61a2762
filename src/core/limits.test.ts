import { describe, expect, it } from 'vitest';
import { EnhanceError, type FailureCode } from './errors';
import { checkImageSize, MAX_OUTPUT_PIXELS, tileForBufferLimit } from './limits';

/** The failure code checkImageSize throws, or undefined when the size is accepted. */
function rejection(...args: Parameters<typeof checkImageSize>): FailureCode | undefined {
  try {
    checkImageSize(...args);
  } catch (error) {
    if (error instanceof EnhanceError) return error.code;
    throw error;
  }
  return undefined;
}

describe('checkImageSize', () => {
  it('rejects an image without pixels', () => {
    expect(rejection(0, 10, 2, 1000)).toBe('empty-image');
    expect(rejection(10, 0, 2, 1000)).toBe('empty-image');
  });

  it('accepts up to maxInputPixels input pixels', () => {
    expect(rejection(100, 40, 2, 4000)).toBeUndefined();
    expect(rejection(101, 40, 2, 4000)).toBe('too-large');
  });

  it('accepts up to MAX_OUTPUT_PIXELS output pixels', () => {
    const side = Math.sqrt(MAX_OUTPUT_PIXELS) / 4;
    expect(rejection(side, side, 4, Infinity)).toBeUndefined();
    expect(rejection(side + 1, side, 4, Infinity)).toBe('too-large-for-scale');
  });

  it('rejects a strip whose result would be longer than a canvas can be, whatever its pixel count', () => {
    expect(rejection(16383, 100, 2, Infinity)).toBeUndefined();
    expect(rejection(16384, 100, 2, Infinity)).toBe('too-long');
    expect(rejection(100, 8192, 4, Infinity)).toBe('too-long-for-scale');
    expect(rejection(100, 16384, 4, Infinity)).toBe('too-long');
  });

  it('says which limit was hit', () => {
    expect(() => checkImageSize(101, 40, 2, 4000)).toThrow(/101x40 is over 4,000 pixels/);
    expect(() => checkImageSize(2000, 2000, 4, Infinity)).toThrow(/Enhance x2 works for it/);
    expect(() => checkImageSize(10_000, 100, 4, Infinity)).toThrow(/wider or taller than browsers can draw: Enhance x2 works for it/);
  });
});

describe('tileForBufferLimit', () => {
  it('fits the widest activation of a tile in one binding', () => {
    // 128 channels x 4 bytes x 512 x 512 = 128 MiB.
    expect(tileForBufferLimit(128 * 2 ** 20, Infinity)).toBe(512);
  });

  it('never exceeds the configured tile nor goes below 64', () => {
    expect(tileForBufferLimit(128 * 2 ** 20, 256)).toBe(256);
    expect(tileForBufferLimit(1024, Infinity)).toBe(64);
  });
});

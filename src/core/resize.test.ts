import { describe, expect, it } from 'vitest';
import { plane, upscaleChannel } from './resize';

/** The channel of a width x height plane, upscaled into a plane of its own. */
function upscaled(src: Uint8Array, width: number, height: number, scale: number): Uint8Array {
  const out = new Uint8Array(width * height * scale * scale);
  upscaleChannel(plane(src), width, height, scale, plane(out));
  return out;
}

describe('upscaleChannel', () => {
  it.each([2, 3, 4])('writes every pixel of a width*%i x height*%i channel, and none past it: a constant one stays constant, edges included', (scale) => {
    const size = 5 * scale * 4 * scale;
    const out = new Uint8Array(size + 8).fill(1);
    upscaleChannel(plane(new Uint8Array(5 * 4).fill(137)), 5, 4, scale, plane(out));
    expect([...new Set(out.subarray(0, size))]).toEqual([137]);
    expect([...out.subarray(size)]).toEqual(new Array(8).fill(1));
  });

  it('clamps the overshoot at a hard edge instead of wrapping around', () => {
    const src = new Uint8Array(8 * 2);
    for (let y = 0; y < 2; y++) src.fill(255, y * 8 + 4, y * 8 + 8);
    const row = Array.from(upscaled(src, 8, 2, 4).subarray(0, 32));
    // Cubic a = -0.5 dips below 0 and rises above 255 beside the edge; clamped, the row only goes up.
    expect(row[0]).toBe(0);
    expect(row[31]).toBe(255);
    for (let i = 1; i < row.length; i++) expect(row[i]).toBeGreaterThanOrEqual(row[i - 1]);
  });

  it('reads and writes one channel of interleaved pixels in place, leaving the others', () => {
    const src = new Uint8Array(6 * 3).map((_, i) => (i * 37) % 256);
    const rgba = new Uint8ClampedArray(6 * 3 * 4).fill(9);
    for (let p = 0; p < 18; p++) rgba[p * 4 + 3] = src[p];
    const out = new Uint8ClampedArray(6 * 3 * 4 * 4).fill(7);
    upscaleChannel({ data: rgba, stride: 4, channel: 3 }, 6, 3, 2, { data: out, stride: 4, channel: 3 });
    const alpha = Array.from({ length: 72 }, (_, p) => out[p * 4 + 3]);
    expect(alpha).toEqual(Array.from(upscaled(src, 6, 3, 2)));
    expect(Array.from({ length: 72 }, (_, p) => out[p * 4])).toEqual(new Array(72).fill(7));
  });
});

import { describe, expect, it } from 'vitest';
import { upscaleChannel } from './resize';

describe('upscaleChannel', () => {
  it.each([2, 3, 4])('makes a width*%i x height*%i channel', (scale) => {
    expect(upscaleChannel(new Uint8Array(5 * 4), 5, 4, scale)).toHaveLength(5 * scale * 4 * scale);
  });

  it('keeps a constant channel constant, edges included', () => {
    const out = upscaleChannel(new Uint8Array(5 * 4).fill(137), 5, 4, 3);
    expect([...new Set(out)]).toEqual([137]);
  });

  it('clamps the overshoot at a hard edge instead of wrapping around', () => {
    const src = new Uint8Array(8 * 2);
    for (let y = 0; y < 2; y++) src.fill(255, y * 8 + 4, y * 8 + 8);
    const row = Array.from(upscaleChannel(src, 8, 2, 4).subarray(0, 32));
    // Cubic a = -0.5 dips below 0 and rises above 255 beside the edge; clamped, the row only goes up.
    expect(row[0]).toBe(0);
    expect(row[31]).toBe(255);
    for (let i = 1; i < row.length; i++) expect(row[i]).toBeGreaterThanOrEqual(row[i - 1]);
  });
});

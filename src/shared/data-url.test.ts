import { describe, expect, it } from 'vitest';
import { dataUrlBytes } from './data-url';

describe('dataUrlBytes', () => {
  it('gives back every byte value and the type', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
    const decoded = dataUrlBytes(`data:image/png;base64,${Buffer.from(bytes).toString('base64')}`);
    expect(decoded.type).toBe('image/png');
    expect(decoded.bytes).toEqual(bytes);
  });

  it.each(['https://example.com/a.png', 'data:image/png,%89PNG', 'data:image/png;base64'])('refuses %s', (url) => {
    expect(() => dataUrlBytes(url)).toThrow('not a base64 data: URL');
  });
});

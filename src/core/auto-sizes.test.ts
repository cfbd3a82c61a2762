import { describe, expect, it } from 'vitest';
import { resolvedSizes } from './auto-sizes';

const WORDPRESS = 'auto, (max-width: 1024px) 100vw, 1024px';

describe('resolvedSizes', () => {
  it("writes a lazy image's laid-out width in for auto", () => {
    expect(resolvedSizes(WORDPRESS, true, 96)).toBe('96px');
    expect(resolvedSizes(' AUTO ', true, 120.5)).toBe('120.5px');
  });

  it('leaves auto to the browser where it does not apply: an eager image, or one not laid out', () => {
    expect(resolvedSizes(WORDPRESS, false, 96)).toBe(WORDPRESS);
    expect(resolvedSizes(WORDPRESS, true, 0)).toBe(WORDPRESS);
  });

  it('leaves other lists and a missing attribute as they are', () => {
    expect(resolvedSizes('(max-width: 600px) 100vw, 50vw', true, 96)).toBe('(max-width: 600px) 100vw, 50vw');
    expect(resolvedSizes('autoplay-ish, 50vw', true, 96)).toBe('autoplay-ish, 50vw');
    expect(resolvedSizes(null, true, 96)).toBeNull();
  });
});

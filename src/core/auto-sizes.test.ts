import { describe, expect, it } from 'vitest';
import { browserKnowsSizesAuto, resolvedSizes } from './auto-sizes';

const WORDPRESS = 'auto, (max-width: 1024px) 100vw, 1024px';

describe('resolvedSizes', () => {
  it("writes a lazy image's laid-out width in for auto", () => {
    expect(resolvedSizes(WORDPRESS, true, 96)).toBe('96px');
    expect(resolvedSizes(' AUTO ', true, 120.5)).toBe('120.5px');
  });

  it('leaves auto to the browser where it does not apply: an eager image, a browser without it, or one not laid out', () => {
    expect(resolvedSizes(WORDPRESS, false, 96)).toBe(WORDPRESS);
    expect(resolvedSizes(WORDPRESS, true, 0)).toBe(WORDPRESS);
  });

  it('leaves other lists and a missing attribute as they are', () => {
    expect(resolvedSizes('(max-width: 600px) 100vw, 50vw', true, 96)).toBe('(max-width: 600px) 100vw, 50vw');
    expect(resolvedSizes('autoplay-ish, 50vw', true, 96)).toBe('autoplay-ish, 50vw');
    expect(resolvedSizes(null, true, 96)).toBeNull();
  });
});

describe('browserKnowsSizesAuto', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', true],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.8078.114 Safari/537.36', true],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.0.0', false],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:150.0) Gecko/20100101 Firefox/150.0', true],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', false],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', false],
  ])('%s: %s', (userAgent, knows) => expect(browserKnowsSizesAuto(userAgent)).toBe(knows));
});

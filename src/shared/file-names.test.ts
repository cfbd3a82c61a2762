import { describe, expect, it } from 'vitest';
import { enhancedFileName } from './file-names';

describe('enhancedFileName', () => {
  it.each([
    ['http://example.com/photos/cat.jpg', 'cat-enhanced.png'],
    ['http://example.com/a/My%20Photo.webp?size=small', 'My_Photo-enhanced.png'],
    ['http://example.com/', 'image-enhanced.png'],
    ['data:image/png;base64,AAAA', 'image-enhanced.png'],
    ['not a url', 'image-enhanced.png'],
    ['http://example.com/.hidden.jpg', 'hidden-enhanced.png'],
    ['http://example.com/a/%2E%2E', 'image-enhanced.png'],
  ])('%s -> %s', (url, name) => expect(enhancedFileName(url)).toBe(name));

  it('keeps names short', () => expect(enhancedFileName(`http://x.test/${'a'.repeat(300)}.png`).length).toBeLessThanOrEqual(93));
});

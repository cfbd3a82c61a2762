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
    ['http://example.com/%E5%86%99%E7%9C%9F.jpg', '写真-enhanced.png'],
    ['http://example.com/caf%C3%A9%20cr%C3%A8me.jpg', 'café_crème-enhanced.png'],
    ['http://example.com/a%3Cb%3E%3A%22c%22%7Cd%3F*.png', 'a_b_c_d_-enhanced.png'],
  ])('%s -> %s', (url, name) => expect(enhancedFileName(url)).toBe(name));

  it('keeps names short', () => expect(enhancedFileName(`http://x.test/${'a'.repeat(300)}.png`).length).toBeLessThanOrEqual(93));

  it('cuts a long name between characters, not inside one', () => {
    const name = enhancedFileName(`http://x.test/${encodeURIComponent('𠀀'.repeat(100))}.png`);
    expect(name).toBe(`${'𠀀'.repeat(80)}-enhanced.png`);
  });
});

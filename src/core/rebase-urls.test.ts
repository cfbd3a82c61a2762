import { describe, expect, it } from 'vitest';
import { baseNaming, rebaseSrcset, rebaseUrl, rebasing } from './rebase-urls';

const FROM = 'https://site.example/gallery/index.html';
const TO = 'https://site.example/gallery/articles/2026/story';

describe('rebaseUrl', () => {
  it('gives a path-relative URL the absolute URL it had under the old base', () => {
    expect(rebaseUrl('img/a.png', FROM, TO)).toBe('https://site.example/gallery/img/a.png');
    expect(rebaseUrl('../a.png?x=1#f', FROM, TO)).toBe('https://site.example/a.png?x=1#f');
  });

  it("keeps the page's own text where both bases resolve it alike", () => {
    for (const url of ['/img/a.png', 'https://images.example/a.png', '//images.example/a.png', 'data:image/png;base64,AAAA', 'blob:https://site.example/1234']) {
      expect(rebaseUrl(url, FROM, TO)).toBe(url);
    }
    expect(rebaseUrl('img/a.png', FROM, FROM)).toBe('img/a.png');
  });

  it('keeps an empty or fragment-only value, which names the document, not a file', () => {
    for (const url of ['', '  ', '#top']) expect(rebaseUrl(url, FROM, TO)).toBe(url);
  });

  it('keeps what no base resolves', () => {
    expect(rebaseUrl('http://[bad', FROM, TO)).toBe('http://[bad');
  });
});

describe('rebaseSrcset', () => {
  it('rewrites each relative candidate and keeps descriptors and separators as written', () => {
    expect(rebaseSrcset('a.png 1x,  b.png 2x', FROM, TO)).toBe('https://site.example/gallery/a.png 1x,  https://site.example/gallery/b.png 2x');
    expect(rebaseSrcset(' a.png 400w,\n/b.png 800w ', FROM, TO)).toBe(' https://site.example/gallery/a.png 400w,\n/b.png 800w ');
  });

  it('splits candidates as the HTML parser does: trailing commas end a URL, a data: URL keeps its own', () => {
    expect(rebaseSrcset('a.png, b.png 2x', FROM, TO)).toBe('https://site.example/gallery/a.png, https://site.example/gallery/b.png 2x');
    // No whitespace after the comma: one URL, commas and all.
    expect(rebaseSrcset('a.png,b.png 2x', FROM, TO)).toBe('https://site.example/gallery/a.png,b.png 2x');
    expect(rebaseSrcset('data:image/png;base64,AA== 1x, c.png 2x', FROM, TO)).toBe('data:image/png;base64,AA== 1x, https://site.example/gallery/c.png 2x');
    expect(rebaseSrcset('a.png 1x (x, y), b.png 2x', FROM, TO)).toBe('https://site.example/gallery/a.png 1x (x, y), https://site.example/gallery/b.png 2x');
  });

  it('leaves a srcset whose URLs resolve alike untouched, and an empty one empty', () => {
    const srcset = '/a.png 1x, https://images.example/b.png 2x';
    expect(rebaseSrcset(srcset, FROM, TO)).toBe(srcset);
    expect(rebaseSrcset('', FROM, TO)).toBe('');
    expect(rebaseSrcset(' , ', FROM, TO)).toBe(' , ');
  });
});

describe('baseNaming', () => {
  const LOADED = 'https://site.example/gallery/';
  const file = 'https://site.example/gallery/thumbs/1.jpg';

  it('finds the first base under which the src or a srcset candidate names the file', () => {
    expect(baseNaming(file, { src: 'thumbs/1.jpg', srcsets: [] }, [TO, FROM, LOADED])).toBe(FROM);
    expect(baseNaming(file, { src: 'thumbs/1.jpg', srcsets: [] }, [LOADED, TO])).toBe(LOADED);
    expect(baseNaming(file, { src: null, srcsets: [null, 'thumbs/2.jpg 2x, thumbs/1.jpg 1x'] }, [TO, FROM])).toBe(FROM);
  });

  it('finds none where the markup names other files under every base, or nothing but the document', () => {
    expect(baseNaming(file, { src: 'thumbs/9.jpg', srcsets: ['thumbs/8.jpg 2x'] }, [TO, FROM])).toBeNull();
    expect(baseNaming(FROM, { src: '', srcsets: [] }, [FROM])).toBeNull();
  });
});

describe('rebasing', () => {
  it('rebases src and srcset values from one base to another, and leaves them be without a base to rebase from', () => {
    const rebase = rebasing(FROM, TO);
    expect(rebase.url('a.png')).toBe('https://site.example/gallery/a.png');
    expect(rebase.srcset('a.png 2x')).toBe('https://site.example/gallery/a.png 2x');
    expect(rebase.url(null)).toBeNull();
    const none = rebasing(null, TO);
    expect(none.url('a.png')).toBe('a.png');
    expect(none.srcset('a.png 2x')).toBe('a.png 2x');
  });
});

import { describe, expect, it } from 'vitest';
import { metaPolicy, sendsNoReferer } from './referrer-policy';

const page = new URL('https://news.example/story');
const elsewhere = new URL('https://img.example/a.jpg');
const insecure = new URL('http://img.example/a.jpg');
const same = new URL('https://news.example/a.jpg');

describe('sendsNoReferer', () => {
  it('no-referrer: never one', () => {
    for (const image of [elsewhere, same, insecure]) expect(sendsNoReferer('no-referrer', page, image)).toBe(true);
  });

  it('same-origin: none to another origin', () => {
    expect(sendsNoReferer('same-origin', page, elsewhere)).toBe(true);
    expect(sendsNoReferer('same-origin', page, same)).toBe(false);
  });

  it('the default and the strict policies: none from https to http only', () => {
    for (const policy of ['', 'strict-origin', 'strict-origin-when-cross-origin', 'no-referrer-when-downgrade']) {
      expect(sendsNoReferer(policy, page, elsewhere)).toBe(false);
      expect(sendsNoReferer(policy, page, insecure)).toBe(true);
    }
  });

  it('origin, origin-when-cross-origin, unsafe-url: always one', () => {
    for (const policy of ['origin', 'origin-when-cross-origin', 'unsafe-url']) expect(sendsNoReferer(policy, page, insecure)).toBe(false);
  });
});

describe('metaPolicy', () => {
  it('reads the policies and the legacy words, in any case, and ignores the rest', () => {
    expect(metaPolicy(' No-Referrer ')).toBe('no-referrer');
    expect(metaPolicy('never')).toBe('no-referrer');
    expect(metaPolicy('always')).toBe('unsafe-url');
    expect(metaPolicy('nonsense')).toBe('');
  });
});

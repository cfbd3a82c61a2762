import { describe, expect, it } from 'vitest';
import { decodePunycode, displayHost, displayOrigin, displaySiteName } from './display-origin';

describe('decodePunycode', () => {
  // RFC 3492's and the browsers' own encodings: URL gives the ASCII form of each Unicode name.
  it.each(['münchen', 'bücher', 'правительство', '例え', 'ñandú', 'a-b-ü'])('decodes what URL encodes: %s', (name) => {
    const ascii = new URL(`https://${name}.example/`).hostname.split('.')[0];
    expect(ascii.startsWith('xn--')).toBe(true);
    expect(decodePunycode(ascii.slice(4))).toBe(name);
  });

  it.each(['9999999999999999', 'a-ü', 'ab-!'])('refuses %s', (bad) => {
    expect(decodePunycode(bad)).toBeNull();
  });
});

describe('displayOrigin', () => {
  it.each([
    ['https://xn--mnchen-3ya.de', 'https://münchen.de'],
    ['http://shop.xn--bcher-kva.example:8080', 'http://shop.bücher.example:8080'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
    ['https://example.com', 'https://example.com'],
    ['https://xn--broken!.example', 'https://xn--broken!.example'],
    // Russian and Japanese names read as they are written.
    ['https://xn--80aealotwbjpid2k.xn--p1ai', 'https://правительство.рф'],
    ['https://xn--r8jz45g.jp', 'https://例え.jp'],
    [new URL('https://ゲーム.jp').origin, 'https://ゲーム.jp'],
    [new URL('https://ホームページ.example').origin, 'https://ホームページ.example'],
    // Names that could pass for another stay in ASCII, as the address bar shows them: a Cyrillic
    // "а" among Latin letters, and Cyrillic letters that all look Latin ("аррӏе").
    ['https://xn--pple-43d.com', 'https://xn--pple-43d.com'],
    ['https://xn--80ak6aa92e.com', 'https://xn--80ak6aa92e.com'],
    ['not an origin', 'not an origin'],
  ])('%s -> %s', (origin, shown) => {
    expect(displayOrigin(origin)).toBe(shown);
  });
});

describe('displaySiteName', () => {
  it.each([
    ['https://img.xn--mnchen-3ya.de:8080/photos/a.jpg?w=90', 'img.münchen.de'],
    ['http://localhost:5173/a.png', 'localhost'],
  ])('%s -> %s', (url, shown) => expect(displaySiteName(url)).toBe(shown));
});

describe('displayHost', () => {
  it.each([
    ['https://xn--mnchen-3ya.de', 'münchen.de'],
    ['http://shop.xn--bcher-kva.example:8080', 'shop.bücher.example:8080'],
    ['https://xn--pple-43d.com', 'xn--pple-43d.com'],
  ])('%s -> %s', (origin, shown) => {
    expect(displayHost(origin)).toBe(shown);
  });
});

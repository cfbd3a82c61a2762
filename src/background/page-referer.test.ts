import { describe, expect, it } from 'vitest';
import { urlCondition } from './page-referer';

describe('urlCondition', () => {
  it('anchors a plain URL at both ends', () => {
    expect(urlCondition('https://img.example/a.jpg?w=200')).toEqual({ urlFilter: '|https://img.example/a.jpg?w=200|' });
  });

  it("matches a URL holding a urlFilter wildcard by an escaped regular expression, that URL alone", () => {
    const url = 'https://img.example/a*b.jpg?crop=1^2&x=(3)+[4]';
    const { regexFilter } = urlCondition(url);
    expect(regexFilter).toBeDefined();
    const pattern = new RegExp(regexFilter!);
    expect(pattern.test(url)).toBe(true);
    for (const other of ['https://img.example/aXXb.jpg?crop=1^2&x=(3)+[4]', `${url}&more`, `https://cdn.example/?u=${url}`]) expect(pattern.test(other)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { urlCondition } from './page-referer';

describe('urlCondition', () => {
  it('anchors a plain URL at both ends', () => {
    expect(urlCondition('http://127.0.0.1:8080/a.jpg?w=200')).toEqual({ urlFilter: '|http://127.0.0.1:8080/a.jpg?w=200|' });
  });

  it("matches a URL holding a urlFilter wildcard by an escaped regular expression, that URL alone", () => {
    const url = 'http://127.0.0.1:8080/a*b.jpg?crop=1^2&x=(3)+[4]';
    const { regexFilter } = urlCondition(url);
    expect(regexFilter).toBeDefined();
    const pattern = new RegExp(regexFilter!);
    expect(pattern.test(url)).toBe(true);
    for (const other of ['http://127.0.0.1:8080/aXXb.jpg?crop=1^2&x=(3)+[4]', `${url}&more`, `http://127.0.0.2:8080/?u=${url}`]) expect(pattern.test(other)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { keepNewest } from './bounded';

describe('keepNewest', () => {
  it('drops the oldest entries of a Map down to the bound', () => {
    const map = new Map([['a', 1], ['b', 2], ['c', 3], ['d', 4]]);
    keepNewest(map, 2);
    expect([...map.keys()]).toEqual(['c', 'd']);
  });

  it('does the same for a Set, and leaves one within the bound as it is', () => {
    const set = new Set(['a', 'b', 'c']);
    keepNewest(set, 3);
    expect([...set]).toEqual(['a', 'b', 'c']);
    keepNewest(set, 1);
    expect([...set]).toEqual(['c']);
  });
});

import { describe, expect, it } from 'vitest';
import { keepNewest, keepNewestWithin } from './bounded';

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

describe('keepNewestWithin', () => {
  it('drops the oldest entries until the sizes left fit the bound', () => {
    const map = new Map([['a', 5], ['b', 3], ['c', 4], ['d', 2]]);
    keepNewestWithin(map, 7, (size) => size);
    expect([...map.keys()]).toEqual(['c', 'd']);
  });

  it('leaves a map within the bound as it is, and empties one whose newest entry alone is over it', () => {
    const map = new Map([['a', 1], ['b', 2]]);
    keepNewestWithin(map, 3, (size) => size);
    expect([...map.keys()]).toEqual(['a', 'b']);
    keepNewestWithin(map, 1, (size) => size);
    expect([...map.keys()]).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheKey, LruCacheIndex, sha256Hex } from './lru-cache-index';

describe('cacheKey', () => {
  const site = 'https://a.example';
  it('differs when the site, the bytes, the model file, the overlap, the pixel path version or the way up differ', () => {
    const key = cacheKey(site, 'ab12', 'model-a', 30, 2);
    expect(cacheKey('https://b.example', 'ab12', 'model-a', 30, 2)).not.toBe(key);
    expect(cacheKey(site, 'ab13', 'model-a', 30, 2)).not.toBe(key);
    expect(cacheKey(site, 'ab12', 'model-b', 30, 2)).not.toBe(key);
    expect(cacheKey(site, 'ab12', 'model-a', 28, 2)).not.toBe(key);
    expect(cacheKey(site, 'ab12', 'model-a', 30, 3)).not.toBe(key);
    expect(cacheKey(site, 'ab12', 'model-a', 30, 2, true)).not.toBe(key);
    expect(cacheKey(site, 'ab12', 'model-a', 30, 2)).toBe(key);
    expect(cacheKey(site, 'ab12', 'model-a', 30, 2, false)).toBe(key);
  });

  it('cannot be forged by separators inside a part', () => {
    expect(cacheKey(site, 'h","m', 'x', 30, 2)).not.toBe(cacheKey(site, 'h', 'm","x', 30, 2));
    expect(cacheKey(site, 'a|b', 'c', 30, 2)).not.toBe(cacheKey(site, 'a', 'b|c', 30, 2));
    expect(cacheKey('https://a.example","ab12', 'x', 'm', 30, 2)).not.toBe(cacheKey(site, 'ab12","x', 'm', 30, 2));
  });
});

describe('sha256Hex', () => {
  it('matches Node’s own SHA-256', async () => {
    const bytes = new Uint8Array(Array.from({ length: 1000 }, (_, i) => (i * 31) % 256));
    expect(await sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('gives the known digest of nothing', async () => {
    expect(await sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes only the view, not the whole buffer under it', async () => {
    const buffer = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(await sha256Hex(buffer.subarray(2, 5))).toBe(await sha256Hex(new Uint8Array([1, 2, 3])));
  });
});

/** An index holding a (10 bytes, t=1), b (20, t=2), c (30, t=3): 60 bytes, a least recent. */
function abc(): LruCacheIndex {
  const index = new LruCacheIndex();
  index.add('a', 10, 1);
  index.add('b', 20, 2);
  index.add('c', 30, 3);
  return index;
}

describe('LruCacheIndex', () => {
  it('sums the bytes of its entries', () => {
    const index = abc();
    expect(index.totalBytes).toBe(60);
    expect(index.size).toBe(3);
    expect(index.has('b')).toBe(true);
    expect(index.remove('b')).toBe(true);
    expect(index.remove('b')).toBe(false);
    expect(index.has('b')).toBe(false);
    expect(index.totalBytes).toBe(40);
  });

  it('evicts nothing while the new entry fits', () => {
    expect(abc().evictionsFor(40, 100)).toEqual([]);
  });

  it('evicts the least recently used first, only as many as needed', () => {
    expect(abc().evictionsFor(41, 100)).toEqual(['a']);
    expect(abc().evictionsFor(51, 100)).toEqual(['a', 'b']);
    expect(abc().evictionsFor(100, 100)).toEqual(['a', 'b', 'c']);
  });

  it('counts a touch as a use', () => {
    const index = abc();
    expect(index.touch('a', 4)).toBe(true);
    expect(index.evictionsFor(51, 100)).toEqual(['b']);
    expect(index.evictionsFor(61, 100)).toEqual(['b', 'c']);
    expect(index.touch('missing', 5)).toBe(false);
  });

  it('orders by use, not by the clock, which may jump back', () => {
    const index = abc();
    index.touch('a', 0);
    expect(index.evictionsFor(41, 100)).toEqual(['b']);
  });

  it('never caches an entry bigger than the whole limit', () => {
    expect(abc().evictionsFor(101, 100)).toBeNull();
    expect(new LruCacheIndex().evictionsFor(1, 0)).toBeNull();
  });

  it('trims to a lowered limit when asked for room for nothing', () => {
    expect(abc().evictionsFor(0, 35)).toEqual(['a', 'b']);
  });

  it('replaces an entry added again, as the most recent', () => {
    const index = abc();
    index.add('a', 15, 4);
    expect(index.totalBytes).toBe(65);
    expect(index.size).toBe(3);
    expect(index.evictionsFor(36, 100)).toEqual(['b']);
  });

  it('does not evict by itself: the caller deletes, then removes', () => {
    const index = abc();
    const evict = index.evictionsFor(70, 100) ?? [];
    expect(index.totalBytes).toBe(60);
    for (const key of evict) index.remove(key);
    index.add('d', 70, 4);
    expect(index.totalBytes).toBe(100);
    expect(index.toJSON().entries.map((e) => e.key)).toEqual(['c', 'd']);
  });

  it('reconciles with the keys actually stored', () => {
    const index = abc();
    expect(index.reconcile(['b', 'c', 'orphan'])).toEqual(['orphan']);
    expect(index.has('a')).toBe(false);
    expect(index.totalBytes).toBe(50);
    expect(index.reconcile(new Set(['b', 'c']))).toEqual([]);
  });
});

describe('LruCacheIndex serialization', () => {
  it('survives a round trip through JSON, use order included', () => {
    const index = abc();
    index.touch('a', 2); // same time as b, but used after it
    const stored: unknown = JSON.parse(JSON.stringify(index.toJSON()));
    const loaded = LruCacheIndex.fromJSON(stored);
    expect(loaded.toJSON()).toEqual(index.toJSON());
    expect(loaded.totalBytes).toBe(60);
    expect(loaded.evictionsFor(41, 100)).toEqual(['b']);
  });

  it('writes a copy that does not change with the index', () => {
    const index = abc();
    const snapshot = index.toJSON();
    index.touch('a', 9);
    snapshot.entries[0].bytes = 999;
    expect(snapshot.entries.map((e) => e.key)).toEqual(['a', 'b', 'c']);
    expect(index.totalBytes).toBe(60);
  });

  const entry = { key: 'k', bytes: 10, lastUsed: 1 };
  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', '{"version":1}'],
    ['an array', [entry]],
    ['another version', { version: 2, entries: [entry] }],
    ['no entries', { version: 1 }],
    ['entries that are not a list', { version: 1, entries: { k: entry } }],
    ['an entry that is not an object', { version: 1, entries: [entry, 'k2'] }],
    ['a key that is not a string', { version: 1, entries: [{ ...entry, key: 7 }] }],
    ['negative bytes', { version: 1, entries: [{ ...entry, bytes: -1 }] }],
    ['fractional bytes', { version: 1, entries: [{ ...entry, bytes: 1.5 }] }],
    ['bytes as text', { version: 1, entries: [{ ...entry, bytes: '10' }] }],
    ['no time', { version: 1, entries: [{ key: 'k', bytes: 10 }] }],
    ['a duplicate key', { version: 1, entries: [entry, { ...entry, lastUsed: 2 }] }],
  ])('loads %s as an empty index', (_, raw) => {
    const index = LruCacheIndex.fromJSON(raw);
    expect(index.size).toBe(0);
    expect(index.totalBytes).toBe(0);
  });

  it('loads an empty index', () => {
    expect(LruCacheIndex.fromJSON({ version: 1, entries: [] }).size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { LruCacheIndex } from './lru-cache-index';
import { ResultCache, type ResultStore, type StoreChange } from './result-cache';

/** A store in memory, as IndexedDB would keep it, with switches to make it misbehave. */
class MemoryStore implements ResultStore<string> {
  values = new Map<string, string>();
  savedIndex: unknown = undefined;
  failCommits = false;
  failReads = false;
  failOpen = false;
  failClear = false;
  commits = 0;

  async loadIndex(): Promise<unknown> {
    if (this.failOpen) throw new Error('database cannot open');
    return this.savedIndex;
  }

  async storedKeys(): Promise<string[]> {
    return [...this.values.keys()];
  }

  async read(key: string): Promise<string | undefined> {
    if (this.failReads) throw new Error('read failed');
    return this.values.get(key);
  }

  async commit(change: StoreChange<string>): Promise<void> {
    if (this.failCommits) throw new Error('quota exceeded');
    this.commits++;
    for (const key of change.remove) this.values.delete(key);
    if (change.put) this.values.set(change.put.key, change.put.value);
    this.savedIndex = JSON.parse(JSON.stringify(change.index));
  }

  async clear(): Promise<void> {
    if (this.failClear) throw new Error('clear failed');
    this.values.clear();
    this.savedIndex = undefined;
  }
}

function setup(store = new MemoryStore()) {
  const errors: string[] = [];
  let clock = 0;
  /** The delayed writes of hits, run when a test says (`writeHits`). */
  const later: (() => void)[] = [];
  const cache = new ResultCache<string>(store, (value) => value.length, (what) => errors.push(what), () => ++clock, (write) => later.push(write));
  const writeHits = async () => {
    for (const write of later.splice(0)) write();
    await cache.usage();
  };
  return { store, cache, errors, later, writeHits };
}

const tenBytes = (c: string) => c.repeat(10);

describe('ResultCache', () => {
  it('misses, stores, then hits', async () => {
    const { cache, store } = setup();
    expect(await cache.lookup('a', 100)).toBeUndefined();
    await cache.save('a', tenBytes('a'), 100);
    expect(await cache.lookup('a', 100)).toBe(tenBytes('a'));
    expect(await cache.usage()).toEqual({ entries: 1, bytes: 10 });
    expect([...store.values.keys()]).toEqual(['a']);
  });

  it("evicts the least recently used results to stay within the user's limit", async () => {
    const { cache, store } = setup();
    cache.setLimit(25);
    await cache.save('a', tenBytes('a'), 25);
    await cache.save('b', tenBytes('b'), 25);
    // A hit makes 'a' the most recent, so 'b' goes when 'c' arrives.
    expect(await cache.lookup('a', 25)).toBeDefined();
    await cache.save('c', tenBytes('c'), 25);
    expect([...store.values.keys()].sort()).toEqual(['a', 'c']);
    expect(await cache.usage()).toEqual({ entries: 2, bytes: 20 });
  });

  it("with a job's limit of 0 stores nothing and serves nothing, and evicts nothing: only the user's limit does", async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    expect(await cache.lookup('a', 0)).toBeUndefined();
    await cache.save('b', tenBytes('b'), 0);
    expect([...store.values.keys()]).toEqual(['a']);
    cache.setLimit(0);
    await cache.save('b', tenBytes('b'), 100);
    expect(store.values.size).toBe(0);
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
  });

  it("does not store a result larger than the job's limit or the user's, and trims the rest to the user's lowered limit", async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    await cache.save('b', tenBytes('b'), 100);
    await cache.save('big', 'x'.repeat(50), 15);
    expect([...store.values.keys()]).toEqual(['a', 'b']);
    cache.setLimit(15);
    await cache.save('big', 'x'.repeat(50), 100);
    expect([...store.values.keys()]).toEqual(['b']);
  });

  it('takes the limit the engine asked for at its start only where no newer one came first (a settings notice, a trim)', async () => {
    const { cache, store } = setup();
    cache.learnLimit(10);
    await cache.save('a', tenBytes('a'), 100);
    await cache.save('b', tenBytes('b'), 100);
    expect([...store.values.keys()]).toEqual(['b']);
    await cache.trim(0);
    cache.learnLimit(100);
    await cache.save('c', tenBytes('c'), 100);
    expect(store.values.size).toBe(0);
  });

  it('writes the use order of a run of hits once, a moment after the first; a write meanwhile carries it', async () => {
    const { cache, store, later, writeHits } = setup();
    for (const key of ['a', 'b', 'c']) await cache.save(key, tenBytes(key), 100);
    const commits = store.commits;
    for (const key of ['a', 'b', 'a']) expect(await cache.lookup(key, 100)).toBe(tenBytes(key));
    expect(store.commits).toBe(commits);
    expect(later).toHaveLength(1);
    await writeHits();
    expect(store.commits).toBe(commits + 1);
    expect((store.savedIndex as { entries: { key: string }[] }).entries.map((entry) => entry.key)).toEqual(['c', 'b', 'a']);

    await cache.lookup('c', 100);
    await cache.save('d', tenBytes('d'), 100);
    expect((store.savedIndex as { entries: { key: string }[] }).entries.map((entry) => entry.key)).toEqual(['b', 'a', 'c', 'd']);
    await writeHits();
    expect(store.commits).toBe(commits + 2);
  });

  it('trims to a lowered limit at once, least recently used first', async () => {
    const { cache, store } = setup();
    for (const key of ['a', 'b', 'c']) await cache.save(key, tenBytes(key), 100);
    await cache.lookup('a', 100);
    expect(await cache.trim(20)).toEqual({ entries: 2, bytes: 20 });
    expect([...store.values.keys()].sort()).toEqual(['a', 'c']);
    expect(await cache.trim(100)).toEqual({ entries: 2, bytes: 20 });
    expect(await cache.trim(0)).toEqual({ entries: 0, bytes: 0 });
    expect(store.values.size).toBe(0);
  });

  it("a limit lowered after a job's settings were read holds for its result and its lookups, however late its request came", async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    await cache.trim(0);
    // The jobs' settings, read before the trim, still say 100.
    await cache.save('b', tenBytes('b'), 100);
    expect(store.values.size).toBe(0);
    store.values.set('a', tenBytes('a'));
    expect(await cache.lookup('a', 100)).toBeUndefined();
  });

  it('a limit lowered, then raised again before a job that started in between ends, binds it no more: nothing stored since goes', async () => {
    const { cache, store } = setup();
    await cache.trim(0);
    // Raised: a settings notice says so (a raise trims nothing).
    cache.setLimit(100);
    await cache.save('d', tenBytes('d'), 100);
    await cache.save('e', tenBytes('e'), 100);
    // The slow job's settings were read while the limit was 100 before the trim.
    await cache.save('a', tenBytes('a'), 100);
    expect([...store.values.keys()].sort()).toEqual(['a', 'd', 'e']);
    // A job whose settings predate the raise (or a page's made-up one) stores only what fits its own limit, and evicts nothing.
    await cache.save('f', tenBytes('f'), 25);
    await cache.save('g', 'x'.repeat(30), 25);
    expect(await cache.usage()).toEqual({ entries: 4, bytes: 40 });
  });

  it("a clear while a job ran holds for that job's result: the user cleared what Enhance had seen", async () => {
    const { cache, store } = setup();
    const started = cache.clearsSoFar();
    await cache.clear();
    await cache.save('a', tenBytes('a'), 100, started);
    expect(store.values.size).toBe(0);
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
    await cache.save('b', tenBytes('b'), 100, cache.clearsSoFar());
    expect([...store.values.keys()]).toEqual(['b']);
  });

  it('reads the index again once told its database went (the extension data cleared): no entries it no longer holds', async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    await cache.save('b', tenBytes('b'), 100);
    await store.clear();
    cache.forgetIndex();
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
    await cache.save('c', tenBytes('c'), 100);
    expect(store.savedIndex).toMatchObject({ entries: [expect.objectContaining({ key: 'c' })] });
  });

  it('persists across instances: a new document finds the results and their use order', async () => {
    const first = setup();
    await first.cache.save('a', tenBytes('a'), 25);
    await first.cache.save('b', tenBytes('b'), 25);
    await first.cache.lookup('a', 25);
    await first.writeHits();
    const second = setup(first.store);
    second.cache.setLimit(25);
    expect(await second.cache.usage()).toEqual({ entries: 2, bytes: 20 });
    await second.cache.save('c', tenBytes('c'), 25);
    expect([...first.store.values.keys()].sort()).toEqual(['a', 'c']);
  });

  it('turns an entry whose result is missing into a miss and forgets it', async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    store.values.delete('a');
    expect(await cache.lookup('a', 100)).toBeUndefined();
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
  });

  it('turns a failed read into a miss that keeps the entry: the next read may pass', async () => {
    const { cache, store, errors } = setup();
    await cache.save('a', tenBytes('a'), 100);
    store.failReads = true;
    expect(await cache.lookup('a', 100)).toBeUndefined();
    expect(errors).toEqual(['cache read']);
    store.failReads = false;
    expect(await cache.lookup('a', 100)).toBe(tenBytes('a'));
  });

  it('starts empty from a corrupt index and deletes the results it no longer knows', async () => {
    const store = new MemoryStore();
    store.values.set('orphan', 'zzz');
    store.savedIndex = { version: 1, entries: 'not a list' };
    const { cache } = setup(store);
    expect(await cache.usage()).toEqual({ entries: 0, bytes: 0 });
    expect(store.values.size).toBe(0);
  });

  it('drops index entries with nothing stored (a crash between write and index save)', async () => {
    const store = new MemoryStore();
    const index = new LruCacheIndex();
    index.add('gone', 10, 1);
    index.add('kept', 3, 2);
    store.savedIndex = index.toJSON();
    store.values.set('kept', 'kkk');
    const { cache } = setup(store);
    expect(await cache.usage()).toEqual({ entries: 1, bytes: 3 });
    expect(await cache.lookup('kept', 100)).toBe('kkk');
  });

  it('a store that cannot open gives misses and never throws, then recovers', async () => {
    const store = new MemoryStore();
    store.failOpen = true;
    const { cache, errors } = setup(store);
    expect(await cache.lookup('a', 100)).toBeUndefined();
    await cache.save('a', tenBytes('a'), 100);
    // Not "0 images": the results stored before are still there, and served once it opens.
    expect(await cache.usage()).toBeNull();
    expect(await cache.trim(100)).toBeNull();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((what) => what === 'cache unavailable')).toBe(true);
    store.failOpen = false;
    await cache.save('a', tenBytes('a'), 100);
    expect(await cache.lookup('a', 100)).toBe(tenBytes('a'));
  });

  it('a failed write leaves index and store in step', async () => {
    const { cache, store, errors } = setup();
    await cache.save('a', tenBytes('a'), 100);
    store.failCommits = true;
    await cache.save('b', tenBytes('b'), 100);
    expect(errors).toContain('cache write');
    store.failCommits = false;
    expect(await cache.usage()).toEqual({ entries: 1, bytes: 10 });
    expect(await cache.lookup('b', 100)).toBeUndefined();
  });

  it('a trim the store refused answers null, not the figures of a trim not made', async () => {
    const { cache, store, errors } = setup();
    for (const key of ['a', 'b', 'c']) await cache.save(key, tenBytes(key), 100);
    store.failCommits = true;
    expect(await cache.trim(10)).toBeNull();
    expect(errors).toContain('cache write');
    store.failCommits = false;
    expect(await cache.usage()).toEqual({ entries: 3, bytes: 30 });
    expect(await cache.trim(10)).toEqual({ entries: 1, bytes: 10 });
  });

  it('clear empties index and store', async () => {
    const { cache, store } = setup();
    await cache.save('a', tenBytes('a'), 100);
    expect(await cache.clear()).toEqual({ entries: 0, bytes: 0 });
    expect(store.values.size).toBe(0);
    expect(await cache.lookup('a', 100)).toBeUndefined();
  });

  it('says so where the store refused to clear (null), and still serves what it holds', async () => {
    const { cache, store, errors } = setup();
    await cache.save('a', tenBytes('a'), 100);
    store.failClear = true;
    expect(await cache.clear()).toBeNull();
    expect(errors).toContain('cache clear');
    store.failClear = false;
    expect(await cache.usage()).toEqual({ entries: 1, bytes: 10 });
  });

  it('runs overlapping calls one at a time, in call order', async () => {
    const { cache } = setup();
    const save = cache.save('a', tenBytes('a'), 100);
    const [hit, usage] = await Promise.all([cache.lookup('a', 100), cache.usage(), save]);
    expect(hit).toBe(tenBytes('a'));
    expect(usage).toEqual({ entries: 1, bytes: 10 });
  });
});

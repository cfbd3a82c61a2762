/**
 * The enhanced-image cache: the LRU index kept in step with a persistent store of results. A cache
 * is never worth a failed job, so nothing here throws: a store that cannot be read or written
 * makes misses, and the index is reloaded (and reconciled with what is stored) on the next call.
 */
import { LruCacheIndex, type SerializedCacheIndex } from './lru-cache-index';

/** One atomic change to the store: deletions first, then the optional write, then the index. */
export interface StoreChange<V> {
  remove: string[];
  put?: { key: string; value: V };
  index: SerializedCacheIndex;
}

/** Where results persist (IndexedDB in the engine); its errors are the cache's to absorb. */
export interface ResultStore<V> {
  /** The index as last saved, unchecked: `LruCacheIndex.fromJSON` checks it. */
  loadIndex(): Promise<unknown>;
  storedKeys(): Promise<string[]>;
  /** undefined when nothing, or nothing well-formed, is stored under the key. */
  read(key: string): Promise<V | undefined>;
  commit(change: StoreChange<V>): Promise<void>;
  clear(): Promise<void>;
}

const TOUCH_WRITE_DELAY_MS = 2000;

export interface CacheUsage {
  entries: number;
  bytes: number;
}

export class ResultCache<V> {
  private index: Promise<LruCacheIndex | null> | undefined;
  /** Jobs and the options page's questions can overlap: one operation at a time keeps index and store in step. */
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * The limit the user set last, as the engine heard of it from the extension (asked at its start,
   * a trim, a settings notice): the only one that evicts. A job's settings come from a page's
   * content script, which a compromised page drives: its limit binds that job's result alone, or
   * one page could empty every site's results, or grow the cache past the user's limit. Infinity
   * until the engine hears of one.
   */
  private limitNow = Infinity;
  /** Whether a trim or a settings notice set limitNow: the answer to the engine's question at its start may come after them, older. */
  private limitHeard = false;

  /** How many clears were asked for: a job's image predates a clear made while it ran. */
  private clears = 0;
  /** Hits marked in the index in memory since it was last written, and whether a write of them is due. */
  private touchesUnsaved = false;
  private touchWriteDue = false;

  /**
   * `later` runs the write of the hits' new use order a moment after the first of them: the whole
   * index is written each time (about 100 bytes a result: megabytes in a cache of gigabytes), and
   * a revisited page hits once an image, so one write a moment covers a page's worth. A document
   * closed before it loses only that use order: the results stay listed.
   */
  constructor(
    private readonly store: ResultStore<V>,
    private readonly sizeOf: (value: V) => number,
    private readonly onError: (what: string, error: unknown) => void,
    private readonly now: () => number = Date.now,
    private readonly later: (write: () => void) => void = (write) => setTimeout(write, TOUCH_WRITE_DELAY_MS),
  ) {}

  /** The stored result for `key`, marked as just used; undefined on a miss. A limit of 0 (the job's or the user's) turns the cache off. */
  lookup(key: string, limitBytes: number): Promise<V | undefined> {
    return this.serial('cache lookup', undefined, async () => {
      if (this.limitFor(limitBytes) <= 0) return undefined;
      const index = await this.loaded();
      if (!index?.has(key)) return undefined;
      const value = await this.readOrNothing(key);
      if (value === null) return undefined;
      if (value === undefined) {
        // Listed but unreadable: forget it, so the result is computed and stored afresh.
        index.remove(key);
        await this.commit({ remove: [key], index: index.toJSON() });
        return undefined;
      }
      index.touch(key, this.now());
      this.touchesUnsaved = true;
      this.writeTouchesLater();
      return value;
    });
  }

  /** A mark to give `save` later: a clear asked for after it binds that save too. */
  clearsSoFar(): number {
    return this.clears;
  }

  /** The limit the user set, heard of outside a trim (a raised one frees nothing). */
  setLimit(limitBytes: number): void {
    this.limitNow = limitBytes;
    this.limitHeard = true;
  }

  /** The limit the user had set when the engine started, unless a newer one was heard meanwhile (setLimit, trim). */
  learnLimit(limitBytes: number): void {
    if (!this.limitHeard) this.limitNow = limitBytes;
  }

  /**
   * Stores a fresh result and evicts the least recently used ones until the total fits the user's
   * limit; a result larger than it, or than the job's own `limitBytes`, is not stored, but the
   * rest is still trimmed to the user's limit. A job passes the mark it took when it started
   * (`clearsSoFar`): after a clear since, its result is not stored: the user cleared what Enhance
   * had seen until then, this image among it.
   */
  save(key: string, value: V, limitBytes: number, clearsBefore = this.clears): Promise<void> {
    if (clearsBefore < this.clears) return Promise.resolve();
    return this.serial('cache save', undefined, async () => {
      const index = await this.loaded();
      if (!index) return;
      const limit = Math.max(0, this.limitNow);
      const bytes = this.sizeOf(value);
      const hadKey = index.remove(key);
      const evictions = bytes <= limitBytes ? index.evictionsFor(bytes, limit) : null;
      const fits = evictions !== null;
      const remove = evictions ?? index.evictionsFor(0, limit) ?? [];
      for (const evicted of remove) index.remove(evicted);
      if (fits) index.add(key, bytes, this.now());
      else if (hadKey) remove.push(key);
      if (!fits && remove.length === 0) return;
      await this.commit({ remove, put: fits ? { key, value } : undefined, index: index.toJSON() });
    });
  }

  /**
   * Evicts the least recently used results until the rest fits `limitBytes` (a lowered limit); the
   * usage after, or null where the store could not be read or refused the change: the results are
   * then all still there, which the user must hear rather than read figures of a trim not made.
   */
  trim(limitBytes: number): Promise<CacheUsage | null> {
    this.setLimit(limitBytes);
    return this.serial('cache trim', null, async () => {
      const index = await this.loaded();
      if (!index) return null;
      const remove = index.evictionsFor(0, Math.max(0, limitBytes)) ?? [];
      if (remove.length > 0) {
        for (const key of remove) index.remove(key);
        if (!(await this.commit({ remove, index: index.toJSON() }))) return null;
      }
      return usageOf(index);
    });
  }

  /** What is stored; null where the store cannot be read now (not an empty cache: its results stay and are served once it can). */
  usage(): Promise<CacheUsage | null> {
    return this.serial('cache usage', null, async () => {
      const index = await this.loaded();
      return index && usageOf(index);
    });
  }

  /**
   * Empties the cache; the usage after clearing, or null where the store refused (the user must
   * hear it: what they meant to erase is still there, and would be served again).
   */
  clear(): Promise<CacheUsage | null> {
    this.clears++;
    return this.serial('cache clear', null, async () => {
      try {
        await this.store.clear();
      } catch (error) {
        this.onError('cache clear', error);
        this.index = undefined;
        return null;
      }
      const index = new LruCacheIndex();
      this.index = Promise.resolve(index);
      return usageOf(index);
    });
  }

  /** A forgotten index, read again on the next call: its database was deleted or replaced under it. */
  forgetIndex(): void {
    this.index = undefined;
  }

  private writeTouchesLater(): void {
    if (this.touchWriteDue) return;
    this.touchWriteDue = true;
    this.later(() => {
      this.touchWriteDue = false;
      void this.serial('cache write', undefined, async () => {
        // Any write since carried them (each writes the whole index), and a dropped index took them with it.
        const index = this.touchesUnsaved ? await this.index : null;
        if (index) await this.commit({ remove: [], index: index.toJSON() });
      });
    });
  }

  /** A job's limit, or the one the user set since where lower (never under 0). */
  private limitFor(jobLimitBytes: number): number {
    return Math.max(0, Math.min(jobLimitBytes, this.limitNow));
  }

  private serial<T>(what: string, fallback: T, task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task).catch((error: unknown) => {
      this.onError(what, error);
      this.index = undefined;
      return fallback;
    });
    this.tail = result;
    return result;
  }

  /** The index, loaded once and reconciled with the stored keys; null while the store is unusable. */
  private loaded(): Promise<LruCacheIndex | null> {
    this.index ??= this.load();
    return this.index;
  }

  private async load(): Promise<LruCacheIndex | null> {
    try {
      const index = LruCacheIndex.fromJSON(await this.store.loadIndex());
      const listed = index.size;
      const orphans = index.reconcile(await this.store.storedKeys());
      if (orphans.length > 0 || index.size !== listed) await this.store.commit({ remove: orphans, index: index.toJSON() });
      return index;
    } catch (error) {
      this.onError('cache unavailable', error);
      // Try again on the next call: the store may have been busy (another document upgrading it).
      this.index = undefined;
      return null;
    }
  }

  /** undefined where nothing (well-formed) is stored; null where the read failed, which may pass: a miss that keeps the entry. */
  private async readOrNothing(key: string): Promise<V | undefined | null> {
    try {
      return await this.store.read(key);
    } catch (error) {
      this.onError('cache read', error);
      return null;
    }
  }

  /** Whether the store took the change. A failed commit changed nothing there, so the index in memory is dropped and reloaded from it. */
  private async commit(change: StoreChange<V>): Promise<boolean> {
    this.touchesUnsaved = false;
    try {
      await this.store.commit(change);
      return true;
    } catch (error) {
      this.onError('cache write', error);
      this.index = undefined;
      return false;
    }
  }
}

function usageOf(index: LruCacheIndex): CacheUsage {
  return { entries: index.size, bytes: index.totalBytes };
}

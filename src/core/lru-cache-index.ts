/**
 * The bookkeeping of the enhanced-image cache: which results are stored, how many bytes each,
 * and which go first when the cache is full. The results themselves live elsewhere (Cache
 * Storage, IndexedDB); this index is pure and small enough to persist as JSON beside them.
 */

/**
 * A result is a function of the image's bytes, the model file, how tiles are blended (their
 * overlap), the rest of the pixel path (its version, UPSCALE_VERSION) and which way up it is read, so those make the key:
 * an update that changes any of them never serves results of the old one. Not the URL: the same
 * URL can serve new bytes, and the same bytes come under new URLs (blob: URLs made on each load,
 * signed CDN links that expire).
 *
 * `partition` (the page's origin) comes first: a result found in the cache swaps in far sooner
 * than one computed, so a cache shared by every site would let any page time its own image's
 * swap to learn whether the user had enhanced the same file on another site, as browsers
 * partition their HTTP cache for the same reason.
 */
export function cacheKey(partition: string, bytesHash: string, modelSha256: string, overlap: number, pipelineVersion: number, asStored = false): string {
  // A file turned back to the way it is stored (its EXIF orientation left out: JobRequest.asStored) gives another result.
  return JSON.stringify([partition, bytesHash, modelSha256, overlap, pipelineVersion, ...(asStored ? ['as-stored'] : [])]);
}

/** `Uint8Array<ArrayBuffer>`: digest() refuses views of a SharedArrayBuffer. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export interface CacheEntry {
  key: string;
  bytes: number;
  /** Date.now() of the last add or touch. */
  lastUsed: number;
}

export interface SerializedCacheIndex {
  version: 1;
  /** In use order, least recent first: loading keeps this order rather than trusting the clock. */
  entries: CacheEntry[];
}

function isEntry(value: unknown): value is CacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { key, bytes, lastUsed } = value as Partial<Record<keyof CacheEntry, unknown>>;
  return typeof key === 'string' && Number.isSafeInteger(bytes) && (bytes as number) >= 0 && Number.isFinite(lastUsed);
}

export class LruCacheIndex {
  /**
   * Map order is use order, least recent first: the clock passed in only labels entries, so a
   * clock that jumps back cannot make a fresh entry look old.
   */
  private readonly entries = new Map<string, CacheEntry>();
  private total = 0;

  get totalBytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Marks a cache hit; false when the key is not in the index. */
  touch(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.entries.set(key, { ...entry, lastUsed: now });
    return true;
  }

  /** Records a stored result, as the most recently used; a key already there is replaced. */
  add(key: string, bytes: number, now: number): void {
    this.remove(key);
    this.entries.set(key, { key, bytes, lastUsed: now });
    this.total += bytes;
  }

  remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.bytes;
    return true;
  }

  /**
   * The keys to delete, least recently used first, so that `newBytes` more fit in `limitBytes`;
   * null when they never can: a result bigger than the whole cache is not cached. With
   * `newBytes` 0 it trims the cache to a lowered limit. The caller deletes, then `remove`s.
   */
  evictionsFor(newBytes: number, limitBytes: number): string[] | null {
    if (newBytes > limitBytes) return null;
    const evict: string[] = [];
    let total = this.total;
    for (const entry of this.entries.values()) {
      if (total + newBytes <= limitBytes) break;
      evict.push(entry.key);
      total -= entry.bytes;
    }
    return evict;
  }

  /**
   * Brings the index in line with the keys actually stored, after a crash between a write and
   * the index save, or an index lost to corruption: entries with nothing stored leave the index,
   * and the returned stored keys, unknown to it, are for the caller to delete.
   */
  reconcile(storedKeys: Iterable<string>): string[] {
    const stored = new Set(storedKeys);
    for (const key of [...this.entries.keys()]) if (!stored.has(key)) this.remove(key);
    return [...stored].filter((key) => !this.entries.has(key));
  }

  toJSON(): SerializedCacheIndex {
    return { version: 1, entries: [...this.entries.values()].map((entry) => ({ ...entry })) };
  }

  /** Anything but a well-formed index gives an empty one: a cache is never worth a crash. */
  static fromJSON(raw: unknown): LruCacheIndex {
    const index = new LruCacheIndex();
    if (typeof raw !== 'object' || raw === null) return index;
    const { version, entries } = raw as Partial<Record<keyof SerializedCacheIndex, unknown>>;
    if (version !== 1 || !Array.isArray(entries) || !entries.every(isEntry)) return index;
    if (new Set(entries.map((entry) => entry.key)).size !== entries.length) return index;
    for (const { key, bytes, lastUsed } of entries) index.add(key, bytes, lastUsed);
    return index;
  }
}

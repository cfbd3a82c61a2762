/** The engine's result cache: enhanced PNGs in IndexedDB, with the LRU index saved beside them. */
import { ResultCache, type ResultStore, type StoreChange } from '../core/result-cache';
import type { Backend } from '../core/scale-choice';
import { logError } from '../shared/log';
import { committed, engineDb, META, onDatabaseLost, readMeta, requestResult, RESULTS } from './engine-db';

/** What a cache hit needs to answer a job without running the model. */
export interface StoredResult {
  png: Blob;
  width: number;
  height: number;
  /** The backend that computed it, reported again on every hit. */
  backend: Backend;
}

const INDEX_KEY = 'cache-index';

function isStoredResult(value: unknown): value is StoredResult {
  if (typeof value !== 'object' || value === null) return false;
  const { png, width, height, backend } = value as Partial<Record<keyof StoredResult, unknown>>;
  const side = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;
  return png instanceof Blob && png.size > 0 && side(width) && side(height) && (backend === 'webgpu' || backend === 'wasm');
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The IEND chunk every PNG ends with: length 0, type, CRC. */
const PNG_END = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/**
 * Whether the stored bytes are still a whole PNG: a write cut short (a crash), a blob file gone
 * from the profile (a disk cleaner: reading it throws) or bytes that are not ours would reach the
 * page as a broken or half-drawn image. Such an entry reads as a miss, and the result is made again.
 */
async function isWholePng(png: Blob): Promise<boolean> {
  if (png.size < PNG_SIGNATURE.length + PNG_END.length) return false;
  const starts = async (part: Blob, bytes: number[]) => {
    const read = new Uint8Array(await part.arrayBuffer());
    return bytes.every((byte, i) => read[i] === byte);
  };
  try {
    return (await starts(png.slice(0, PNG_SIGNATURE.length), PNG_SIGNATURE)) && (await starts(png.slice(png.size - PNG_END.length), PNG_END));
  } catch {
    return false;
  }
}

const indexedDbStore: ResultStore<StoredResult> = {
  loadIndex: () => readMeta(INDEX_KEY),

  async storedKeys() {
    const db = await engineDb();
    const keys = await requestResult(db.transaction(RESULTS, 'readonly').objectStore(RESULTS).getAllKeys());
    return keys.filter((key): key is string => typeof key === 'string');
  },

  async read(key) {
    const db = await engineDb();
    const value: unknown = await requestResult(db.transaction(RESULTS, 'readonly').objectStore(RESULTS).get(key));
    return isStoredResult(value) && (await isWholePng(value.png)) ? value : undefined;
  },

  // One transaction over both stores: a result and the index that lists it are written together or not at all.
  async commit(change: StoreChange<StoredResult>) {
    const transaction = (await engineDb()).transaction([RESULTS, META], 'readwrite');
    const results = transaction.objectStore(RESULTS);
    for (const key of change.remove) results.delete(key);
    if (change.put) results.put(change.put.value, change.put.key);
    transaction.objectStore(META).put(change.index, INDEX_KEY);
    await committed(transaction);
  },

  async clear() {
    const transaction = (await engineDb()).transaction([RESULTS, META], 'readwrite');
    transaction.objectStore(RESULTS).clear();
    transaction.objectStore(META).delete(INDEX_KEY);
    await committed(transaction);
  },
};

export const resultCache = new ResultCache<StoredResult>(indexedDbStore, (result) => result.png.size, logError);
// A database the browser deleted (the extension's data cleared) opens again empty: the index in memory would list what is gone.
onDatabaseLost(() => resultCache.forgetIndex());

/** The engine's result cache: enhanced PNGs in IndexedDB, with the LRU index saved beside them. */
import { ResultCache, type ResultStore, type StoreChange } from '../core/result-cache';
import type { Backend } from '../core/scale-choice';
import { logError } from '../shared/log';
import { committed, engineDb, META, readMeta, requestResult, RESULTS } from './engine-db';

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
    return isStoredResult(value) ? value : undefined;
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

/**
 * The engine's IndexedDB database, in the extension's own origin so it outlives browser restarts:
 * `results` holds enhanced images by cache key, `meta` small records (the cache index, the
 * device benchmark). Offscreen documents have no chrome.storage, and IndexedDB stores Blobs as is.
 */
import { timedOut, within } from '../core/time-limit';

const NAME = 'enhance-engine';
const VERSION = 1;
export const RESULTS = 'results';
export const META = 'meta';

let opening: Promise<IDBDatabase> | undefined;
const lostListeners: Array<() => void> = [];

/** Calls `listener` whenever the open database goes (closed by the browser, or for a newer engine): what was read from it may be gone. */
export function onDatabaseLost(listener: () => void): void {
  lostListeners.push(listener);
}

function lost(): void {
  opening = undefined;
  for (const listener of lostListeners) listener();
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    let gaveUp = false;
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const store of [RESULTS, META]) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    };
    request.onsuccess = () => {
      const db = request.result;
      if (gaveUp) {
        db.close();
        return;
      }
      // A newer engine (an extension update) wants to upgrade: step aside and reopen on the next call.
      db.onversionchange = () => {
        db.close();
        lost();
      };
      // Closed by the browser (a storage error, the extension's data cleared): the next call opens it again.
      db.onclose = lost;
      resolve(db);
    };
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
    // An old connection holds the database: jobs must not wait on it, so this open counts as failed.
    request.onblocked = () => {
      gaveUp = true;
      reject(new Error('IndexedDB open blocked by another document'));
    };
  });
}

/**
 * Every job waits on the database (WebGPU's failures, the cache): an open the browser never answers
 * (a damaged or locked store) would hold them all for the document's life. Each caller waits this
 * long at most; the open goes on, and a slow disk's answer serves the callers after it.
 */
const OPEN_LIMIT_MS = 10_000;

export function engineDb(): Promise<IDBDatabase> {
  opening ??= open().catch((error: unknown) => {
    opening = undefined;
    throw error;
  });
  return within(opening, OPEN_LIMIT_MS, timedOut('IndexedDB open unanswered', OPEN_LIMIT_MS));
}

export function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves once the transaction is committed: only then is a write durable. */
export function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    // The failing request's error (a QuotaExceededError, say): the transaction's own is still null here.
    transaction.onerror = (event) => reject((event.target as IDBRequest | null)?.error ?? transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export async function readMeta(key: string): Promise<unknown> {
  const db = await engineDb();
  return requestResult(db.transaction(META, 'readonly').objectStore(META).get(key));
}

export async function writeMeta(key: string, value: unknown): Promise<void> {
  const transaction = (await engineDb()).transaction(META, 'readwrite');
  transaction.objectStore(META).put(value, key);
  await committed(transaction);
}

import { afterEach, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** An open request as the browser hands it out: the handlers the module sets, fired by the test. */
interface OpenRequest {
  result?: unknown;
  onsuccess?: () => void;
}

it('fails a caller within seconds where the browser does not answer the open, and serves later callers once it does', async () => {
  vi.useFakeTimers();
  const requests: OpenRequest[] = [];
  vi.stubGlobal('indexedDB', { open: () => requests[requests.push({}) - 1] });
  vi.resetModules();
  const { engineDb } = await import('./engine-db');
  const first = engineDb().catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(String(await first)).toMatch(/IndexedDB open unanswered in 10 s/);
  // A slow disk answers at last: the same open serves the next caller, not a new one.
  const db = { close: vi.fn() };
  Object.assign(requests[0], { result: db }).onsuccess?.();
  await expect(engineDb()).resolves.toBe(db);
  expect(requests).toHaveLength(1);
  expect(db.close).not.toHaveBeenCalled();
});

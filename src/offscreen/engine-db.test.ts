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

it('fails an open the browser never answers within seconds, lets go of its late database, and opens anew on the next call', async () => {
  vi.useFakeTimers();
  const requests: OpenRequest[] = [];
  vi.stubGlobal('indexedDB', { open: () => requests[requests.push({}) - 1] });
  vi.resetModules();
  const { engineDb } = await import('./engine-db');
  const first = engineDb().catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(10_000);
  expect(String(await first)).toMatch(/unanswered in 10 s/);
  // The browser answers at last: that connection is closed, not kept for no one.
  const late = { close: vi.fn() };
  Object.assign(requests[0], { result: late }).onsuccess?.();
  expect(late.close).toHaveBeenCalled();
  void engineDb().catch(() => undefined);
  expect(requests).toHaveLength(2);
});

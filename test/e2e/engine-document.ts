/** Reaching into the engine's offscreen document, which Playwright does not list as a page, through the browser's DevTools protocol. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Evaluates `expression` in the engine's offscreen document, which Playwright does not list as a
 * page: through the browser's DevTools protocol, attached to that target.
 */
export async function evaluateInEngine(page: Page, expression: string): Promise<unknown> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; url: string }> };
    const engine = targetInfos.find((t) => t.url.endsWith('/src/offscreen/offscreen.html'));
    if (!engine) throw new Error('no offscreen document');
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: engine.targetId, flatten: false })) as { sessionId: string };
    const answer = new Promise<unknown>((resolve, reject) => {
      cdp.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
        const message = JSON.parse(event.message) as { id?: number; result?: { result?: { value?: unknown }; exceptionDetails?: unknown }; error?: unknown };
        if (event.sessionId !== sessionId || message.id !== 1) return;
        if (message.error || message.result?.exceptionDetails) reject(new Error(JSON.stringify(message.error ?? message.result?.exceptionDetails)));
        else resolve(message.result?.result?.value);
      });
    });
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }) });
    return await answer;
  } finally {
    await cdp.detach();
  }
}

/** The value under `key` in the engine's own store of facts (undefined where there is none). */
export function engineMeta(page: Page, key: string): Promise<unknown> {
  return evaluateInEngine(
    page,
    `(async () => {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('enhance-engine', 1);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const read = db.transaction('meta').objectStore('meta').get(${JSON.stringify(key)});
      return await new Promise((resolve, reject) => { read.onsuccess = () => resolve(read.result); read.onerror = () => reject(read.error); });
    })()`,
  );
}

/** Puts the value of `expression` (JavaScript, awaited in the engine; null deletes) under `key` in the engine's own store of facts. */
export async function putEngineMeta(page: Page, key: string, expression: string): Promise<void> {
  const put = await evaluateInEngine(
    page,
    `(async () => {
      const value = await (${expression});
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open('enhance-engine', 1);
        // Before the engine's first open: its stores, as it would make them (engine-db.ts).
        open.onupgradeneeded = () => ['results', 'meta'].forEach((store) => open.result.createObjectStore(store));
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const write = db.transaction('meta', 'readwrite');
      if (value === null) write.objectStore('meta').delete(${JSON.stringify(key)});
      else write.objectStore('meta').put(value, ${JSON.stringify(key)});
      await new Promise((resolve, reject) => { write.oncomplete = resolve; write.onerror = () => reject(write.error); });
      return true;
    })()`,
  );
  expect(put).toBe(true);
}

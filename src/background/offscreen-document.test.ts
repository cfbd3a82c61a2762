import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOffscreenDocument, ensureOffscreenDocument } from './offscreen-document';

/** A chrome global whose createDocument finishes when the test says, and which lists the document from the start of its creation (as Chrome may). */
function stubChrome(sessionRules: Array<{ id: number }> = []) {
  let finishCreating = () => {};
  let listed = false;
  const steps: string[] = [];
  const createDocument = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        steps.push('create document');
        listed = true;
        finishCreating = resolve;
      }),
  );
  const updateSessionRules = vi.fn(async ({ removeRuleIds }: { removeRuleIds: number[] }) => {
    steps.push(`remove rules ${removeRuleIds.join(',')}`);
  });
  vi.stubGlobal('chrome', {
    runtime: { ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' }, getURL: (path: string) => `chrome-extension://id/${path}`, getContexts: async () => (listed ? [{}] : []) },
    offscreen: { Reason: { WORKERS: 'WORKERS', BLOBS: 'BLOBS' }, createDocument },
    declarativeNetRequest: { getSessionRules: async () => sessionRules, updateSessionRules },
  });
  return { createDocument, updateSessionRules, steps, finishCreating: () => finishCreating() };
}

afterEach(() => vi.unstubAllGlobals());

describe('ensureOffscreenDocument', () => {
  it('a second caller waits for the creation under way, though Chrome already lists the document', async () => {
    const chrome = stubChrome();
    const order: string[] = [];
    const first = ensureOffscreenDocument().then(() => order.push('first'));
    await vi.waitFor(() => expect(chrome.createDocument).toHaveBeenCalledTimes(1));
    const second = ensureOffscreenDocument().then(() => order.push('second'));
    // Long enough for a caller that did not wait to have returned.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    chrome.finishCreating();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(chrome.createDocument).toHaveBeenCalledTimes(1);
  });

  it("drops the Referer rules a closed engine left (one closed mid-download drops none) before the new one starts, and none while it runs", async () => {
    const chrome = stubChrome([{ id: 3 }, { id: 7 }]);
    const started = ensureOffscreenDocument();
    await vi.waitFor(() => expect(chrome.createDocument).toHaveBeenCalledTimes(1));
    chrome.finishCreating();
    await started;
    expect(chrome.steps).toEqual(['remove rules 3,7', 'create document']);
    // A running engine's rules are its downloads' own.
    await ensureOffscreenDocument();
    expect(chrome.updateSessionRules).toHaveBeenCalledTimes(1);
  });

  it('a caller that found the document as its idle close began does not send to it: it waits for the close and starts a new one', async () => {
    let listed = true;
    let lookups = 0;
    let answerFirstLookup = () => {};
    const createDocument = vi.fn(async () => {
      listed = true;
    });
    const closeDocument = vi.fn(async () => {
      listed = false;
    });
    vi.stubGlobal('chrome', {
      runtime: {
        ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' },
        getURL: (path: string) => `chrome-extension://id/${path}`,
        // The first lookup answers late, with what it saw when asked.
        getContexts: () => {
          const seen = listed ? [{}] : [];
          return ++lookups === 1 ? new Promise((resolve) => (answerFirstLookup = () => resolve(seen))) : Promise.resolve(seen);
        },
      },
      offscreen: { Reason: { WORKERS: 'WORKERS', BLOBS: 'BLOBS' }, createDocument, closeDocument },
      declarativeNetRequest: { getSessionRules: async () => [], updateSessionRules: async () => undefined },
    });
    const ensured = ensureOffscreenDocument();
    await closeOffscreenDocument();
    expect(closeDocument).toHaveBeenCalledTimes(1);
    answerFirstLookup();
    await ensured;
    expect(createDocument).toHaveBeenCalledTimes(1);
    expect(listed).toBe(true);
  });
});

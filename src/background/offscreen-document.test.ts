import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensureOffscreenDocument } from './offscreen-document';

/** A chrome global whose createDocument finishes when the test says, and which lists the document from the start of its creation (as Chrome may). */
function stubChrome() {
  let finishCreating = () => {};
  let listed = false;
  const createDocument = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        listed = true;
        finishCreating = resolve;
      }),
  );
  vi.stubGlobal('chrome', {
    runtime: { ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' }, getURL: (path: string) => `chrome-extension://id/${path}`, getContexts: async () => (listed ? [{}] : []) },
    offscreen: { Reason: { WORKERS: 'WORKERS', BLOBS: 'BLOBS' }, createDocument },
  });
  return { createDocument, finishCreating: () => finishCreating() };
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
});

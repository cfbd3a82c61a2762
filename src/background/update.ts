/**
 * Firefox applies an update by unloading the add-on at once, content scripts and all: an image
 * showing our result would keep it, with no script left to put the page's file back (the menu's
 * Restore finds nothing) until the page is reloaded. Chrome keeps the old script, which hands its
 * page back by itself (content/content-script.ts). Listening to onUpdateAvailable holds Firefox's update
 * back: every tab's frames hand their pages back first, then a reload applies it, and Firefox puts
 * the new script into the open tabs, where auto-enhance takes the images again (from the cache).
 */
import browser from 'webextension-polyfill';
import { within } from '../core/time-limit';
import { framesOf } from '../shared/content-messaging';
import { logError } from '../shared/log';
import { downloadsLetGo } from './blob-download';
import { closeEngineForUpdate } from './engine-client';
import type { ContentRequest } from '../shared/protocol';

/** A tab that does not answer by then (busy, or frozen) does not hold the update back for long. */
export const HAND_BACK_WAIT_MS = 5_000;

/**
 * Asks every tab to hand its page back, waits until all have answered (or failed: a page without
 * our script) or `waitMs` has passed, then reloads. Each frame retires as the request reaches it,
 * and a frame's messages arrive in order: none can miss the request for the reload.
 */
export async function handBackThenReload(tabIds: number[], retire: (tabId: number) => Promise<unknown>, reload: () => void, waitMs: number = HAND_BACK_WAIT_MS): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((ok) => {
    timer = setTimeout(ok, waitMs);
  });
  await Promise.race([Promise.allSettled(tabIds.map(retire)), waited]);
  clearTimeout(timer);
  reload();
}

/**
 * Each frame of the tab is asked on its own: a request to the whole tab settles with the first
 * frame's answer, and the reload would race the request on its way to the others (a cross-origin
 * frame is another process).
 */
async function retireEveryFrame(tabId: number): Promise<void> {
  const retire: ContentRequest = { type: 'retire' };
  const ask = (frameId: number) => browser.tabs.sendMessage(tabId, retire, { frameId });
  // The top frame at once, the others as soon as they are listed.
  const others = framesOf(tabId).then((frames) => Promise.allSettled(frames.filter((frameId) => frameId !== 0).map(ask)));
  await Promise.allSettled([ask(0), others]);
}

async function applyUpdate(): Promise<void> {
  // A save under way (its Save As dialog open, maybe) reads its file from a URL of this page, which
  // the reload would take away: the update waits for it, at most the half hour a download is held.
  await downloadsLetGo();
  // Before any page is asked: one that loads while the others answer gets no result to be left
  // with. Not waited for long: an engine page whose load never ends would hold the update back.
  await within(closeEngineForUpdate(), HAND_BACK_WAIT_MS, () => undefined).catch((error: unknown) => logError('update: engine not closed', error));
  const tabs = await browser.tabs.query({});
  await handBackThenReload(
    tabs.flatMap((tab) => tab.id ?? []),
    retireEveryFrame,
    () => browser.runtime.reload(),
  );
}

/** Firefox only: Chrome's old scripts hand their pages back themselves, and its worker has no pages to wait for. */
export function handPagesBackBeforeUpdates(): void {
  browser.runtime.onUpdateAvailable.addListener(() => {
    applyUpdate().catch((error: unknown) => {
      logError('update', error);
      // The update is not held back for good: without the tab list, it goes as Firefox would have sent it.
      browser.runtime.reload();
    });
  });
}

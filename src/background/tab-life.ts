/** A tab's counts follow its life: forgotten when it closes, is replaced, or shows another page. */
import browser, { type Tabs } from 'webextension-polyfill';
import type { ContentRequest } from '../shared/protocol';
import { logError } from '../shared/log';
import { failureLeftBehind, forgetBadge, showCounts } from './badge';
import { inFirefox } from './browser-kind';
import { forgetTab, forgetTabIfOtherPage, forgetTabIfReloaded, tabCounts } from './tab-counts-store';

/**
 * The tab's counts were forgotten: the frames there now say what they hold. A single-page app that
 * changed its URL keeps its document and its enhanced images; a reloaded page's frames hold none
 * yet (and report on their own later); a page without our script has nothing to say.
 */
export async function recount(tabId: number): Promise<void> {
  await browser.tabs.sendMessage(tabId, { type: 'report-counts' } satisfies ContentRequest).catch(() => undefined);
  await showCounts(tabId, await tabCounts(tabId));
}

/** How long the tab's top frame may take to run a script: the counts' other steps wait behind this one. */
const TOP_DOCUMENT_ANSWER_MS = 1000;

/**
 * The document in the tab's top frame now, as Chrome names it in a script's result; undefined where
 * no script may run, or none ran in time (a page busy, or hung).
 */
async function topDocumentNow(tabId: number): Promise<string | undefined> {
  const injected = browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, func: () => true }).then(
    ([result]) => result?.documentId,
    () => undefined,
  );
  const late = new Promise<undefined>((resolve) => setTimeout(resolve, TOP_DOCUMENT_ANSWER_MS));
  return Promise.race([injected, late]);
}

const logged = (step: Promise<unknown>) => step.catch((error: unknown) => logError('tab counts', error));

export function followTabs(): void {
  browser.tabs.onRemoved.addListener((tabId) => {
    forgetBadge(tabId);
    void logged(forgetTab(tabId));
  });
  // Chrome swaps in a tab it loaded out of sight (a prerendered page) under a new id: the old id
  // closes without onRemoved, and its counts would stay in the popup's totals for the session.
  // The new tab's frames counted themselves under the id they had then: they say it again.
  browser.tabs.onReplaced.addListener((addedTabId, removedTabId) => {
    forgetBadge(removedTabId);
    void logged(forgetTab(removedTabId).then(() => recount(addedTabId)));
  });
  const onUpdated = (tabId: number, changeInfo: Tabs.OnUpdatedChangeInfoType) => {
    // A new URL (a link, or a single-page app's history.pushState) is told at once; a reload, which
    // keeps the URL, once it is complete, when the old document and its frames are surely gone.
    const { url } = changeInfo;
    const forgetting =
      url !== undefined
        ? forgetTabIfOtherPage(tabId, url).then(async (forgotten) => forgotten || (await failureLeftBehind(tabId, url)))
        : changeInfo.status === 'complete'
          ? forgetTabIfReloaded(tabId, () => topDocumentNow(tabId))
          : undefined;
    if (!forgetting) return;
    const recounted = forgetting.then((forgotten) => {
      if (!forgotten) return undefined;
      forgetBadge(tabId);
      return recount(tabId);
    });
    void logged(recounted);
  };
  // Firefox wakes its suspended background page for every event it listens to: a tab whose title
  // ticks each second (a chat, a timer) would keep it up for good. There only the changes read here
  // are asked for; Chrome's onUpdated takes no filter.
  if (inFirefox()) browser.tabs.onUpdated.addListener(onUpdated, { properties: ['url', 'status'] });
  else browser.tabs.onUpdated.addListener(onUpdated);
}

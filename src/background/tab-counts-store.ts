/**
 * Per-tab counts in storage.session: Chrome stops an idle worker, so nothing lives only in memory,
 * and session storage is gone with the browser session, as the tabs are.
 */
import browser from 'webextension-polyfill';
import { oneAtATime } from '../core/one-at-a-time';
import { TAB_COUNTS_PREFIX, tabCountsKey, type TabCounts } from '../shared/protocol';
import { dropsSubframes, isOtherPage, reportedTopDocument, sumCounts, tabTotal, withFrameReport, type FrameReport, type TabRecord } from './frame-counts';

/**
 * Frames of one tab report at the same time: each read-modify-write step on a tab's record waits for
 * the last one on it. A chain for each tab: a step that waits on its page (forgetTabIfReloaded asks
 * the top frame, up to a second where the page is busy) holds up no other tab's counts, which a
 * content script waits for before its jobs start.
 */
const chains = new Map<number, ReturnType<typeof oneAtATime>>();

function serially<T>(tabId: number, step: () => Promise<T>): Promise<T> {
  let chain = chains.get(tabId);
  if (!chain) {
    chain = oneAtATime();
    chains.set(tabId, chain);
  }
  return chain(step);
}

async function recordOf(tabId: number): Promise<TabRecord | undefined> {
  const key = tabCountsKey(tabId);
  return (await browser.storage.session.get(key))[key] as TabRecord | undefined;
}

/** Stores one frame's report; resolves with the tab's total, and whether the frames must report again (dropsSubframes). */
export function recordFrameCounts(tabId: number, report: FrameReport): Promise<{ total: TabCounts; askFrames: boolean }> {
  return serially(tabId, async () => {
    const before = await recordOf(tabId);
    const record = withFrameReport(before, report);
    await browser.storage.session.set({ [tabCountsKey(tabId)]: record });
    return { total: tabTotal(record), askFrames: dropsSubframes(before, report) };
  });
}

export function forgetTab(tabId: number): Promise<void> {
  return serially(tabId, () => browser.storage.session.remove(tabCountsKey(tabId)));
}

/** Forgets the tab's counts when it shows another page; resolves with whether it did. */
export function forgetTabIfOtherPage(tabId: number, url: string): Promise<boolean> {
  return serially(tabId, async () => {
    const record = await recordOf(tabId);
    if (record === undefined || !isOtherPage(record, url)) return false;
    await browser.storage.session.remove(tabCountsKey(tabId));
    return true;
  });
}

/**
 * A load in the tab completed without a new URL: a reload, or only one of its frames loading (an ad
 * rotating; Chrome says 'complete' for those too). Forgets the tab's counts unless its top frame
 * still holds the document that reported (`topDocumentNow`, asked only where one reported); resolves
 * with whether any was above zero (tabs with none need no recount).
 */
export function forgetTabIfReloaded(tabId: number, topDocumentNow: () => Promise<string | undefined>): Promise<boolean> {
  return serially(tabId, async () => {
    const record = await recordOf(tabId);
    if (record === undefined) return false;
    const reported = reportedTopDocument(record);
    if (reported !== undefined && reported === (await topDocumentNow())) return false;
    await browser.storage.session.remove(tabCountsKey(tabId));
    const { enhanced, queued, failed } = tabTotal(record);
    return enhanced + queued + failed > 0;
  });
}

/** Reads wait for the steps asked for before them: a tab's new URL, heard just now, has been acted on. */
export function tabCounts(tabId: number): Promise<TabCounts> {
  return serially(tabId, async () => tabTotal(await recordOf(tabId)));
}

/** Read once the steps asked for before, in every tab, are done. */
export async function allTabsCounts(): Promise<TabCounts> {
  await Promise.all([...chains.values()].map((chain) => chain(() => Promise.resolve())));
  const stored = await browser.storage.session.get(null);
  const records = Object.entries(stored).filter(([key]) => key.startsWith(TAB_COUNTS_PREFIX));
  return sumCounts(records.map(([, record]) => tabTotal(record as TabRecord)));
}

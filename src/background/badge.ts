/** The toolbar badge: how many images Enhance has sharpened on the tab. */
import browser from 'webextension-polyfill';
import type { TabCounts } from '../shared/protocol';
import { logError } from '../shared/log';
import { badgeText, pageOf } from './frame-counts';

/** Action state set by the API does not outlive the browser session, so the worker sets it on each start. */
export function styleBadge(): void {
  browser.action.setBadgeBackgroundColor({ color: '#3b5bdb' }).catch((error: unknown) => logError('badge', error));
}

/** Sets one tab's action state; a tab that closed meanwhile is no error. */
async function setForTab(set: () => Promise<unknown>): Promise<void> {
  try {
    await set();
  } catch (error) {
    // A tab that closed since it reported took its badge with it: nothing to fix (Chrome's words, then Firefox's).
    if (!/No tab with id|Invalid tab ID/.test(String(error))) logError('badge', error);
  }
}

/** The tooltip the manifest gives: a failure's own, set by showFailure, goes once the tab's counts move on. */
const DEFAULT_TITLE = browser.runtime.getManifest().action?.default_title ?? 'Enhance';

/** Tabs whose badge holds a notice (showNotice), and until when: counts wait for it to end. */
const noticeUntil = new Map<number, number>();
/** The counts' text each tab's badge showed last. */
const countsShown = new Map<number, string>();
/** Tabs whose badge holds a failure (showFailure), and the counts' text it took the place of. */
const failedOver = new Map<number, string>();
/**
 * Where the page a tab's failure was about (pageOf) is kept: in storage.session, since the worker
 * that hears the tab move on may be a fresh one (Chrome stops an idle worker within a minute).
 */
const failurePageKey = (tabId: number) => `badge-failure-page:${tabId}`;

function forgetFailurePage(tabId: number): void {
  browser.storage.session.remove(failurePageKey(tabId)).catch((error: unknown) => logError('badge', error));
}

export async function showCounts(tabId: number, counts: TabCounts): Promise<void> {
  // Auto-enhance switched on by the shortcut reports its first counts at once: they would take
  // the "on" away before anyone read it. The notice's end draws the counts as they are then.
  if ((noticeUntil.get(tabId) ?? 0) > Date.now()) return;
  const text = badgeText(counts);
  // A busy page's frames report every moment, images queued and done: the counts move on, and
  // take a failure's "!" away, only once they show another number.
  if (failedOver.get(tabId) === text) return;
  if (failedOver.delete(tabId)) forgetFailurePage(tabId);
  countsShown.set(tabId, text);
  await setForTab(() => Promise.all([browser.action.setBadgeText({ tabId, text }), browser.action.setTitle({ tabId, title: DEFAULT_TITLE })]));
}

/** The tab closed, or shows another page: a failure there was about the page it left. */
export function forgetBadge(tabId: number): void {
  countsShown.delete(tabId);
  failedOver.delete(tabId);
  forgetFailurePage(tabId);
}

/**
 * Whether the tab's badge holds a failure about another page than `url`'s: a single-page app moved
 * on (history.pushState) from a page whose frames reported no counts to be forgotten with it.
 */
export async function failureLeftBehind(tabId: number, url: string): Promise<boolean> {
  const key = failurePageKey(tabId);
  const page = (await browser.storage.session.get(key).catch((): Record<string, unknown> => ({})))[key];
  return typeof page === 'string' && page !== pageOf(url);
}

/**
 * A job that never reached the page (no content script may run there, or the engine would not
 * start) has no image to show its message on: the tab's badge shows "!", its tooltip the message.
 */
export async function showFailure(tabId: number, message: string): Promise<void> {
  noticeUntil.delete(tabId);
  // The worker may have started afresh (a menu click wakes it): the badge itself still says.
  failedOver.set(tabId, countsShown.get(tabId) ?? (await browser.action.getBadgeText({ tabId }).catch(() => '')));
  const url = (await browser.tabs.get(tabId).catch(() => undefined))?.url;
  if (url !== undefined) await browser.storage.session.set({ [failurePageKey(tabId)]: pageOf(url) }).catch((error: unknown) => logError('badge', error));
  await setForTab(() =>
    Promise.all([browser.action.setBadgeText({ tabId, text: '!' }), browser.action.setTitle({ tabId, title: `Enhance: ${message}` })]),
  );
}

/** Long enough to be read at a glance, short enough not to hide the counts. */
const NOTICE_MS = 2500;

/**
 * A word on the badge (the shortcut's "on"/"off") and its sentence as the tooltip, for a moment;
 * then the tab's counts again, unless a failure or another notice took the badge meanwhile.
 */
export async function showNotice(tabId: number, text: string, title: string, counts: () => Promise<TabCounts>): Promise<void> {
  const until = Date.now() + NOTICE_MS;
  noticeUntil.set(tabId, until);
  // In a failure's place: its end draws the counts, whatever they are.
  failedOver.delete(tabId);
  await setForTab(() => Promise.all([browser.action.setBadgeText({ tabId, text }), browser.action.setTitle({ tabId, title })]));
  setTimeout(() => {
    if (noticeUntil.get(tabId) !== until) return;
    noticeUntil.delete(tabId);
    void setForTab(async () => showCounts(tabId, await counts()));
  }, NOTICE_MS);
}

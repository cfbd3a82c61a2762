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
/** A tab's failure on its badge: the counts' text it took the place of, and the page it was about (pageOf). */
interface BadgeFailure {
  over: string;
  page?: string;
}
/** Tabs whose badge holds a failure (showFailure). */
const failedOver = new Map<number, BadgeFailure>();
/**
 * Each failure is kept in storage.session too: the worker that hears the tab's counts, or the tab
 * moving on, may be a fresh one (Chrome stops an idle worker within a minute).
 */
const failureKey = (tabId: number) => `badge-failure:${tabId}`;
/** Tabs whose kept failure this worker has read (or made, or forgotten) already. */
const failureRead = new Set<number>();

function isBadgeFailure(value: unknown): value is BadgeFailure {
  if (typeof value !== 'object' || value === null) return false;
  const { over, page } = value as Partial<BadgeFailure>;
  return typeof over === 'string' && (page === undefined || typeof page === 'string');
}

async function keptFailure(tabId: number): Promise<BadgeFailure | undefined> {
  const key = failureKey(tabId);
  const kept = (await browser.storage.session.get(key).catch((): Record<string, unknown> => ({})))[key];
  return isBadgeFailure(kept) ? kept : undefined;
}

/** The tab's failure, read from storage.session the first time this worker asks (a failure made or forgotten meanwhile wins). */
async function failureOf(tabId: number): Promise<BadgeFailure | undefined> {
  if (!failureRead.has(tabId)) {
    const kept = await keptFailure(tabId);
    if (!failureRead.has(tabId)) {
      failureRead.add(tabId);
      if (kept) failedOver.set(tabId, kept);
    }
  }
  return failedOver.get(tabId);
}

function forgetFailure(tabId: number): void {
  failureRead.add(tabId);
  failedOver.delete(tabId);
  browser.storage.session.remove(failureKey(tabId)).catch((error: unknown) => logError('badge', error));
}

export async function showCounts(tabId: number, counts: TabCounts): Promise<void> {
  // Auto-enhance switched on by the shortcut reports its first counts at once: they would take
  // the "on" away before anyone read it. The notice's end draws the counts as they are then.
  if ((noticeUntil.get(tabId) ?? 0) > Date.now()) return;
  const text = badgeText(counts);
  // A busy page's frames report every moment, images queued and done: the counts move on, and
  // take a failure's "!" away, only once they show another number.
  const failure = await failureOf(tabId);
  if (failure?.over === text) return;
  if (failure) forgetFailure(tabId);
  countsShown.set(tabId, text);
  await setForTab(() => Promise.all([browser.action.setBadgeText({ tabId, text }), browser.action.setTitle({ tabId, title: DEFAULT_TITLE })]));
}

/** The tab closed, or shows another page: a failure there was about the page it left. */
export function forgetBadge(tabId: number): void {
  countsShown.delete(tabId);
  forgetFailure(tabId);
}

/**
 * Whether the tab's badge holds a failure about another page than `url`'s: a single-page app moved
 * on (history.pushState) from a page whose frames reported no counts to be forgotten with it.
 */
export async function failureLeftBehind(tabId: number, url: string): Promise<boolean> {
  const page = (await failureOf(tabId))?.page;
  return page !== undefined && page !== pageOf(url);
}

/**
 * A job that never reached the page (no content script may run there, or the engine would not
 * start) has no image to show its message on: the tab's badge shows "!", its tooltip the message.
 */
export async function showFailure(tabId: number, message: string): Promise<void> {
  noticeUntil.delete(tabId);
  const kept = (await failureOf(tabId))?.over;
  // The worker may have started afresh (a menu click wakes it): the badge itself still says. Counts
  // drawn while it was asked are newer than its answer.
  const badge = kept === undefined && !countsShown.has(tabId) ? await browser.action.getBadgeText({ tabId }).catch(() => '') : '';
  const failure: BadgeFailure = { over: kept ?? countsShown.get(tabId) ?? badge };
  failedOver.set(tabId, failure);
  // Drawn before anything else is awaited: counts that move on after it take it away, as they should.
  const drawn = setForTab(() =>
    Promise.all([browser.action.setBadgeText({ tabId, text: '!' }), browser.action.setTitle({ tabId, title: `Enhance: ${message}` })]),
  );
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (tab?.url !== undefined) failure.page = pageOf(tab.url);
  // Counts that moved on meanwhile forgot it: keeping it then would hold a "!" no longer shown. A
  // tab closed meanwhile (a save's frame gone with it) took its badge along: nothing to keep.
  if (failedOver.get(tabId) === failure) {
    if (tab === null) forgetFailure(tabId);
    else await browser.storage.session.set({ [failureKey(tabId)]: failure }).catch((error: unknown) => logError('badge', error));
  }
  await drawn;
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
  forgetFailure(tabId);
  await setForTab(() => Promise.all([browser.action.setBadgeText({ tabId, text }), browser.action.setTitle({ tabId, title })]));
  setTimeout(() => {
    if (noticeUntil.get(tabId) !== until) return;
    noticeUntil.delete(tabId);
    void setForTab(async () => showCounts(tabId, await counts()));
  }, NOTICE_MS);
}

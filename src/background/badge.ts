/** The toolbar badge: how many images Enhance has sharpened on the tab. */
import browser from 'webextension-polyfill';
import type { TabCounts } from '../shared/protocol';
import { logError } from '../shared/log';
import { badgeText } from './frame-counts';

/** Action state set by the API does not outlive the browser session, so the worker sets it on each start. */
export function styleBadge(): void {
  browser.action.setBadgeBackgroundColor({ color: '#3b5bdb' }).catch((error: unknown) => logError('badge', error));
}

export async function showCounts(tabId: number, counts: TabCounts): Promise<void> {
  try {
    await browser.action.setBadgeText({ tabId, text: badgeText(counts) });
  } catch (error) {
    // A tab that closed since it reported took its badge with it: nothing to fix.
    if (!String(error).includes('No tab with id')) logError('badge', error);
  }
}

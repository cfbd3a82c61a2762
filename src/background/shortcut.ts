/** The keyboard shortcut (manifest "commands"): auto-enhance on or off for the active tab's site. */
import browser, { type Tabs } from 'webextension-polyfill';
import { messageOf, textOf } from '../core/errors';
import { oneAtATime } from '../core/one-at-a-time';
import { TOGGLE_AUTO } from '../shared/commands';
import { displayHost } from '../shared/display-origin';
import type { ContentRequest } from '../shared/protocol';
import { CLICK_ONLY_NOTE, originOf } from '../shared/site-switches';
import { isSiteAuto, setSiteAuto } from '../shared/site-switches-store';
import { showFailure, showNotice } from './badge';
import { keptOut, maySiteBeRead, siteWithheld } from './browser-kind';
import { scriptReaches } from './script-reach';
import { tabCounts } from './tab-counts-store';

/** A shortcut pressed twice quickly turns the switch twice: each turn reads what the last wrote. */
const serially = oneAtATime();

const NOT_A_SITE = 'Auto-enhance is switched per web site, and this page is not on one.';

/**
 * The toolbar button's words for a switch the shortcut turned. In a private window they say what
 * the popup says under its switch there: the site's switch is kept and synced like any other. On a
 * site read only on a click or the shortcut (`clickOnly`), that a switch on there starts nothing by itself.
 */
export function switchedTitle(on: boolean, host: string, incognito: boolean, clickOnly = false): string {
  let title = `Enhance: auto-enhance ${on ? 'on' : 'off'} for ${host}`;
  if (incognito) title += ' in every window, private ones included, and synced with your browser account';
  return on && clickOnly ? `${title}. ${CLICK_ONLY_NOTE}` : title;
}

export async function onCommand(command: string, tab: Tabs.Tab | undefined): Promise<void> {
  if (command !== TOGGLE_AUTO) return;
  const active = tab ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  if (active?.id !== undefined) await toggleSiteAuto(active.id);
}

/**
 * Turns the tab's site's switch over and says so on the tab's toolbar button, "on"/"off" on the
 * badge for a moment, or "!" with the reason it could not, and in a notice over the page.
 * Returns the switch's new state, or null when it could not turn.
 */
export async function toggleSiteAuto(tabId: number): Promise<boolean | null> {
  const { url, status, incognito } = await browser.tabs.get(tabId);
  const origin = url === undefined ? null : originOf(url);
  if (url === undefined || origin === null) {
    // A withheld site hides its URL as a privileged page does; only the permission tells them apart.
    await showFailure(tabId, (await siteWithheld(url)) ? messageOf('site-withheld') : NOT_A_SITE);
    return null;
  }
  // A loaded page our script cannot reach (Firefox's quarantined domains, beyond the stores keptOut
  // knows): the popup offers no switch there, and the shortcut turns none. The browser's error page
  // in the site's place is no such page: the switch is the site's.
  if (keptOut(url) || (status === 'complete' && (await scriptReaches(tabId)) === 'kept-out')) {
    await showFailure(tabId, messageOf('page-unreachable'));
    return null;
  }
  const { on, failed } = await serially(async () => {
    const turned = !(await isSiteAuto(origin));
    try {
      // The content scripts of the site react to the stored switch; nothing else to tell them.
      await setSiteAuto(origin, turned);
      return { on: turned, failed: null };
    } catch (error) {
      return { on: turned, failed: textOf(error) };
    }
  });
  if (failed !== null) {
    const why = `auto-enhance could not be switched ${on ? 'on' : 'off'}: ${failed}`;
    await Promise.all([showFailure(tabId, why), sayOnPage(tabId, `Enhance: ${why}`)]);
    return null;
  }
  // The shortcut let Enhance into this tab (site access "on click"), as the popup's click does: the
  // page is enhanced now, but no later visit would start by itself (see the popup's 'click-only').
  const title = switchedTitle(on, displayHost(origin), incognito, on && !(await maySiteBeRead(url)));
  await Promise.all([showNotice(tabId, on ? 'on' : 'off', title, () => tabCounts(tabId)), sayOnPage(tabId, title)]);
  return on;
}

/**
 * The shortcut's answer over the page as well (its top frame): the toolbar button is out of sight
 * unless pinned, and a screen reader reads the page's notice out. Only to a script already there,
 * at once: a page without one (the browser's own, its error page, one our script cannot reach) has
 * the badge alone, and two quick presses reach the page in the order they turned the switch.
 */
async function sayOnPage(tabId: number, text: string): Promise<void> {
  await browser.tabs.sendMessage(tabId, { type: 'notice', text } satisfies ContentRequest, { frameId: 0 }).catch(() => undefined);
}

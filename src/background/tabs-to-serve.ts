/** Which open tabs the worker checks for a live content script (open-tabs.ts). Pure. */
import type { Tabs } from 'webextension-polyfill';
import { isAutoEnabled, originOf, SITE_KEY_PREFIX, type SiteSwitches } from '../shared/site-switches';

type TabFacts = Pick<Tabs.Tab, 'id' | 'url' | 'status' | 'discarded'>;

/**
 * Tabs with a page (a discarded or unloaded tab has none until it is used, and then the manifest
 * script comes) on a site `wanted` picks. Loading tabs too: one whose page waits on a request that never
 * ends stays "loading" after the old script started there, and only a new page gets a new one.
 * Where a new page is on its way, its script answers, or the one put in stops at its twin's mark.
 */
function liveTabsOn(tabs: readonly TabFacts[], wanted: (origin: string) => boolean): number[] {
  return tabs.flatMap((tab) => {
    if (tab.id === undefined || tab.url === undefined || tab.discarded === true || tab.status === 'unloaded') return [];
    const origin = originOf(tab.url);
    return origin !== null && wanted(origin) ? [tab.id] : [];
  });
}

/** The tabs to serve as the extension starts: those on a site switched on. */
export function tabsToServe(tabs: readonly TabFacts[], switches: SiteSwitches): number[] {
  return liveTabsOn(tabs, (origin) => isAutoEnabled(switches, origin));
}

/** The tabs to serve when sites' switches change (storage keys changed): those on the sites switched, either way. */
export function tabsOnSwitchedSites(tabs: readonly TabFacts[], changedKeys: readonly string[]): number[] {
  const origins = new Set(changedKeys.flatMap((key) => (key.startsWith(SITE_KEY_PREFIX) ? [key.slice(SITE_KEY_PREFIX.length)] : [])));
  return origins.size === 0 ? [] : liveTabsOn(tabs, (origin) => origins.has(origin));
}

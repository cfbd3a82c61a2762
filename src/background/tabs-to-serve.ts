/** Which open tabs the worker checks for a live content script when the extension starts (open-tabs.ts). Pure. */
import type { Tabs } from 'webextension-polyfill';
import { isAutoEnabled, originOf, type SiteSwitches } from '../shared/site-switches';

/** The tabs to serve: loaded ones (a loading tab gets the manifest script), not discarded, on a site switched on. */
export function tabsToServe(tabs: readonly Pick<Tabs.Tab, 'id' | 'url' | 'status' | 'discarded'>[], switches: SiteSwitches): number[] {
  return tabs.flatMap((tab) => {
    if (tab.id === undefined || tab.url === undefined || tab.status !== 'complete' || tab.discarded === true) return [];
    const origin = originOf(tab.url);
    return origin !== null && isAutoEnabled(switches, origin) ? [tab.id] : [];
  });
}

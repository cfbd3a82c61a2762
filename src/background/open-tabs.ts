/**
 * Tabs open when Enhance is updated, reloaded or switched back on keep only the old content
 * script, cut off from the extension, and Chrome gives them no new one: auto-enhance would stop
 * there until the page is used or reloaded. So once per run of the extension (storage.session is
 * emptied on each of those, and when the browser starts) the worker pings every tab whose
 * site has auto-enhance on; where no script answers, sendToContent injects one, and the old copy
 * hands the page back to it. The same goes for a site switched later. Firefox puts its manifest
 * scripts into open tabs itself.
 */
import browser from 'webextension-polyfill';
import { logError } from '../shared/log';
import { sendToContent } from '../shared/content-messaging';
import { loadSiteSwitches } from '../shared/site-switches-store';
import { inFirefox } from './browser-kind';
import { tabsOnSwitchedSites, tabsToServe } from './tabs-to-serve';

const DONE_KEY = 'open-tabs-served';

/** Where no script answers, one is injected. A tab may close or navigate meanwhile, or refuse scripts: it is simply left as it is. */
async function serve(tabIds: number[]): Promise<void> {
  await Promise.all(tabIds.map((tabId) => sendToContent(tabId, { type: 'ping' }).catch(() => undefined)));
}

async function serveOpenTabs(): Promise<void> {
  if ((await browser.storage.session.get(DONE_KEY))[DONE_KEY] === true) return;
  await browser.storage.session.set({ [DONE_KEY]: true });
  const [tabs, switches] = await Promise.all([browser.tabs.query({}), loadSiteSwitches()]);
  await serve(tabsToServe(tabs, switches));
}

/** Called on each start of the worker; does the work once per run of the extension, in Chrome only. */
export function serveOpenTabsOnce(): void {
  if (inFirefox()) return;
  serveOpenTabs().catch((error: unknown) => logError('open tabs', error));
}

/**
 * A site switched on or off later (popup, shortcut, settings, another device) reaches its tabs
 * through storage, which an old copy of the script no longer hears: those tabs are served too.
 */
export function serveTabsOnSwitchChange(): void {
  if (inFirefox()) return;
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync') return;
    browser.tabs
      .query({})
      .then((tabs) => serve(tabsOnSwitchedSites(tabs, Object.keys(changes))))
      .catch((error: unknown) => logError('open tabs', error));
  });
}

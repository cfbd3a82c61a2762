/** Which browser runs the background: Firefox alone has runtime.getBrowserInfo. */
import browser from 'webextension-polyfill';
import type { FileAccess } from '../core/errors';
import { keptOutByBrowser } from '../shared/kept-out';
import { webUrl } from '../shared/site-switches';

export const inFirefox = (): boolean => typeof browser.runtime.getBrowserInfo === 'function';

/** Whether this browser keeps every extension out of the web page at `url` (its add-on store). */
export const keptOut = (url: string): boolean => keptOutByBrowser(url, inFirefox() ? 'firefox' : 'chrome');

/**
 * Whether Enhance may work in local files: Chrome lets it when the user switches on "Allow access
 * to file URLs"; Firefox never puts extension scripts into file: pages (seen in its e2e test).
 */
export async function fileAccess(): Promise<FileAccess> {
  if (inFirefox()) return 'never';
  return (await browser.extension.isAllowedFileSchemeAccess()) ? 'allowed' : 'off';
}

/**
 * Whether a tab's page is one the user withheld from Enhance. Both browsers let users take site
 * access back, for all sites or per site (the Extensions menu of the toolbar); the tab's URL is then
 * hidden from Enhance, as a privileged page's is, and only the missing permission tells the two apart.
 */
export async function siteWithheld(tabUrl: string | undefined): Promise<boolean> {
  return tabUrl === undefined && !(await browser.permissions.contains({ origins: ['<all_urls>'] }));
}

/**
 * Whether Enhance may read `url`'s site, for the engine's download of an image there: a user who
 * allows Enhance on some sites only leaves images from every other site (a CDN) unreadable, even
 * on a page that is allowed. Chrome's match patterns may name a port, and one that names none asks
 * for every port: a site allowed on its port alone (localhost:3000) is asked for with it. Firefox's
 * name none (one that does is invalid): the permission is the host's.
 */
export async function maySiteBeRead(url: string): Promise<boolean> {
  const parsed = webUrl(url);
  return parsed === null || browser.permissions.contains({ origins: [`${inFirefox() ? `${parsed.protocol}//${parsed.hostname}` : parsed.origin}/*`] });
}

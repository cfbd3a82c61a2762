/**
 * Web sites a browser keeps every extension out of, whatever its host permissions: its own add-on
 * store and account pages. Enhance's content script never runs there, so a site switch set there
 * would do nothing, and the popup and the shortcut say so instead of offering one.
 */
import { webUrl } from './site-switches';

export type BrowserName = 'chrome' | 'firefox';

/** Chrome's Web Store, old and new (Chromium refuses scripts there in every profile). */
const CHROME_KEPT_OUT = [{ host: 'chromewebstore.google.com' }, { host: 'chrome.google.com', pathPrefix: '/webstore' }];

/** Firefox's default `extensions.webextensions.restrictedDomains`. */
const FIREFOX_KEPT_OUT = [
  'accounts-static.cdn.mozilla.net',
  'accounts.firefox.com',
  'addons.cdn.mozilla.net',
  'addons.mozilla.org',
  'api.accounts.firefox.com',
  'content.cdn.mozilla.net',
  'discovery.addons.mozilla.org',
  'install.mozilla.org',
  'oauth.accounts.firefox.com',
  'profile.accounts.firefox.com',
  'support.mozilla.org',
  'sync.services.mozilla.com',
].map((host) => ({ host }));

export function keptOutByBrowser(url: string, browser: BrowserName): boolean {
  const parsed = webUrl(url);
  if (parsed === null) return false;
  const sites: ReadonlyArray<{ host: string; pathPrefix?: string }> = browser === 'chrome' ? CHROME_KEPT_OUT : FIREFOX_KEPT_OUT;
  return sites.some(({ host, pathPrefix }) => parsed.hostname === host && (pathPrefix === undefined || parsed.pathname === pathPrefix || parsed.pathname.startsWith(`${pathPrefix}/`)));
}

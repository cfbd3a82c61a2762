/**
 * Keeps the frame's enhancer in step with storage.sync: the site's auto-enhance switch and the
 * settings. Switching the site or changing a setting takes effect in open tabs, without a reload.
 */
import browser from 'webextension-polyfill';
import { askWorker } from '../shared/ask-worker';
import { logError } from '../shared/log';
import { loadSettings } from '../shared/settings-store';
import { isSettingsKey } from '../shared/settings';
import { isAutoEnabled, originOf, switchesSite } from '../shared/site-switches';
import { loadSiteSwitches } from '../shared/site-switches-store';
import type { PageEnhancer } from './page-enhancer';

/**
 * The site the user switches: the tab's, shown in the address bar and the popup, for every frame
 * in it. A gallery the page embeds from another origin is part of the page switched on, and an
 * image host switched on does not reach its embeds on other sites.
 */
async function siteOfTab(): Promise<string | null> {
  if (window === window.top) return originOf(location.href);
  // Chrome lists the frame's ancestors' origins, the top's last ("null" where a referrer policy hides it).
  const top = location.ancestorOrigins?.[location.ancestorOrigins.length - 1];
  const origin = top === undefined ? null : originOf(top);
  return origin ?? (await askWorker({ type: 'tab-origin' }));
}

export interface SiteSwitchFollower {
  /** Resolves once the stored settings are in (never rejects): the popup's Enhance all waits for them. */
  read: Promise<void>;
  /**
   * Reads them again (never rejects): for a page back from the back/forward cache, which heard
   * no storage change while kept in Firefox (Chromium delivers them late).
   */
  reread(): Promise<void>;
}

export function followSiteSwitch(enhancer: PageEnhancer): SiteSwitchFollower {
  // Asked once, and again after a failure (a frame that asks the worker, before it can answer):
  // kept, a failed answer would leave the frame without auto-enhance until it reloads.
  let asked: Promise<string | null> | undefined;
  const site = () =>
    (asked ??= siteOfTab().catch((error: unknown) => {
      asked = undefined;
      throw error;
    }));
  // Reads overlap when storage changes quickly; only the latest one applies.
  let latest = 0;
  const read = async () => {
    const ticket = ++latest;
    const [settings, switches, origin] = await Promise.all([loadSettings({ tell: false }), loadSiteSwitches(), site()]);
    if (ticket === latest) enhancer.configure(settings, origin !== null && isAutoEnabled(switches, origin));
  };
  const readLogged = () => read().catch((error: unknown) => logError('auto-enhance settings', error));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync') return;
    const keys = Object.keys(changes);
    if (keys.some(isSettingsKey)) void readLogged();
    else site().then((origin) => (switchesSite(keys, origin) ? readLogged() : undefined)).catch((error: unknown) => logError('auto-enhance settings', error));
  });
  return { read: readLogged(), reread: readLogged };
}

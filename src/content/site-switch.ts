/**
 * Keeps the frame's enhancer in step with storage.sync: the site's auto-enhance switch and the
 * settings. Switching the site or changing a setting takes effect in open tabs, without a reload.
 */
import browser from 'webextension-polyfill';
import { logError } from '../shared/log';
import { loadSettings } from '../shared/settings-store';
import { isAutoEnabled, originOf } from '../shared/site-switches';
import { loadSiteSwitches } from '../shared/site-switches-store';
import type { PageEnhancer } from './page-enhancer';

/** Resolves once the stored settings are in (never rejects): the popup's Enhance all waits for them. */
export function followSiteSwitch(enhancer: PageEnhancer): Promise<void> {
  const origin = originOf(location.href);
  // Reads overlap when storage changes quickly; only the latest one applies.
  let latest = 0;
  const read = async () => {
    const ticket = ++latest;
    const [settings, switches] = await Promise.all([loadSettings(), loadSiteSwitches()]);
    if (ticket === latest) enhancer.configure(settings, origin !== null && isAutoEnabled(switches, origin));
  };
  const readLogged = () => read().catch((error: unknown) => logError('auto-enhance settings', error));
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'sync') void readLogged();
  });
  return readLogged();
}

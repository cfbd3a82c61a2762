/** The per-site auto-enhance switches in storage.sync (they follow the user), always read through the parser. */
import browser from 'webextension-polyfill';
import { isAutoEnabled, originOf, parseSiteSwitches, setAutoEnabled, SITE_SWITCHES_KEY, type SiteSwitches } from './site-switches';

export async function loadSiteSwitches(): Promise<SiteSwitches> {
  const stored = await browser.storage.sync.get(SITE_SWITCHES_KEY);
  return parseSiteSwitches(stored[SITE_SWITCHES_KEY]);
}

export async function isSiteAuto(origin: string): Promise<boolean> {
  return isAutoEnabled(await loadSiteSwitches(), origin);
}

/** Throws on anything but a canonical web origin: the parser would silently drop it on the next read. */
export async function setSiteAuto(origin: string, on: boolean): Promise<void> {
  if (originOf(origin) !== origin) throw new Error(`not a web origin: ${origin}`);
  await browser.storage.sync.set({ [SITE_SWITCHES_KEY]: setAutoEnabled(await loadSiteSwitches(), origin, on) });
}

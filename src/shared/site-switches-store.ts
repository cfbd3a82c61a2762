/** The per-site auto-enhance switches in storage.sync (they follow the user), always read through the parser. */
import browser from 'webextension-polyfill';
import { syncRefusal, syncRefusalMessage } from './sync-refusal';
import { isAutoEnabled, LEGACY_SITE_SWITCHES_KEY, originOf, siteSwitchChange, siteSwitchesFromStorage, type SiteSwitches } from './site-switches';

export async function loadSiteSwitches(): Promise<SiteSwitches> {
  return siteSwitchesFromStorage(await browser.storage.sync.get(null));
}

export async function isSiteAuto(origin: string): Promise<boolean> {
  return isAutoEnabled(await loadSiteSwitches(), origin);
}

/** Throws on anything but a canonical web origin: the parser would silently drop it on the next read. */
export async function setSiteAuto(origin: string, on: boolean): Promise<void> {
  if (originOf(origin) !== origin) throw new Error(`not a web origin: ${origin}`);
  try {
    const legacy = (await browser.storage.sync.get(LEGACY_SITE_SWITCHES_KEY))[LEGACY_SITE_SWITCHES_KEY];
    const change = siteSwitchChange(origin, on, legacy);
    if ('set' in change) await browser.storage.sync.set(change.set);
    else await browser.storage.sync.remove(change.remove);
  } catch (error) {
    throw await explainedSyncError(error);
  }
}

/** A refusal of storage.sync (full, or too many writes a minute) in words the user can act on; other errors as they are. */
export async function explainedSyncError(error: unknown): Promise<unknown> {
  const refusal = syncRefusal(error);
  if (!refusal) return error;
  const sitesOn = await loadSiteSwitches().then((switches) => Object.keys(switches).length, () => null);
  return sitesOn === null ? error : new Error(syncRefusalMessage(refusal, sitesOn));
}

/** Settings in browser storage (sync, so they follow the user), always read through the validator. */
import browser from 'webextension-polyfill';
import { logError } from './log';
import { explainedSyncError } from './site-switches-store';
import { DEFAULT_SETTINGS, isSettingsKey, loweredCacheLimit, readStoredSettings, settingItems, settingsFromStorage, storedByNewerVersion, validateSettings, type Settings } from './settings';

/**
 * `tell`: log what was wrong with the stored settings. Content scripts read quietly: a web page's
 * console is the page's, and every frame of every tab would repeat it; the worker says it once.
 */
export async function loadSettings({ tell = true } = {}): Promise<Settings> {
  const { settings, replaced, adjusted, warning } = readStoredSettings(settingsFromStorage(await browser.storage.sync.get(null)));
  if (tell && warning) logError('settings', warning);
  if (tell && replaced.length > 0) logError('settings', `invalid stored values replaced by defaults: ${replaced.join(', ')}`);
  if (tell && adjusted.length > 0) logError('settings', `stored values out of range brought to the nearest allowed: ${adjusted.join(', ')}`);
  return settings;
}

/** Whether a newer Enhance (another device) stored the settings: this version reads what it knows of them and may not write. */
export async function newerSettingsStored(): Promise<boolean> {
  return storedByNewerVersion(settingsFromStorage(await browser.storage.sync.get(null)));
}

const SETTING_NAMES = (Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>).filter((name) => name !== 'version');

/**
 * Writes the settings `patch` names, and only those: a change made meanwhile elsewhere (the popup,
 * another device) to another setting stays. The legacy item is left as it is, beneath: a device
 * still on an older Enhance reads it until it updates. Refuses when a newer Enhance stored them
 * (another device): this version reads only the ones it knows, and writing those back would wipe the rest everywhere.
 * `overNewer`, the user's choice (the options page's take-over), writes them all, as this version
 * reads them, with its version: a newer Enhance rolled back, or tried on one device and removed,
 * would otherwise leave the settings unchangeable on every device for good.
 */
export async function saveSettings(patch: Partial<Settings>, { overNewer = false } = {}): Promise<Settings> {
  const stored = settingsFromStorage(await browser.storage.sync.get(null));
  if (storedByNewerVersion(stored) && !overNewer) {
    throw new Error("a newer version of Enhance, on another device, saved the settings: update Enhance here to change them, or use them with this version in Enhance's options");
  }
  const next = validateSettings({ ...readStoredSettings(stored).settings, ...patch }).settings;
  const names = overNewer ? SETTING_NAMES : SETTING_NAMES.filter((name) => Object.hasOwn(patch, name));
  try {
    await browser.storage.sync.set(settingItems(next, names));
  } catch (error) {
    throw await explainedSyncError(error);
  }
  return next;
}

/** Calls back with the settings whenever they change in storage (this page, another one, another device), and the cache limit the change lowered (loweredCacheLimit): one read of storage for both. */
export function onSettingsChanged(listener: (settings: Settings, loweredLimit: number | null) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'sync' || !Object.keys(changes).some(isSettingsKey)) return;
    browser.storage.sync.get(null).then(
      (items) => listener(readStoredSettings(settingsFromStorage(items)).settings, loweredCacheLimit(changes, items)),
      (error: unknown) => logError('settings', error),
    );
  });
}


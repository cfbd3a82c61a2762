/** Settings in browser storage (sync, so they follow the user), always read through the validator. */
import browser from 'webextension-polyfill';
import { logError } from './log';
import { DEFAULT_SETTINGS, storedByNewerVersion, validateSettings, type Settings } from './settings';

const KEY = 'settings';

/**
 * `tell`: log what was wrong with the stored settings. Content scripts read quietly: a web page's
 * console is the page's, and every frame of every tab would repeat it; the worker says it once.
 */
export async function loadSettings({ tell = true } = {}): Promise<Settings> {
  const stored = await browser.storage.sync.get(KEY);
  const { settings, replaced, warning } = validateSettings(stored[KEY]);
  if (tell && warning) logError('settings', warning);
  if (tell && replaced.length > 0) logError('settings', `invalid stored values replaced by defaults: ${replaced.join(', ')}`);
  return settings;
}

/**
 * Writes the settings with `patch` applied. Refuses when a newer Enhance stored them (another
 * device): this version reads them as defaults, and writing those back would wipe them everywhere.
 */
export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  if (storedByNewerVersion((await browser.storage.sync.get(KEY))[KEY])) {
    throw new Error('a newer version of Enhance, on another device, saved the settings: update Enhance here to change them');
  }
  const next = validateSettings({ ...(await loadSettings()), ...patch }).settings;
  await browser.storage.sync.set({ [KEY]: next });
  return next;
}

/** Calls back with the settings whenever they change in storage: this page, another one, another device. */
export function onSettingsChanged(listener: (settings: Settings) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && KEY in changes) listener(validateSettings(changes[KEY].newValue).settings);
  });
}

export { DEFAULT_SETTINGS };

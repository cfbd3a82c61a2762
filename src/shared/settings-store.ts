/** Settings in browser storage (sync, so they follow the user), always read through the validator. */
import browser from 'webextension-polyfill';
import { logError } from './log';
import { DEFAULT_SETTINGS, validateSettings, type Settings } from './settings';

const KEY = 'settings';

export async function loadSettings(): Promise<Settings> {
  const stored = await browser.storage.sync.get(KEY);
  const { settings, replaced, warning } = validateSettings(stored[KEY]);
  if (warning) logError('settings', warning);
  if (replaced.length > 0) logError('settings', `invalid stored values replaced by defaults: ${replaced.join(', ')}`);
  return settings;
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
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

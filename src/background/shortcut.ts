/** The keyboard shortcut (manifest "commands"): auto-enhance on or off for the active tab's site. */
import browser, { type Tabs } from 'webextension-polyfill';
import { originOf } from '../shared/site-switches';
import { isSiteAuto, setSiteAuto } from '../shared/site-switches-store';

export const TOGGLE_AUTO = 'toggle-auto';

export async function onCommand(command: string, tab: Tabs.Tab | undefined): Promise<void> {
  if (command !== TOGGLE_AUTO) return;
  const active = tab ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  const origin = active?.url === undefined ? null : originOf(active.url);
  // Pages without a web origin (chrome://, files) have no switch to turn.
  if (origin === null) return;
  // The content scripts of the site react to the stored switch; nothing else to tell them.
  await setSiteAuto(origin, !(await isSiteAuto(origin)));
}

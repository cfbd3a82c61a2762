/**
 * The options page's list of sites with auto-enhance on, each of which can be switched off here
 * without visiting it. Open tabs on that site follow at once (their content script watches
 * storage) and put back what auto-enhance swapped. The popup switching a site on or off elsewhere
 * shows up here too.
 */
import browser from 'webextension-polyfill';
import { enabledOrigins, SITE_SWITCHES_KEY } from '../shared/site-switches';
import { loadSiteSwitches, setSiteAuto } from '../shared/site-switches-store';

type Failed = (where: string, error: unknown) => void;

function siteItem(origin: string, failed: Failed): HTMLLIElement {
  const item = document.createElement('li');
  const name = document.createElement('span');
  name.textContent = origin;
  const off = document.createElement('button');
  off.type = 'button';
  off.textContent = 'Switch off';
  off.setAttribute('aria-label', `Switch auto-enhance off for ${origin}`);
  off.addEventListener('click', () => {
    off.disabled = true;
    // On success the list is drawn again from storage, without this item.
    setSiteAuto(origin, false).catch((error: unknown) => {
      off.disabled = false;
      failed('site switch', error);
    });
  });
  item.append(name, off);
  return item;
}

export function showSiteList(list: HTMLUListElement, empty: HTMLElement, failed: Failed): void {
  const draw = async () => {
    const origins = enabledOrigins(await loadSiteSwitches());
    list.replaceChildren(...origins.map((origin) => siteItem(origin, failed)));
    empty.hidden = origins.length > 0;
  };
  const drawLogged = () => draw().catch((error: unknown) => failed('site list', error));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && SITE_SWITCHES_KEY in changes) void drawLogged();
  });
  void drawLogged();
}

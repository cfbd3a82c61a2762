/**
 * The options page's list of sites with auto-enhance on, each of which can be switched off here
 * without visiting it. Open tabs on that site follow at once (their content script watches
 * storage) and put back what auto-enhance swapped. The popup switching a site on or off elsewhere
 * shows up here too.
 */
import browser from 'webextension-polyfill';
import { textOf } from '../core/errors';
import { displayOrigin } from '../shared/display-origin';
import { logError } from '../shared/log';
import { enabledOrigins, isSiteSwitchKey } from '../shared/site-switches';
import { loadSiteSwitches, setSiteAuto } from '../shared/site-switches-store';

export interface SiteListParts {
  list: HTMLUListElement;
  /** Shown when no site is on; takes the focus when the last one is switched off here. */
  empty: HTMLElement;
  /**
   * Says what a Switch off did, or why it failed, beside the list, for screen readers too (a live
   * region): the form's status line, by its Save button, keeps its own notices.
   */
  announce: (text: string) => void;
}

function failed(where: string, error: unknown, { announce }: SiteListParts): void {
  logError(where, error);
  announce(`Something went wrong: ${textOf(error)}`);
}

function siteItem(origin: string, parts: SiteListParts): HTMLLIElement {
  const { announce } = parts;
  const item = document.createElement('li');
  const name = document.createElement('span');
  name.textContent = displayOrigin(origin);
  const off = document.createElement('button');
  off.type = 'button';
  off.textContent = 'Switch off';
  // The visible words first: a voice-control user says what the button shows.
  off.setAttribute('aria-label', `Switch off auto-enhance for ${displayOrigin(origin)}`);
  off.dataset.origin = origin;
  off.addEventListener('click', () => {
    // Not `disabled`: a disabled button drops the focus, which the redraw hands to the next site.
    if (off.getAttribute('aria-disabled') === 'true') return;
    off.setAttribute('aria-disabled', 'true');
    // On success the list is drawn again from storage, without this item.
    setSiteAuto(origin, false).then(
      () => announce(`Auto-enhance switched off for ${displayOrigin(origin)}.`),
      (error: unknown) => {
        off.removeAttribute('aria-disabled');
        failed('site switch', error, parts);
      },
    );
  });
  item.append(name, off);
  return item;
}

export function showSiteList(parts: SiteListParts): void {
  const { list, empty } = parts;
  const draw = async () => {
    const origins = enabledOrigins(await loadSiteSwitches());
    const buttons = () => [...list.querySelectorAll('button')];
    const focused = buttons().indexOf(document.activeElement as HTMLButtonElement);
    const focusedOrigin = focused === -1 ? undefined : buttons()[focused].dataset.origin;
    list.replaceChildren(...origins.map((origin) => siteItem(origin, parts)));
    empty.hidden = origins.length > 0;
    if (focused === -1 || list.contains(document.activeElement)) return;
    // A site switched on or off elsewhere (the popup, another device) leaves the focus on its site.
    // A keyboard user who switched that site off stays in the list: the focus goes to the next
    // site's button (or the message that none is left), not back to the top of the page.
    const same = buttons().find((button) => button.dataset.origin === focusedOrigin);
    (same ?? buttons()[Math.min(focused, origins.length - 1)] ?? empty).focus();
  };
  const drawLogged = () => draw().catch((error: unknown) => failed('site list', error, parts));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'sync' && Object.keys(changes).some(isSiteSwitchKey)) void drawLogged();
  });
  void drawLogged();
}

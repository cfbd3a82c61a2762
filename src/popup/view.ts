/** What the popup says about a tab, as plain functions of its status. */
import { isPageLeft, messageOf, textOf } from '../core/errors';
import { isNoReceiver } from '../shared/no-receiver';
import type { EngineInfo, TabStatus } from '../shared/protocol';
import { CLICK_ONLY_NOTE } from '../shared/site-switches';

/** The backend in use and why, e.g. "WASM: no WebGPU adapter" (the engine's reason names it). */
export function backendText(engine: EngineInfo | null): string {
  return engine?.backend ? engine.reason : 'Not started yet';
}

export interface PageControls {
  /** Enhance all and Restore all. */
  actions: boolean;
  /** Auto-enhance this site: switched per web origin. */
  siteSwitch: boolean;
  /** Why some are off, or null. */
  note: string | null;
}

const WITHHELD_NOTE =
  "Enhance may not read this page. If it is a web site, allow Enhance there in the browser's Extensions menu (the toolbar's puzzle-piece button); the browser's own pages stay closed to extensions.";

/** Which of the page's controls work on this tab, and why the others do not. */
export function pageControls(status: Pick<TabStatus, 'page'>): PageControls {
  switch (status.page) {
    case 'web':
      return { actions: true, siteSwitch: true, note: null };
    case 'click-only':
      return { actions: true, siteSwitch: true, note: CLICK_ONLY_NOTE };
    case 'file':
      return { actions: true, siteSwitch: false, note: 'Auto-enhance is switched on per web site. On a local file, Enhance all works.' };
    case 'file-closed':
      return { actions: false, siteSwitch: false, note: messageOf('file-closed') };
    case 'withheld':
      // The browser hides a page's URL from Enhance both on a site withheld and on its own pages.
      return { actions: false, siteSwitch: false, note: WITHHELD_NOTE };
    case 'error-page':
      // The switch is the site's, and the page's script comes with a reload.
      return { actions: false, siteSwitch: true, note: 'This page did not load. Reload it to enhance its images.' };
    case 'kept-out':
      return { actions: false, siteSwitch: false, note: messageOf('page-unreachable') };
    case 'hidden':
      return { actions: false, siteSwitch: false, note: `Enhance works on web pages (http and https). ${messageOf('file-access-off')}` };
    case 'other':
      return { actions: false, siteSwitch: false, note: 'Enhance works on web pages (http and https) only.' };
  }
}

/** The tab's place: the site's origin, for people to read. */
export function placeText(status: Pick<TabStatus, 'page' | 'origin'>, display: (origin: string) => string): string {
  if (status.origin !== null) return display(status.origin);
  if (status.page === 'withheld') return 'A page Enhance may not read';
  return status.page === 'file' || status.page === 'file-closed' ? 'Local file' : 'Not a web page';
}

/** The tab named by `?tabId=N` (the popup opened as a page, as tests do), else null: the active tab is meant. */
export function tabIdFromQuery(search: string): number | null {
  const value = new URLSearchParams(search).get('tabId');
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/**
 * A page with no content script even after trying to inject one (src/shared/content-messaging.ts):
 * the browser keeps extensions out of it (its web store, say), or it has not finished loading. A
 * page that unloaded before it answered (a reload, a link, the back/forward cache) is no fault:
 * the browser's own words for it mean nothing to the user.
 */
export function pageRequestFailure(error: unknown): string {
  if (isNoReceiver(error)) return 'Enhance cannot reach this page: the browser keeps extensions out of some pages. If it is still loading, try again.';
  return isPageLeft(error) ? 'The page changed before it answered: try again.' : `That did not work: ${textOf(error)}`;
}

/**
 * The popup's line on the shortcut, with the keys the browser has for it now: the user may have
 * changed them, or left it without any (a clash with another extension's), and then it says nothing.
 */
export function shortcutText(shortcut: string | undefined): string {
  return shortcut ? `${shortcut} switches auto-enhance for the site.` : '';
}

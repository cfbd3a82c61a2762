/**
 * The per-site auto-enhance switch, keyed by origin: what the popup toggles and the content
 * script reads. One storage.sync item per site switched on, apart from the settings: one map in
 * one item met storage.sync's 8 KB per item at about 220 sites, and two devices switching
 * different sites at once kept only one of them. Pure: the storage calls are the caller's.
 */
import { displayHost } from './display-origin';

/**
 * The item of one site: `autoSite:https://example.com` -> true when switched on. False only where
 * the legacy map has the site on: the item switches it off above the map.
 */
export const SITE_KEY_PREFIX = 'autoSite:';
/**
 * Where versions before one item per site kept the whole map; read beneath the items, and never
 * written again: a device still on such a version reads it until it updates (removing it switched
 * every site off there).
 */
export const LEGACY_SITE_SWITCHES_KEY = 'autoSites';

/**
 * A site Enhance reads only on the user's click or shortcut there (site access "on click"): a switch
 * turned on there starts nothing on the next visit, which the popup and the shortcut say.
 */
export const CLICK_ONLY_NOTE =
  "Enhance may read this site only when you click its button or press its shortcut. To have it enhance images here by itself on your next visits, allow Enhance on this site in the browser's Extensions menu (the toolbar's puzzle-piece button).";

export const siteKey = (origin: string): string => `${SITE_KEY_PREFIX}${origin}`;

/** Whether a storage.sync change touches the site switches. */
export function isSiteSwitchKey(key: string): boolean {
  return key === LEGACY_SITE_SWITCHES_KEY || key.startsWith(SITE_KEY_PREFIX);
}

/**
 * Whether a storage.sync change of `keys` may switch `origin` (null: a frame with no site): its own
 * item or the legacy map. Another site's switch does not, and with many tabs open every frame
 * reading all of storage on every other site's switch adds up.
 */
export function switchesSite(keys: string[], origin: string | null): boolean {
  return keys.some((key) => key === LEGACY_SITE_SWITCHES_KEY || (origin !== null && key === siteKey(origin)));
}

/** Origin -> auto-enhance on. Only origins switched on are kept. */
export type SiteSwitches = Record<string, boolean>;

/** `url` parsed, when it is a web page's or file's on the web (http or https); null for anything else. */
export function webUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
}

/** `https://example.com` for any page on it; null for pages that have no web origin to key on. */
export function originOf(url: string): string | null {
  return webUrl(url)?.origin ?? null;
}

export function isAutoEnabled(switches: SiteSwitches, origin: string): boolean {
  return Object.hasOwn(switches, origin) && switches[origin] === true;
}

/**
 * The origins switched on, for a list a person reads: by host name as shown (münchen.de among the
 * m's, not at xn--), then by the rest of the origin.
 */
export function enabledOrigins(switches: SiteSwitches): string[] {
  const hostOf = (origin: string) => displayHost(origin).replace(/:\d+$/, '');
  return Object.keys(switches)
    .filter((origin) => isAutoEnabled(switches, origin))
    .sort((a, b) => hostOf(a).localeCompare(hostOf(b)) || a.localeCompare(b));
}

/**
 * The stored map, checked: entries that are not a canonical origin switched on are dropped, and
 * anything that is not a map reads as no site switched on.
 */
export function parseSiteSwitches(raw: unknown): SiteSwitches {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const switches: SiteSwitches = {};
  for (const [origin, enabled] of Object.entries(raw)) {
    if (enabled === true && originOf(origin) === origin) switches[origin] = true;
  }
  return switches;
}

/** The switches from all of storage.sync's items: the legacy map where still there, each site's item over it. */
export function siteSwitchesFromStorage(items: Record<string, unknown>): SiteSwitches {
  const switches = parseSiteSwitches(items[LEGACY_SITE_SWITCHES_KEY]);
  for (const [key, value] of Object.entries(items)) {
    if (!key.startsWith(SITE_KEY_PREFIX)) continue;
    const origin = key.slice(SITE_KEY_PREFIX.length);
    if (originOf(origin) !== origin) continue;
    if (value === true) switches[origin] = true;
    else if (value === false) delete switches[origin];
  }
  return switches;
}

/**
 * The storage.sync change that switches `origin`: on, its item; off, its item gone, or false where
 * the legacy map (`legacy`, as stored) has the site on, which the item must override.
 */
export function siteSwitchChange(origin: string, on: boolean, legacy: unknown): { set: Record<string, boolean> } | { remove: string } {
  if (on) return { set: { [siteKey(origin)]: true } };
  return isAutoEnabled(parseSiteSwitches(legacy), origin) ? { set: { [siteKey(origin)]: false } } : { remove: siteKey(origin) };
}

/**
 * The per-site auto-enhance switch, keyed by origin: what the popup toggles and the content
 * script reads. One storage.sync item per site switched on, apart from the settings: one map in
 * one item met storage.sync's 8 KB per item at about 220 sites, and two devices switching
 * different sites at once kept only one of them. Pure: the storage calls are the caller's.
 */

/** The item of one site switched on: `autoSite:https://example.com` -> true. */
export const SITE_KEY_PREFIX = 'autoSite:';
/** Where versions before 1 item per site kept the whole map; read, and moved out on the next switch. */
export const LEGACY_SITE_SWITCHES_KEY = 'autoSites';

export const siteKey = (origin: string): string => `${SITE_KEY_PREFIX}${origin}`;

/** Whether a storage.sync change touches the site switches. */
export function isSiteSwitchKey(key: string): boolean {
  return key === LEGACY_SITE_SWITCHES_KEY || key.startsWith(SITE_KEY_PREFIX);
}

/** Origin -> auto-enhance on. Only origins switched on are kept. */
export type SiteSwitches = Record<string, boolean>;

/** `https://example.com` for any page on it; null for pages that have no web origin to key on. */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
}

export function isAutoEnabled(switches: SiteSwitches, origin: string): boolean {
  return Object.hasOwn(switches, origin) && switches[origin] === true;
}

/** The origins switched on, for a list a person reads: by host name, then by the rest of the origin. */
export function enabledOrigins(switches: SiteSwitches): string[] {
  const hostOf = (origin: string) => new URL(origin).hostname;
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

/** The switches from all of storage.sync's items: one item per site, and the legacy map where still there. */
export function siteSwitchesFromStorage(items: Record<string, unknown>): SiteSwitches {
  const switches = parseSiteSwitches(items[LEGACY_SITE_SWITCHES_KEY]);
  for (const [key, value] of Object.entries(items)) {
    if (!key.startsWith(SITE_KEY_PREFIX)) continue;
    const origin = key.slice(SITE_KEY_PREFIX.length);
    if (value === true && originOf(origin) === origin) switches[origin] = true;
  }
  return switches;
}

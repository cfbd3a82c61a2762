/**
 * The per-site auto-enhance switch, keyed by origin: what the popup toggles and the content
 * script reads. Stored under its own key in storage.sync, apart from the settings, so a growing
 * site list never touches the settings' schema. Pure: the storage calls are the caller's.
 */

export const SITE_SWITCHES_KEY = 'autoSites';

/** Origin -> auto-enhance on. Only origins switched on are kept: storage.sync allows 8 KB per key. */
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

/** A new map with the switch set; the input is left as it was (it may be what storage holds). */
export function setAutoEnabled(switches: SiteSwitches, origin: string, enabled: boolean): SiteSwitches {
  const next = { ...switches };
  if (enabled) next[origin] = true;
  else delete next[origin];
  return next;
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

/**
 * The base URLs the document has had while this script ran: what a page's relative image URLs may
 * have been written and resolved for, where its URL moves with history.pushState (an infinite feed
 * naming each article as it scrolls by, an app's router). See pageRebasing in swap.ts.
 */

/** Distinct bases, oldest first; a feed that moves its URL per article stays within this many. */
const KEPT = 64;
const seen: string[] = [];

/** Notes the document's base now. */
export function noteBase(): void {
  const base = document.baseURI;
  if (seen.at(-1) === base) return;
  const at = seen.indexOf(base);
  if (at >= 0) seen.splice(at, 1);
  seen.push(base);
  if (seen.length > KEPT) seen.shift();
}

/** The document's URL when it loaded: the base of the markup it came with. */
function loadedAt(): string {
  return performance.getEntriesByType('navigation')[0]?.name ?? document.URL;
}

/** The bases seen, newest first, then the one the document loaded at. */
export function basesSeen(): string[] {
  return [...seen].reverse().concat(loadedAt());
}

/**
 * Follows the document's URL: Chrome's Navigation API reports each pushState and replaceState;
 * where it is missing (Firefox before 147), the callers' own notes (each swap, each batch of the
 * page's changes) stand in.
 */
export function followBases(signal: AbortSignal): void {
  noteBase();
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  navigation?.addEventListener('currententrychange', noteBase, { signal });
}

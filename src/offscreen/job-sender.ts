/**
 * What the engine reads from the frame that opened a job's port, as the browser names it (never as
 * the page says): its origin, which part of the result cache its jobs use, and whether its images
 * go without the browser's main cookies.
 */
import { originOf } from '../shared/site-switches';

/** The parts of a port's sender (chrome.runtime.MessageSender, Firefox's runtime.MessageSender) read here. */
export interface JobSender {
  origin?: string;
  url?: string;
  /** 0 for the tab's top frame. */
  frameId?: number;
  tab?: { url?: string; incognito: boolean; cookieStoreId?: string };
}

/** The web origin of the page (the frame) that opened the port; undefined for any other. */
export function pageOriginOf(sender: JobSender | undefined): string | undefined {
  const named = sender?.origin ?? sender?.url;
  return (named === undefined ? null : originOf(named)) ?? undefined;
}

/** Local files have no origin to name: they share one part of the cache, which only the user's own files reach. */
function localFile(url: string | undefined): string | undefined {
  return url?.startsWith('file:') ? 'file:' : undefined;
}

/**
 * Which part of the result cache a frame's jobs use (JobSource.cachePartition). A result served
 * from the cache swaps in far sooner than one computed, so a part shared by two sites would let
 * one learn, by timing its own image, what the user enhanced on the other. Keyed as browsers key
 * their HTTP cache: by the tab's site and the frame's, so a frame embedded on many sites (a
 * tracker's) gets a part per site it is embedded in; and by the Firefox container, whose
 * identities are kept apart. None (not cached) for a private window's tab, whose results must not
 * outlive it on disk, nor be read for it (a read marks the entry used, which is written too), and
 * for a frame or tab of no origin (a sandboxed frame, an about:blank tab).
 */
export function cachePartitionOf(sender: JobSender | undefined): string | undefined {
  const tab = sender?.tab;
  if (tab?.incognito === true) return undefined;
  const frame = pageOriginOf(sender) ?? localFile(sender?.url);
  const top = (tab?.url === undefined ? null : originOf(tab.url)) ?? localFile(tab?.url);
  if (frame === undefined || top === undefined) return undefined;
  return JSON.stringify([tab?.cookieStoreId ?? '', top, frame]);
}

/** Firefox's default cookie store; other ones are containers' (contextual identities) or private windows'. */
const DEFAULT_COOKIE_STORE = 'firefox-default';

/**
 * How the engine treats a frame's images: a container's or private window's go without the main
 * cookies, and so do those of a frame of another origin than the tab's: one another site embeds has
 * its own cookies there partitioned, as Firefox does by default, or blocked, and the main ones would
 * tie the user's account on the frame's site to the site embedding it. (One of another host of the
 * same site goes without them too: telling sites apart takes the list of public suffixes, which
 * Enhance does not carry.) Without them a download the server refuses is made from the pixels the
 * frame shows (see enhance-images.ts).
 */
export function separateCookies(sender: JobSender | undefined): boolean {
  const tab = sender?.tab;
  if (tab?.incognito === true || (tab?.cookieStoreId !== undefined && tab.cookieStoreId !== DEFAULT_COOKIE_STORE)) return true;
  const frame = pageOriginOf(sender);
  const top = tab?.url === undefined ? null : originOf(tab.url);
  return frame === undefined || (sender?.frameId !== 0 && frame !== top);
}

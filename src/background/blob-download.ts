/**
 * A download from a blob: URL of the background page (Firefox's: it refuses data: URLs there). The
 * URL lives as long as the page, and the browser reads it only once the download starts: after a
 * Save As dialog, where the user's settings ask for one, which may stay open for minutes. So the
 * page is held awake (stay-awake.ts) until the browser has the file, and the URL revoked then.
 */
import browser, { type Downloads } from 'webextension-polyfill';
import { holdAwake } from './stay-awake';

/**
 * The longest a download holds the page awake: one the user paused, or left in a dialog, is let
 * go of then (its URL with it), or the page would never sleep again.
 */
const HOLD_AT_MOST_MS = 30 * 60_000;

/** The downloads whose URL is still held, each settling when it is let go of. */
const held = new Set<Promise<void>>();

/** Resolves once no download holds a URL of this page: a reload (an update) would take it from the browser mid-download. */
export async function downloadsLetGo(): Promise<void> {
  while (held.size > 0) await Promise.all(held);
}

/** Resolves once the download has started (the user picked a file, where asked); rejects when it was refused or cancelled. */
export async function downloadBlob(blob: Blob, filename: string, incognito: boolean): Promise<void> {
  const url = URL.createObjectURL(blob);
  const release = holdAwake();
  let id: number | undefined;
  const ended = new Set<number>();
  let letGo = () => {};
  const holding = new Promise<void>((resolve) => (letGo = resolve));
  held.add(holding);
  const done = () => {
    clearTimeout(giveUp);
    browser.downloads.onChanged.removeListener(changed);
    URL.revokeObjectURL(url);
    release();
    held.delete(holding);
    letGo();
  };
  // From the start: download() answers only once a Save As dialog is closed.
  const giveUp = setTimeout(done, HOLD_AT_MOST_MS);
  // Listening before the download starts: a small file can be complete before download() answers.
  const changed = (delta: Downloads.OnChangedDownloadDeltaType) => {
    const state = delta.state?.current;
    if (state !== 'complete' && state !== 'interrupted') return;
    if (id === undefined) ended.add(delta.id);
    else if (delta.id === id) done();
  };
  browser.downloads.onChanged.addListener(changed);
  try {
    // Firefox only (Chrome has no such option): a private window's download stays out of the kept history.
    id = await browser.downloads.download({ url, filename, ...(incognito && { incognito }) });
  } catch (error) {
    done();
    throw error;
  }
  if (ended.has(id)) done();
}

/** What the popup says about a tab, as plain functions of its status. */
import type { EngineInfo, TabStatus } from '../shared/protocol';

/** The backend in use and why, e.g. "WASM: no WebGPU adapter" (the engine's reason names it). */
export function backendText(engine: EngineInfo | null): string {
  return engine?.backend ? engine.reason : 'Not started yet';
}

/** Why the page's switch and buttons are off, or null when Enhance can work on the page. */
export function unavailableReason(status: Pick<TabStatus, 'origin'>): string | null {
  return status.origin === null ? 'Enhance works on web pages (http and https) only.' : null;
}

/** The tab named by `?tabId=N` (the popup opened as a page, as tests do), else null: the active tab is meant. */
export function tabIdFromQuery(search: string): number | null {
  const value = new URLSearchParams(search).get('tabId');
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

/**
 * A page with no content script even after trying to inject one (src/shared/content-messaging.ts):
 * the browser keeps extensions out of it (its web store, say), or it has not finished loading.
 */
export function pageRequestFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.includes('Receiving end does not exist') ? 'Enhance cannot reach this page: the browser keeps extensions out of some pages. If it is still loading, try again.' : `That did not work: ${text}`;
}

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

/** A page that never got the content script (open before Enhance was installed) cannot take requests. */
export function pageRequestFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.includes('Receiving end does not exist') ? 'Enhance is not running on this page yet: reload it and try again.' : `That did not work: ${text}`;
}

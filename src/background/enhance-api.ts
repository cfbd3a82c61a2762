/**
 * What the context menu does, as plain functions: also exposed as `self.enhance` for automation
 * and end-to-end tests. Nothing here lives only in memory; each call carries what it needs, so a
 * service worker Chrome stopped and restarted serves the next call the same way.
 */
import browser from 'webextension-polyfill';
import { toFailure } from '../core/errors';
import type { ContentRequest, ContentResponses, EngineInfo, EngineRequest, EnhanceOutcome } from '../shared/protocol';
import { enhancedFileName } from '../shared/file-names';
import { loadSettings } from '../shared/settings-store';
import { ensureOffscreenDocument, offscreenDocumentExists } from './offscreen-document';

async function sendToTab<T extends ContentRequest>(tabId: number, frameId: number, request: T): Promise<ContentResponses[T['type']]> {
  return browser.tabs.sendMessage(tabId, request, { frameId }) as Promise<ContentResponses[T['type']]>;
}

export async function upscale(tabId: number, srcUrl: string, scale: number, frameId = 0): Promise<EnhanceOutcome> {
  try {
    const settings = await loadSettings();
    await ensureOffscreenDocument();
    return await sendToTab(tabId, frameId, { type: 'enhance', srcUrl, scale, settings });
  } catch (error) {
    return { ok: false, images: 0, failure: toFailure(error, 'engine-unavailable') };
  }
}

export async function restore(tabId: number, srcUrl: string, frameId = 0): Promise<ContentResponses['restore']> {
  return sendToTab(tabId, frameId, { type: 'restore', srcUrl });
}

/** Saves the enhanced pixels through the downloads API, named after the original file. */
export async function saveEnhanced(tabId: number, srcUrl: string, frameId = 0): Promise<boolean> {
  const { dataUrl } = await sendToTab(tabId, frameId, { type: 'enhanced-data-url', srcUrl });
  if (!dataUrl) return false;
  await browser.downloads.download({ url: dataUrl, filename: enhancedFileName(srcUrl), saveAs: false });
  return true;
}

export interface Status {
  offscreen: boolean;
  engine: EngineInfo | null;
}

export async function status(): Promise<Status> {
  if (!(await offscreenDocumentExists())) return { offscreen: false, engine: null };
  const request: EngineRequest = { target: 'offscreen', type: 'engine-info' };
  const engine = (await browser.runtime.sendMessage(request)) as EngineInfo;
  return { offscreen: true, engine };
}

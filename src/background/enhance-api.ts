/**
 * What the context menu does, as plain functions: also exposed as `self.enhance` for automation
 * and end-to-end tests. Nothing here lives only in memory; each call carries what it needs, so a
 * service worker Chrome stopped and restarted serves the next call the same way.
 */
import browser from 'webextension-polyfill';
import { EnhanceError, isPageLeft, toFailure, unreachableCode, type Failure } from '../core/errors';
import { PartsReceived } from '../shared/message-parts';
import { isEnhancedImage, isMessagePart, SAVE_PORT, type ContentResponses, type EngineInfo, type EnhancedImage, type EnhanceOutcome, type SaveRequest, type TabCounts } from '../shared/protocol';
import { sendToContent } from '../shared/content-messaging';
import { dataUrlToBlob } from '../shared/data-url';
import { displaySiteName } from '../shared/display-origin';
import { enhancedFileName } from '../shared/file-names';
import { loadSettings } from '../shared/settings-store';
import { showFailure } from './badge';
import { downloadBlob } from './blob-download';
import { fileAccess, inFirefox, maySiteBeRead, siteWithheld } from './browser-kind';
import { ensureEngine, runningEngineInfo } from './engine-client';
import { allTabsCounts, tabCounts } from './tab-counts-store';

export { setSiteAuto } from '../shared/site-switches-store';

/** `frameUrl`: the page of the frame the image is in, where the menu says (a frame from another site may be one Enhance may not read). */
export async function upscale(tabId: number, srcUrl: string, scale: number, frameId = 0, frameUrl?: string): Promise<EnhanceOutcome> {
  let settings;
  try {
    settings = await loadSettings();
    await ensureEngine();
  } catch (error) {
    return failedBeforeThePage(tabId, toFailure(error, 'engine-unavailable'));
  }
  try {
    // The content script shows the outcome on the image, failures included.
    return await sendToContent(tabId, { type: 'enhance', srcUrl, scale, settings }, frameId);
  } catch (error) {
    // The user left the page before its job finished: the image went with it, and the tab's badge
    // now belongs to the next page, which a failure must not mark.
    if (isPageLeft(error)) return { ok: false, images: 0, failure: toFailure(new EnhanceError('image-gone')) };
    const tab = await browser.tabs.get(tabId).catch(() => undefined);
    if (tab && (await siteWithheld(tab.url))) return failedBeforeThePage(tabId, toFailure(new EnhanceError('site-withheld')));
    // The page is allowed, the frame's site is not (site access for some sites only): the frame is there, and unreadable.
    if (frameId !== 0 && frameUrl !== undefined && !(await maySiteBeRead(frameUrl))) {
      return failedBeforeThePage(tabId, toFailure(new EnhanceError('frame-site-withheld', displaySiteName(frameUrl))));
    }
    return failedBeforeThePage(tabId, toFailure(error, unreachableCode(tab?.url, srcUrl, await fileAccess(), frameId !== 0)));
  }
}

/** No image shows this failure: the tab's badge does. */
async function failedBeforeThePage(tabId: number, failure: Failure): Promise<EnhanceOutcome> {
  await showFailure(tabId, failure.message);
  return { ok: false, images: 0, failure };
}

/**
 * A frame where no image shows `srcUrl` stays silent (see the content script's listener), which
 * the browser delivers as an undefined answer: the page put the image back before the request came.
 */
type Silent<T> = T | undefined;

export async function restore(tabId: number, srcUrl: string, frameId = 0): Promise<ContentResponses['restore']> {
  const answer: Silent<ContentResponses['restore']> = await sendToContent(tabId, { type: 'restore', srcUrl }, frameId);
  return answer ?? { restored: 0 };
}

/** The enhanced image from the frame that shows it, over a port: a large result comes in parts. */
function enhancedImageIn(tabId: number, srcUrl: string, frameId: number): Promise<EnhancedImage> {
  const port = browser.tabs.connect(tabId, { name: SAVE_PORT, frameId });
  const received = new PartsReceived();
  return new Promise((resolve, reject) => {
    port.onMessage.addListener((message: unknown) => {
      if (isMessagePart(message)) received.add(message);
      if (!isEnhancedImage(message)) return;
      resolve({ ...message, dataUrl: message.dataUrl === null ? null : received.joinedWith(message.dataUrl) });
      port.disconnect();
    });
    // Ours ends with the answer; this one fires only when the frame went, or could not read the
    // result. A frame gone is an error on the port: Firefox's port.error, Chrome's runtime.lastError,
    // which Chrome logs as unchecked unless it is read here.
    port.onDisconnect.addListener((closed) => {
      const gone = closed.error ?? (typeof chrome === 'undefined' ? undefined : chrome.runtime.lastError);
      reject(new Error(gone ? 'the frame that showed it is gone (reloaded or closed)' : 'the page gave no enhanced image'));
    });
    port.postMessage({ type: 'enhanced-image', srcUrl } satisfies SaveRequest);
  });
}

/** Saves the enhanced pixels through the downloads API, named after the original file. */
export async function saveEnhanced(tabId: number, srcUrl: string, frameId = 0): Promise<boolean> {
  const incognito = (await browser.tabs.get(tabId).catch(() => undefined))?.incognito === true;
  // Chrome's downloads API has no private option: the page downloads it, in its own window's profile.
  if (incognito && !inFirefox()) {
    const answer: Silent<ContentResponses['save-here']> = await sendToContent(tabId, { type: 'save-here', srcUrl }, frameId);
    return answer?.saved === true;
  }
  const { dataUrl, original } = await enhancedImageIn(tabId, srcUrl, frameId);
  if (!dataUrl) return false;
  const filename = enhancedFileName(original ?? srcUrl);
  // No `saveAs`: the user's own "ask where to save" decides (false turns the dialog off in Firefox).
  // Firefox refuses data: URLs here ("Access denied"); its background page can make a blob: URL,
  // which Chrome's service worker cannot (no URL.createObjectURL there), where data: URLs do.
  if (typeof URL.createObjectURL !== 'function') {
    await browser.downloads.download({ url: dataUrl, filename });
    return true;
  }
  await downloadBlob(dataUrlToBlob(dataUrl), filename, incognito);
  return true;
}

export interface Status {
  /** The engine's page is running: Chrome's offscreen document or Firefox's frame, both started on demand. */
  offscreen: boolean;
  engine: EngineInfo | null;
  /** Summed over every tab, or the one tab asked about. */
  counts: TabCounts;
  /** Since the engine's page started; 0 without one. */
  inferences: number;
  cacheHits: number;
}

export async function status(tabId?: number): Promise<Status> {
  const [info, counts] = await Promise.all([runningEngineInfo(), tabId === undefined ? allTabsCounts() : tabCounts(tabId)]);
  return { offscreen: info !== null, engine: info, counts, inferences: info?.inferences ?? 0, cacheHits: info?.cacheHits ?? 0 };
}

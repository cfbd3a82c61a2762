/** The content script: runs enhancement jobs for the images on this page, swaps and restores them. */
import browser from 'webextension-polyfill';
import { EnhanceError, toFailure } from '../core/errors';
import { logError } from '../shared/log';
import { isContentRequest, type BackgroundRequest, type ContentRequest, type ContentResponses, type EnhanceOutcome, type JobSettings } from '../shared/protocol';
import { runEngineJob } from './job';
import { ImageOverlay } from './overlay';
import { applyResult, imagesShowing, originalOf, restoreImage } from './swap';

function dataUrlToBlob(dataUrl: string): Blob {
  const [head, body] = dataUrl.split(',', 2);
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: head.slice(5).split(';')[0] });
}

/** Resolves when this page may show `url` in an <img>: its CSP (img-src) may forbid blob: or data:. */
async function canShow(url: string): Promise<boolean> {
  const probe = new Image();
  probe.src = url;
  try {
    await probe.decode();
    return true;
  } catch {
    return false;
  }
}

async function resultUrlFor(dataUrl: string): Promise<string> {
  const blobUrl = URL.createObjectURL(dataUrlToBlob(dataUrl));
  if (await canShow(blobUrl)) return blobUrl;
  URL.revokeObjectURL(blobUrl);
  if (await canShow(dataUrl)) return dataUrl;
  throw new EnhanceError('blocked-by-page');
}

async function enhance(srcUrl: string, scale: number, settings: JobSettings): Promise<EnhanceOutcome> {
  const targets = imagesShowing(srcUrl);
  if (targets.length === 0) return { ok: false, images: 0, failure: toFailure(new EnhanceError('image-gone')) };
  // Enhancing an enhanced image starts again from the page's original, not from our blob.
  const source = originalOf(targets[0])?.srcUrl ?? srcUrl;
  const overlay = new ImageOverlay(targets[0]);
  overlay.progress(0, 1);
  try {
    const result = await runEngineJob({ type: 'job', srcUrl: source, scale, settings }, (done, total) => overlay.progress(done, total));
    if (result.type === 'failed') {
      overlay.message(result.failure.message);
      return { ok: false, images: 0, failure: result.failure };
    }
    const url = await resultUrlFor(result.dataUrl);
    const live = targets.filter((img) => img.isConnected);
    for (const img of live) applyResult(img, source, url, result.width);
    overlay.remove();
    return { ok: true, images: live.length, width: result.width, height: result.height, backend: result.backend, ms: result.ms };
  } catch (error) {
    const failure = toFailure(error);
    overlay.message(failure.message);
    return { ok: false, images: 0, failure };
  }
}

function restore(srcUrl: string): { restored: number } {
  return { restored: imagesShowing(srcUrl).filter(restoreImage).length };
}

async function enhancedDataUrl(srcUrl: string): Promise<string | null> {
  const img = imagesShowing(srcUrl).find((candidate) => originalOf(candidate));
  const resultUrl = img && originalOf(img)?.resultUrl;
  if (!resultUrl) return null;
  if (resultUrl.startsWith('data:')) return resultUrl;
  const blob = await (await fetch(resultUrl)).blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('could not read the enhanced image'));
    reader.readAsDataURL(blob);
  });
}

async function handle(request: ContentRequest): Promise<ContentResponses[ContentRequest['type']]> {
  switch (request.type) {
    case 'enhance':
      return enhance(request.srcUrl, request.scale, request.settings);
    case 'restore':
      return restore(request.srcUrl);
    case 'enhanced-data-url':
      return { dataUrl: await enhancedDataUrl(request.srcUrl) };
    case 'enhance-all':
      return { queued: 0 };
    case 'restore-all':
      return { restored: 0 };
  }
}

browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isContentRequest(message)) return undefined;
  // Only the frame that holds the image answers; the others stay silent so its answer wins.
  if ((message.type === 'restore' || message.type === 'enhanced-data-url') && imagesShowing(message.srcUrl).length === 0) return undefined;
  return handle(message);
});

document.addEventListener(
  'contextmenu',
  (event) => {
    const target = event.target;
    if (!(target instanceof HTMLImageElement)) return;
    const request: BackgroundRequest = { type: 'menu-context', enhanced: originalOf(target) !== undefined };
    browser.runtime.sendMessage(request).catch((error: unknown) => logError('menu context', error));
  },
  { capture: true },
);

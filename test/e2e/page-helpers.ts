/** Reading what a page shows, for assertions: pixels of an <img>, its attributes, the overlay. */
import type { Page, Worker } from 'playwright-core';
import type { RgbaImage } from '../../src/core/image';
import { decodePng } from '../../src/node/png';
import type { EnhanceOutcome } from '../../src/shared/protocol';

/**
 * Runs in the page: the pixels an <img> currently shows, at the resolution of its source, as a PNG
 * data URL. Self-contained, so the Firefox tests can send its source text over WebDriver BiDi.
 */
export async function shownPixelsInPage(imgId: string): Promise<string> {
  const img = document.getElementById(imgId) as HTMLImageElement;
  const probe = new Image();
  probe.src = img.currentSrc;
  await probe.decode();
  const canvas = document.createElement('canvas');
  canvas.width = probe.naturalWidth;
  canvas.height = probe.naturalHeight;
  canvas.getContext('2d')!.drawImage(probe, 0, 0);
  return canvas.toDataURL('image/png');
}

export function decodeDataUrlPng(dataUrl: string): RgbaImage {
  return decodePng(Buffer.from(dataUrl.split(',')[1], 'base64'));
}

/** The pixels an <img> currently shows, at the resolution of its source. */
export async function shownPixels(page: Page, id: string): Promise<RgbaImage> {
  return decodeDataUrlPng(await page.evaluate(shownPixelsInPage, id));
}

/** The element's markup, and its <picture> parent's if it has one: what "restored exactly" means. */
export function markup(page: Page, id: string): Promise<string> {
  return page.evaluate((imgId) => {
    const img = document.getElementById(imgId)!;
    return img.parentElement instanceof HTMLPictureElement ? img.parentElement.outerHTML : img.outerHTML;
  }, id);
}

export function box(page: Page, id: string): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate((imgId) => {
    const r = document.getElementById(imgId)!.getBoundingClientRect();
    return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
  }, id);
}

/** Text of the overlays Enhance shows on the page right now. */
export function overlayTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('enhance-overlay')].map((host) => host.shadowRoot?.querySelector('.box')?.textContent ?? ''));
}

export function currentSrc(page: Page, id: string): Promise<string> {
  return page.evaluate((imgId) => (document.getElementById(imgId) as HTMLImageElement).currentSrc, id);
}

export async function enhanceById(worker: Worker, page: Page, tabId: number, id: string, scale: number): Promise<EnhanceOutcome> {
  const src = await currentSrc(page, id);
  return worker.evaluate(([tab, url, s]) => self.enhance.upscale(tab, url, s), [tabId, src, scale] as const);
}

/** The tab's toolbar badge and tooltip, as the worker set them. */
export function toolbarAction(worker: Worker, tabId: number): Promise<{ badge: string; title: string }> {
  return worker.evaluate(async (id) => ({ badge: await chrome.action.getBadgeText({ tabId: id }), title: await chrome.action.getTitle({ tabId: id }) }), tabId);
}

export async function restoreById(worker: Worker, page: Page, tabId: number, id: string): Promise<number> {
  const src = await currentSrc(page, id);
  const { restored } = await worker.evaluate(([tab, url]) => self.enhance.restore(tab, url), [tabId, src] as const);
  return restored;
}

/** Waits until every <img> on the page has finished loading or failing. */
export async function imagesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => [...document.images].every((img) => img.complete));
}

/**
 * Collects what a web page must never show because of Enhance: uncaught errors, console lines naming
 * it, and Chrome's own lines about an extension API error the content script left unread.
 */
export function watchPageProblems(page: Page, into: string[]): void {
  page.on('pageerror', (error) => into.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (/Enhance|runtime\.lastError/.test(message.text())) into.push(`console ${message.type()}: ${message.text()}`);
  });
}

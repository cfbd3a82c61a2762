/** The content script (started once per frame by main.ts): answers the worker's and popup's requests for this frame's images, runs auto-enhance, and keeps the menu in step. */
import browser from 'webextension-polyfill';
import { logError } from '../shared/log';
import { postParts } from '../shared/message-parts';
import { INJECTED_MARK, isContentRequest, isSaveRequest, SAVE_PORT, type ContentRequest, type ContentResponses } from '../shared/protocol';
import { followBases } from './document-bases';
import { giveDragsPageFiles } from './drag-data';
import { enhancedDataUrl, saveHere } from './enhanced-data-url';
import { removeOverlays } from './overlay';
import { PageEnhancer } from './page-enhancer';
import { inEditedText } from './page-images';
import { followPointer, imagesChanged, menuTargetEnhanced, pointedImages } from './menu-state';
import { showPageNotice } from './page-notice';
import { followSiteSwitch } from './site-switch';
import { imagesShowing } from './swap';

const enhancer = new PageEnhancer(imagesChanged, retireIfOrphaned);
const stopFollowingPointer = followPointer();

/**
 * Chrome leaves this script in its pages when Enhance is updated, reloaded, switched off or
 * removed, and takes the extension away from it (`runtime.id` goes). Such a copy hands the page
 * back: its images show their own files again, and it stops watching. After an update or a reload
 * the new copy announces itself to the page; switched off or removed, no copy comes, and the
 * user's next move here (back to the tab, the pointer, a scroll, a key) or auto-enhance's next job
 * tells it instead. Returns whether the extension is gone.
 */
const STARTED_EVENT = 'enhance-content-script-started';
const orphanCheck = new AbortController();
function retireIfOrphaned(): boolean {
  if (chrome.runtime?.id !== undefined) return false;
  retire();
  return true;
}

/** Hands the page back and stops: cut off (above), or asked to before a Firefox update (background/update.ts). */
function retire(): void {
  if (orphanCheck.signal.aborted) return;
  orphanCheck.abort();
  // First: cut off, its moves would meet the extension gone on every event.
  stopFollowingPointer();
  enhancer.retire();
  removeOverlays();
}
followBases(orphanCheck.signal);
// Only a copy the worker put in (INJECTED_MARK) may find an older one here: a page loaded with the
// manifest's script holds no other, and an event on its document would tell every page Enhance is installed.
if ((globalThis as Record<string, unknown>)[INJECTED_MARK] === true) document.dispatchEvent(new Event(STARTED_EVENT));
for (const type of [STARTED_EVENT, 'visibilitychange', 'pointermove', 'scroll', 'keydown']) {
  document.addEventListener(type, retireIfOrphaned, { capture: true, passive: true, signal: orphanCheck.signal });
}

/**
 * A page the browser prerenders (speculation rules, the address bar's guess) may never be shown,
 * and Chrome reports it as a frame of the tab the user is on: auto-enhance starts once it is
 * shown, so it queues nothing, counts nothing in that tab and starts no engine before.
 */
const shown = (document as Document & { prerendering?: boolean }).prerendering
  ? new Promise<void>((ok) => document.addEventListener('prerenderingchange', () => ok(), { once: true }))
  : Promise.resolve();
const siteSwitch = shown.then(() => followSiteSwitch(enhancer));
const settingsRead = siteSwitch.then((follower) => follower.read);
enhancer.setPageHidden(document.hidden);
document.addEventListener('visibilitychange', () => enhancer.setPageHidden(document.hidden));
// Focus into text being edited: the enhanced images there go back before the editor can save them
// (see editingBegan). The path's start, not the target: an editor in a shadow root is retargeted to its host.
document.addEventListener(
  'focusin',
  (event) => {
    const focused = event.composedPath()[0];
    if (focused instanceof Element && inEditedText(focused)) enhancer.editingBegan();
  },
  { capture: true, passive: true },
);
// Capturing on the window: before the page's copy handlers read the selection (see copying), but
// for one the page put on the window's capture phase before this script ran.
window.addEventListener('copy', () => enhancer.copying(document.getSelection()), { capture: true, passive: true });
// Bubbling on the window: after the page's own handlers, whose data (a gallery's setData) is mended
// too, and which still read the browser's (Firefox lets a page read data a content script set only on drop).
window.addEventListener('dragstart', giveDragsPageFiles, { passive: true });
// And capturing, before them, for a page that stops the event on its way (a sortable list's
// handler): the bubbling pass never comes, and the browser's data would carry our blob: URL.
window.addEventListener('dragstart', giveDragsPageFiles, { capture: true, passive: true });
enhancer.listenForFailedLoads(document);
// Left for, and back from, the back/forward cache (see pageKept).
window.addEventListener('pagehide', (event) => {
  if (event.persisted) enhancer.pageKept();
  // A frame's document going for good; the top frame's counts go with the tab's next page anyway.
  else if (window !== window.top) enhancer.leaving();
});
window.addEventListener('pageshow', (event) => {
  // The site's switch and the settings first: they may have changed while the page was kept.
  if (event.persisted) void siteSwitch.then((follower) => follower.reread()).then(() => enhancer.pageBack());
});

async function handle(request: ContentRequest): Promise<ContentResponses[ContentRequest['type']]> {
  switch (request.type) {
    case 'enhance':
      return enhancer.enhance(request.srcUrl, request.scale, request.settings, pointedImages());
    case 'restore':
      return { restored: enhancer.restore(request.srcUrl) };
    case 'enhance-all':
      // The discovery rules are settings: the stored ones, not the defaults of a frame just started.
      await settingsRead;
      return { queued: await enhancer.enhanceAll() };
    case 'restore-all':
      return { restored: enhancer.restoreAll() };
    case 'ping':
      return { alive: true, watching: enhancer.watching() };
    case 'report-counts':
      return enhancer.reportCounts();
    case 'retire':
      return retire();
    case 'save-here':
      return { saved: saveHere(request.srcUrl) };
    case 'menu-target':
      return { enhanced: menuTargetEnhanced() };
    case 'notice':
      // Handed back before an update: the reload would take its timers, and leave it on the page.
      if (orphanCheck.signal.aborted) return undefined;
      return showPageNotice(request.text);
  }
}

browser.runtime.onMessage.addListener((message: unknown) => {
  if (!isContentRequest(message)) return undefined;
  // Only the frame that holds the image answers; the others stay silent so its answer wins.
  if ((message.type === 'restore' || message.type === 'save-here') && imagesShowing(message.srcUrl).length === 0) return undefined;
  return handle(message);
});

// Save enhanced image: the worker connects to this frame, the one the image was right-clicked in.
browser.runtime.onConnect.addListener((port) => {
  if (port.name !== SAVE_PORT) return;
  port.onMessage.addListener((message: unknown) => {
    if (!isSaveRequest(message)) return;
    enhancedDataUrl(message.srcUrl)
      .then((image) => port.postMessage({ ...image, dataUrl: image.dataUrl === null ? null : postParts((part) => port.postMessage(part), image.dataUrl) }))
      .catch((error: unknown) => {
        logError('save enhanced', error);
        port.disconnect();
      });
  });
});

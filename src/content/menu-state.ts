/**
 * Keeps the context menu's Restore and Save items in step with the image under the pointer.
 *
 * The browser builds its menu as soon as the right-click's events are dispatched; an update sent
 * from the `contextmenu` event, through the worker to the browser, mostly lands after that, and
 * the menu then shows the previous right-click's state (extensions have no hook before the menu
 * shows: w3c/webextensions#1010). The pointer reaches an image well before any click, so the
 * update goes out when it enters or leaves an enhanced image, or when the image under it is
 * swapped or restored. `contextmenu` still sends one, for a menu opened from the keyboard.
 */
import { askWorker } from '../shared/ask-worker';
import { logError } from '../shared/log';
import { imageUnder } from './page-images';
import { isOurResult, originalOf } from './swap';

/** What this frame last told the worker: the menu's items are one state for the whole browser. */
let told = false;
/** The image under the pointer, while it is on one. */
let hovered: HTMLImageElement | null = null;
/** The image the last context menu in this frame was opened on: weakly, as one the page drops may hold what it dropped (a single-page app's last view). */
let menuTarget: WeakRef<HTMLImageElement> | null = null;
const aim = (img: HTMLImageElement | null) => (menuTarget = img && new WeakRef(img));

function tell(enhanced: boolean, always = false): void {
  if (enhanced === told && !always) return;
  told = enhanced;
  askWorker({ type: 'menu-context', enhanced }).catch((error: unknown) => logError('menu context', error));
}

function isFrame(target: EventTarget): boolean {
  return target instanceof HTMLIFrameElement || target instanceof HTMLFrameElement || target instanceof HTMLObjectElement || target instanceof HTMLEmbedElement;
}

/** An image of ours, or the page's copy of one that shows our result (a lightbox's clone): Restore and Save find the image it copies. */
function isEnhanced(img: HTMLImageElement | null): boolean {
  return img !== null && (originalOf(img) !== undefined || isOurResult(img.currentSrc));
}

/** Starts following the pointer; the function it returns stops it (a retired copy of this script). */
export function followPointer(): () => void {
  const listening = new AbortController();
  const { signal } = listening;
  // Moves, not 'pointerover' alone: between two images of one shadow root, 'pointerover' stays inside
  // the root (its target and related target are the same host outside it) and the document never
  // hears. And 'pointerover' too: a scroll (the wheel, the pointer resting) brings another element
  // under the pointer with no move. And presses: a touch's long press, which opens the menu, comes
  // with no move before it.
  for (const type of ['pointermove', 'pointerdown', 'pointerover'] as const) {
    document.addEventListener(
      type,
      (event) => {
        // The user's pointer only: the page's own events (synthetic, untrusted) would set the menu
        // of the whole browser, a message each, from any tab.
        if (!event.isTrusted) return;
        // Entering the frame: the one left said "not enhanced" (see 'pointerout').
        if (event.type === 'pointerover' && event.relatedTarget === null) told = false;
        // On a page with nothing enhanced, the most, this sends nothing: the state stays "not enhanced".
        hovered = imageUnder(event);
        // A right button's press: Firefox sends the page no contextmenu for Shift+right-click, and its menu asks after this image.
        if (event.type === 'pointerdown' && event.button === 2) aim(hovered);
        tell(isEnhanced(hovered));
      },
      { capture: true, passive: true, signal },
    );
  }
  // Leaving the frame, out of the window or into a frame inside it (whose element is then the
  // related target): another frame's image may be next. Every frame left says "not enhanced", so
  // the one entered finds the menu so, and speaks only if its image under the pointer is enhanced.
  document.addEventListener(
    'pointerout',
    (event) => {
      if (event.relatedTarget !== null && !isFrame(event.relatedTarget)) return;
      hovered = null;
      tell(false);
    },
    { capture: true, passive: true, signal },
  );
  // A hidden tab hands the menu to the one shown next, and forgets the image under the pointer: a
  // job ending there meanwhile would show Restore and Save on the other tab's images.
  document.addEventListener(
    'visibilitychange',
    () => {
      if (!document.hidden) return;
      hovered = null;
      tell(false);
    },
    { signal },
  );
  document.addEventListener(
    'contextmenu',
    (event) => {
      // The page's own (a touch shim's long press, a component forwarding it) opens no menu.
      if (!event.isTrusted) return;
      const target = imageUnder(event);
      aim(target);
      if (target) tell(isEnhanced(target), true);
    },
    { capture: true, signal },
  );
  return () => listening.abort();
}

/** Our images changed (a swap, a restore): the pointer may rest on one of them, and no pointer event follows. */
export function imagesChanged(): void {
  if (hovered) tell(isEnhanced(hovered));
}

/** Firefox asks once the menu shows (see the 'menu-target' request): is its image one of ours? */
export function menuTargetEnhanced(): boolean {
  return isEnhanced(menuTarget?.deref() ?? null);
}

/**
 * The images a menu item may be about, best first: the one the last context menu here was opened
 * on, then the one under the pointer (which may have moved on to another copy of the file while
 * the job was sent). ringAnchor takes the first that shows the job's file.
 */
export function pointedImages(): HTMLImageElement[] {
  return [menuTarget?.deref(), hovered].filter((img) => img != null);
}

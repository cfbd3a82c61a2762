/**
 * A small progress ring, or a short message, over the corner of an image. It lives in its own
 * shadow root, outside the page's layout (absolutely positioned in the document), so no page
 * style reaches it and it moves nothing; it is shown in the top layer, as a popover, so a modal
 * dialog, a popover or a fullscreen viewer that holds the image does not cover it. For the same
 * reason it would show over a modal dialog or a fullscreen element that leaves the image behind
 * it: it hides then, as the image is. The page's notice (page-notice.ts) is built the same way.
 */
import { OVERLAY_TAG } from './overlay-tag';
import { elementAt, imageAt, inWindow, shadowRootOf, slotOf } from './page-images';

/** A message stays 5 s, and longer as it is longer: about 60 ms a character, a slow reader's pace (some run to 190 characters). */
const MESSAGE_MS = 5000;
const MESSAGE_MS_PER_CHARACTER = 60;
/** How far below the image's visible top a header over it is looked past (clearTop), in steps of the second: at most 16 hit tests. */
const CLEAR_TOP_SEARCH_PX = 160;
const CLEAR_TOP_STEP_PX = 10;
/** Inline, where `all: initial` would make it an inline box. */
const SHOWN_DISPLAY = 'block';

const STYLE = `
:host { all: initial; position: absolute; z-index: 2147483647; pointer-events: none;
  direction: ltr; unicode-bidi: isolate; }
/* A popover has a backdrop over the whole page, which the page's own ::backdrop rule would dim;
   important, so this scope's rule wins over the page's. */
:host::backdrop { all: initial !important; background: transparent !important; }
.box { font: 12px/1.3 system-ui, sans-serif; color: #fff; background: rgba(20, 20, 28, 0.82);
  border-radius: 12px; padding: 4px 8px; display: flex; gap: 6px; align-items: center; max-width: 260px; }
/* Empty until its message comes (see message): no pill of nothing meanwhile. */
.box:empty { display: none; }
.ring { width: 14px; height: 14px; border-radius: 50%;
  background: conic-gradient(#7cc4ff calc(var(--p) * 1%), rgba(255,255,255,0.25) 0); }
.error { background: rgba(150, 30, 30, 0.9); }
/* Placed for the screen: on paper it would land over whatever the print layout puts there. Important, to win over the inline display. */
@media print { :host { display: none !important; } }
`;

/** How long a message stays: MESSAGE_MS's rule. */
export function readingMs(text: string): number {
  return Math.max(MESSAGE_MS, text.length * MESSAGE_MS_PER_CHARACTER);
}

/**
 * Between a live region's arrival and its first text: a screen reader that has not yet seen the
 * region lets the change go unread.
 */
export const LIVE_REGION_SETTLE_MS = 100;

/** An empty overlay, shown: its host, in `home` and the top layer, and the box its content goes in. */
export function overlayHost(home: Element = document.documentElement): { host: HTMLElement; box: HTMLDivElement } {
  const host = document.createElement(OVERLAY_TAG);
  // A live region from the start: one that appears with its text already in is often not read out.
  host.setAttribute('role', 'status');
  host.popover = 'manual';
  // Inline, and every property (all), so no page rule reaches it: not those for popovers
  // ([popover] { inset: 0; margin: auto; ... }), nor those that hide custom elements until they
  // are defined (:not(:defined) { visibility: hidden }, common with web components), which it never is.
  // Not selectable: Select all and Copy would take its words, and its markup with this style, into what the user pastes.
  host.style.cssText = `all: initial; display: ${SHOWN_DISPLAY}; position: absolute; z-index: 2147483647; pointer-events: none; inset: auto; overflow: visible; user-select: none; -webkit-user-select: none;`;
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const box = document.createElement('div');
  box.className = 'box';
  root.append(style, box);
  home.append(host);
  host.showPopover();
  return { host, box };
}

/**
 * Takes every overlay off the page: a script that hands the page back before Firefox unloads it
 * (an update) would leave its rings and messages there for good, their timers gone with it.
 */
export function removeOverlays(): void {
  for (const host of document.querySelectorAll(OVERLAY_TAG)) host.remove();
}

/** The box `node` is laid out in, across shadow roots: an element slotted into a web component is in the slot it is assigned to. */
const layoutParent = (node: Node): Node | null => (node instanceof Element && slotOf(node)) || (node instanceof ShadowRoot ? node.host : node.parentNode);

/**
 * Whether `node` is inside `container` as laid out, across shadow roots: an element slotted into a
 * web component is inside the slot it is assigned to (a lightbox's dialog in its own shadow root).
 */
function holds(container: Element, node: Node): boolean {
  for (let at: Node | null = node; at !== null; at = layoutParent(at)) {
    if (at === container) return true;
  }
  return false;
}

/**
 * Whether `hit`, drawn over the image, is part of a fixed box of the page that does not hold the
 * image: a lightbox, a drawer or a cookie wall built of a `position: fixed` box, not a dialog (see
 * topLayerAround). The overlay, in the top layer, would show over it.
 */
function fixedLayerOver(hit: Element, img: HTMLImageElement): boolean {
  for (let at: Node | null = hit; at !== null; at = layoutParent(at)) {
    if (at instanceof Element && getComputedStyle(at).position === 'fixed') return !holds(at, img);
  }
  return false;
}

/**
 * The modal dialog that holds the focus, across shadow roots: `:modal` asked of the document does
 * not reach a web component's own dialog, and a modal dialog keeps the focus within itself.
 */
function focusedModal(): Element[] {
  let focused = document.activeElement;
  for (let inner = focused && shadowRootOf(focused)?.activeElement; inner; inner = shadowRootOf(inner)?.activeElement) focused = inner;
  for (let at: Node | null = focused; at !== null; at = at instanceof ShadowRoot ? at.host : at.parentNode) {
    if (at instanceof HTMLDialogElement && at.matches(':modal')) return [at];
  }
  return [];
}

/**
 * The modal dialogs and the fullscreen element over the page, and those of them that hold the
 * image: where some cover the page and none holds it, the image is behind them.
 */
function topLayerAround(img: HTMLImageElement): { covering: Element[]; holding: Element[] } {
  const covering = [...document.querySelectorAll(':modal'), ...focusedModal(), ...(document.fullscreenElement ? [document.fullscreenElement] : [])];
  return { covering, holding: covering.filter((element) => holds(element, img)) };
}

/** Elements whose content is not laid out as boxes (an image put in fullscreen by itself): no home for an overlay. */
const REPLACED = [HTMLImageElement, HTMLVideoElement, HTMLCanvasElement, HTMLIFrameElement, HTMLObjectElement, HTMLEmbedElement];

/**
 * Where an overlay's host goes: into the innermost modal dialog or fullscreen element that holds
 * the image, which leaves all the rest of the page inert, out of the accessibility tree, and the
 * message unread by a screen reader. In the document's own tree only, and not into a web
 * component (a dialog in its shadow root, or the host the document names as fullscreen for one
 * inside it): what it is given, it lays out by its own slots, or not at all (and the scripts that
 * hand the page back find our hosts in the document). Else at the document's end. Shown in the top
 * layer either way: placed the same.
 */
function homeAmong(holding: Element[]): Element {
  const open = holding.filter((element) => element.getRootNode() === document && !shadowRootOf(element) && !REPLACED.some((kind) => element instanceof kind));
  return open.find((element) => !open.some((other) => other !== element && holds(element, other))) ?? document.documentElement;
}

/**
 * Where an overlay about the whole page goes (the page's notice): into the modal dialog over it,
 * the one that holds the focus (of two side by side, the one opened last, which leaves the other
 * inert too), or the fullscreen element, if any (see homeAmong).
 */
export function pageOverlayHome(): Element {
  return homeAmong([...focusedModal(), ...(document.fullscreenElement ? [document.fullscreenElement] : [])]);
}

/**
 * The part of the image's box that the boxes around it, scrolled or clipping (`overflow` other
 * than visible), leave in view: a chat list scrolled halfway past a tall image, a carousel's track
 * with a card peeking in at its edge. The overlay goes over that part, not over the page beside
 * the box, where the whole image's corner would be. The image's whole box where the boxes leave
 * none of it (one positioned out of its parent's clip, which the clipping observer knows of).
 */
function seenPart(img: HTMLImageElement, rect: DOMRect): DOMRect {
  let { left, top, right, bottom } = rect;
  // The window clips for <html>, and for <body> where <html> lets its overflow pass to the window (it does while its own is visible).
  const rootStyle = getComputedStyle(document.documentElement);
  const bodyClipsNothing = rootStyle.overflowX === 'visible' && rootStyle.overflowY === 'visible';
  for (let at = layoutParent(img); at !== null; at = layoutParent(at)) {
    if (!(at instanceof Element) || at === document.documentElement || (at === document.body && bodyClipsNothing)) continue;
    const { overflowX, overflowY, display } = getComputedStyle(at);
    // An inline box (a link around the image) or one with no box of its own clips nothing, whatever its overflow says.
    if ((overflowX === 'visible' && overflowY === 'visible') || display === 'inline' || display === 'contents') continue;
    // Its padding box: inside the borders, without the scrollbars. Those are in its own CSS pixels,
    // the box in the window's: a transform above it (scale) or a zoom sets the ratio.
    const box = at.getBoundingClientRect();
    const [scaleX, scaleY] = at instanceof HTMLElement && at.offsetWidth > 0 && at.offsetHeight > 0 ? [box.width / at.offsetWidth, box.height / at.offsetHeight] : [1, 1];
    const innerLeft = box.left + at.clientLeft * scaleX;
    const innerTop = box.top + at.clientTop * scaleY;
    if (overflowX !== 'visible') [left, right] = [Math.max(left, innerLeft), Math.min(right, innerLeft + at.clientWidth * scaleX)];
    if (overflowY !== 'visible') [top, bottom] = [Math.max(top, innerTop), Math.min(bottom, innerTop + at.clientHeight * scaleY)];
  }
  return right > left && bottom > top ? new DOMRect(left, top, right - left, bottom - top) : rect;
}

/**
 * The image's box in the window, and the page's scroll: the overlay is placed in the page's
 * coordinates, so it scrolls with the page, and an image that does not (fixed, or stuck by
 * `position: sticky`) keeps its box while the overlay would slide off it.
 */
function rectKey({ left, top, width, height }: DOMRect): string {
  return `${left} ${top} ${width} ${height} ${window.scrollX} ${window.scrollY}`;
}

export class ImageOverlay {
  private readonly host: HTMLElement;
  private readonly box: HTMLDivElement;
  private timer: number | undefined;
  private frame: number | undefined;
  /** Where the image was, and the page's scroll, as placed last (rectKey): a frame that finds either moved places the overlay again. */
  private placedAt = '';
  /**
   * Something besides the image's place changed since the last frame (a dialog or fullscreen
   * element came or went, the window's size): the next frame places the overlay again.
   */
  private mustPlace = false;
  /** Whether the last placing showed the overlay. */
  private shown = false;
  private readonly listening = new AbortController();
  /**
   * Whether the boxes around the image clip all of it away (a scrolled chat list, a carousel's track
   * with the slide out of it) while it is still inside the window: the overlay, in the top layer,
   * would float over whatever is drawn there (the page's header, its compose box). The browser's
   * own intersection follows every clipping box, and every frame the image is in.
   */
  private clippedOut = false;
  private readonly clipping = new IntersectionObserver((entries) => {
    this.clippedOut = !entries[entries.length - 1].isIntersecting;
    this.place();
  });

  /**
   * The dialogs and fullscreen element holding the image that the overlay was shown over. The top
   * layer paints in the order elements entered it: one that holds the image and came after the
   * overlay (a gallery put into fullscreen, a lightbox's dialog opened while the ring turns) would
   * cover it, so the overlay enters again, last.
   */
  private shownOver: Element[];

  /** Until the run that made the overlay ends: what it is given meanwhile arrives with the live region. */
  private arriving = true;

  constructor(private readonly img: HTMLImageElement) {
    ({ host: this.host, box: this.box } = overlayHost());
    queueMicrotask(() => {
      this.arriving = false;
    });
    this.shownOver = topLayerAround(img).holding;
    this.place();
    this.clipping.observe(img);
    const placeAgain = () => {
      this.mustPlace = true;
      this.following(true);
    };
    // The window's size moves the edges the overlay keeps within, where the image stays.
    window.addEventListener('resize', placeAgain, { signal: this.listening.signal });
    // A dialog opened or closed, fullscreen entered or left: the image may have come out from behind it, or gone.
    // A dialog in a shadow root keeps its toggle and close there; the focus it takes and gives back is heard everywhere.
    for (const type of ['toggle', 'close', 'fullscreenchange', 'focusin', 'focusout']) window.addEventListener(type, placeAgain, { capture: true, signal: this.listening.signal });
    // A dialog that closed left the top layer, whether or not a frame saw it closed: opened again
    // (a lightbox's close() and showModal() in one go), it enters after the overlay, over it.
    window.addEventListener(
      'close',
      (event) => {
        this.shownOver = this.shownOver.filter((element) => element !== event.composedPath()[0]);
      },
      { capture: true, signal: this.listening.signal },
    );
  }

  /**
   * The image's place is read at every frame while it is in view: it moves with scrolls of the
   * page or of any box, in shadow roots too, with a banner loaded above it, a carousel's slide (a
   * transform, which no event or observer reports), a box it is moved into. Hidden in view (behind
   * a modal dialog, which a page may take out with no event; at the window's very edge, which the
   * observer counts as in view), it is placed again at every frame. Not while out of view (a job
   * waiting its turn for minutes with the image scrolled away): the intersection observer says
   * when it comes back.
   */
  private readonly follow = (): void => {
    this.frame = undefined;
    const rect = this.img.getBoundingClientRect();
    if (this.mustPlace || !this.shown || rectKey(rect) !== this.placedAt) this.place(rect);
    else this.following(true);
  };

  private following(on: boolean): void {
    if (on && this.frame === undefined) this.frame = requestAnimationFrame(this.follow);
    if (!on && this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
  }

  /**
   * Over the image's corner, but never past the viewport's right or bottom edge: a box sticking out
   * there would widen or lengthen the page and give it a scrollbar (an app whose list scrolls
   * inside a page that fits the window). Hidden while the image is gone, not laid out, out of view
   * (the window's, or a clipping box's: clippedOut), or behind a modal dialog or a fullscreen
   * element: placed there it would cover something else, or lengthen the page. Called after the
   * content is set.
   */
  private place(rect = this.img.getBoundingClientRect()): void {
    // Taken out (by the page, or a script handing the page back): it cannot show again.
    if (!this.host.isConnected) {
      this.remove();
      return;
    }
    this.placedAt = rectKey(rect);
    this.mustPlace = false;
    const { covering, holding } = topLayerAround(this.img);
    const visible = this.img.isConnected && inWindow(rect) && !this.clippedOut && (covering.length === 0 || holding.length > 0);
    const seen = visible ? seenPart(this.img, rect) : rect;
    // Below a sticky header, at about the overlay's left edge (its width is not known while hidden);
    // null behind the page's own fixed layer, which is looked at each frame, with no layout of ours, until it goes.
    const top = visible ? this.clearTop(seen, Math.max(0, Math.min(seen.left + 6, window.innerWidth - 1))) : null;
    const shown = top !== null;
    this.host.style.display = shown ? SHOWN_DISPLAY : 'none';
    this.shown = shown;
    this.following(shown || !this.clippedOut);
    if (!shown) return;
    const home = homeAmong(holding);
    if (this.host.parentNode !== home) {
      // Moved out of the document, a popover closes: shown again, last, at its new place.
      home.append(this.host);
      this.host.showPopover();
    } else if (holding.some((element) => !this.shownOver.includes(element))) {
      this.host.hidePopover();
      this.host.showPopover();
    }
    this.shownOver = holding;
    // In the window's pixels, as the image's box is, on a page with its own CSS zoom too (see below).
    const { width, height } = this.host.getBoundingClientRect();
    const right = document.documentElement.clientWidth - width;
    const bottom = document.documentElement.clientHeight - height;
    const left = Math.max(0, Math.min(seen.left + 6, right));
    // A page's own CSS zoom on <html> scales the host's place too: given in the window's pixels, it would land that many times as far.
    const zoom = (this.host as HTMLElement & { currentCSSZoom?: number }).currentCSSZoom ?? 1;
    this.host.style.left = `${(left + window.scrollX) / zoom}px`;
    this.host.style.top = `${(Math.max(0, Math.min(top + 6, bottom)) + window.scrollY) / zoom}px`;
  }

  /**
   * The top of the image's part the user sees, at the overlay's left edge: below a sticky header
   * (most news sites' and shops') over the image's top, which the overlay, in the top layer,
   * would cover. Looked for a little way down only; where the image is not found (the page lays a
   * transparent link or a caption over it), the top of its part in the window, unless what is
   * there is a fixed layer of the page over the image (fixedLayerOver): null then.
   */
  private clearTop(rect: DOMRect, left: number): number | null {
    const top = Math.max(0, rect.top);
    const x = Math.min(left + 6, window.innerWidth - 1);
    const end = Math.min(rect.bottom, top + CLEAR_TOP_SEARCH_PX, window.innerHeight);
    for (let y = top; y < end; y += CLEAR_TOP_STEP_PX) if (imageAt(x, y + 6) === this.img) return y;
    const hit = elementAt(x, top + 6);
    return hit && fixedLayerOver(hit, this.img) ? null : top;
  }

  /** `fraction` of the job done, 0 to 1. */
  progress(fraction: number): void {
    const percent = Math.round(100 * fraction);
    this.box.className = 'box';
    this.box.replaceChildren();
    // Progress is for the eye: a screen reader would read every step out.
    this.box.setAttribute('aria-hidden', 'true');
    const ring = document.createElement('div');
    ring.className = 'ring';
    ring.style.setProperty('--p', String(percent));
    const label = document.createElement('span');
    label.textContent = `Enhancing ${percent}%`;
    this.box.append(ring, label);
    this.place();
  }

  /**
   * Shows a failure for a few seconds, then goes away by itself. One for an overlay that arrives
   * with it (a job turned away at once: an image in text being edited) waits for the live region
   * to settle, or a screen reader would not read it out.
   */
  message(text: string): void {
    window.clearTimeout(this.timer);
    if (this.arriving) this.timer = window.setTimeout(() => this.showMessage(text), LIVE_REGION_SETTLE_MS);
    else this.showMessage(text);
  }

  private showMessage(text: string): void {
    this.box.className = 'box error';
    this.box.removeAttribute('aria-hidden');
    this.box.textContent = text;
    this.place();
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.remove(), readingMs(text));
  }

  remove(): void {
    window.clearTimeout(this.timer);
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.listening.abort();
    this.clipping.disconnect();
    this.host.remove();
  }
}


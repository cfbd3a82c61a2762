/**
 * What the page does to its images after we first looked: <img>s added and removed, new sources
 * (src, srcset, sizes, also on a <picture>'s <source>s, and <source>s added or removed), and
 * loads. Our own swaps change the same attributes; they run inside `asOurs` and are never
 * reported. Shadow roots are watched like the document, since web components keep their images there.
 */
import { noteBase } from './document-bases';
import { flatParent } from './image-facts';
import { isOverlay } from './overlay-tag';
import { imagesIn, shadowRootOf, shadowRootsIn } from './page-images';

export interface PageChanges {
  added(img: HTMLImageElement): void;
  /**
   * Taken off the page, in one batch of changes (a feed dropping a screenful at once); `added`:
   * the images put in by the same batch, reported next (a re-render puts the same markup back).
   */
  removed(images: HTMLImageElement[], added: HTMLImageElement[]): void;
  /**
   * The page changed these images' source attributes, or those of a <source> of their <picture>,
   * in one batch of changes (a virtual list giving its recycled elements new sources): each with
   * `newSource` when src or srcset changed, false when only sizes did.
   */
  sourcesChanged(changes: Map<HTMLImageElement, boolean>): void;
  /**
   * The page wrote `sizes` on these images, or on <source>s of their <picture>, with the value it
   * had: nothing changes on screen, but where that value is one we set, the page made it its own
   * (a lazy loader sizing the image to its box), for a restore to give back. Reported before the
   * batch's `sourcesChanged`, which may let go of the image.
   */
  sizesRewritten(written: Map<HTMLImageElement, Element[]>): void;
  /** Fired on every load: a lazy image arriving, or a new source the page set. */
  loaded(img: HTMLImageElement): void;
  /** A transition or an animation that may have scaled or shown these images ended (a zoom on hover, a fade), or the pointer rested on them. */
  redrawn(images: HTMLImageElement[]): void;
  /** The window was resized or zoomed, moved to a screen of another density, or its color scheme changed, and has settled. */
  viewportChanged(): void;
}

/** The properties whose transitions may scale what they move. */
const TRANSFORM_PROPERTIES = new Set(['transform', 'scale', 'rotate']);

/**
 * And those whose transitions' ends are looked at: these, and those that show what was hidden (a
 * fade carousel's next slide, a tab faded in), which the looks at hidden images, seconds apart by
 * then, would leave low-res that long.
 */
const REDRAWING_PROPERTIES = new Set([...TRANSFORM_PROPERTIES, 'opacity', 'visibility', 'filter']);

/** What picks an image's file: its own attributes, and on a <picture>'s <source>s also `media` and `type`. */
const SOURCE_ATTRIBUTES = ['src', 'srcset', 'sizes', 'media', 'type'];

/**
 * An attribute written with the value it had: `img.src = img.src` (a page's retry, a binding set
 * again), which writes the URL `src` resolves to. The browser loads nothing new for it (Chromium
 * 156, measured, a no-store file too), so the image shows what it showed: no change to follow.
 */
function wroteSameValue(record: MutationRecord): boolean {
  const element = record.target as Element;
  const now = element.getAttribute(record.attributeName ?? '');
  if (record.oldValue === now) return true;
  if (record.attributeName !== 'src' || record.oldValue === null || now === null) return false;
  try {
    // Not URL.parse: Chrome has it from 126, and Enhance runs from 116.
    return new URL(record.oldValue, element.baseURI).href === new URL(now, element.baseURI).href;
  } catch {
    return false;
  }
}

/** How long a resize must have settled for: dragging a window's edge resizes it many times a second. */
const VIEWPORT_SETTLE_MS = 300;

/** How long the pointer must have rested, or the wheel stopped, before the images there are measured. */
const POINTER_SETTLE_MS = 150;

/** The most images in what the pointer went over that are measured: more, and it is a page's or a list's frame, not a card. */
const POINTED_IMAGES_MAX = 4;

/** The properties whose keyframes may scale what they animate. */
const SCALING_KEYFRAMES = ['transform', 'scale', 'rotate', 'zoom', 'width', 'height'];

/** The most elements in what the pointer went over whose images are looked for: a card's, not a page's. */
const POINTED_ELEMENTS_MAX = 200;

/**
 * The images of what the pointer went over: itself, one in a shadow root too (which the page's
 * hit test reports as its host), or a card's few, the pointer on its caption. Not a page's or a
 * list's, which a pointer resting on the page's margin would have measured each time.
 */
function heldBy(target: Element): HTMLImageElement[] {
  if (target instanceof HTMLImageElement) return [target];
  if (target.getElementsByTagName('*').length > POINTED_ELEMENTS_MAX) return [];
  const images = imagesIn(target);
  return images.length <= POINTED_IMAGES_MAX ? images : [];
}

/** Whether a running transition or animation on the image, or on a box around it as drawn (a slot's too), may be scaling it now. */
function beingScaled(img: HTMLImageElement): boolean {
  for (let element: Element | null = img; element; element = flatParent(element)) {
    for (const animation of element.getAnimations()) {
      if (animation.playState !== 'running') continue;
      if (animation instanceof CSSTransition ? TRANSFORM_PROPERTIES.has(animation.transitionProperty) : scalingKeyframes(animation.effect)) return true;
    }
  }
  return false;
}

function scalingKeyframes(effect: AnimationEffect | null): boolean {
  return effect instanceof KeyframeEffect && effect.getKeyframes().some((keyframe) => SCALING_KEYFRAMES.some((property) => property in keyframe));
}

/**
 * How long a burst of page changes may go before we look for shadow roots that appeared without a
 * record: short enough to catch images as they load, long enough to walk the page once per burst.
 * Each walk that finds no new root doubles the wait, up to the longest: a busy page (a live feed,
 * a chat, an app built of thousands of components) changes all the time, and a walk of its whole
 * tree five times a second would keep a core busy.
 */
const RESCAN_DELAY_MS = 200;
const RESCAN_DELAY_MAX_MS = 3200;

/** The viewport's size and density, and a pinch zoom's scale: what a resize changes. */
function viewportNow(): string {
  return `${window.innerWidth}x${window.innerHeight}@${window.devicePixelRatio}x${window.visualViewport?.scale ?? 1}`;
}

/** The image whose file `target` helps pick: itself, or the <img> of its <picture> (for the picture or one of its <source>s). */
function imageOf(target: Node): HTMLImageElement | null {
  if (target instanceof HTMLImageElement) return target;
  const picture = target instanceof HTMLSourceElement ? target.parentElement : target;
  return picture instanceof HTMLPictureElement ? picture.querySelector(':scope > img') : null;
}

export class PageWatch {
  private observer: MutationObserver | null = null;
  private loads: PerformanceObserver | null = null;
  /** Aborted by stop(): takes every 'load' listener of start() off its tree. */
  private listeners: AbortController | null = null;
  private watchedRoots = new WeakSet<ShadowRoot>();
  private rescanTimer: number | undefined;
  private rescanDelay = RESCAN_DELAY_MS;
  /** A rescan came due while the tab was in the background: it runs when the tab shows again. */
  private rescanWhenShown = false;
  private viewportTimer: number | undefined;
  /** The viewport when last reported, or when watching began. */
  private viewport = '';
  /** The media queries followed since start() (see followMedia). */
  private followedMedia = new Set<string>();
  /** Where the pointer went last, over what, until it has rested there (onPointerRested). */
  private pointed: { target: Element; x: number; y: number } | null = null;
  private pointedTimer: number | undefined;

  constructor(private readonly on: PageChanges) {}

  get running(): boolean {
    return this.observer !== null;
  }

  /** Watching starts with the first thing that needs it: pages where Enhance is never used pay nothing. */
  start(): void {
    if (this.observer) return;
    this.observer = new MutationObserver((records) => this.dispatch(records));
    this.listeners = new AbortController();
    this.watchTree(document);
    for (const root of shadowRootsIn(document)) this.watchTree(root);
    // A web component defined after the page parsed attaches its shadow root to an element already
    // there, which no observer records; the images it then draws do load, and a load shows in the
    // resource timeline, so that is when we look again.
    this.loads = new PerformanceObserver((list) => {
      if (list.getEntries().some((entry) => (entry as PerformanceResourceTiming).initiatorType === 'img')) this.rescanSoon();
    });
    this.loads.observe({ type: 'resource' });
    this.viewport = viewportNow();
    window.addEventListener('resize', this.onResize, { signal: this.listeners.signal });
    // A zoom on hover with no transition, or a viewer's zoom by the wheel, scales an image with no
    // event of its own: where the pointer rests, the images are measured again.
    for (const type of ['pointerover', 'wheel']) document.addEventListener(type, this.onPointed, { capture: true, passive: true, signal: this.listeners.signal });
    // A pinch zoom resizes the visual viewport alone: the window keeps its size and density. Once
    // pinched, a pan brings other images into what it draws larger (image-facts pinchScale).
    window.visualViewport?.addEventListener('resize', this.onResize, { signal: this.listeners.signal });
    window.visualViewport?.addEventListener('scroll', this.onPinchPanned, { signal: this.listeners.signal });
    // Past the layout viewport's edge, a pan while pinched scrolls the page itself, which the visual viewport does not report.
    window.addEventListener('scroll', this.onPinchPanned, { passive: true, signal: this.listeners.signal });
    document.addEventListener('visibilitychange', this.onVisibility, { signal: this.listeners.signal });
    this.followDensity();
  }

  /** A media query for the density now, which changes once when it does: then the next one is asked. */
  private followDensity(): void {
    const signal = this.listeners?.signal;
    if (!signal) return;
    matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`).addEventListener(
      'change',
      () => {
        this.onViewport();
        this.followDensity();
      },
      { once: true, signal },
    );
  }

  /**
   * A <picture>'s sources may pick a file by any media feature, not only the viewport's width and
   * density: a dark-mode file (GitHub's READMEs), a still for reduced motion, one for forced colors
   * or more contrast. Our result in every <source> hides the browser's own choice, so a change of
   * any query the enhanced pictures' sources name is a viewport change: each is followed once.
   */
  followMedia(queries: Iterable<string | null>): void {
    const signal = this.listeners?.signal;
    if (!signal) return;
    for (const query of queries) {
      if (!query || this.followedMedia.has(query)) continue;
      this.followedMedia.add(query);
      matchMedia(query).addEventListener('change', this.onViewport, { signal });
    }
  }

  private readonly onPointed = (event: Event): void => {
    const target = event.composedPath()[0];
    if (!(target instanceof Element) || !(event instanceof MouseEvent)) return;
    this.pointed = { target, x: event.clientX, y: event.clientY };
    window.clearTimeout(this.pointedTimer);
    this.pointedTimer = window.setTimeout(this.onPointerRested, POINTER_SETTLE_MS);
  };

  /**
   * The images under the pointer, and in what it went over (a card zooming its image on hover),
   * once it has rested: the page's hover styles are drawn by then. Not those a transition or an
   * animation is still scaling: measured halfway, they would get a smaller scale first, then the
   * one they need when it ends (onRedrawingEnd).
   */
  private readonly onPointerRested = (): void => {
    const pointed = this.pointed;
    this.pointed = null;
    if (!pointed) return;
    const { target, x, y } = pointed;
    const under = document.elementsFromPoint(x, y).filter((element) => element instanceof HTMLImageElement);
    const images = [...new Set([...under, ...heldBy(target)])].filter((img) => !beingScaled(img));
    if (images.length > 0) this.on.redrawn(images);
  };

  private readonly onRedrawingEnd = (event: Event): void => {
    if (event instanceof TransitionEvent && !REDRAWING_PROPERTIES.has(event.propertyName)) return;
    const target = event.target;
    // Pages animate often (spinners, menus, reveal-on-scroll sections): only a target that holds an
    // image, or hosts a shadow root (a web component zooming on hover), is walked.
    if (!(target instanceof Element) || !(target instanceof HTMLImageElement || target.querySelector('img') || shadowRootOf(target))) return;
    this.on.redrawn(imagesIn(target));
  };

  private readonly onVisibility = (): void => {
    if (document.hidden || !this.rescanWhenShown) return;
    this.rescanWhenShown = false;
    this.rescanSoon();
  };

  private readonly onPinchPanned = (): void => {
    if (window.visualViewport?.scale !== 1) this.onViewport();
  };

  /** Scripts send 'resize' to make widgets lay themselves out again, the window's size unchanged: such a one is no change. */
  private readonly onResize = (): void => {
    if (viewportNow() !== this.viewport) this.onViewport();
  };

  private readonly onViewport = (): void => {
    window.clearTimeout(this.viewportTimer);
    this.viewportTimer = window.setTimeout(() => {
      this.viewport = viewportNow();
      this.on.viewportChanged();
    }, VIEWPORT_SETTLE_MS);
  };

  /**
   * Nothing of ours is left on the page and nothing is wanted: a busy page's changes no longer
   * cost it a walk of its tree. start() begins afresh.
   */
  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.loads?.disconnect();
    this.loads = null;
    this.listeners?.abort();
    this.listeners = null;
    window.clearTimeout(this.rescanTimer);
    this.rescanTimer = undefined;
    window.clearTimeout(this.pointedTimer);
    this.pointed = null;
    this.rescanWhenShown = false;
    window.clearTimeout(this.viewportTimer);
    this.rescanDelay = RESCAN_DELAY_MS;
    this.watchedRoots = new WeakSet();
    this.followedMedia.clear();
  }

  private watchTree(tree: Document | ShadowRoot): void {
    this.observer?.observe(tree, { subtree: true, childList: true, attributes: true, attributeFilter: SOURCE_ATTRIBUTES, attributeOldValue: true });
    // 'load' does not bubble, nor leave a shadow root; capturing on each tree sees it for every image, present or future.
    tree.addEventListener('load', this.onLoad, { capture: true, signal: this.listeners?.signal });
    // A transform scales an image without resizing its box, which no ResizeObserver reports. Where
    // it ends inside a shadow root (a component zooming its own image), the event stays there too.
    for (const type of ['transitionend', 'animationend']) tree.addEventListener(type, this.onRedrawingEnd, { capture: true, passive: true, signal: this.listeners?.signal });
    if (tree instanceof ShadowRoot) this.watchedRoots.add(tree);
  }

  /**
   * Makes sure the shadow roots these images are in are watched. A root attached since the last
   * walk (a component defined late, whose image the memory cache served, so no load was timed)
   * would hide the page's next change to an image we are about to swap.
   */
  watchRootsOf(images: HTMLImageElement[]): void {
    if (!this.observer) return;
    const roots = new Set<ShadowRoot>();
    for (const img of images) for (let root = img.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) roots.add(root);
    this.watchNewRoots([...roots]);
  }

  /** Watches those of `roots` not watched yet; returns them. */
  private watchNewRoots(roots: ShadowRoot[]): ShadowRoot[] {
    const fresh = roots.filter((root) => !this.watchedRoots.has(root));
    for (const root of fresh) this.watchTree(root);
    return fresh;
  }

  private rescanSoon(): void {
    // Stopped by the handler of the batch that asked (the last result of ours gone): nothing to look for.
    if (!this.running) return;
    this.rescanTimer ??= window.setTimeout(() => {
      this.rescanTimer = undefined;
      // A chat or a feed left in a background tab changes all day: nothing there is enhanced until
      // it shows (setPageHidden), and one walk then finds what came meanwhile.
      if (document.hidden) {
        this.rescanWhenShown = true;
        return;
      }
      const fresh = this.watchNewRoots(shadowRootsIn(document));
      this.rescanDelay = fresh.length > 0 ? RESCAN_DELAY_MS : Math.min(this.rescanDelay * 2, RESCAN_DELAY_MAX_MS);
      for (const root of fresh) for (const img of root.querySelectorAll('img')) this.on.added(img);
    }, this.rescanDelay);
  }

  /**
   * Runs a change of ours to the page. What the page did before it is reported first, so none of
   * it is lost; the records our change leaves are then dropped, synchronously, before the page can
   * run again.
   */
  asOurs<T>(change: () => T): T {
    if (this.observer) this.dispatch(this.observer.takeRecords());
    try {
      return change();
    } finally {
      this.observer?.takeRecords();
    }
  }

  private readonly onLoad = (event: Event): void => {
    if (event.target instanceof HTMLImageElement) this.on.loaded(event.target);
  };

  private dispatch(records: MutationRecord[]): void {
    // Images the page adds now are written for its URL of now, which a pushState may have moved.
    noteBase();
    const added = new Set<HTMLImageElement>();
    const removed = new Set<HTMLImageElement>();
    const changed = new Map<HTMLImageElement, boolean>();
    const rewritten = new Map<HTMLImageElement, Element[]>();
    for (const record of records) {
      if (record.type === 'childList') {
        for (const node of record.addedNodes) {
          if (isOverlay(node)) continue;
          // One walk of the added tree serves both: its roots to watch and its images.
          const roots = shadowRootsIn(node);
          this.watchNewRoots(roots);
          for (const img of imagesIn(node, roots)) added.add(img);
        }
        for (const node of record.removedNodes) if (!isOverlay(node)) for (const img of imagesIn(node)) removed.add(img);
        // A <source> added to or taken from a <picture> may change the file its image picks.
        const img = record.target instanceof HTMLPictureElement ? imageOf(record.target) : null;
        if (img && [...record.addedNodes, ...record.removedNodes].some((node) => node instanceof HTMLSourceElement)) changed.set(img, true);
      } else {
        const img = imageOf(record.target);
        if (!img) continue;
        if (!wroteSameValue(record)) changed.set(img, changed.get(img) === true || record.attributeName !== 'sizes');
        else if (record.attributeName === 'sizes') rewritten.set(img, [...(rewritten.get(img) ?? []), record.target as Element]);
      }
    }
    // A node moved within the page is removed and added in one batch: it is still connected.
    const gone = [...removed].filter((img) => !img.isConnected);
    const arrived = [...added].filter((img) => img.isConnected);
    if (gone.length > 0) this.on.removed(gone, arrived);
    for (const img of arrived) this.on.added(img);
    for (const img of changed.keys()) if (!img.isConnected) changed.delete(img);
    if (rewritten.size > 0) this.on.sizesRewritten(rewritten);
    if (changed.size > 0) this.on.sourcesChanged(changed);
    // An image the memory cache serves makes no resource entry: new elements are a reason to look too.
    if (records.some((record) => [...record.addedNodes].some((node) => node instanceof Element && !isOverlay(node)))) this.rescanSoon();
  }
}

/**
 * This frame's enhancements: the context menu's jobs, auto-enhance while the site is switched on,
 * the popup's Enhance all and Restore all, and what the page does to images we changed. One
 * place holds the frame's state, so every path counts alike and none undoes another's work.
 */
import { keepNewest } from '../core/bounded';
import { needsEnhancing, type SkipReason } from '../core/discovery';
import type { Size } from '../core/image-geometry';
import { EnhanceQueue } from '../core/enhance-queue';
import { EnhanceError, toFailure, type FailureCode } from '../core/errors';
import { SHIPPED_SCALES } from '../core/models';
import { chooseScale } from '../core/scale-choice';
import { logError } from '../shared/log';
import type { EnhanceOutcome, JobSettings, TabCounts } from '../shared/protocol';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings';
import { CountsReport } from './counts-report';
import { enhanceImages, turnedAway } from './enhance-images';
import { noteCountedPixels, pixelSizeOf, priorityOf, readFacts } from './image-facts';
import { followsViewport, pageChoice } from './page-choice';
import { inEditedText, inWindow, outermostHost, pageImages } from './page-images';
import { PageWatch } from './page-watch';
import { adoptPageSizes, applyResult, copiesOfEnhanced, enhancedImages, freedResultOf, handOver, hasPixels, imagesShowing, isOurResult, layOutAt, lendMarkup, mayHandOver, originalOf, pageFileOf, pageFileSize, putBackCopyAttributes, putBackFreedCopy, putBackResult, putBackRetargetedCopy, releaseImages, restoreImage, restoreImages, showKeptFile, showsPageMarkup, sourcesOf, takePageSizes, type Original } from './swap';

/**
 * How far outside the viewport auto-enhance looks: about a screen ahead of a scroll, like
 * Chrome's own lazy loading. Farther images wait until they come this near.
 */
const NEAR_VIEWPORT_PX = 1200;
/**
 * How far past the edge of a box that scrolls by itself (a shelf, a chat's pane: the observer's
 * scrollMargin), which would otherwise hide its images from the observer until they were on
 * screen. Half a screen: a box that only clips (a collapsed panel, a carousel's hidden slides)
 * counts as one too, and what it hides farther may never be shown.
 */
const NEAR_SCROLL_BOX_PX = 600;

/**
 * The observer's margins for both. Where it takes a scrollMargin, that margin applies to the
 * viewport's own scrolling too, added to rootMargin (so measured in Chromium 156 and Firefox 153):
 * the viewport's margin is then the rest.
 */
function nearViewportMargins(): IntersectionObserverInit {
  if (!('scrollMargin' in IntersectionObserver.prototype)) return { rootMargin: `${NEAR_VIEWPORT_PX}px` };
  return { rootMargin: `${NEAR_VIEWPORT_PX - NEAR_SCROLL_BOX_PX}px`, scrollMargin: `${NEAR_SCROLL_BOX_PX}px` };
}

/** How many writes of the page's own sizes or markup per image, within the window, keep the result (see mayAnswerPage). */
const PAGE_WRITES_ANSWERED = 4;
const PAGE_WRITES_WINDOW_MS = 1000;

/**
 * How often images near the viewport but hidden are looked at again. Pages fade images in (lazy
 * loaders, carousels, a body faded in on load) by changing a class or a style, which none of our
 * observers reports: mostly as the page loads, or as a scroll reveals them. Each look at one still
 * hidden waits twice as long before the next, up to HIDDEN_RECHECK_MAX_MS, until a scroll (of the
 * page or of any box) starts them again from a second: a shop's hover images, a fade carousel's
 * other slides, a blurred backdrop stay so for as long as a page is open and read (a hover, a
 * transition's end, a pointer at rest are looked at by their own events).
 */
const HIDDEN_RECHECK_MS = 1000;
const HIDDEN_RECHECK_MAX_MS = 16_000;

/**
 * Failures another try need not repeat: the engine's page was closed or crashed, or the download
 * failed (a server's hiccup, a network change). An automatic job that failed so is tried once
 * more by itself, this long after.
 */
const RETRIED: ReadonlySet<FailureCode> = new Set(['engine-unavailable', 'fetch-failed']);
const RETRY_AFTER_MS = 10_000;

/**
 * What the engine turns away that auto-enhance counts as skipped, not failed: files not for the
 * model (an animation; an SVG at a URL that did not say so), which the page shows well as it is.
 */
const ENGINE_SKIPS: ReadonlySet<FailureCode> = new Set(['animated', 'svg']);
/**
 * Screenfuls of pixels of automatic results kept far from view (see keepFarResultsWithinBudget):
 * on a 1920x1080 screen about 62 megapixels, some 150 MB of PNG.
 */
const FAR_RESULT_SCREENS = 30;
/** URLs remembered as given up or retried (as many as image-facts keeps sizes of). */
const URLS_KEPT = 500;

/**
 * An image whose source the page changes again within this long (a webcam's still refreshed each
 * second, a fast slideshow) is looked at once it has kept one source this long: each file would
 * start a job that the next one stops, for good, the CPU busy for results no one sees.
 */
const SOURCE_SETTLE_MS = 2000;

/**
 * A slideshow that moved an image on before the image's automatic job ended (a job of seconds on a
 * CPU) would start a job for every slide and stop each at the next, the CPU busy for as long as it
 * plays: its next slides are looked at once one holds this many times as long as the slide that
 * cut the job short was shown (so a slideshow's regular beat never lets one through; paused on
 * hover, as most pause, it does), at least SOURCE_SETTLE_MS and at most CUT_SHORT_HOLD_MAX_MS,
 * unless the user just moved it on (a click on "next").
 */
const CUT_SHORT_HOLD = 1.25;
const CUT_SHORT_HOLD_MAX_MS = 10_000;

/** How long a slideshow's next slides wait, after a slide shown `shown` ms cut a job short (see CUT_SHORT_HOLD). */
const slideHold = (shown: number): number => Math.min(Math.max(SOURCE_SETTLE_MS, CUT_SHORT_HOLD * shown), CUT_SHORT_HOLD_MAX_MS);

/**
 * A slideshow that renders each slide as a new element is told from a feed or a new view by its
 * beat: slides taken out with their jobs running, two in a row, each within this long of the one
 * before and shown no longer (longer than the longest hold's slide, it was read, not a slide).
 */
const SLIDE_BEAT_MS = CUT_SHORT_HOLD_MAX_MS / CUT_SHORT_HOLD;

/** Transient activation: a click or a key in the page a moment ago (the user moving a slideshow on). */
const userJustActed = (): boolean => (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation?.isActive === true;

interface RunningJob {
  /** The page's URL it enhances. */
  srcUrl: string;
  /** A menu job: the images it was asked for, and the scale. */
  targets?: HTMLImageElement[];
  scale?: number;
  /** An automatic job: the images waiting for it now. */
  waiters?: () => HTMLImageElement[];
}

/**
 * An automatic job every image it was for left (the page dropped them, or gave them another
 * source), and no image on the page shows its file: one the page re-rendered (a framework
 * remounting the element, a lazy loader setting the same source again) would still take it.
 */
const noOneWaits = (job: RunningJob): boolean => job.waiters?.().length === 0 && !pageImages().some((img) => showsFile(img, job.srcUrl));

/**
 * Whether the image shows the page's file at `url`, or will: as its current source, as the file
 * behind our result (an upgrade's job, x2 to x4), or by its `src` while it has picked none yet (an
 * element just rendered). Not by a `src` its <picture> or srcset has picked away from.
 */
const showsFile = (img: HTMLImageElement, url: string): boolean =>
  img.currentSrc === url || originalOf(img)?.srcUrl === url || (img.currentSrc === '' && img.src === url);

/** An automatic job whose images all left its queue (taken by the menu, put back by the user): asked of one file's jobs. */
const noAutomaticWaiter = (job: RunningJob): boolean => job.waiters?.().length === 0;

/**
 * The image a job's ring and messages go on, of those showing its file: the first the user pointed
 * at (a menu job's: pointedImages) while in view (a menu opened long ago, then a scroll), else one in view, else
 * one loaded. Copies of a file can be far apart (an avatar on every post, a looping carousel's clone
 * of a slide): on the first in the page, scrolled away, the ring and any failure would be hidden,
 * and a lazy copy may have no pixels yet.
 */
function ringAnchor(targets: HTMLImageElement[], pointed: HTMLImageElement[]): HTMLImageElement | undefined {
  const inView = targets.filter((img) => hasPixels(img) && inWindow(img.getBoundingClientRect()));
  return (pointed.find((img) => inView.includes(img)) ?? inView[0]) ?? targets.find(hasPixels) ?? targets[0];
}

/** Whether two images name the same files, one as the other. */
const sameMarkup = (a: HTMLImageElement, b: HTMLImageElement): boolean => ['src', 'srcset', 'sizes'].every((name) => a.getAttribute(name) === b.getAttribute(name));

/** The attributes that choose an image's file, its <picture>'s sources' too, as one string: what the page wrote. */
function markupOf(img: HTMLImageElement): string {
  return JSON.stringify([img, ...sourcesOf(img)].map((element) => ['src', 'srcset', 'sizes'].map((name) => element.getAttribute(name))));
}

/**
 * The attributes whose change gives an image a new source (the watch's `newSource`), sizes alone
 * does not, with its src as written and as its URL: a src written again as the same URL in another
 * spelling (wroteSameValue) keeps the URL; a relative one the page left as it was keeps its
 * spelling while its URL moves with the document's (an app's router: history.pushState), and the
 * image still shows the file it loaded (written again there, it loads another).
 */
interface ImageSource {
  written: string;
  resolved: string;
}

function sourceOf(img: HTMLImageElement): ImageSource {
  const rest = [img, ...sourcesOf(img)].map((element) => ['srcset', 'media', 'type'].map((name) => element.getAttribute(name)));
  return { written: JSON.stringify([img.getAttribute('src'), ...rest]), resolved: JSON.stringify([img.hasAttribute('src') ? img.src : null, ...rest]) };
}

/** Skips the element alone decides: no need to read the file's pixel size for these. */
const DECIDED_BY_ELEMENT = new Set<SkipReason>(['no-source', 'svg', 'hidden', 'pixel-art', 'blurred', 'zero-size', 'not-loaded']);

export class PageEnhancer {
  private settings: Settings = { ...DEFAULT_SETTINGS };
  private autoOn = false;
  private readonly report = new CountsReport(() => this.counts());
  private readonly queue = new EnhanceQueue<HTMLImageElement>({
    priorityOf,
    run: (url, scale, waiters) => this.runAutomatic(url, scale, waiters),
    error: (error) => logError('auto-enhance', error),
    // After a job's waiters are let go too: the last job's end may leave nothing to watch for.
    changed: () => {
      this.stopWatchingIfIdle();
      this.changed();
    },
    // A zoom since the run started, say: consider() queues a job at the larger scale where still wanted.
    outgrew: (images) => {
      for (const img of images) this.look(img);
    },
  });
  private readonly watch = new PageWatch({
    added: (img) => {
      if (this.departing.has(img)) this.letGo([img]);
      // A copy in text being edited (a reply quoting a post) shows the page's file, as images there do.
      this.watch.asOurs(() => (inEditedText(img) ? putBackCopyAttributes(img) : putBackRetargetedCopy(img)));
      this.observe(img);
    },
    removed: (images, added) => this.forget(images, added),
    sourcesChanged: (changes) => this.onSourcesChanged(changes),
    sizesRewritten: (written) => {
      for (const [img, elements] of written) takePageSizes(img, elements);
    },
    loaded: (img) => this.loaded(img),
    redrawn: (images) => {
      for (const img of images) if (this.worthALook(img)) this.look(img);
    },
    viewportChanged: () => this.viewportChanged(),
  });
  /** Reports which images are near the viewport, while the site is switched on. */
  private viewport: IntersectionObserver | null = null;
  /**
   * Reports images whose box the page changes (a responsive layout, a zoom on hover): a sharp
   * image drawn larger later may now need enhancing.
   */
  private resized: ResizeObserver | null = null;
  private near = new WeakSet<HTMLImageElement>();
  /** Wanted images turned away only for being hidden or blurred, looked at again while they stay so: when next, and the wait after. */
  private readonly hidden = new Map<HTMLImageElement, { due: number; wait: number }>();
  private hiddenTimer: number | undefined;
  private hiddenScrolls: AbortController | undefined;
  /** A check for jobs no image waits for any more is due (stopAbandonedJobsSoon). */
  private abandonedCheckDue = false;
  /** Asked for by Enhance all: taken whether the site is on or not, and however far away. */
  private forced = new WeakSet<HTMLImageElement>();
  /**
   * Put back by the user, or by a page that fought us over their sizes or markup (see mayAnswerPage):
   * auto-enhance leaves them be until the page gives them a new source, or the site is switched
   * off: that puts back all it took, and switched on again it takes every low-res image, as its
   * switch says. (Put back while the site was off, an image stays so when it is switched on.)
   * Each with its source when put back: a new one the page gave it while nothing watched (the
   * site off, no result left on the page) is seen by the next look (isPutBack).
   */
  private restoredByUser = new WeakMap<HTMLImageElement, ImageSource & { shown: string }>();
  /**
   * Images enhanced from the menu whose markup picked another file after a resize or zoom: the
   * scale the user chose, for that file once it loads (auto-enhance, where on, would not hold to it).
   * A Map: the watch stays on while one waits (stopWatchingIfIdle); forgotten images, and files
   * that fail to load, leave it.
   */
  private menuScaleForNextFile = new Map<HTMLImageElement, number>();
  /** Enhance all was asked since the last Restore all or switch-off: its far images wait to load (see stopWatchingIfIdle). */
  private forcedAny = false;
  private readonly inManualJob = new Set<HTMLImageElement>();
  /**
   * Jobs running: a restore of the URL a job enhances (the menu's jobs), Restore all, the site
   * switched off, or the page dropping every image an automatic job was for stops them, so no
   * result lands after the user put the image back, and the engine moves on to work still wanted.
   */
  private readonly running = new Map<AbortController, RunningJob>();
  /** Images the page moved on while their automatic job ran, until one of their jobs ends in a result (see CUT_SHORT_HOLD). */
  private readonly cutShort = new WeakSet<HTMLImageElement>();
  /**
   * The same for a slideshow that renders each slide as a new element (a framework keyed by slide):
   * the page took out images while their automatic jobs ran, `inARow` times to a beat (SLIDE_BEAT_MS),
   * the last at `at`. From the second, new images are looked at once they have stayed `hold`
   * (CUT_SHORT_HOLD times as long as the last was on the page), until a job ends in a result (see
   * heldAsNextSlide).
   */
  private slidesCut: { inARow: number; at: number; hold: number } | undefined;
  /** When the watch saw each image come into the page (added, or there when auto-enhance started), while it stays. */
  private readonly arrivedAt = new WeakMap<HTMLImageElement, number>();
  /** Images whose last job failed, and whether auto-enhance's (or Enhance all's) job it was: those end with the switch. */
  private readonly failed = new Map<HTMLImageElement, 'auto' | 'menu'>();
  /** When the page last gave each image a new source (see SOURCE_SETTLE_MS). */
  private readonly sourceChangedAt = new WeakMap<HTMLImageElement, number>();
  /** Images whose source changes too often to enhance: the timer that looks at each once it settles. */
  private readonly settling = new WeakMap<HTMLImageElement, number>();
  /** This copy of the script lost its extension and handed the page back (retire). */
  private retired = false;
  /**
   * URLs an automatic job failed on: trying them again by themselves would fail again. Bounded
   * (URLS_KEPT, oldest out), as is `retried`: one forgotten is at worst tried once more.
   */
  private readonly givenUp = new Map<string, FailureCode>();
  /** URLs tried once more already after a failure of RETRIED's: a lasting one is not tried forever. */
  private readonly retried = new Set<string>();

  /**
   * `onChange`: called after every change to this frame's images or counts. `orphaned`: whether
   * this copy of the script lost its extension, handing the page back (retire) if so.
   */
  constructor(
    private readonly onChange: () => void,
    private readonly orphaned: () => boolean,
  ) {}

  /** The settings and the site's switch, as storage has them now. */
  configure(settings: Settings, autoOn: boolean): void {
    this.settings = settings;
    if (autoOn && !this.autoOn) this.switchOn();
    else if (!autoOn && this.autoOn) this.switchOff();
    // New rules (a smaller minimum factor, say) may take images they turned away, or the reverse.
    // Where nothing is automatic (the site off, no Enhance all) they take none: no walk of the page
    // on every synced change (another site's switch, a setting) in every frame of every tab.
    else if (this.autoOn || this.forcedAny) for (const img of pageImages()) this.look(img);
  }

  /**
   * A tab in the background starts no automatic job (the one running lands), so pages left open
   * behind the one being read do not keep the CPU busy; they go on when shown. The menu's jobs,
   * asked for by the user, are not held.
   */
  setPageHidden(hidden: boolean): void {
    if (hidden) this.queue.pause();
    else this.queue.resume();
  }

  /** The context menu's job: every image showing `srcUrl`, at the scale the user chose; `pointed`: the images the user pointed at, best first (see ringAnchor). */
  async enhance(srcUrl: string, scale: number, settings: JobSettings, pointed: HTMLImageElement[] = []): Promise<EnhanceOutcome> {
    // Handed back (Firefox reloads Enhance in a moment to update it): a result now would be left behind.
    if (this.retired) return { ok: false, images: 0, failure: toFailure(new EnhanceError('engine-unavailable')) };
    const showing = imagesShowing(srcUrl);
    const editable = showing.filter((img) => !inEditedText(img));
    // A larger copy of the file (a hero beside its thumbnail) keeps the larger result it has: the
    // scale is the user's choice for the image pointed at. Unless every one has such a result.
    const keepsMore = (img: HTMLImageElement) => !pointed.includes(img) && (originalOf(img)?.scale ?? 0) > scale;
    const lower = editable.filter((img) => !keepsMore(img));
    const targets = lower.length > 0 ? lower : editable;
    const anchor = ringAnchor(targets, pointed);
    if (!anchor) return showing.length > 0 ? turnedAway(showing[0], 'editable') : { ok: false, images: 0, failure: toFailure(new EnhanceError('image-gone')) };
    // Enhancing an enhanced image starts again from the page's original, not from our blob, and
    // so does a copy the page made of one (met first when it comes before the image in the page).
    const source = originalOf(anchor)?.srcUrl ?? pageFileOf(srcUrl) ?? srcUrl;
    // Such copies show the page's file again, and take the new result as the image does (the old
    // result, replaced, would leave them the page's file anyway).
    this.watch.asOurs(() => targets.forEach(putBackCopyAttributes));
    for (const img of targets) {
      this.queue.withdraw(img);
      this.inManualJob.add(img);
      this.restoredByUser.delete(img);
    }
    // An automatic job running for them alone would hold the engine (one job at a time) for a
    // result no one takes: the user's job would wait for it. So would a menu job for them at the
    // scale the user no longer wants (x2 asked for, then x4), its ring under the new one's. One at
    // this scale lands, and the new one gets its result from the cache.
    const replaced = (job: RunningJob) => job.scale !== undefined && job.scale !== scale && job.targets?.every((img) => targets.includes(img)) === true;
    this.stopJobs((job) => (job.srcUrl === source && noAutomaticWaiter(job)) || replaced(job));
    this.changed();
    const before = new Map(targets.map((img) => [img, { markup: markupOf(img), file: img.currentSrc }]));
    const job = this.startJob({ srcUrl: source, targets, scale });
    const outcome = await enhanceImages({
      request: { type: 'job', srcUrl: source, scale, settings },
      anchor,
      // Not into a copy the user put back meanwhile (it shows the page's file again).
      swapInto: (resultUrl, result, kept) => {
        const into = imagesShowing(source).filter((img) => hasPixels(img) && !this.isPutBack(img) && (targets.includes(img) || !keepsMore(img)));
        return this.swap(into, source, resultUrl, result, { auto: false, scale, ...kept });
      },
      stop: job.signal,
    });
    this.running.delete(job);
    const nextFiles = new Set<string>();
    for (const img of targets) {
      // A later menu job for it, which stopped this one, runs on: the image is still queued.
      if (![...this.running].some(([other, about]) => !other.signal.aborted && about.targets?.includes(img))) this.inManualJob.delete(img);
      if (!outcome.ok && !job.signal.aborted) this.failed.set(img, 'menu');
      if (originalOf(img) || img.currentSrc === source) continue;
      // Its own markup picked another file meanwhile (a resize across a <picture>'s breakpoint): that
      // file gets the scale the user chose, as after a swap (followPageChoice); once for all its images.
      const was = before.get(img);
      if (!job.signal.aborted && was !== undefined && img.currentSrc !== was.file && markupOf(img) === was.markup) {
        if (!nextFiles.has(img.currentSrc)) this.enhanceNextFile(img, scale, settings);
        nextFiles.add(img.currentSrc);
      }
      // The page moved it on to another file (a gallery's next picture), which auto-enhance passed
      // over while the job ran: it looks now, as it would have without the job.
      else this.look(img);
    }
    this.stopWatchingIfIdle();
    this.changed();
    return outcome;
  }

  restore(srcUrl: string): number {
    // A menu job running on the image put back (enhancing it again, at another scale) stops.
    const putBack = imagesShowing(srcUrl);
    // And an automatic one they waited for (a larger scale after a zoom), which they no longer take.
    const files = new Set(putBack.map((img) => originalOf(img)?.srcUrl ?? img.currentSrc));
    for (const img of putBack) {
      this.queue.withdraw(img);
      this.menuScaleForNextFile.delete(img);
    }
    this.stopJobs((job) => job.targets?.some((img) => putBack.includes(img)) === true || (files.has(job.srcUrl) && noAutomaticWaiter(job)));
    // With the page's copies showing the result (a carousel's cloned slide), which go back to the
    // page's file with it: the user put the picture back, wherever the page shows it.
    const restored = this.restoreAsPutBack(imagesShowing(srcUrl));
    for (const img of putBack) if (!restored.includes(img)) this.putBackByUser(img);
    this.stopWatchingIfIdle();
    this.changed();
    return restored.length;
  }

  /** Whether the page's changes are followed now (tests ask, through 'ping'). */
  watching(): boolean {
    return this.watch.running;
  }

  /** The popup's Enhance all: every image on the page is looked at now. Resolves to how many were queued. */
  async enhanceAll(): Promise<number> {
    this.watch.start();
    this.forcedAny = true;
    this.forgetGivenUp();
    const looks = pageImages().map((img) => {
      this.forced.add(img);
      this.restoredByUser.delete(img);
      return this.consider(img);
    });
    return (await Promise.all(looks)).filter(Boolean).length;
  }

  /** A second try for what failed, and a retry after it where one would come; skipped files would only be turned away again. */
  private forgetGivenUp(): void {
    for (const [url, code] of this.givenUp) if (!ENGINE_SKIPS.has(code)) this.givenUp.delete(url);
    this.retried.clear();
  }

  /** The popup's Restore all: every enhanced image back as the page had it, and nothing left queued. */
  restoreAll(): number {
    this.forced = new WeakSet();
    this.forcedAny = false;
    // Before the jobs stop: a stopped automatic job lets go of its images (abandon), which would then be missing here.
    const withdrawn = this.queue.withdrawAll();
    this.stopJobs(() => true);
    this.menuScaleForNextFile.clear();
    const restored = this.restoreAsPutBack(enhancedImages());
    for (const img of withdrawn) if (!restored.includes(img)) this.putBackByUser(img);
    // Now, not a task later: a script that lost its extension (retire) may not run again.
    this.letGo([...this.departing]);
    this.stopWatchingIfIdle();
    this.changed();
    return restored.length;
  }

  /**
   * Editing began: the focus went into a contenteditable element, or into a document in design
   * mode. The images we enhanced in that text show the page's files again, before the editor could
   * save our blob: URLs into it (see inEditedText).
   */
  editingBegan(): void {
    const enhancedNow = enhancedImages();
    if (enhancedNow.length === 0) return;
    // The page's copies of them there too (a quote put in before the text became editable).
    this.watch.asOurs(() => {
      for (const img of pageImages()) if (inEditedText(img)) putBackCopyAttributes(img);
    });
    const edited = enhancedNow.filter(inEditedText);
    if (edited.length === 0) return;
    this.watch.asOurs(() => restoreImages(edited));
    this.stopWatchingIfIdle();
    this.changed();
  }

  /**
   * A copy (Ctrl+C, the page's own copy button) serializes the selection's markup as it is: an
   * enhanced image in it (or the page's copy of one) would carry our blob: URL, which breaks once this tab is gone, and not the
   * page's srcset, into wherever it is pasted (an editor keeps srcset). Until the browser has
   * written the clipboard, the selected images have the page's markup; they take their results
   * back before the next frame is drawn (a copy runs no frame in between), so nothing flickers.
   * Each change re-selects the image's file: a page file the browser may not keep (no-store) is
   * asked for again, once per copy.
   */
  copying(selection: Selection | null): void {
    if (!selection || selection.isCollapsed) return;
    const ranges = Array.from({ length: selection.rangeCount }, (_, i) => selection.getRangeAt(i));
    const selected = [...enhancedImages(), ...copiesOfEnhanced()].filter((img) => {
      const host = outermostHost(img);
      if (host === img) return selection.containsNode(img, true);
      // A copy takes a web component's shadow tree along (Chromium), but the selection's ends have no
      // place in it: Select all ends before a trailing component. Its host inside the ranges' common
      // ancestor counts (at worst, an image the copy leaves out lends its markup for nothing).
      return ranges.some((range) => range.commonAncestorContainer.contains(host));
    });
    if (selected.length === 0) return;
    const takeBack = this.watch.asOurs(() => lendMarkup(selected));
    let back = false;
    const giveBack = () => {
      if (back) return;
      back = true;
      this.watch.asOurs(takeBack);
    };
    // Both run after the copy's task, which writes the clipboard; the frame's callback at the latest before it is drawn.
    requestAnimationFrame(giveBack);
    setTimeout(giveBack, 0);
  }

  /**
   * Hears every image of `tree` that fails to load, for good: a copy of a result we freed gets the
   * page's own file back (see putBackFreedCopy). 'error' does not bubble, nor leave a shadow root:
   * caught on its way down, in the document and in each shadow root a result was shown in, where
   * the page's copies of it (a component's history, a lightbox) most likely land.
   */
  listenForFailedLoads(tree: Document | ShadowRoot): void {
    if (this.failureListened.has(tree)) return;
    this.failureListened.add(tree);
    tree.addEventListener('error', this.onLoadFailed, { capture: true, passive: true });
  }

  private readonly failureListened = new WeakSet<Document | ShadowRoot>();

  private readonly onLoadFailed = (event: Event): void => {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || this.retired) return;
    const freed = freedResultOf(img);
    if (freed) this.watch.asOurs(() => putBackFreedCopy(img, freed));
    else {
      // Put back by the user, it stays so with the kept file's URL in its markup: its source changed under isPutBack.
      const putBack = this.isPutBack(img);
      this.watch.asOurs(() => {
        if (showKeptFile(img) && putBack) this.putBackByUser(img);
      });
    }
    // The file the markup picked after the user enhanced the image is not coming: nothing waits for it.
    if (this.menuScaleForNextFile.delete(img)) this.stopWatchingIfIdle();
  };

  /**
   * This copy of the script lost its extension (updated, reloaded, switched off or removed):
   * everything it changed goes back, so the page is as the page made it (and a new copy, if one
   * comes, finds it so), and it takes no more images.
   */
  retire(): void {
    if (this.autoOn) this.switchOff();
    this.stopRecheckingHidden();
    this.restoreAll();
    this.retired = true;
  }

  private switchOn(): void {
    this.autoOn = true;
    // Cut under Enhance all alone: the slideshow's beat is for auto-enhance to hear anew.
    this.slidesCut = undefined;
    this.watch.start();
    this.viewport = new IntersectionObserver((entries) => this.onViewport(entries), nearViewportMargins());
    this.resized = new ResizeObserver((entries) => this.onResized(entries));
    for (const img of pageImages()) this.observe(img);
  }

  private observe(img: HTMLImageElement): void {
    if (!this.arrivedAt.has(img)) this.arrivedAt.set(img, performance.now());
    this.viewport?.observe(img);
    this.resized?.observe(img);
  }

  /** Stops all automatic work and puts back what it swapped; what the user enhanced from the menu stays. */
  private switchOff(): void {
    this.autoOn = false;
    this.viewport?.disconnect();
    this.viewport = null;
    this.resized?.disconnect();
    this.resized = null;
    this.near = new WeakSet();
    this.forced = new WeakSet();
    this.restoredByUser = new WeakMap();
    this.forcedAny = false;
    this.slidesCut = undefined;
    this.stopRecheckingHidden();
    this.stopJobs((job) => job.waiters !== undefined);
    this.queue.withdrawAll();
    // The popup's failed count is of what the user would still see wrong: automatic work, stopped
    // now, leaves the page's own images, which no one asked for any more. Switched on again, it
    // tries them again (as Enhance all does), rather than pass them over uncounted.
    for (const [img, by] of this.failed) if (by === 'auto') this.failed.delete(img);
    this.forgetGivenUp();
    this.watch.asOurs(() => restoreImages(enhancedImages().filter((img) => originalOf(img)?.auto)));
    this.stopWatchingIfIdle();
    this.changed();
  }

  /**
   * After a restore, a job's end, images the page dropped, or the site's switch going off: with
   * nothing of ours on the page, nothing queued and no job running, the page's changes concern us
   * no more (a menu Enhance then Restore original kept every observer for the page's life).
   */
  private stopWatchingIfIdle(): void {
    // Images Enhance all asked for that have not loaded yet come back through the watch's 'load'.
    // So do images enhanced from the menu waiting for the file their markup picked (see loaded).
    // Removed images still to be let go of are watched for, should the page put them back first (see letGoSoon).
    const idle = !this.autoOn && !this.forcedAny && this.running.size === 0 && this.queue.size === 0 && this.menuScaleForNextFile.size === 0 && this.departing.size === 0;
    if (idle && enhancedImages().length === 0) this.watch.stop();
  }

  private onViewport(entries: IntersectionObserverEntry[]): void {
    let resultWentFar = false;
    for (const entry of entries) {
      const img = entry.target as HTMLImageElement;
      if (entry.isIntersecting) {
        this.near.add(img);
        this.look(img);
      } else {
        this.near.delete(img);
        if (!this.forced.has(img)) this.queue.withdrawIfPending(img);
        resultWentFar ||= originalOf(img)?.auto === true;
      }
    }
    // Counted when it goes far, not only at the next swap: that swap may come before the observer
    // reports the scroll (a result from the cache), and then none may come.
    if (resultWentFar) this.keepFarResultsWithinBudget();
  }

  private onResized(entries: ResizeObserverEntry[]): void {
    // Only near images: far ones are looked at when they come near, at whatever size they have then.
    for (const entry of entries) if (this.near.has(entry.target as HTMLImageElement)) this.look(entry.target as HTMLImageElement);
  }

  /**
   * Whether auto-enhance may look at the image. One it enhanced is looked at again: a zoom on
   * hover, a browser zoom or a denser screen may need a larger scale than it got. A copy of one of
   * our results (a lightbox's clone) is not: the model would run on its own output.
   */
  private wants(img: HTMLImageElement): boolean {
    const original = originalOf(img);
    if (original ? !original.auto : isOurResult(img.currentSrc)) return false;
    if (this.retired || !img.isConnected || this.inManualJob.has(img) || inEditedText(img)) return false;
    // One the user put back stays so, Enhance all's mark or not, until the page gives it a new source.
    return !this.isPutBack(img) && (this.forced.has(img) || (this.autoOn && this.near.has(img)));
  }

  /**
   * Remembers `img` as put back (restoredByUser), with the source it has now and the file it shows:
   * `shown`, the page's file a restore gave back, where the restore's load has not ended yet (and
   * nothing may watch for its end, see notePutBackFile).
   */
  private putBackByUser(img: HTMLImageElement, shown = img.currentSrc): void {
    this.restoredByUser.set(img, { ...sourceOf(img), shown });
  }

  /** Restores `images` (restoreImages), each remembered as put back with the page's file it shows again; returns those restored. */
  private restoreAsPutBack(images: HTMLImageElement[]): HTMLImageElement[] {
    const files = new Map(images.map((img) => [img, originalOf(img)?.srcUrl]));
    const restored = this.watch.asOurs(() => restoreImages(images));
    for (const img of restored) this.putBackByUser(img, files.get(img));
    return restored;
  }

  /**
   * The file a put-back image shows, once loaded: the restore's own load (a srcset's pick, a file
   * not in memory) may end after the image was put back, when its currentSrc was still our result's.
   * Not once its src names another URL (see sourceOf): that load is of another file.
   */
  private notePutBackFile(img: HTMLImageElement): void {
    const putBack = this.restoredByUser.get(img);
    if (putBack && putBack.resolved === sourceOf(img).resolved) putBack.shown = img.currentSrc;
  }

  /** Whether `img` was put back and the page has given it no new source since, watched or not. */
  private isPutBack(img: HTMLImageElement): boolean {
    const putBack = this.restoredByUser.get(img);
    if (!putBack) return false;
    const now = sourceOf(img);
    return putBack.resolved === now.resolved || (putBack.written === now.written && putBack.shown === img.currentSrc);
  }

  /** The file the image's markup picked instead of the one the user enhanced, at the user's scale: now if loaded, else once it is (loaded). */
  private enhanceNextFile(img: HTMLImageElement, scale: number, settings: JobSettings): void {
    if (!hasPixels(img)) {
      this.menuScaleForNextFile.set(img, scale);
      return;
    }
    this.enhance(img.currentSrc, scale, settings).catch((error: unknown) => logError('page choice', error));
  }

  /** An image loaded a file: one the user enhanced from the menu before its markup picked this file gets it enhanced too. */
  private loaded(img: HTMLImageElement): void {
    this.notePutBackFile(img);
    const scale = this.menuScaleForNextFile.get(img);
    if (scale === undefined || originalOf(img)) return this.look(img);
    // Once: a file that fails to load, or a later one, is not the user's to enhance.
    this.menuScaleForNextFile.delete(img);
    this.enhance(img.currentSrc, scale, this.settings).catch((error: unknown) => logError('page choice', error));
  }

  private look(img: HTMLImageElement): void {
    this.consider(img).catch((error: unknown) => logError('auto-enhance', error));
  }

  /** A new image while slides taken out with their jobs running hold the next ones (slidesCut): looked at once it has stayed as long. */
  private heldAsNextSlide(img: HTMLImageElement): boolean {
    // Enhance all's, asked for by the user (from the popup, which gives the page no activation).
    if (!this.slidesCut || this.slidesCut.inARow < 2 || this.forced.has(img) || userJustActed()) return false;
    const stayed = performance.now() - (this.arrivedAt.get(img) ?? -Infinity);
    if (stayed >= this.slidesCut.hold) return false;
    this.settling.set(
      img,
      window.setTimeout(() => {
        this.settling.delete(img);
        this.look(img);
      }, this.slidesCut.hold - stayed),
    );
    return true;
  }

  /** Queues the image when it is wanted and needs enhancing; resolves to whether it was queued just now. */
  private async consider(img: HTMLImageElement): Promise<boolean> {
    if (!this.wants(img) || this.settling.has(img) || this.heldAsNextSlide(img)) return false;
    const fileOf = (image: HTMLImageElement) => originalOf(image)?.srcUrl ?? image.currentSrc;
    const url = fileOf(img);
    const first = needsEnhancing(readFacts(img), this.settings);
    // Hidden or blurred for now, often until the page's own load handler (a fade-in, a blur-up) changes a class we do not watch.
    this.recheckWhileHidden(img, !first.enhance && (first.reason === 'hidden' || first.reason === 'blurred'));
    // Images not loaded yet come back here on their load event.
    if (!first.enhance && DECIDED_BY_ELEMENT.has(first.reason)) {
      this.queue.withdraw(img);
      return false;
    }
    const pixels = await this.fileSize(url, img);
    // The page, the user or a scroll may have changed things while the file was read.
    if (!this.wants(img) || fileOf(img) !== url) return false;
    const facts = readFacts(img, pixels);
    const verdict = needsEnhancing(facts, this.settings);
    const scale = verdict.enhance ? chooseScale(verdict.need, SHIPPED_SCALES, facts.naturalWidth, facts.naturalHeight) : undefined;
    let queued = false;
    if (scale !== undefined && scale > (originalOf(img)?.scale ?? 0) && !this.givenUp.has(url)) queued = this.queue.add(img, url, scale, priorityOf(img));
    else this.queue.withdraw(img);
    // The image may have left a running job for another file (a <picture> or srcset picking anew
    // after a resize): one that no image waits for or shows any more would hold the engine, and
    // every job behind it, for a result no one takes.
    this.stopAbandonedJobsSoon();
    return queued;
  }

  /**
   * stopJobs(noOneWaits), once for a burst of looks (a zoom looks at every near image): while a job
   * no image waits for runs, each check walks the whole page for an image showing its file.
   */
  private stopAbandonedJobsSoon(): void {
    if (this.abandonedCheckDue) return;
    this.abandonedCheckDue = true;
    window.setTimeout(() => {
      this.abandonedCheckDue = false;
      this.stopJobs(noOneWaits);
    });
  }

  /**
   * The pixel size of the page's file at `url`, shown by `img`: from its record where `img` shows our
   * result of it, since the size read before may have left pixelSizeOf's bounded cache, and a probe
   * would download the page's file again.
   */
  private fileSize(url: string, img: HTMLImageElement): Promise<Size | null> {
    const original = originalOf(img);
    const recorded = original?.srcUrl === url ? pageFileSize(original) : undefined;
    return recorded ? Promise.resolve(recorded) : pixelSizeOf(url, img);
  }

  private recheckWhileHidden(img: HTMLImageElement, isHidden: boolean): void {
    if (!isHidden) {
      this.hidden.delete(img);
      return;
    }
    // Looked at again by another event meanwhile (a load, a resize), it keeps its turn.
    if (!this.hidden.has(img)) this.hidden.set(img, { due: performance.now() + HIDDEN_RECHECK_MS, wait: HIDDEN_RECHECK_MS });
    if (this.hiddenTimer !== undefined) return;
    this.hiddenScrolls = new AbortController();
    const scrolled = () => {
      const due = performance.now() + HIDDEN_RECHECK_MS;
      for (const turn of this.hidden.values()) {
        turn.wait = HIDDEN_RECHECK_MS;
        turn.due = Math.min(turn.due, due);
      }
    };
    // Capturing: a box's scroll does not bubble.
    window.addEventListener('scroll', scrolled, { capture: true, passive: true, signal: this.hiddenScrolls.signal });
    this.hiddenTimer = window.setInterval(() => {
      // A tab in the background starts no job (setPageHidden): measuring its images would be for nothing.
      if (document.hidden) return;
      const now = performance.now();
      for (const [waiting, turn] of this.hidden) {
        // Gone or taken since: consider() would not look, so it would never leave the set.
        if (!this.wants(waiting)) this.hidden.delete(waiting);
        else if (now >= turn.due) {
          turn.wait = Math.min(2 * turn.wait, HIDDEN_RECHECK_MAX_MS);
          turn.due = now + turn.wait;
          // Only near ones are measured: Enhance all's far ones (a gallery's closed slides) wait until they come near (a scroll starts their turns again).
          if (this.isNear(waiting)) this.look(waiting);
        }
      }
      if (this.hidden.size === 0) this.stopRecheckingHidden();
    }, HIDDEN_RECHECK_MS);
  }

  /**
   * Near the window, as auto-enhance's observer reports it; with the site's switch off (Enhance all
   * alone) there is no observer, and the image's box says: none (not rendered: a closed tab panel's)
   * is as far as the observer would find it.
   */
  private isNear(img: HTMLImageElement): boolean {
    return this.viewport ? this.near.has(img) : inWindow(img.getBoundingClientRect(), NEAR_VIEWPORT_PX);
  }

  /**
   * Whether a zoom, a resize or a redraw is worth a look at the image: near the window, and with
   * the site's switch off, one Enhance all asked for (no other is wanted: no box is measured for it).
   */
  private worthALook(img: HTMLImageElement): boolean {
    return (this.viewport !== null || this.forced.has(img)) && this.isNear(img);
  }

  private stopRecheckingHidden(): void {
    this.hidden.clear();
    window.clearInterval(this.hiddenTimer);
    this.hiddenTimer = undefined;
    this.hiddenScrolls?.abort();
  }

  /**
   * The page changed images' source attributes. One we had enhanced, the page wins: we let go
   * without writing over its values (our sizes would not fit its new srcset either). Then each is
   * looked at afresh. Only `sizes` written (a lazy loader sizing images to their box on every
   * resize) is a new width for the same markup: the result stays where the page's choice keeps its
   * file, as after a resize. One batch is handled at once: letting go of a result, and stopping a
   * job no one waits for, each look over the whole page, and a virtual list recycles dozens of
   * elements in one go.
   */
  private onSourcesChanged(changes: Map<HTMLImageElement, boolean>): void {
    const looked: HTMLImageElement[] = [];
    const renewed: HTMLImageElement[] = [];
    // Put back once released: their source as the page has it then (isPutBack), not ours.
    const pageWon: HTMLImageElement[] = [];
    for (const [img, newSource] of changes) {
      if (newSource && showsPageMarkup(img)) {
        // The page put its own markup back (a morphing update): the same file, so the result goes
        // back now, before anything is drawn, with no job. A page that takes it out again at once,
        // whenever it sees it, wins like any other source change.
        if (this.mayAnswerPage(img)) {
          this.watch.asOurs(() => putBackResult(img));
          continue;
        }
        pageWon.push(img);
        looked.push(img);
        continue;
      }
      if (!newSource && originalOf(img)) {
        if (this.mayAnswerPage(img)) {
          this.watch.asOurs(() => adoptPageSizes(img));
          this.followPageChoice(img).catch((error: unknown) => logError('page choice', error));
          continue;
        }
        // The page wins, and keeps the image: enhanced again, it would start the fight again.
        pageWon.push(img);
      }
      // A copy of an enhanced image given sizes of its own is retargeted too (a zoom's larger pick).
      if (newSource || !originalOf(img)) this.watch.asOurs(() => putBackRetargetedCopy(img));
      looked.push(img);
      if (newSource) renewed.push(img);
    }
    if (this.watch.asOurs(() => releaseImages(looked)).length > 0) this.changed();
    for (const img of pageWon) this.putBackByUser(img);
    for (const img of renewed) {
      if ([...this.running.values()].some((about) => about.waiters?.().includes(img))) this.cutShort.add(img);
      this.queue.withdraw(img);
      this.lookOnceSettledIfChanging(img);
      this.restoredByUser.delete(img);
      this.failed.delete(img);
      // The page chose the file now: the menu's scale was for the one its markup picked.
      this.menuScaleForNextFile.delete(img);
    }
    if (renewed.length > 0) this.stopJobs(noOneWaits);
    for (const img of looked) this.look(img);
    // A menu result the page replaced with a file of its own may have been the last thing watched for.
    this.stopWatchingIfIdle();
  }

  /** The page gave `img` a new source: one given another shortly before waits until its source settles (SOURCE_SETTLE_MS). */
  private lookOnceSettledIfChanging(img: HTMLImageElement): void {
    const now = performance.now();
    const before = this.sourceChangedAt.get(img);
    this.sourceChangedAt.set(img, now);
    const shown = before === undefined ? Infinity : now - before;
    const slideshow = this.cutShort.has(img) && !userJustActed() && shown !== Infinity;
    const hold = slideshow ? slideHold(shown) : shown < SOURCE_SETTLE_MS ? SOURCE_SETTLE_MS : 0;
    window.clearTimeout(this.settling.get(img));
    this.settling.delete(img);
    if (hold === 0) return;
    this.settling.set(
      img,
      window.setTimeout(() => {
        this.settling.delete(img);
        this.look(img);
      }, hold),
    );
  }

  /**
   * A resize, a zoom or a move to another screen. The images near the viewport are looked at
   * again: a denser screen needs more pixels of every image, and one drawn at a fixed CSS size
   * reports no resize of its own.
   */
  private viewportChanged(): void {
    this.followPageChoices().catch((error: unknown) => logError('page choice', error));
    for (const img of pageImages()) if (this.worthALook(img)) this.look(img);
  }

  /**
   * After a resize, a zoom or a move to another screen: a responsive image whose markup now picks
   * another file gets it back, as when the page itself sets a new source; auto-enhance looks at
   * that file afresh when it loads (not before: until then the image still reports the old one).
   * An image that keeps its file keeps its result, laid out at the width the page's `sizes` now
   * gives the file.
   */
  private async followPageChoices(): Promise<void> {
    for (const img of enhancedImages()) await this.followPageChoice(img);
  }

  private async followPageChoice(img: HTMLImageElement): Promise<void> {
    const original = originalOf(img);
    if (!original || !followsViewport(original)) return;
    const choice = await pageChoice(img, original);
    // Restored by the user or by the page while the choice was read: nothing left to change.
    if (originalOf(img) !== original) return;
    if (choice.url !== original.srcUrl) {
      this.watch.asOurs(() => restoreImage(img));
      if (!original.auto) this.menuScaleForNextFile.set(img, original.scale);
      this.changed();
    } else if (choice.width !== null && choice.width > 0 && Math.abs(choice.width - original.shownWidth) >= 1) {
      // (Within a pixel: the same width, its fraction dropped by naturalWidth; see ownWidth in swap.ts.)
      const width = choice.width;
      this.watch.asOurs(() => layOutAt(img, width));
    }
  }

  /**
   * A page whose script puts its own `sizes` or markup back whenever it sees ours would write, and
   * we answer, without end: past a few writes a second of the same markup, the page wins, as with
   * any other source change. Only the same markup counts: such a script writes its one value back
   * each time, where a sizer following the image's box through a window drag (a ResizeObserver)
   * writes a new width each time, and its image keeps its result.
   */
  private mayAnswerPage(img: HTMLImageElement): boolean {
    const now = performance.now();
    const markup = markupOf(img);
    const recent = (this.pageWrites.get(img) ?? []).filter(({ time }) => now - time < PAGE_WRITES_WINDOW_MS);
    recent.push({ time: now, markup });
    this.pageWrites.set(img, recent);
    return recent.filter((write) => write.markup === markup).length <= PAGE_WRITES_ANSWERED;
  }

  private readonly pageWrites = new WeakMap<HTMLImageElement, Array<{ time: number; markup: string }>>();

  /** Whether `heir` may take over `gone`'s result: counted as one of the page's writes on it, after `gone`'s. */
  private inherit(gone: HTMLImageElement, heir: HTMLImageElement): boolean {
    this.pageWrites.set(heir, [...(this.pageWrites.get(gone) ?? [])]);
    return this.mayAnswerPage(heir);
  }

  /**
   * The page dropped the images (a feed recycling its items, a closed gallery). Our results go
   * with them: their blobs would otherwise live as long as the page, and an endless feed would grow
   * without bound. Should the page put an element back, it shows its own source, and is looked at
   * again like any new image. Let go, not restored: sources the page gave an element as it took it
   * out (a pool reusing it) stay, where a restore would write the old ones over them. A result an
   * element `added` in the same change takes over (a re-render of the same markup) stays, on it.
   */
  private forget(images: HTMLImageElement[], added: HTMLImageElement[]): void {
    // The automatic jobs these images waited for, each with how long the longest of them was on the page.
    const now = performance.now();
    // Not those stopped before (Restore all, the switch going off), still winding down.
    const waitedFor = [...this.running].filter(([job]) => !job.signal.aborted).flatMap(([job, about]) => {
      // Those whose arrival the watch saw (Enhance all's, with the site off, are not observed).
      const arrivals = images.filter((img) => about.waiters?.().includes(img)).flatMap((img) => this.arrivedAt.get(img) ?? []);
      return arrivals.length === 0 ? [] : [{ job, shown: now - Math.min(...arrivals) }];
    });
    // One the user put back that the page renders anew, in the same markup (React under a new
    // key), stays put back: the new element is the same picture to the user.
    const unclaimed = [...added];
    for (const img of images) {
      const found = this.isPutBack(img) ? unclaimed.findIndex((candidate) => sameMarkup(img, candidate)) : -1;
      if (found >= 0) this.putBackByUser(unclaimed.splice(found, 1)[0]);
    }
    // Not one claimed just now as a put-back image's successor: it stays put back.
    const heirs = unclaimed.filter((img) => !originalOf(img));
    this.watch.asOurs(() => {
      for (const img of images) {
        const found = heirs.findIndex((candidate) => mayHandOver(img, candidate));
        if (found < 0) continue;
        const [heir] = heirs.splice(found, 1);
        // An heir carries the writes of the element before it: a page that renders the image anew
        // whenever an attribute changes would otherwise get a new heir, and we a new write, without
        // end. Past a few a second the page wins, as over any element, and keeps the new one.
        if (this.inherit(img, heir)) handOver(img, heir);
        else this.putBackByUser(heir);
      }
    });
    this.letGoSoon(images);
    for (const img of images) {
      this.viewport?.unobserve(img);
      this.resized?.unobserve(img);
      // Put back by the page later (a carousel reusing its slides), it comes anew.
      this.arrivedAt.delete(img);
      this.queue.withdraw(img);
      this.failed.delete(img);
      this.menuScaleForNextFile.delete(img);
    }
    this.stopJobs(noOneWaits);
    const cut = waitedFor.filter(({ job }) => job.signal.aborted);
    if (cut.length > 0 && !userJustActed()) this.noteSlidesCut(Math.max(...cut.map(({ shown }) => shown)), now);
    this.stopWatchingIfIdle();
    this.changed();
  }

  /** Images shown `shown` ms taken out with their jobs running (see slidesCut). */
  private noteSlidesCut(shown: number, now: number): void {
    if (shown > SLIDE_BEAT_MS) {
      this.slidesCut = undefined;
      return;
    }
    const inARow = this.slidesCut && now - this.slidesCut.at <= SLIDE_BEAT_MS ? this.slidesCut.inARow + 1 : 1;
    this.slidesCut = { inARow, at: now, hold: slideHold(shown) };
  }

  /**
   * Lets go of removed images a task later. A page observing their old place with `subtree` still
   * sees writes on them until its observer's next callback (the DOM's transient observers): one
   * that renders anew on any attribute change would answer our letting go with a new element, and
   * that element, enhanced from the cache, with the next, without end. An image the page puts back
   * before then is let go of as it arrives (see the watch's `added`).
   */
  private letGoSoon(images: HTMLImageElement[]): void {
    for (const img of images) this.departing.add(img);
    this.departingTimer ??= window.setTimeout(() => {
      this.letGo([...this.departing]);
      this.stopWatchingIfIdle();
    });
  }

  private letGo(images: HTMLImageElement[]): void {
    for (const img of images) this.departing.delete(img);
    if (this.departing.size === 0) {
      window.clearTimeout(this.departingTimer);
      this.departingTimer = undefined;
    }
    this.watch.asOurs(() => releaseImages(images));
  }

  private readonly departing = new Set<HTMLImageElement>();
  private departingTimer: number | undefined;

  private async runAutomatic(url: string, scale: number, waiters: () => HTMLImageElement[]): Promise<void> {
    // A job could only fail now; the page gets its images back instead.
    if (this.orphaned()) return;
    // Listed before its first wait: a switch-off, or its images leaving, stops it from then on.
    const job = this.startJob({ srcUrl: url, waiters });
    try {
      await this.runStarted(job, url, scale, waiters);
    } finally {
      this.running.delete(job);
    }
  }

  private async runStarted(job: AbortController, url: string, scale: number, waiters: () => HTMLImageElement[]): Promise<void> {
    // The worker starts the engine when it hears of queued work, so that it is up when the port
    // opens (not for a tab in the background: its first job, once shown, starts it through the port).
    await this.report.flush();
    const anchor = ringAnchor(waiters(), []);
    if (!anchor || job.signal.aborted) return;
    // Known by now: consider() read it before queueing.
    const pixels = await this.fileSize(url, anchor);
    if (job.signal.aborted) return;
    const outcome = await enhanceImages({
      request: { type: 'job', srcUrl: url, scale, settings: this.settings, auto: true },
      anchor,
      swapInto: (resultUrl, result, kept) => {
        const takers = this.takersOf(url, scale, pixels, waiters());
        for (const img of takers) this.cutShort.delete(img);
        if (takers.length > 0) this.slidesCut = undefined;
        const swapped = this.swap(takers, url, resultUrl, result, { auto: true, scale, ...kept });
        this.keepFarResultsWithinBudget();
        return swapped;
      },
      stop: job.signal,
    });
    if (!outcome.failure || job.signal.aborted) return;
    const { code, pixels: counted } = outcome.failure;
    if (code === 'denser-than-shown' && counted) {
      // Measured again with the file's own pixels, once this job is over: the page may show them
      // sharp already, or need a smaller scale.
      noteCountedPixels(url, counted);
      const images = waiters();
      // No longer failed from an earlier try (the engine not starting): the next look decides.
      for (const img of images) if (this.failed.get(img) === 'auto') this.failed.delete(img);
      window.setTimeout(() => images.forEach((img) => this.look(img)));
      return;
    }
    this.givenUp.set(url, code);
    keepNewest(this.givenUp, URLS_KEPT);
    // A failure the user asked about from the menu stays theirs (a switch-off keeps it).
    if (!ENGINE_SKIPS.has(code)) for (const img of waiters()) if (!this.failed.has(img)) this.failed.set(img, 'auto');
    if (RETRIED.has(code) && !this.retried.has(url)) this.retryLater(url, waiters());
  }

  private startJob(about: RunningJob): AbortController {
    const job = new AbortController();
    this.running.set(job, about);
    return job;
  }

  private stopJobs(which: (job: RunningJob) => boolean): void {
    for (const [job, about] of this.running) {
      if (job.signal.aborted || !which(about)) continue;
      job.abort();
      // An image asking for its file from now on must not join a run that will swap nothing in.
      if (about.waiters) this.queue.abandon(about.srcUrl);
    }
  }

  private retryLater(url: string, images: HTMLImageElement[]): void {
    this.retried.add(url);
    keepNewest(this.retried, URLS_KEPT);
    window.setTimeout(() => {
      this.givenUp.delete(url);
      for (const img of images) this.look(img);
    }, RETRY_AFTER_MS);
  }

  /**
   * An automatic result goes to every image showing that file that needs it, waiting or not (one
   * far down the page need not wait for a scroll), unless the user put it back; a copy of the file
   * the page shows at its own size stays as it is. An image auto-enhance gave a smaller scale of
   * that file takes this one; one the user enhanced from the menu keeps what they chose. None once
   * no one waits (the site was switched off meanwhile).
   */
  private takersOf(url: string, scale: number, pixels: Size | null, waiters: HTMLImageElement[]): HTMLImageElement[] {
    if (waiters.length === 0) return [];
    return pageImages().filter((img) => {
      const original = originalOf(img);
      return (
        (original ? original.auto && original.srcUrl === url && original.scale < scale : img.currentSrc === url) &&
        hasPixels(img) &&
        !this.inManualJob.has(img) &&
        !this.isPutBack(img) &&
        (waiters.includes(img) || needsEnhancing(readFacts(img, pixels), this.settings).enhance)
      );
    });
  }

  private swap(images: HTMLImageElement[], srcUrl: string, resultUrl: string, result: Size, how: Pick<Original, 'auto' | 'scale' | 'standIn' | 'pageFile' | 'asStored' | 'checks'>): number {
    const live = images.filter((img) => img.isConnected && !inEditedText(img));
    // From the first swap on, a page that changes an enhanced image's source must be noticed.
    this.watch.start();
    this.watch.watchRootsOf(live);
    this.watch.asOurs(() => {
      for (const img of live) applyResult(img, srcUrl, resultUrl, result.width, { ...how, resultPixels: result.width * result.height });
    });
    this.watch.followMedia(live.flatMap((img) => originalOf(img)?.sources.map(({ media }) => media) ?? []));
    for (const img of live) {
      for (let root = img.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) this.listenForFailedLoads(root);
    }
    for (const img of live) this.failed.delete(img);
    this.changed();
    return live.length;
  }

  /**
   * An endless feed enhanced as it scrolls by would hold every result it ever showed. Automatic
   * results far from view (outside the margin auto-enhance looks in) are kept up to
   * FAR_RESULT_SCREENS screenfuls of pixels; past that the farthest give the page's file back, and
   * are enhanced again, from the engine's cache, when they come near. What the user enhanced from
   * the menu or with Enhance all stays.
   */
  private keepFarResultsWithinBudget(): void {
    if (!this.autoOn) return;
    const budget = FAR_RESULT_SCREENS * window.innerWidth * window.innerHeight * window.devicePixelRatio ** 2;
    // Images of one file share its result: it is freed once none of them shows it.
    const byResult = new Map<string, { images: HTMLImageElement[]; pixels: number }>();
    for (const img of enhancedImages()) {
      const { resultUrl, resultPixels } = originalOf(img) as Original;
      const group = byResult.get(resultUrl) ?? { images: [], pixels: resultPixels };
      group.images.push(img);
      byResult.set(resultUrl, group);
    }
    const far = [...byResult.values()].filter(({ images }) => images.every((img) => originalOf(img)?.auto && !this.near.has(img) && !this.forced.has(img)));
    let held = far.reduce((sum, { pixels }) => sum + pixels, 0);
    if (held <= budget) return;
    // Measured only now: every far image's position is a layout read, on every automatic swap.
    const distanceOf = new Map(far.map((group) => [group, Math.min(...group.images.map((img) => priorityOf(img).distance))]));
    const released: HTMLImageElement[] = [];
    for (const { images, pixels } of far.sort((a, b) => (distanceOf.get(b) ?? 0) - (distanceOf.get(a) ?? 0))) {
      if (held <= budget) break;
      released.push(...images);
      held -= pixels;
    }
    this.watch.asOurs(() => restoreImages(released));
    this.changed();
  }

  /**
   * The browser keeps the page whole, to show it again on Back (the back/forward cache). Its job
   * ports close, but the page is frozen and never hears it: jobs stop now, quietly, or their rings
   * would spin on when it comes back, and its images would wait for them forever. The queue stops
   * too: the stopped job ends before the page is hidden (pagehide comes first), and the next one
   * would start as the page freezes, to wait just as long.
   */
  pageKept(): void {
    this.queue.pause();
    this.stopJobs(() => true);
  }

  /** Back from the back/forward cache: the worker forgot the counts, and what a stopped job was for is looked at afresh. */
  pageBack(): Promise<void> {
    this.setPageHidden(document.hidden);
    for (const img of pageImages()) this.look(img);
    return this.reportCounts();
  }

  /** This frame's document goes for good: its counts go to zero at the worker. */
  leaving(): void {
    this.report.leaving();
  }

  /** Sends this frame's counts to the worker even if unchanged: it forgot them (the tab's URL changed). */
  reportCounts(): Promise<void> {
    return this.report.resend();
  }

  /** Images were swapped, restored, queued or failed: the counts go to the worker, and `onChange` hears. */
  private changed(): void {
    this.report.changed();
    this.onChange();
  }

  private counts(): TabCounts {
    let failed = 0;
    for (const img of this.failed.keys()) {
      // Dropped while the page was not watched (nothing of ours left to watch for): let it go with the page's tree.
      if (!img.isConnected) this.failed.delete(img);
      else if (!originalOf(img)) failed++;
    }
    return { enhanced: enhancedImages().length, queued: this.queue.size + this.inManualJob.size, failed };
  }
}

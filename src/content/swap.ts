/**
 * Putting the enhanced pixels into an <img> without moving anything, and taking them out again.
 *
 * The result is given as `srcset="blob:... Ww"` with `sizes="Npx"`, N the width the image is
 * displayed at by its own pixels (its density-corrected natural width), so the browser sizes the
 * bigger image exactly like the old one. A width descriptor, not `Nx`: with only density
 * descriptors the browser adds `src` as a 1x candidate and picks it on a 1x screen, which would
 * show the page's file again, or, were `src` our blob too, double the size of an unsized image.
 * `src` is never touched. The <source>s of a <picture> get the same srcset and sizes, so the
 * browser has nothing else to switch back to. Existing attributes are overwritten in place, never
 * removed and re-added, so restoring gives back the very same markup, attribute order included.
 */
import { keepNewestWithin } from '../core/bounded';
import { storedSize, type Size } from '../core/image-geometry';
import { baseNaming, rebasing, type Rebasing } from '../core/rebase-urls';
import type { JobRequest } from '../shared/protocol';
import { basesSeen, noteBase } from './document-bases';
import { showsAsStored } from './image-facts';
import { pageImages } from './page-images';
import { noteRevoked } from './revoked-urls';

export interface Original {
  /** The URL the engine enhanced: the image's currentSrc at the time. */
  srcUrl: string;
  attributes: Record<'srcset' | 'sizes', string | null>;
  /**
   * The image's src at the swap: with the rest, the page's own markup. We change it only where the
   * page's document URL has moved since (keepPageUrls).
   */
  src: string | null;
  /** `document.baseURI` at the swap: what the page's relative URLs resolved against. */
  baseUrl: string;
  /** Each <source>'s srcset and sizes, which we change, and media and type, which pick it: the page's markup, with `src`. */
  sources: Array<{ element: HTMLSourceElement; srcset: string | null; sizes: string | null; media: string | null; type: string | null }>;
  /** The blob URL now shown, revoked on restore. */
  resultUrl: string;
  /** The srcset and sizes we set on the image and its <source>s. */
  shown: Record<'srcset' | 'sizes', string>;
  /** Every value `shown.sizes` has had (a resize changes it): a copy the page made before carries an older one, ours all the same. */
  sizesShown: Set<string>;
  /** The width the image is laid out at by its own pixels, in CSS px: what `sizes` holds. */
  shownWidth: number;
  /** The result's width in pixels: `scale` times the page file's. */
  resultWidth: number;
  /** Swapped by auto-enhance (or Enhance all), which puts it back when the site is switched off. */
  auto: boolean;
  /** The result's scale over the page's file: auto-enhance raises it when the image needs more. */
  scale: number;
  /** The result's width times its height: what holding it costs. */
  resultPixels: number;
  /**
   * The page lays the file out as stored (`image-orientation: none`: JobRequest.asStored): a job at
   * another scale, asked while the image shows our result, and the page's widths go so too.
   */
  asStored?: boolean;
  /**
   * The page's pixels, where the page's own blob: URL loads nothing any more (an upload preview
   * revokes it once shown): a restore shows them as `src`, from a URL of ours, or the image would
   * break. A new URL each time: the page may revoke that one too, on the image's next load.
   */
  standIn?: Blob;
  /**
   * The page's file, as the engine got it (small ones only: PAGE_FILE_KEPT_BYTES): a restore whose
   * URL then fails to load (a signed link expired meanwhile, a one-time token, the network gone)
   * shows it instead of a broken image (showKeptFile).
   */
  pageFile?: Blob;
  /**
   * What the engine checked its download against (JobRequest.shownSize and shownThumbnail), read
   * while the image showed the page's file: a job at another scale, asked while it shows our
   * result, goes by them too where no pageFile was kept to enhance again (job.ts asShownBefore).
   */
  checks?: Pick<JobRequest, 'shownSize' | 'shownThumbnail'>;
}

/**
 * A Map, not a WeakMap: it lists what we changed without walking the page. An image the page
 * drops is let go (or its result handed to an heir) when the page watch reports it
 * (PageEnhancer.forget), which takes it out.
 */
const enhanced = new Map<HTMLImageElement, Original>();

export function originalOf(img: HTMLImageElement): Original | undefined {
  return enhanced.get(img);
}

/**
 * The upright size of the page's file an enhanced image was made from: its result's over the scale.
 * Undefined where the result was made from the file as stored (Original.asStored), which may be
 * turned. Read from the record, not by a probe, which would download a no-store file again.
 */
export function pageFileSize(original: Original): Size | undefined {
  if (original.asStored) return undefined;
  return { width: original.resultWidth / original.scale, height: original.resultPixels / original.resultWidth / original.scale };
}

/** The images on the page that show an enhanced result now. */
export function enhancedImages(): HTMLImageElement[] {
  return [...enhanced.keys()].filter((img) => img.isConnected);
}

/**
 * Whether `url` is one of our results on the page. A page may copy an enhanced <img> (a lightbox
 * zooming a clone, a carousel cloning its slides), and the copy shows our result under a URL of
 * our own: enhancing that would run the model on its own output.
 */
export function isOurResult(url: string): boolean {
  return pageFileOf(url) !== undefined;
}

/** The page's file a result was made from, for a URL that is one of our results (a copy the page made shows it too). */
export function pageFileOf(resultUrl: string): string | undefined {
  for (const original of enhanced.values()) if (original.resultUrl === resultUrl) return original.srcUrl;
  return undefined;
}

/**
 * Images showing `srcUrl`: as the page set it, or as we replaced it. A lazy image the browser has
 * not loaded yet already has its currentSrc: `hasPixels` tells it apart.
 */
export function imagesShowing(srcUrl: string): HTMLImageElement[] {
  return pageImages().filter((img) => img.currentSrc === srcUrl || enhanced.get(img)?.srcUrl === srcUrl);
}

/**
 * Whether the image has loaded its pixels. Only such an image may take a result: `sizes` is set
 * from its natural width, and a copy still waiting to load would be laid out at the result's width.
 */
export function hasPixels(img: HTMLImageElement): boolean {
  return img.complete && img.naturalWidth > 0;
}

export function setOrRemove(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}

/** The <source> elements of the image's <picture>, if it is in one. */
export function sourcesOf(img: HTMLImageElement): HTMLSourceElement[] {
  const picture = img.parentElement instanceof HTMLPictureElement ? img.parentElement : null;
  return picture ? ([...picture.querySelectorAll(':scope > source')] as HTMLSourceElement[]) : [];
}

/**
 * The width the image's file gives it, in CSS px, fractions kept: `naturalWidth` drops them
 * (Blink: 150 for a 301w candidate at sizes="150.5px"), and an image laid out at its own width would
 * move the page by the fraction. Where the laid-out content width is the natural one but for a
 * fraction, that is the one; else the natural width (the page's CSS sets the width: ours sets nothing).
 */
function ownWidth(img: HTMLImageElement, result: Size): number {
  if (img.naturalWidth === 0) return result.width;
  // An image laid out as its file stores it has the stored width, the result's shape; naturalWidth is the upright one.
  const style = getComputedStyle(img);
  const upright = { width: img.naturalWidth, height: img.naturalHeight };
  const natural = (showsAsStored(img, style) ? storedSize(upright, result) : upright).width;
  let laidOut = Number.parseFloat(style.width);
  if (style.boxSizing === 'border-box') {
    for (const side of [style.paddingLeft, style.paddingRight, style.borderLeftWidth, style.borderRightWidth]) laidOut -= Number.parseFloat(side) || 0;
  }
  return laidOut > natural - 1 && laidOut < natural + 1 ? laidOut : natural;
}

/**
 * The `sizes` we give an enhanced image shown `width` CSS px wide. One whose own `sizes` starts
 * with "auto" keeps that first: the browser's style for such images (`contain: size`), and
 * WordPress's beside it, lay them out by the page's CSS alone, a fluid column's width; without it
 * the image would keep the width of the swap when the column grows. Where "auto" means nothing
 * (an image not loaded lazily, a browser without it), the width after it is the one read.
 */
function shownSizes(pageSizes: string | null, width: number): string {
  return /^\s*auto\s*(,|$)/i.test(pageSizes ?? '') ? `auto, ${width}px` : `${width}px`;
}

export function applyResult(img: HTMLImageElement, srcUrl: string, resultUrl: string, resultWidth: number, { auto, scale, resultPixels, standIn, pageFile, asStored, checks }: Pick<Original, 'auto' | 'scale' | 'resultPixels' | 'standIn' | 'pageFile' | 'asStored' | 'checks'>): void {
  const previous = enhanced.get(img);
  // The page's markup back, for a moment: no stand-in, which the new result covers at once.
  if (previous) takeOutAll([img], false, false);
  // Right after a restore the browser may not have laid the original out again: the record knows its width.
  const shownWidth = previous?.shownWidth ?? ownWidth(img, { width: resultWidth, height: resultPixels / resultWidth });
  noteBase();
  const original: Original = {
    srcUrl,
    attributes: { srcset: img.getAttribute('srcset'), sizes: img.getAttribute('sizes') },
    src: img.getAttribute('src'),
    baseUrl: document.baseURI,
    sources: sourcesOf(img).map((element) => ({ element, srcset: element.getAttribute('srcset'), sizes: element.getAttribute('sizes'), media: element.getAttribute('media'), type: element.getAttribute('type') })),
    resultUrl,
    shown: { srcset: `${resultUrl} ${resultWidth}w`, sizes: shownSizes(img.getAttribute('sizes'), shownWidth) },
    sizesShown: new Set(),
    shownWidth,
    resultWidth,
    auto,
    scale,
    resultPixels,
    standIn,
    pageFile,
    asStored,
    checks,
  };
  original.sizesShown.add(original.shown.sizes);
  enhanced.set(img, original);
  // sizes first: a srcset with a width descriptor and no sizes would be laid out at the viewport's width.
  for (const { element } of original.sources) {
    element.setAttribute('sizes', original.shown.sizes);
    element.setAttribute('srcset', original.shown.srcset);
  }
  img.setAttribute('sizes', original.shown.sizes);
  img.setAttribute('srcset', original.shown.srcset);
}

/**
 * Lays an enhanced image out at `width` CSS px from now on: the width the page's own `sizes` gives
 * its file after a resize. Attributes the page changed since the swap stay as the page set them.
 */
export function layOutAt(img: HTMLImageElement, width: number): void {
  const original = enhanced.get(img);
  if (!original) return;
  const old = original.shown.sizes;
  original.shown.sizes = shownSizes(original.attributes.sizes, width);
  original.sizesShown.add(original.shown.sizes);
  original.shownWidth = width;
  for (const element of [...original.sources.map((source) => source.element), img]) {
    if (element.getAttribute('sizes') === old) element.setAttribute('sizes', original.shown.sizes);
  }
}

/**
 * The page's own markup on these enhanced images for a moment, their records kept: what a copy of
 * the selection serializes (see PageEnhancer.copying). Returns what puts our results back on the
 * images still holding them, where the page has not changed an attribute since.
 */
export function lendMarkup(images: HTMLImageElement[]): () => void {
  const lent = images.flatMap((img) => {
    const original = enhanced.get(img);
    return original ? [{ img, original }] : [];
  });
  // The page's copies of enhanced images (a carousel's cloned slides) carry our srcset too.
  const copies = images.flatMap((img) => {
    const copied = copiedImage(img);
    if (!copied) return [];
    const elements = [...sourcesOf(img), img];
    return [{ img, record: copyRecord(copied[1]), markup: elements.map((element) => [element, element.getAttribute('sizes'), element.getAttribute('srcset')] as const) }];
  });
  for (const { img, original } of lent) showPageAttributes(img, original, false);
  // The page's markup as it wrote it: a copy's src rebased would stay so after the loan.
  for (const { img, record } of copies) putBackCopy(img, record, false);
  return () => {
    // In the order applyResult writes them, so the markup is the same as before the loan.
    for (const { img, original } of lent) if (enhanced.get(img) === original) putBackResult(img);
    for (const { markup } of copies) {
      for (const [element, sizes, srcset] of markup) {
        setOrRemove(element, 'sizes', sizes);
        setOrRemove(element, 'srcset', srcset);
      }
    }
  };
}

/** Images on the page that are copies of enhanced ones, showing our result (see copiedImage). */
export function copiesOfEnhanced(): HTMLImageElement[] {
  return enhanced.size === 0 ? [] : pageImages().filter((img) => copiedImage(img) !== undefined);
}

/**
 * Whether an enhanced image shows the page's own markup again, as at the swap: src, srcset and
 * sizes on it, and on its <source>s those and the media and type that pick them. Morphing updates
 * (morphdom, idiomorph, Livewire, Turbo) set every attribute to the server's markup, which drops
 * ours and picks the very file we enhanced. A script that writes back, or takes out, the srcset
 * alone (a load listener copying its data-srcset, an observer removing any srcset) leaves our
 * sizes: that too is the page's file, picked again.
 */
export function showsPageMarkup(img: HTMLImageElement): boolean {
  const original = enhanced.get(img);
  if (!original || img.getAttribute('src') !== original.src) return false;
  const sources = sourcesOf(img);
  return (
    showsPageFile(img, original, original.attributes.srcset, original.attributes.sizes) &&
    sources.length === original.sources.length &&
    original.sources.every(({ element, srcset, sizes, media, type }, i) => sources[i] === element && showsPageFile(element, original, srcset, sizes) && element.getAttribute('media') === media && element.getAttribute('type') === type)
  );
}

/** Whether `element` has the page's `srcset` again, with the page's `sizes` or ours. */
function showsPageFile(element: Element, original: Original, srcset: string | null, sizes: string | null): boolean {
  const shownSizes = element.getAttribute('sizes');
  return element.getAttribute('srcset') === srcset && (shownSizes === sizes || shownSizes === original.shown.sizes);
}

/**
 * Whether `heir`, an image the page put in with the same markup in the change that took out
 * `gone`, an enhanced one (a framework rendering it anew: React remounting it under a new key,
 * htmx or Turbo swapping the HTML), may take over its result (handOver). In a <picture>, its
 * sources' markup too; not for `sizes="auto"`, whose file depends on where the element is laid
 * out. Or, outside a <picture>, a copy of `gone` as it showed the result: its markup written out and
 * parsed again (`list.innerHTML += more`, `el.outerHTML = el.outerHTML`), our srcset and all.
 */
export function mayHandOver(gone: HTMLImageElement, heir: HTMLImageElement): boolean {
  const original = enhanced.get(gone);
  if (!original || enhanced.has(heir) || heir.getAttribute('src') !== original.src) return false;
  const sources = sourcesOf(heir);
  if (sources.length !== original.sources.length || (original.sources.length > 0) !== (heir.parentElement instanceof HTMLPictureElement)) return false;
  const { srcset, sizes } = original.attributes;
  const pageMarkup =
    heir.getAttribute('srcset') === srcset &&
    heir.getAttribute('sizes') === sizes &&
    ![sizes, ...original.sources.map((source) => source.sizes)].some((value) => /^\s*auto\b/i.test(value ?? '')) &&
    original.sources.every(({ srcset, sizes, media, type }, i) => {
      const source = sources[i] as HTMLSourceElement;
      return source.getAttribute('srcset') === srcset && source.getAttribute('sizes') === sizes && source.getAttribute('media') === media && source.getAttribute('type') === type;
    });
  if (pageMarkup && namesSameFiles(original)) return true;
  return sources.length === 0 && heir.getAttribute('srcset') === original.shown.srcset && original.sizesShown.has(heir.getAttribute('sizes') ?? '');
}

/**
 * Whether the page's markup in `original` names the files it named at the swap: not where its
 * relative URLs resolve elsewhere now (an app's router moved the document's URL to another path,
 * whose view has the same `src="shot.png"` for another picture).
 */
function namesSameFiles(original: Original): boolean {
  const rebase = pageRebasing(original);
  const srcsets = [original.attributes.srcset, ...original.sources.map((source) => source.srcset)];
  return rebase.url(original.src) === original.src && srcsets.every((srcset) => rebase.srcset(srcset) === srcset);
}

/** `heir` shows `gone`'s result from now on, with no job, and the result is not freed; asked after mayHandOver. */
export function handOver(gone: HTMLImageElement, heir: HTMLImageElement): void {
  const original = enhanced.get(gone);
  if (!original) return;
  // The heir's sources in place of the old ones, whose markup they have (mayHandOver).
  const sources = sourcesOf(heir).map((element, i) => ({ ...(original.sources[i] as Original['sources'][number]), element }));
  const record: Original = { ...original, attributes: { ...original.attributes }, sources, shown: { ...original.shown }, sizesShown: new Set(original.sizesShown) };
  enhanced.set(heir, record);
  putBackResult(heir);
}

/** Our result back on an image that shows the page's own markup again (see showsPageMarkup), as applyResult put it. */
export function putBackResult(img: HTMLImageElement): void {
  const original = enhanced.get(img);
  if (!original) return;
  for (const { element, srcset, sizes } of original.sources) putBackShown(element, original, srcset, sizes);
  putBackShown(img, original, original.attributes.srcset, original.attributes.sizes);
}

/** Our srcset and sizes on `element`, unless the page changed them from `srcset` and `sizes` meanwhile. */
function putBackShown(element: Element, original: Original, srcset: string | null, sizes: string | null): void {
  if (!showsPageFile(element, original, srcset, sizes)) return;
  element.setAttribute('sizes', original.shown.sizes);
  element.setAttribute('srcset', original.shown.srcset);
}

/**
 * Chromium (seen in 156) can keep the density of our result for an original it takes from its
 * memory cache, laying the page's image out at the wrong size. Selecting the same candidates
 * once more, by a srcset that differs only in a trailing space, lays it out right.
 */
function selectAgain(img: HTMLImageElement): void {
  const srcset = img.getAttribute('srcset');
  img.setAttribute('srcset', `${srcset ?? ''} `);
  setOrRemove(img, 'srcset', srcset);
}

/**
 * Takes our result out of the image, and returns what it had held. `onlyOurs` leaves every
 * attribute the page has changed since the swap as the page set it: writing the old value back
 * would undo the page's own update. `standIn` shows the stand-in where there is one, and keeps the
 * page's URLs to the files they named (keepPageUrls); not when another result goes in at once,
 * where no page file loads and the page's markup stays as it wrote it.
 */
function takeOut(img: HTMLImageElement, onlyOurs: boolean, standIn: boolean): Original | null {
  const original = enhanced.get(img);
  if (!original) return null;
  enhanced.delete(img);
  showPageAttributes(img, original, onlyOurs);
  if (standIn) {
    keepPageUrls(img, original);
    if (!showStandIn(img, original) && original.pageFile) keepFile(img, original, original.pageFile);
  }
  selectAgain(img);
  return original;
}

/** Whether the page's markup shows `srcUrl` by the image's `src` alone: what a file of ours given as `src` replaces. */
function showsBySrc(img: HTMLImageElement, srcUrl: string): boolean {
  return sourcesOf(img).length === 0 && !img.hasAttribute('srcset') && img.src === srcUrl;
}

/**
 * The stand-in as `src` (see Original.standIn), where the page's markup would show its revoked URL
 * again; returns whether it did. An image the page took out too (a virtual list): it loads all the
 * same, and would come back broken. Not a lazy one taken out, which loads nothing (Chromium,
 * measured): our URL, freed once loaded, would be held for the page's life.
 */
function showStandIn(img: HTMLImageElement, { standIn, srcUrl }: Original): boolean {
  if (standIn === undefined || !showsBySrc(img, srcUrl) || (!img.isConnected && img.loading === 'lazy')) return false;
  showAsSrc(img, standIn);
  return true;
}

/**
 * `file` as the image's `src`, from a URL of ours that is freed once the image has loaded it (or
 * failed to), as the page freed its own: the image keeps its pixels, and a URL kept would hold
 * its file for the page's life, one more at each restore of a long feed.
 */
function showAsSrc(img: HTMLImageElement, file: Blob): void {
  const url = URL.createObjectURL(file);
  const loaded = new AbortController();
  const free = () => {
    // A load or error of the request before ours (queued as our srcset came out) is not ours.
    if (img.currentSrc !== url && img.getAttribute('src') === url) return;
    URL.revokeObjectURL(url);
    noteRevoked(url);
    loaded.abort();
  };
  img.addEventListener('load', free, { signal: loaded.signal });
  img.addEventListener('error', free, { signal: loaded.signal });
  img.setAttribute('src', url);
}

/**
 * Restored images and the page's file each showed before (Original.pageFile), until their URL fails
 * to load, with what shows it at the same size by a srcset: its width in pixels and the `sizes` the
 * result had. Newest first kept within KEPT_FILES_BYTES: a long feed restores (or lets go of, far
 * from view) many images, and their files would add up outside the results' memory budget. Not for
 * images the page took out (see keepFile); the images weakly, as the page may drop one later with no
 * word to us (nothing of ours left to watch for), and with it a single-page app's whole last view.
 */
const keptFiles = new Map<WeakRef<HTMLImageElement>, { srcUrl: string; file: Blob; width: number; sizes: string }>();

/** At most 16 files at the largest the engine sends back (PAGE_FILE_KEPT_BYTES); hundreds of the usual low-resolution ones. */
const KEPT_FILES_BYTES = 32 * 1024 * 1024;

function keptRefOf(img: HTMLImageElement): WeakRef<HTMLImageElement> | undefined {
  for (const ref of keptFiles.keys()) if (ref.deref() === img) return ref;
  return undefined;
}

function keepFile(img: HTMLImageElement, original: Original, file: Blob): void {
  for (const ref of keptFiles.keys()) if (ref.deref()?.isConnected !== true) keptFiles.delete(ref);
  const own = keptRefOf(img);
  if (own) keptFiles.delete(own);
  // One the page dropped (let go of, see releaseImages) has no use for it.
  if (!img.isConnected) return;
  keptFiles.set(new WeakRef(img), { srcUrl: original.srcUrl, file, width: original.resultWidth / original.scale, sizes: original.shown.sizes });
  keepNewestWithin(keptFiles, KEPT_FILES_BYTES, ({ file: kept }) => kept.size);
}

/**
 * A restored image whose URL failed to load: shows the page's file we kept (Original.pageFile), from
 * a URL of ours, rather than a broken image; returns whether it did. Markup with `src` alone (most
 * low-resolution images) gets it as `src`; a srcset, or a <picture>'s sources, get it as the result
 * was shown (see the top of this file), so the image keeps its size. Not when the page has moved the
 * image on to another file.
 */
export function showKeptFile(img: HTMLImageElement): boolean {
  const ref = keptRefOf(img);
  const kept = ref && keptFiles.get(ref);
  if (!ref || !kept || enhanced.has(img) || img.currentSrc !== kept.srcUrl) return false;
  keptFiles.delete(ref);
  if (!img.isConnected) return false;
  // Not freed, unlike a stand-in: the page's own URL for the file is dead here, not given up by the
  // page, whose script may show the image's URL again (a lightbox opening the thumbnail's src).
  const url = URL.createObjectURL(kept.file);
  if (showsBySrc(img, kept.srcUrl)) {
    img.setAttribute('src', url);
    return true;
  }
  for (const element of [...sourcesOf(img), img]) {
    element.setAttribute('sizes', kept.sizes);
    element.setAttribute('srcset', `${url} ${kept.width}w`);
  }
  return true;
}

/** The page's srcset and sizes on the image and its <source>s; `onlyOurs` leaves those the page changed since the swap. */
function showPageAttributes(img: HTMLImageElement, original: Original, onlyOurs: boolean): void {
  const putBack = (element: Element, name: 'srcset' | 'sizes', value: string | null) => {
    if (!onlyOurs || element.getAttribute(name) === original.shown[name]) setOrRemove(element, name, value);
  };
  for (const { element, srcset, sizes } of original.sources) {
    putBack(element, 'srcset', srcset);
    putBack(element, 'sizes', sizes);
  }
  putBack(img, 'srcset', original.attributes.srcset);
  putBack(img, 'sizes', original.attributes.sizes);
}

/**
 * The page's relative URLs in `record`'s markup, as they resolved for the file the image showed,
 * where the document's URL has moved since (an app's router, a feed naming the article in view:
 * history.pushState to another path): the image kept what it had loaded, but once our srcset is
 * taken out, the browser reads its markup again, against the URL of now, and would load nothing.
 * The base the markup was written for is found among those the document had (now, at the swap,
 * those seen since this script started, newest first, and when it loaded) by the file it names;
 * none is rebased where the base of now names it.
 */
export function pageRebasing(record: Pick<Original, 'srcUrl' | 'src' | 'baseUrl' | 'attributes'> & { sources: ReadonlyArray<{ srcset: string | null }> }): Rebasing {
  const now = document.baseURI;
  const markup = { src: record.src, srcsets: [record.attributes.srcset, ...record.sources.map(({ srcset }) => srcset)] };
  const from = baseNaming(record.srcUrl, markup, [now, record.baseUrl, ...basesSeen()]);
  return rebasing(from === now ? null : from, now);
}

/**
 * The page's values of `names` on `element`, rebased (pageRebasing), where they still are the
 * ones it had at the swap: one the page wrote since is its own, meant for its URL of now.
 */
function keepUrls(element: Element, rebase: Rebasing, had: Partial<Record<'src' | 'srcset', string | null>>): void {
  for (const name of ['src', 'srcset'] as const) {
    const value = had[name];
    if (value === undefined || value === null || element.getAttribute(name) !== value) continue;
    const rebased = name === 'src' ? rebase.url(value) : rebase.srcset(value);
    if (rebased !== null && rebased !== value) element.setAttribute(name, rebased);
  }
}

function keepPageUrls(img: HTMLImageElement, original: Original): void {
  const rebase = pageRebasing(original);
  keepUrls(img, rebase, { src: original.src, srcset: original.attributes.srcset });
  for (const { element, srcset } of original.sources) keepUrls(element, rebase, { srcset });
}

/**
 * Frees the results no image of ours shows any more, once copies of them are put back. One walk
 * of the page serves them all: a feed that drops dozens of enhanced images at once, or Restore
 * all, would otherwise walk the whole page, shadow roots and all, once per image.
 */
function free(taken: Original[]): void {
  const records: CopyRecord[] = [];
  for (const original of taken) {
    // Still shown by another image of the file: its copies are put back when that one lets go, by this record too.
    if (isOurResult(original.resultUrl)) addRecord(takenStillShown, copyRecord(original));
    else records.push(copyRecord(original), ...(takenStillShown.get(original.resultUrl) ?? []));
  }
  if (records.length === 0) return;
  putBackCopies(records);
  for (const record of records) {
    takenStillShown.delete(record.resultUrl);
    URL.revokeObjectURL(record.resultUrl);
    // A data: URL (a page whose policy refuses blob:) never stops loading, and can be megabytes.
    if (record.resultUrl.startsWith('blob:')) addRecord(freedLately, record);
  }
  keepStandInsWithin(freedLately, FREED_STAND_INS_BYTES);
}

/**
 * The newest stand-ins of `kept`'s records, each counted once (one job's goes into every image it
 * swapped, and into the next scale's), within `max` bytes; older records let theirs go and keep the
 * rest, a few hundred bytes.
 */
function keepStandInsWithin(kept: Map<string, CopyRecord[]>, max: number): void {
  const counted = new Set<Blob>();
  let total = 0;
  for (const records of [...kept.values()].reverse()) {
    for (const record of records) {
      const { standIn } = record;
      if (!standIn || counted.has(standIn)) continue;
      if (total + standIn.size > max) {
        record.standIn = undefined;
        continue;
      }
      counted.add(standIn);
      total += standIn.size;
    }
  }
}

/**
 * Adds `record` to the records kept for its result, unless one with the same markup is there (a
 * feed's avatar shown by hundreds of images): at most FREED_KEPT results, the oldest let go.
 */
function addRecord(kept: Map<string, CopyRecord[]>, record: CopyRecord): void {
  const records = kept.get(record.resultUrl) ?? [];
  const markup = (r: CopyRecord) => JSON.stringify([r.src, r.attributes.srcset, r.attributes.sizes, r.sources]);
  if (!records.some((other) => markup(other) === markup(record))) records.push(record);
  kept.delete(record.resultUrl);
  kept.set(record.resultUrl, records);
  for (const url of kept.keys()) {
    if (kept.size <= FREED_KEPT) break;
    kept.delete(url);
  }
}

/** What putting a copy back needs, and no element of the page: a record holds no dropped page part alive. */
interface CopyRecord {
  srcUrl: string;
  resultUrl: string;
  src: Original['src'];
  baseUrl: string;
  attributes: Original['attributes'];
  sources: Array<{ srcset: string | null; sizes: string | null }>;
  shownSrcset: string;
  /** Original.sizesShown. */
  sizesShown: ReadonlySet<string>;
  /** Original.standIn: a copy of an upload preview, put back, would show the page's revoked URL. */
  standIn?: Blob;
}

function copyRecord({ srcUrl, resultUrl, src, baseUrl, attributes, sources, shown, sizesShown, standIn }: Original): CopyRecord {
  return { srcUrl, resultUrl, src, baseUrl, attributes, sources: sources.map(({ srcset, sizes }) => ({ srcset, sizes })), shownSrcset: shown.srcset, sizesShown, standIn };
}

/**
 * Of the records of images that showed the result `copy` shows (by our srcset), the one whose
 * markup it was copied from. One result goes into every image showing its file, each with markup
 * of its own (a hero, and a carousel's slide with a srcset): the copy carries its `src`, its sizes
 * as we showed it, and its <picture> or none.
 */
function copiedRecord<T>(copy: Element, records: Iterable<T>, markup: (record: T) => Pick<CopyRecord, 'shownSrcset' | 'src' | 'sizesShown'> & { inPicture: boolean }): T | undefined {
  const srcset = copy.getAttribute('srcset');
  const alike = [...records].filter((record) => markup(record).shownSrcset === srcset);
  const inPicture = copy.parentElement instanceof HTMLPictureElement;
  const sameMarkup = (record: T) => {
    const { src, sizesShown, inPicture: itsPicture } = markup(record);
    return src === copy.getAttribute('src') && sizesShown.has(copy.getAttribute('sizes') ?? '') && itsPicture === inPicture;
  };
  return alike.find(sameMarkup) ?? alike[0];
}

const recordMarkup = ({ shownSrcset, src, sizesShown, sources }: CopyRecord) => ({ shownSrcset, src, sizesShown, inPicture: sources.length > 0 });

/** `records` by the srcset we gave their images: a page's images are matched against those showing their srcset alone. */
function bySrcset(records: CopyRecord[]): Map<string, CopyRecord[]> {
  const grouped = new Map<string, CopyRecord[]>();
  for (const record of records) grouped.set(record.shownSrcset, [...(grouped.get(record.shownSrcset) ?? []), record]);
  return grouped;
}

/** Blob results freed lately, by URL, oldest first, with the records of the images that showed each: what copies kept off the page may still point to. */
const freedLately = new Map<string, CopyRecord[]>();
/** Records of images taken out of a result other images still show, by its URL: its copies may be of them (a hero restored, its slide still enhanced). */
const takenStillShown = new Map<string, CopyRecord[]>();
/** Records of a few hundred bytes each (URLs and attributes); a copy older than this many frees is not put back. */
const FREED_KEPT = 500;
/**
 * Except their stand-ins (the page's pixels of a blob: URL it revoked, a PNG of up to megabytes):
 * the oldest go once they add up to more than this, as kept files do (KEPT_FILES_BYTES).
 */
const FREED_STAND_INS_BYTES = 32 * 1024 * 1024;

/**
 * The record of the freed result an image failed to load, if it did: a copy the page kept off the
 * page while we let the result go, and showed later (markup kept for Back, as htmx and pjax keep
 * it; a lightbox's zoomed copy, given our URL as its src). (A copy made as an element loaded the
 * result at once, and keeps its pixels.)
 */
export function freedResultOf(img: HTMLImageElement): CopyRecord | undefined {
  if (freedLately.size === 0) return undefined;
  const records = freedLately.get(img.currentSrc) ?? freedLately.get(img.getAttribute('src') ?? '');
  return records && (copiedRecord(img, records, recordMarkup) ?? records[0]);
}

/**
 * A copy the page made of an image showing our result (cloneNode keeps our srcset), then gave a
 * file of its own (a lightbox's full-size `src`) or sizes of its own (a zoom that drops the
 * thumbnail's `sizes` so that the srcset's largest file is picked): our srcset, a width
 * descriptor, wins over any src, and holds only our result, so the copy would show our upscaled
 * thumbnail. It gets the page's srcset (and sizes, where still ours) back; a copy left on the same
 * file and sizes keeps showing the result. Returns whether it was put back.
 */
export function putBackRetargetedCopy(img: HTMLImageElement): boolean {
  const copied = copiedImage(img);
  if (!copied) return false;
  const [image, original] = copied;
  if (img.getAttribute('src') === image.getAttribute('src') && original.sizesShown.has(img.getAttribute('sizes') ?? '')) return false;
  putBackCopy(img, copyRecord(copied[1]));
  return true;
}

/**
 * Gives a copy of an enhanced image the page's attributes back, so it shows the page's file (Enhance
 * from the menu on a copy: its new result goes into it as into any image). Returns whether it was one.
 */
export function putBackCopyAttributes(img: HTMLImageElement): boolean {
  const copied = copiedImage(img);
  if (copied) putBackCopy(img, copyRecord(copied[1]));
  return copied !== undefined;
}

/**
 * The enhanced image `img` is a copy of (it carries that image's srcset, ours), and its record. One
 * result goes into every image showing its file, each with markup of its own (a hero, and a
 * carousel's slide with a srcset): the copy is of the one whose `src`, `sizes` and <picture> it has.
 */
function copiedImage(img: HTMLImageElement): [HTMLImageElement, Original] | undefined {
  if (!img.hasAttribute('srcset') || enhanced.has(img)) return undefined;
  return copiedRecord(img, enhanced, ([, original]) => ({ shownSrcset: original.shown.srcset, src: original.src, sizesShown: original.sizesShown, inPicture: original.sources.length > 0 }));
}

/** Gives such a copy the page's own file back. */
export function putBackFreedCopy(img: HTMLImageElement, freed: CopyRecord): void {
  if (img.getAttribute('srcset') === freed.shownSrcset) putBackCopy(img, freed);
  if (img.getAttribute('src') === freed.resultUrl) img.setAttribute('src', freed.srcUrl);
}

/**
 * Copies the page made of an image while it showed our result (see isOurResult) would be left on
 * a revoked URL, broken: they get the image's own attributes back, as the image did, and so do
 * the <source>s of a copied <picture> (a carousel's cloned slide), which the browser prefers.
 * `records`: those of the images whose results are put back.
 */
function putBackCopies(records: CopyRecord[]): void {
  const grouped = bySrcset(records);
  for (const copy of pageImages()) {
    const record = copiedRecord(copy, grouped.get(copy.getAttribute('srcset') ?? '') ?? [], recordMarkup);
    if (record) putBackCopy(copy, record);
  }
}

/** `rebase`: the page's relative URLs are kept to the files they named (pageRebasing). */
function putBackCopy(copy: HTMLImageElement, record: CopyRecord, rebase = true): void {
  const rebasing = rebase ? pageRebasing(record) : undefined;
  setOrRemove(copy, 'srcset', record.attributes.srcset);
  if (rebasing) keepUrls(copy, rebasing, { src: record.src, srcset: record.attributes.srcset });
  // Sizes the page gave the copy since (a zoom's) are the page's to keep.
  if (record.sizesShown.has(copy.getAttribute('sizes') ?? '')) setOrRemove(copy, 'sizes', record.attributes.sizes);
  // A copy's <source>s stand where the image's did.
  sourcesOf(copy).forEach((source, i) => {
    const own = record.sources[i];
    if (!own || source.getAttribute('srcset') !== record.shownSrcset) return;
    setOrRemove(source, 'srcset', own.srcset);
    if (rebasing) keepUrls(source, rebasing, { srcset: own.srcset });
    setOrRemove(source, 'sizes', own.sizes);
  });
  // The page's file again, laid out by its own density, as on the image it copies (see selectAgain).
  selectAgain(copy);
  // For good, not lent, and on the page (not in drag data's markup, which loads nothing): the page's
  // pixels where its own URL loads nothing any more, as on the image it copies (showStandIn).
  if (rebase && copy.isConnected && record.standIn !== undefined && showsBySrc(copy, record.srcUrl)) showAsSrc(copy, record.standIn);
}

/**
 * Drag data the browser wrote before the page heard of the drag, with the page's own files in it
 * where it names our results: `text/html` gets the page's attributes back on every image (and its
 * <source>s) that shows one, other types the page's URL for a result's. Null where nothing is ours.
 */
export function pageDragData(type: string, data: string): string | null {
  const ours = [...enhanced.values()].filter((original) => data.includes(original.resultUrl));
  if (ours.length === 0) return null;
  const namingPageFiles = (text: string) => ours.reduce((named, original) => named.replaceAll(original.resultUrl, original.srcUrl), text);
  if (type !== 'text/html') return namingPageFiles(data);
  // Parsed inert: a template's content loads no image and runs no script.
  const template = document.createElement('template');
  template.innerHTML = data;
  const grouped = bySrcset(ours.map(copyRecord));
  for (const img of template.content.querySelectorAll('img')) {
    const record = copiedRecord(img, grouped.get(img.getAttribute('srcset') ?? '') ?? [], recordMarkup);
    if (record) putBackCopy(img, record);
  }
  // Whatever still names a result (a copy given our URL as its src) names the page's file.
  return namingPageFiles(template.innerHTML);
}

/** Takes our results out of the images (see takeOut), then frees them; returns the images that had one. */
function takeOutAll(images: HTMLImageElement[], onlyOurs: boolean, standIn = true): HTMLImageElement[] {
  const taken: Original[] = [];
  const had = images.filter((img) => {
    const original = takeOut(img, onlyOurs, standIn);
    if (original) taken.push(original);
    return original !== null;
  });
  free(taken);
  return had;
}

/** Puts every attribute of each image back exactly as the page had it; returns those that had our result. */
export function restoreImages(images: HTMLImageElement[]): HTMLImageElement[] {
  return takeOutAll(images, false);
}

export function restoreImage(img: HTMLImageElement): boolean {
  return restoreImages([img]).length > 0;
}

/**
 * The page wrote `sizes` on an enhanced image or its <source>s, and nothing else (lazysizes'
 * data-sizes="auto" does so on every resize): its values become the ones a restore gives back, and
 * ours go back in, so the result stays shown while the page's choice is read again. Undefined
 * when the image holds no result.
 */
export function adoptPageSizes(img: HTMLImageElement): Original | undefined {
  const original = enhanced.get(img);
  if (!original) return undefined;
  const before = original.shown.sizes;
  const written = img.getAttribute('sizes');
  if (written !== before) original.attributes.sizes = written;
  // The page's own sizes may have gained or lost its "auto" (see shownSizes).
  const ours = shownSizes(original.attributes.sizes, original.shownWidth);
  original.shown.sizes = ours;
  original.sizesShown.add(ours);
  if (written !== ours) img.setAttribute('sizes', ours);
  for (const source of original.sources) {
    const value = source.element.getAttribute('sizes');
    if (value === ours) continue;
    if (value !== before) source.sizes = value;
    source.element.setAttribute('sizes', ours);
  }
  return original;
}

/**
 * The page wrote on these of an enhanced image's elements (itself, its <source>s) the very `sizes`
 * shown there: the value is the page's now, the one a restore or a release gives back.
 */
export function takePageSizes(img: HTMLImageElement, elements: Element[]): void {
  const original = enhanced.get(img);
  if (!original) return;
  for (const element of elements) {
    const value = element.getAttribute('sizes');
    if (element === img) original.attributes.sizes = value;
    for (const source of original.sources) if (source.element === element) source.sizes = value;
  }
}

/** "The page wins": it gave the images new sources, so we let go of them without writing over those; returns those that had our result. */
export function releaseImages(images: HTMLImageElement[]): HTMLImageElement[] {
  return takeOutAll(images, true);
}

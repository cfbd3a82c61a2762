/**
 * What the page's own markup would show now, for an image we enhanced. A responsive image (a
 * srcset of several files, a <picture> whose sources answer media queries) picks its file by the
 * viewport and the screen's density; our swap pins one. When the window is resized, zoomed or
 * moved to another screen, the page's choice may change (a portrait crop for a narrow window, a
 * larger file for a denser screen), and then the page's choice must win again.
 */
import { browserKnowsSizesAuto, resolvedSizes } from '../core/auto-sizes';
import { storedSize } from '../core/image-geometry';
import { pageRebasing, setOrRemove, type Original } from './swap';

/**
 * Whether the page's markup may answer a new viewport differently: more than one file to pick
 * from, or a `sizes` that lays the same file out at another width (an image with no CSS width
 * takes the width `sizes` gives it). Any srcset may: beside it, src is the 1x file (so "b.png 2x"
 * alone is a choice of two), and a width descriptor with no sizes is laid out at the viewport's width.
 */
export function followsViewport(original: Original): boolean {
  const sized = original.attributes.sizes !== null || original.sources.some((source) => source.sizes !== null);
  return sized || original.sources.length > 0 || Boolean(original.attributes.srcset?.trim());
}

export interface PageChoice {
  url: string;
  /**
   * The width, in CSS px, the page's markup gives the file by itself (its density-corrected
   * natural width, its stored one where the page lays it out as stored: Original.asStored): read
   * only when the file is the one enhanced; null otherwise, or unreadable.
   */
  width: number | null;
}

const SIZES_AUTO = browserKnowsSizesAuto(navigator.userAgent);

/**
 * The URL the browser would select for the image as the page wrote it, read from a detached copy
 * of its markup (selection needs no layout, and a detached image touches nothing on the page; it
 * loads the file it selects, as the page would once it is restored).
 */
export async function pageChoice(img: HTMLImageElement, original: Original): Promise<PageChoice> {
  // Only what selection reads: a full clone would carry the page's inline handlers (onload) along.
  const probe = document.createElement('img');
  const copy = (from: Element, to: Element, names: string[]) => {
    for (const name of names) setOrRemove(to, name, from.getAttribute(name));
  };
  copy(img, probe, ['crossorigin', 'referrerpolicy']);
  const sizes = (value: string | null) => resolvedSizes(value, img.loading === 'lazy' && SIZES_AUTO, contentWidth(img));
  // The probe is in the page's document: relative URLs written for the page's URL before a pushState would name other files.
  const rebase = pageRebasing(original);
  setOrRemove(probe, 'srcset', rebase.srcset(original.attributes.srcset));
  setOrRemove(probe, 'sizes', sizes(original.attributes.sizes));
  if (original.sources.length > 0) {
    const picture = document.createElement('picture');
    for (const { element, srcset, sizes: sourceSizes } of original.sources) {
      const source = document.createElement('source');
      copy(element, source, ['media', 'type']);
      setOrRemove(source, 'srcset', rebase.srcset(srcset));
      setOrRemove(source, 'sizes', sizes(sourceSizes));
      picture.append(source);
    }
    picture.append(probe);
  }
  // src last: with everything else in place, one selection runs.
  setOrRemove(probe, 'src', rebase.url(img.getAttribute('src')));
  // The browser selects the candidate in a task of its own after the markup changes.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const url = probe.currentSrc;
  if (url !== original.srcUrl) return { url, width: null };
  // The file on the page, so the cache has it. Its size is known once it loads; no decode is needed.
  if (!probe.complete) {
    await new Promise((resolve) => {
      probe.addEventListener('load', resolve, { once: true });
      probe.addEventListener('error', resolve, { once: true });
    });
  }
  if (!probe.naturalWidth) return { url, width: null };
  // The detached copy has no style: its natural size is the upright one.
  const upright = { width: probe.naturalWidth, height: probe.naturalHeight };
  const result = { width: original.resultWidth, height: original.resultPixels / original.resultWidth };
  return { url, width: original.asStored ? storedSize(upright, result).width : upright.width };
}

/** The width the image is laid out at inside its padding, in CSS px: what `sizes="auto"` reads. */
function contentWidth(img: HTMLImageElement): number {
  const style = getComputedStyle(img);
  return img.clientWidth - (Number.parseFloat(style.paddingLeft) || 0) - (Number.parseFloat(style.paddingRight) || 0);
}

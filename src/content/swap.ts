/**
 * Putting the enhanced pixels into an <img> without moving anything, and taking them out again.
 *
 * The result is given as `srcset="blob:... Nx"`, with N = result width / displayed natural width,
 * so the browser sizes the bigger image exactly like the old one. The <source>s of a <picture>
 * get the same srcset, so the browser has nothing else to switch back to. `sizes` only matters
 * for width descriptors and is left alone. Existing attributes are overwritten in place, never
 * removed and re-added, so restoring gives back the very same markup, attribute order included.
 */
export interface Original {
  /** The URL the engine enhanced: the image's currentSrc at the time. */
  srcUrl: string;
  attributes: Record<'src' | 'srcset', string | null>;
  sources: Array<{ element: HTMLSourceElement; srcset: string | null }>;
  /** The blob URL now shown, revoked on restore. */
  resultUrl: string;
}

const enhanced = new WeakMap<HTMLImageElement, Original>();

export function originalOf(img: HTMLImageElement): Original | undefined {
  return enhanced.get(img);
}

/** Images showing `srcUrl`: as the page set it, or as we replaced it. */
export function imagesShowing(srcUrl: string): HTMLImageElement[] {
  return [...document.images].filter((img) => img.currentSrc === srcUrl || img.src === srcUrl || enhanced.get(img)?.srcUrl === srcUrl);
}

function setOrRemove(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}

export function applyResult(img: HTMLImageElement, srcUrl: string, resultUrl: string, resultWidth: number): void {
  const previous = enhanced.get(img);
  if (previous) restoreImage(img);
  const density = resultWidth / (img.naturalWidth || resultWidth);
  const picture = img.parentElement instanceof HTMLPictureElement ? img.parentElement : null;
  const sources = picture ? [...picture.querySelectorAll(':scope > source')] as HTMLSourceElement[] : [];
  const original: Original = {
    srcUrl,
    attributes: { src: img.getAttribute('src'), srcset: img.getAttribute('srcset') },
    sources: sources.map((element) => ({ element, srcset: element.getAttribute('srcset') })),
    resultUrl,
  };
  enhanced.set(img, original);
  const srcset = `${resultUrl} ${Number(density.toFixed(6))}x`;
  for (const { element } of original.sources) element.setAttribute('srcset', srcset);
  img.setAttribute('srcset', srcset);
  img.setAttribute('src', resultUrl);
}

/** Puts every attribute back exactly as the page had it. */
export function restoreImage(img: HTMLImageElement): boolean {
  const original = enhanced.get(img);
  if (!original) return false;
  enhanced.delete(img);
  for (const { element, srcset } of original.sources) setOrRemove(element, 'srcset', srcset);
  setOrRemove(img, 'srcset', original.attributes.srcset);
  setOrRemove(img, 'src', original.attributes.src);
  if (![...document.images].some((other) => enhanced.get(other)?.resultUrl === original.resultUrl)) URL.revokeObjectURL(original.resultUrl);
  return true;
}

/**
 * Putting the enhanced pixels into an <img> without moving anything, and taking them out again.
 *
 * The result is given as `srcset="blob:... Nx"`, with N = result width / displayed natural width,
 * so the browser sizes the bigger image exactly like the old one; `sizes` and the <source>s of a
 * <picture> are set aside so the browser has nothing else to switch back to.
 */
export interface Original {
  /** The URL the engine enhanced: the image's currentSrc at the time. */
  srcUrl: string;
  attributes: Record<'src' | 'srcset' | 'sizes', string | null>;
  sources: Array<{ element: HTMLSourceElement; srcset: string | null; sizes: string | null }>;
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
    attributes: { src: img.getAttribute('src'), srcset: img.getAttribute('srcset'), sizes: img.getAttribute('sizes') },
    sources: sources.map((element) => ({ element, srcset: element.getAttribute('srcset'), sizes: element.getAttribute('sizes') })),
    resultUrl,
  };
  enhanced.set(img, original);
  for (const { element } of original.sources) {
    element.removeAttribute('srcset');
    element.removeAttribute('sizes');
  }
  img.removeAttribute('sizes');
  img.setAttribute('srcset', `${resultUrl} ${Number(density.toFixed(6))}x`);
  img.setAttribute('src', resultUrl);
}

/** Puts every attribute back exactly as the page had it. */
export function restoreImage(img: HTMLImageElement): boolean {
  const original = enhanced.get(img);
  if (!original) return false;
  enhanced.delete(img);
  for (const { element, srcset, sizes } of original.sources) {
    setOrRemove(element, 'srcset', srcset);
    setOrRemove(element, 'sizes', sizes);
  }
  setOrRemove(img, 'sizes', original.attributes.sizes);
  setOrRemove(img, 'srcset', original.attributes.srcset);
  setOrRemove(img, 'src', original.attributes.src);
  if (![...document.images].some((other) => enhanced.get(other)?.resultUrl === original.resultUrl)) URL.revokeObjectURL(original.resultUrl);
  return true;
}

/** Measuring an <img> for the pure rules in core: what needsEnhancing and the job queue decide on. */
import { typeFromUrl, type ImageFacts } from '../core/discovery';
import { contentBoxSize, viewportPriority, type Size } from '../core/image-geometry';
import type { Priority } from '../core/job-queue';

const px = (value: string): number => Number.parseFloat(value) || 0;

/**
 * File sizes read so far, oldest first. Bounded: an endless feed brings new URLs without end, and
 * a data: URL key can be megabytes; a size asked for again after it went is read again.
 */
const pixelSizes = new Map<string, Promise<Size | null>>();
const PIXEL_SIZES_KEPT = 500;

/**
 * The pixel size of the file at `url`, read by a probe image of its own (from the memory cache:
 * the page has loaded it). `naturalWidth` will not do: a srcset candidate's density divides it, so
 * a sharp 2x image would look like it needed x2. Null when the file does not load. A blob: URL
 * the page revoked once `shown` loaded (upload previews do) loads no more: `shown`'s own size stands in.
 */
export async function pixelSizeOf(url: string, shown: HTMLImageElement): Promise<Size | null> {
  const probed = await probePixelSize(url);
  if (probed || !url.startsWith('blob:') || shown.currentSrc !== url || !shown.complete || shown.naturalWidth === 0) return probed;
  return { width: shown.naturalWidth, height: shown.naturalHeight };
}

function probePixelSize(url: string): Promise<Size | null> {
  const known = pixelSizes.get(url);
  if (known) return known;
  const size = new Promise<Size | null>((resolve) => {
    const probe = new Image();
    probe.onload = () => resolve({ width: probe.naturalWidth, height: probe.naturalHeight });
    probe.onerror = () => {
      pixelSizes.delete(url);
      resolve(null);
    };
    probe.src = url;
  });
  pixelSizes.set(url, size);
  if (pixelSizes.size > PIXEL_SIZES_KEPT) pixelSizes.delete(pixelSizes.keys().next().value as string);
  return size;
}

/** `pixels` is the file's size when known; without it the element's (density-corrected) natural size stands in. */
export function readFacts(img: HTMLImageElement, pixels?: Size | null): ImageFacts {
  const rect = img.getBoundingClientRect();
  const style = getComputedStyle(img);
  const drawn = contentBoxSize(rect, {
    top: px(style.paddingTop) + px(style.borderTopWidth),
    right: px(style.paddingRight) + px(style.borderRightWidth),
    bottom: px(style.paddingBottom) + px(style.borderBottomWidth),
    left: px(style.paddingLeft) + px(style.borderLeftWidth),
  });
  // While a new source loads, the natural size is still the old picture's: it reads as not loaded.
  const natural = !img.complete || pixels === null ? { width: 0, height: 0 } : (pixels ?? { width: img.naturalWidth, height: img.naturalHeight });
  return {
    naturalWidth: natural.width,
    naturalHeight: natural.height,
    renderedWidth: drawn.width,
    renderedHeight: drawn.height,
    objectFit: style.objectFit,
    devicePixelRatio: window.devicePixelRatio || 1,
    // Both spellings: Chrome before 121 knows only checkOpacity and checkVisibilityCSS.
    visible: img.checkVisibility({ opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true }),
    pixelated: style.imageRendering === 'pixelated' || style.imageRendering === 'crisp-edges',
    type: typeFromUrl(img.currentSrc),
    // The bytes are the engine's to read: it turns animated files away itself.
    frameCount: null,
    currentSrc: img.currentSrc,
  };
}

export function priorityOf(img: HTMLImageElement): Priority {
  return viewportPriority(img.getBoundingClientRect(), { width: window.innerWidth, height: window.innerHeight });
}

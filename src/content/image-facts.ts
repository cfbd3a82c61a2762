/** Measuring an <img> for the pure rules in core: what needsEnhancing and the job queue decide on. */
import { keepNewest } from '../core/bounded';
import { drawsAsBlocks, filterBlurs, typeFromUrl, type ImageFacts } from '../core/discovery';
import { contentBoxSize, storedSize, transformStretch, viewportPriority, type Insets, type Size } from '../core/image-geometry';
import type { Priority } from '../core/job-queue';
import { slotOf } from './page-images';

const px = (value: string): number => Number.parseFloat(value) || 0;

/**
 * File sizes read so far, oldest first. Bounded: an endless feed brings new URLs without end, and
 * a data: URL key can be megabytes; a size asked for again after it went is read again.
 */
const pixelSizes = new Map<string, Promise<Size | null>>();
const PIXEL_SIZES_KEPT = 500;
/**
 * Files the engine counted more pixels in than the browser lays out (its EXIF size: see the
 * engine's DenserThanShown), which the element's natural size and a probe's both report. Bounded as
 * pixelSizes: one forgotten is counted again by its next automatic job.
 */
const countedByEngine = new Map<string, Size>();

/** The engine's count of the pixels of the file at `url`, where the browser reports fewer. */
export function noteCountedPixels(url: string, size: Size): void {
  countedByEngine.set(url, size);
  keepNewest(countedByEngine, PIXEL_SIZES_KEPT);
}

/**
 * The pixel size of the file at `url`, read by a probe image of its own (from the memory cache:
 * the page has loaded it). `naturalWidth` will not do: a srcset candidate's density divides it, so
 * a sharp 2x image would look like it needed x2. Null when the file does not load. A blob: URL
 * the page revoked once `shown` loaded (upload previews do) loads no more: `shown`'s own size stands in.
 */
export async function pixelSizeOf(url: string, shown: HTMLImageElement): Promise<Size | null> {
  const counted = countedByEngine.get(url);
  if (counted) return counted;
  // With no srcset to pick from, the element's natural size is the file's: no probe, which would
  // download again a file its server marks no-store (a captcha made anew, a counter counting twice).
  if (!pickedFromSrcset(shown) && shown.currentSrc === url && shown.complete && shown.naturalWidth > 0) {
    const size = { width: shown.naturalWidth, height: shown.naturalHeight };
    // Kept for this URL: once enhanced, the element shows our result, whose natural size is not the file's.
    pixelSizes.set(url, Promise.resolve(size));
    keepNewest(pixelSizes, PIXEL_SIZES_KEPT);
    return size;
  }
  const probed = await probePixelSize(url, shown);
  if (probed || !url.startsWith('blob:') || shown.currentSrc !== url || !shown.complete || shown.naturalWidth === 0) return probed;
  return { width: shown.naturalWidth, height: shown.naturalHeight };
}

/** Whether the browser picked the image's file from a srcset (its own, or a <picture>'s sources), which gives it a density. */
function pickedFromSrcset(img: HTMLImageElement): boolean {
  return img.hasAttribute('srcset') || img.parentElement instanceof HTMLPictureElement;
}

/** The probe asks as `shown` did (CORS mode, Referer), so the memory cache serves it, and no request goes out that the page's would not. */
function probePixelSize(url: string, shown: HTMLImageElement): Promise<Size | null> {
  const known = pixelSizes.get(url);
  if (known) return known;
  const size = new Promise<Size | null>((resolve) => {
    const probe = new Image();
    probe.crossOrigin = shown.crossOrigin;
    probe.referrerPolicy = shown.referrerPolicy;
    probe.onload = () => resolve({ width: probe.naturalWidth, height: probe.naturalHeight });
    probe.onerror = () => {
      pixelSizes.delete(url);
      resolve(null);
    };
    probe.src = url;
  });
  pixelSizes.set(url, size);
  keepNewest(pixelSizes, PIXEL_SIZES_KEPT);
  return size;
}

/**
 * Whether the page may read the image's pixels: one pixel drawn tells. Most images of the web come
 * from another origin without CORS; for those, the full-size bitmap and canvas would be made on the
 * page's thread only to be refused.
 */
export function mayReadPixels(img: HTMLImageElement): boolean {
  const probe = document.createElement('canvas');
  probe.width = probe.height = 1;
  const context = probe.getContext('2d');
  if (!context) return false;
  try {
    context.drawImage(img, 0, 0, 1, 1);
    context.getImageData(0, 0, 1, 1);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the page shows the image as its file stores it, an EXIF orientation left out
 * (`image-orientation: none`): browsers honour that for images the page may read, and turn the
 * others upright all the same (Chromium and Firefox: measured).
 */
export function showsAsStored(img: HTMLImageElement, style = getComputedStyle(img)): boolean {
  return style.imageOrientation === 'none' && mayReadPixels(img);
}

/** `pixels` is the file's size when known; without it the element's (density-corrected) natural size stands in. */
export function readFacts(img: HTMLImageElement, pixels?: Size | null): ImageFacts {
  const style = getComputedStyle(img);
  const insets = {
    top: px(style.paddingTop) + px(style.borderTopWidth),
    right: px(style.paddingRight) + px(style.borderRightWidth),
    bottom: px(style.paddingBottom) + px(style.borderBottomWidth),
    left: px(style.paddingLeft) + px(style.borderLeftWidth),
  };
  const drawn = drawnSize(img, insets);
  // While a new source loads, the natural size is still the old picture's: it reads as not loaded.
  const upright = !img.complete || pixels === null ? { width: 0, height: 0 } : (pixels ?? { width: img.naturalWidth, height: img.naturalHeight });
  const natural = showsAsStored(img, style) ? storedSize(upright, drawn) : upright;
  return {
    naturalWidth: natural.width,
    naturalHeight: natural.height,
    renderedWidth: drawn.width,
    renderedHeight: drawn.height,
    stretch: drawn.stretch,
    objectFit: style.objectFit,
    // The element's natural size is the file's over its srcset density.
    density: pixels && img.naturalWidth > 0 ? pixels.width / img.naturalWidth : 1,
    devicePixelRatio: (window.devicePixelRatio || 1) * pinchScale(img),
    // Both spellings: Chrome before 121 knows only checkOpacity and checkVisibilityCSS.
    visible: img.checkVisibility({ opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true }),
    pixelated: drawsAsBlocks(style.imageRendering),
    blurred: drawnBlurred(img, style),
    type: typeFromUrl(img.currentSrc),
    // The bytes are the engine's to read: it turns animated files away itself.
    frameCount: null,
    currentSrc: img.currentSrc,
  };
}

/**
 * How much larger a pinch zoom (a trackpad's, a touch screen's) draws the image, which changes
 * neither devicePixelRatio nor the window's size: its scale where the image is in the part of the
 * page it shows, else 1. The rest of the page is not drawn larger until panned to (PageWatch
 * looks again then), and a pinch at one picture would have every image near the window enhanced
 * at the largest scale.
 */
function pinchScale(img: HTMLImageElement): number {
  const viewport = window.visualViewport;
  if (!viewport || viewport.scale === 1) return 1;
  const rect = img.getBoundingClientRect();
  const inPinch =
    rect.right > viewport.offsetLeft && rect.left < viewport.offsetLeft + viewport.width && rect.bottom > viewport.offsetTop && rect.top < viewport.offsetTop + viewport.height;
  return inPinch ? viewport.scale : 1;
}

/**
 * The size the image's content is drawn at on screen, in CSS px. Its box on screen, unless a
 * transform (its own or an ancestor's) makes that differ from its laid-out box: then the laid-out
 * box stretched as the transforms stretch it, since a turned image's box on screen is its turned
 * bounding box, larger than the picture (see transformStretch).
 */
function drawnSize(img: HTMLImageElement, insets: Insets): Size & Pick<ImageFacts, 'stretch'> {
  const rect = img.getBoundingClientRect();
  const moved = Math.abs(rect.width - img.offsetWidth) > 1 || Math.abs(rect.height - img.offsetHeight) > 1;
  if (!moved) return { ...contentBoxSize(rect, insets), stretch: 1 };
  // The laid-out box leaves CSS zoom out (an ancestor's `zoom: 2`); the box on screen has it.
  const laidOut = contentBoxSize({ width: img.offsetWidth, height: img.offsetHeight }, insets);
  const transform = transformsOn(img);
  const zoom = img.currentCSSZoom ?? 1;
  const stretched = transform ? transformStretch(transform) : null;
  const drawn = stretched ? { width: laidOut.width * stretched.width * zoom, height: laidOut.height * stretched.height * zoom } : contentBoxSize(rect, insets);
  const stretch = laidOut.width > 0 && laidOut.height > 0 ? Math.max(drawn.width / laidOut.width, drawn.height / laidOut.height) : 1;
  return { ...drawn, stretch };
}

/**
 * The transforms on the image and its ancestors as they are drawn (a slotted image inside the
 * shadow tree that slots it, shadow hosts included), as one. Each element's `rotate` and `scale`
 * properties apply before its `transform`, as CSS orders them (translations move nothing we
 * measure). Null when there are none, or they only move it.
 */
function transformsOn(img: HTMLImageElement): DOMMatrix | null {
  let all = new DOMMatrix();
  for (let element: Element | null = img; element; element = flatParent(element)) {
    const { rotate, scale, transform } = getComputedStyle(element);
    const own = [
      rotate && rotate !== 'none' && !/[xyz]/.test(rotate) ? `rotate(${rotate})` : '',
      scale && scale !== 'none' ? `scale(${scale.split(' ').slice(0, 2).join(', ')})` : '',
      transform && transform !== 'none' ? transform : '',
    ].join(' ');
    if (!own.trim()) continue;
    try {
      all = new DOMMatrix(own).multiply(all);
    } catch {
      return null; // a value this browser's DOMMatrix cannot parse: measured by its box on screen, as without transforms
    }
  }
  // One that only moves (a chart's margins, a carousel's slide) scales nothing: the box on screen
  // says, which has what no transform tells (an SVG viewBox's scale over a foreignObject).
  const movesOnly = all.is2D && all.a === 1 && all.b === 0 && all.c === 0 && all.d === 1;
  return movesOnly ? null : all;
}

/**
 * Drawn through a blur: the image's own filter, or an ancestor's, which blurs all it holds (a
 * cover's blurred copy wrapped in the box that is blurred, behind a player or an article's header).
 */
function drawnBlurred(img: HTMLImageElement, style: CSSStyleDeclaration): boolean {
  if (filterBlurs(style.filter)) return true;
  for (let element = flatParent(img); element; element = flatParent(element)) if (filterBlurs(getComputedStyle(element).filter)) return true;
  return false;
}

/** The element's parent as it is drawn: its slot (in a closed root too), its parent, or its shadow root's host. */
export function flatParent(element: Element): Element | null {
  const slot = slotOf(element);
  if (slot) return slot;
  if (element.parentElement) return element.parentElement;
  const root = element.getRootNode();
  return root instanceof ShadowRoot ? root.host : null;
}

export function priorityOf(img: HTMLImageElement): Priority {
  return viewportPriority(img.getBoundingClientRect(), { width: window.innerWidth, height: window.innerHeight });
}

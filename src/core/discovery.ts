/**
 * Which images on a page are worth enhancing, from facts the content script reads off the DOM.
 * Pure, so the rules are tested without a browser and the glue only measures.
 */
import { gifImageDescriptors } from './gif-blocks';
import { MAX_OUTPUT_SIDE } from './limits';
import { SHIPPED_SCALES } from './models';
import { isoBrands, walkIsoBoxes } from './iso-boxes';

export interface ImageFacts {
  naturalWidth: number;
  naturalHeight: number;
  /** The box the image is drawn in, in CSS pixels. */
  renderedWidth: number;
  renderedHeight: number;
  /**
   * How many times the transforms and CSS `zoom` on the image and its ancestors draw its laid-out
   * box larger, on the axis they stretch the most: 1 without them. `object-fit: none` and
   * `scale-down` size the picture by its own size inside that box, and so draw it this much larger.
   */
  stretch: number;
  /** CSS `object-fit`: how the picture fills that box, which decides how large it is drawn. */
  objectFit: string;
  /**
   * Pixels of the file per CSS pixel of the picture's own size: 2 for a srcset's "2x" file, 1
   * without a srcset density (or when unknown). `object-fit: none` draws the picture at that size.
   */
  density: number;
  /** Device pixels per CSS pixel, as the screen draws the image now: a pinch zoom's scale included where it shows the image. */
  devicePixelRatio: number;
  /** In the layout and not hidden by CSS (display, visibility, opacity 0). */
  visible: boolean;
  /**
   * Drawn with `image-rendering: pixelated` or `crisp-edges` (drawsAsBlocks): the page wants its pixels seen as
   * blocks (pixel art, sprites, QR codes), which a photo model would smear.
   */
  pixelated: boolean;
  /**
   * Drawn through a CSS blur filter: the page wants it soft (a blurred copy of the cover behind a
   * player or an article, a placeholder), and more pixels would not show.
   */
  blurred: boolean;
  /** MIME type from the response, or `typeFromUrl(currentSrc)`; null when neither is known. */
  type: string | null;
  /** From `countFrames` once the bytes are in; null before, and the engine checks again then. */
  frameCount: number | null;
  /** `img.currentSrc`: the candidate a srcset or <picture> actually chose, not `src`. */
  currentSrc: string;
}

export interface DiscoveryRules {
  /** Enhance when the screen shows the image at least this many times its natural size. */
  minUpscaleFactor: number;
  /** Natural sides below this are icons, spacers and tracking pixels. */
  minSide: number;
  /** Natural size limit, as in the engine's own check. */
  maxInputPixels: number;
}

export type SkipReason =
  | 'no-source'
  | 'svg'
  | 'hidden'
  | 'pixel-art'
  | 'blurred'
  /** Drawn in an empty box. */
  | 'zero-size'
  /** Not decoded yet (or broken): naturalWidth/Height are 0 until the load event. */
  | 'not-loaded'
  | 'too-small'
  | 'too-large'
  | 'animated'
  | 'sharp-enough';

export type Verdict = { enhance: true; need: number } | { enhance: false; reason: SkipReason };

/**
 * Checks run cheapest and most certain first, so a hidden tracking pixel reports 'hidden' without
 * its sizes being looked at. `need` is how much more resolution the screen could show, on the
 * axis that lacks the most.
 */
export function needsEnhancing(facts: ImageFacts, rules: DiscoveryRules): Verdict {
  const skip = (reason: SkipReason): Verdict => ({ enhance: false, reason });
  if (!facts.currentSrc) return skip('no-source');
  if (facts.type === 'image/svg+xml') return skip('svg');
  if (!facts.visible) return skip('hidden');
  if (facts.pixelated) return skip('pixel-art');
  if (facts.blurred) return skip('blurred');
  // `> 0` also turns away NaN from a detached element.
  if (!(facts.renderedWidth > 0 && facts.renderedHeight > 0)) return skip('zero-size');
  if (!(facts.naturalWidth > 0 && facts.naturalHeight > 0)) return skip('not-loaded');
  if (Math.min(facts.naturalWidth, facts.naturalHeight) < rules.minSide) return skip('too-small');
  if (facts.naturalWidth * facts.naturalHeight > rules.maxInputPixels) return skip('too-large');
  // Even its smallest enhancement would be longer than a canvas can be (a sprite strip, a banner).
  if (Math.max(facts.naturalWidth, facts.naturalHeight) * SHIPPED_SCALES[0] > MAX_OUTPUT_SIDE) return skip('too-large');
  if (facts.frameCount !== null && facts.frameCount > 1) return skip('animated');
  const need = drawnScale(facts) * facts.devicePixelRatio;
  return need >= rules.minUpscaleFactor ? { enhance: true, need } : skip('sharp-enough');
}

/**
 * How many CSS pixels the picture is drawn per pixel of its file, on the axis stretched the most.
 * `contain` letterboxes the picture inside the box and `cover` fills it, both at one scale for
 * both axes; `none` draws it at its own size (the file's pixels over its density, as transforms
 * and zoom stretch its box) and `scale-down` never larger; `fill`, the default, stretches each axis.
 */
function drawnScale(facts: ImageFacts): number {
  const across = facts.renderedWidth / facts.naturalWidth;
  const down = facts.renderedHeight / facts.naturalHeight;
  const ownSize = facts.stretch / facts.density;
  switch (facts.objectFit) {
    case 'contain':
      return Math.min(across, down);
    case 'none':
      return ownSize;
    case 'scale-down':
      return Math.min(ownSize, across, down);
    default:
      return Math.max(across, down);
  }
}

/**
 * Whether a computed CSS `image-rendering` draws the image's pixels as blocks. Firefox keeps the
 * legacy `optimizeSpeed` as its own value and draws it as `pixelated` (older pixel-art pages use
 * it); Chrome computes it as `auto` and draws it smooth.
 */
export function drawsAsBlocks(imageRendering: string): boolean {
  return imageRendering === 'pixelated' || imageRendering === 'crisp-edges' || imageRendering === 'optimizespeed';
}

/** Whether a computed CSS `filter` blurs: one blur() of a radius over 0 in it. */
export function filterBlurs(filter: string): boolean {
  return [...filter.matchAll(/blur\(\s*([\d.]+)/g)].some(([, radius]) => Number.parseFloat(radius) > 0);
}

const TYPE_BY_EXTENSION: Record<string, string> = {
  svg: 'image/svg+xml',
  gif: 'image/gif',
  png: 'image/png',
  apng: 'image/apng',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  avif: 'image/avif',
};

/** The type a URL announces (data: header or file extension), for before the bytes arrive. */
export function typeFromUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'data:') {
    const type = /^([\w.+-]+\/[\w.+-]+)[;,]/.exec(parsed.pathname)?.[1];
    return type ? type.toLowerCase() : null;
  }
  const extension = /\.(\w+)$/.exec(parsed.pathname)?.[1]?.toLowerCase();
  return (extension && TYPE_BY_EXTENSION[extension]) || null;
}

/**
 * How many frames an image file holds: more than one means animated, which the model would
 * flatten to its first frame. Reads GIF, PNG (APNG), WebP and AVIF containers; any other or truncated
 * file counts as what was seen, at least 1, so unknown formats are never called animated.
 * `bytes` is the whole file: a GIF or WebP states no frame count up front.
 */
export function countFrames(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number, length: number): string =>
    offset + length <= bytes.length ? String.fromCharCode(...bytes.subarray(offset, offset + length)) : '';
  const signature = ascii(0, 6);
  // Each image descriptor is one frame (a graphic control extension alone is not).
  if (signature === 'GIF87a' || signature === 'GIF89a') return Math.max(1, [...gifImageDescriptors(bytes)].length);
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return Math.max(1, apngFrameCount(view, ascii));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return Math.max(1, webpFrameCount(view, ascii));
  if (isoBrands(view).includes('avis')) return Math.max(1, isoSampleCount(view));
  return 1;
}

/**
 * Whether a file starting with `head` (its first 12 bytes at least) is of a kind countFrames may
 * find more than one frame in: GIF, PNG (APNG), WebP and ISO (AVIF) files. A JPEG never is.
 */
export function mayHoldFrames(head: Uint8Array): boolean {
  const ascii = (offset: number, length: number): string => String.fromCharCode(...head.subarray(offset, offset + length));
  return ascii(0, 3) === 'GIF' || ascii(0, 8) === '\x89PNG\r\n\x1a\n' || (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') || ascii(4, 4) === 'ftyp';
}

/** The boxes on the way from the file to a track's sample sizes (moov/trak/mdia/minf/stbl). */
const ISO_SAMPLE_PATH = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

/**
 * The most samples any track holds: an AVIF image sequence (brand 'avis') is a movie whose samples
 * are its frames; one of a single sample shows as a still image. Read from the sample size box
 * (stsz, or the compact stz2), whose sample count both keep 8 bytes into the box's content.
 */
function isoSampleCount(view: DataView): number {
  let samples = 0;
  walkIsoBoxes(view, ISO_SAMPLE_PATH, ({ type, start, end }) => {
    if ((type === 'stsz' || type === 'stz2') && start + 12 <= end) samples = Math.max(samples, view.getUint32(start + 8));
  });
  return samples;
}

/** `num_frames` of the acTL chunk, which APNG requires before the first IDAT; plain PNGs have none. */
function apngFrameCount(view: DataView, ascii: (offset: number, length: number) => string): number {
  for (let at = 8; at + 8 <= view.byteLength; ) {
    const length = view.getUint32(at);
    const type = ascii(at + 4, 4);
    if (type === 'acTL') return at + 12 <= view.byteLength ? view.getUint32(at + 8) : 1;
    if (type === 'IDAT') return 1;
    at += 12 + length; // length, type, data, CRC
  }
  return 1;
}

/**
 * ANMF (animation frame) chunks of a WebP. The VP8X animation flag is not read: encoders set it on
 * single-frame animations too, which show as a still image; only a count tells.
 */
function webpFrameCount(view: DataView, ascii: (offset: number, length: number) => string): number {
  let frames = 0;
  for (let at = 12; at + 8 <= view.byteLength; ) {
    const type = ascii(at, 4);
    const size = view.getUint32(at + 4, true);
    if (type === 'ANMF') frames++;
    at += 8 + size + (size % 2); // chunks are padded to an even size
  }
  return frames;
}

/** Why a job failed, in words a person can act on. The code is for tests and the status counters. */
import type { Size } from './image-geometry';

export type FailureCode =
  | 'fetch-failed'
  | 'download-refused'
  | 'not-an-image'
  | 'svg'
  | 'animated'
  | 'empty-image'
  | 'too-large'
  | 'too-large-for-scale'
  | 'too-long'
  | 'too-long-for-scale'
  | 'model-failed'
  | 'out-of-memory'
  | 'image-gone'
  | 'editable'
  | 'restored'
  | 'engine-unavailable'
  | 'blocked-by-page'
  | 'page-unreachable'
  | 'file-access-off'
  | 'file-closed'
  | 'site-withheld'
  | 'image-site-withheld'
  | 'frame-site-withheld'
  | 'changed-on-server'
  | 'denser-than-shown';

export interface Failure {
  code: FailureCode;
  message: string;
  /** 'denser-than-shown': the file's size in pixels, upright. */
  pixels?: Size;
}

const MESSAGES: Record<FailureCode, string> = {
  'fetch-failed': 'Enhance could not download this image.',
  'download-refused': "The image's site refused Enhance's download of it.",
  'not-an-image': 'Enhance could not read this file as an image.',
  svg: 'SVG images are already sharp at any size.',
  animated: 'Enhance leaves animated images as they are.',
  'empty-image': 'This image has no pixels to enhance.',
  'too-large': 'This image is larger than the size limit in Enhance settings.',
  'too-large-for-scale': 'At this scale the enhanced image would be larger than 4096 x 4096 pixels: Enhance x2 works for it.',
  'too-long': 'This image is too long and thin to enhance: the result would be wider or taller than browsers can draw.',
  'too-long-for-scale': 'At this scale the enhanced image would be wider or taller than browsers can draw: Enhance x2 works for it.',
  'model-failed': 'The upscaling model failed on this image.',
  'out-of-memory': 'The browser ran out of memory enhancing this image: a smaller scale, or a smaller largest tile side in Enhance settings, needs less, and closing other tabs frees some.',
  'image-gone': 'The image is no longer on the page.',
  editable: 'Enhance leaves images in text being edited as they are: the editor would save the enhanced copy, which lasts only while this tab is open.',
  restored: 'The image was put back before its enhancement was ready.',
  'engine-unavailable': 'The Enhance engine is not working right now: try again in a few minutes.',
  'blocked-by-page': "This page's security policy does not allow replacing its images.",
  'page-unreachable': 'The browser keeps extensions out of this page, so Enhance cannot change its images.',
  'file-access-off': 'To enhance images in files on this computer, switch on "Allow access to file URLs" in Enhance\'s details, on the browser\'s extensions page.',
  'file-closed': 'This browser does not let extensions into files on this computer: Enhance works on web pages here.',
  'site-withheld': "Enhance may not read this site: allow it in the browser's Extensions menu (the toolbar's puzzle-piece button).",
  'image-site-withheld': "Enhance may not read images from the site this one comes from: add that site to Enhance's site access in the browser's extension settings.",
  'frame-site-withheld': "Enhance may not read the site of the frame this image is in: add that site to Enhance's site access in the browser's extension settings.",
  'changed-on-server': "The site gave Enhance a different picture from the one shown (it changes on every download, or is kept for the site's own pages), so Enhance left the one shown as it is.",
  'denser-than-shown': 'This image has more pixels than the page lays out: its file says to show them denser.',
};

/** The words for a failure, where no job failed (the popup says why it cannot act on a page). */
export function messageOf(code: FailureCode): string {
  return MESSAGES[code];
}

/** An error that carries a user-facing failure, thrown inside the engine and sent back as a value. */
export class EnhanceError extends Error {
  constructor(
    readonly code: FailureCode,
    /** A fact the user can act on (a size, an HTTP status), shown after the message. */
    readonly detail?: string,
    /** What failed underneath (another error's text): for logs and the engine's status, not for the page. */
    readonly underlying?: string,
  ) {
    super(detail ? `${MESSAGES[code]} (${detail})` : MESSAGES[code]);
    this.name = 'EnhanceError';
  }

  /** `code`, caused by `error`: a browser's or a library's words, which mean nothing to the user. */
  static wrapping(code: FailureCode, error: unknown): EnhanceError {
    return new EnhanceError(code, undefined, textOf(error));
  }
}

/**
 * An automatic job's file that the browser lays out at its EXIF size, smaller than its pixels
 * (laidOutAtExifSize): the page measured its need on the smaller size. An answer with the pixels'
 * size, for the page to measure again, not an error.
 */
export class DenserThanShown extends EnhanceError {
  constructor(readonly pixels: Size) {
    super('denser-than-shown', `${pixels.width}x${pixels.height} pixels`);
  }
}

export function textOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The words of an allocation that failed: V8's typed arrays (a length in the hundreds of millions:
 * a negative or NaN one is a bug, not memory), WebAssembly memory that cannot grow, ORT's C++ heap
 * (bad_alloc), Emscripten's abort, Chromium's decoded bitmap ("The ImageBitmap could not be
 * allocated", where a file it cannot read is "could not be decoded").
 */
const OUT_OF_MEMORY = /allocation failed|invalid typed array length: \d{9,}|out of memory|\bOOM\b|bad_alloc|cannot enlarge memory|(?:could not|cannot|failed to) allocate|could not be allocated|maximum memory size exceeded/i;

/** Whether `error` (or an error's text) says memory ran out. */
export function isOutOfMemory(error: unknown): boolean {
  return OUT_OF_MEMORY.test(textOf(error));
}

/**
 * The failure the user reads; an error that is not an EnhanceError says only its fallback's
 * message. Memory running out says so wherever it happened (the model's run, the result's pixels,
 * encoding): it is the one cause the user can do something about.
 */
export function toFailure(error: unknown, fallback: FailureCode = 'model-failed'): Failure {
  // The model's failures carry what failed underneath; an error of ours with another code already says why.
  const underneath = error instanceof EnhanceError ? (error.code === 'model-failed' ? error.underlying : undefined) : textOf(error);
  if (underneath !== undefined && isOutOfMemory(underneath)) return { code: 'out-of-memory', message: MESSAGES['out-of-memory'] };
  if (error instanceof DenserThanShown) return { code: error.code, message: error.message, pixels: error.pixels };
  if (error instanceof EnhanceError) return { code: error.code, message: error.message };
  return { code: fallback, message: MESSAGES[fallback] };
}

/**
 * Why a page's content script could not be reached. A local file's page is kept from extensions
 * until the user allows file access (off by default in Chrome; never given in Firefox), and the
 * tab's URL may be hidden then too (`pageUrl` undefined): the image's own URL tells. A frame of a web page that cannot be
 * reached has gone (navigated or removed since the right-click). Other pages are the browser's own.
 */
/** Whether extensions may work in local files: allowed by the user, off (Chrome's default), or never (Firefox). */
export type FileAccess = 'allowed' | 'off' | 'never';

export function unreachableCode(pageUrl: string | undefined, srcUrl: string, fileAccess: FileAccess, inSubframe: boolean): FailureCode {
  if ((pageUrl ?? srcUrl).startsWith('file:') && fileAccess !== 'allowed') return fileAccess === 'never' ? 'file-closed' : 'file-access-off';
  return inSubframe && /^https?:/.test(pageUrl ?? '') ? 'image-gone' : 'page-unreachable';
}

/**
 * A message to a page or frame that unloaded before it answered (the user followed a link or
 * reloaded, or the frame was removed). Chrome says its message channel or port closed (one it moved
 * into the back/forward cache: "the message channel is closed"); Firefox that its actor was destroyed
 * before the query was resolved (older versions: message manager disconnected).
 */
export function isPageLeft(error: unknown): boolean {
  return /message channel (is )?closed|message port closed|destroyed before query|message manager disconnected/i.test(textOf(error));
}

/** Bytes in, pixels out, and back: fetching, decoding and encoding images in the engine document. */
import { countFrames, mayHoldFrames } from '../core/discovery';
import { EnhanceError, isOutOfMemory } from '../core/errors';
import { outsideSrgb } from '../core/gamut';
import type { RgbaImage } from '../core/image';
import { fileTooLarge, MAX_IMAGE_BYTES } from '../core/limits';
import { logError } from '../shared/log';

/**
 * Runs a request with `referer` on the engine's requests for `url`: the host's way to ask as the
 * page would. `onTurn`: told when the request's turn comes, before the rule is added.
 */
export type WithReferer = <T>(url: string, referer: string, request: () => Promise<T>, onTurn?: () => void) => Promise<T>;

/**
 * A WithReferer from the two steps of the background's rule: add it for the URL, drop it after the
 * request. A rule that could not be dropped (the worker restarting) is logged, not the request's
 * failure: its download has its answer, and the worker's rules for the engine end with the session.
 * Requests for one URL take turns: the rules cannot tell the engine's requests apart, so two pages
 * of different sites asking for the same image at once would both get whichever Referer won.
 */
export function refererHook(add: (url: string, referer: string) => Promise<number>, drop: (ruleId: number) => Promise<void>): WithReferer {
  const turns = new Map<string, Promise<unknown>>();
  return (url, referer, request, onTurn) => {
    const withRule = async () => {
      onTurn?.();
      const ruleId = await add(url, referer);
      try {
        return await request();
      } finally {
        await drop(ruleId).catch((error: unknown) => logError('referer rule', error));
      }
    };
    const result = (turns.get(url) ?? Promise.resolve()).then(withRule);
    const turn = result.catch(() => undefined);
    turns.set(url, turn);
    void turn.then(() => {
      if (turns.get(url) === turn) turns.delete(url);
    });
    return result;
  };
}

/** Where a job came from: the Referer its page sent (its origin), and how to send it too. */
export interface PageContext {
  referer: string;
  withReferer: WithReferer;
}

/** Answers by which image hosts refuse a request that does not come from an allowed site's page. */
const REFUSED = new Set([401, 403]);

/**
 * A download that sent nothing for this long has stalled: the engine runs one job at a time, and
 * every tab waits behind it. One that keeps sending goes on however long it takes (a 30 MB file
 * takes minutes on a slow link).
 */
const DOWNLOAD_STALL_MS = 60_000;
/** However it sends, a download ends here: one that trickles a byte a minute would hold every tab's jobs for hours. */
const DOWNLOAD_MAX_MS = 10 * 60_000;

/** A camera's live picture (Motion JPEG): a stream of frames, like a video. */
const isStream = (type: string | null) => type?.toLowerCase().startsWith('multipart/') ?? false;

/**
 * A web page where the image should be: a sign-in, a bot check or a "no hotlinking" page, sent
 * with 200 OK. Said to be HTML and made of markup: a server that labels its images text/html (a
 * misconfigured one) still sends image bytes, which decode, and an SVG is handled as one.
 */
async function isWebPage(type: string | null, body: Blob): Promise<boolean> {
  if (!/^\s*(text\/html|application\/xhtml\+xml)\b/i.test(type ?? '')) return false;
  const head = (await body.slice(0, 512).text()).trimStart();
  return head.startsWith('<') && !(await looksLikeSvg(body));
}

export interface FetchOptions {
  /** The image's bytes, read by the content script, for a URL only the page can read. */
  pageBytes?: string;
  page?: PageContext;
  /** Asks with the page's Referer at once (and past the HTTP cache): the file the engine got without it was not the page's. */
  asPage?: boolean;
  /** Aborts when the job's page is gone. */
  jobGone?: AbortSignal;
  /**
   * The download goes without cookies, and past the HTTP cache (where a copy fetched with them may
   * wait): for a tab that keeps cookies of its own (a private window, a Firefox container), which
   * the engine's requests cannot carry, rather than with the main cookie jar, which would tie the
   * two identities together; and for an image of another origin than the page's (JobSource.pageOrigin).
   */
  withoutCookies?: boolean;
  /** How long the download may go without a byte (tests shorten it). */
  stallMs?: number;
}

/** Aborts once `ms` pass without a call to progress(); end() stops watching. */
function stallWatch(ms: number): { signal: AbortSignal; progress(): void; end(): void } {
  const stalled = new AbortController();
  let timer = setTimeout(() => stalled.abort(), ms);
  return {
    signal: stalled.signal,
    progress: () => {
      clearTimeout(timer);
      timer = setTimeout(() => stalled.abort(), ms);
    },
    end: () => clearTimeout(timer),
  };
}

/**
 * The image's bytes: fetched here, or, for a URL only the page can read, the ones its content
 * script sent. A host that refuses the engine, or sends it a web page in the image's place, is
 * asked once more with the page's Referer (`asPage`: at once).
 */
export async function fetchImageBlob(srcUrl: string, { pageBytes, page, asPage = false, jobGone, withoutCookies = false, stallMs = DOWNLOAD_STALL_MS }: FetchOptions = {}): Promise<Blob> {
  const stall = stallWatch(stallMs);
  const longest = AbortSignal.timeout(DOWNLOAD_MAX_MS);
  const signal = AbortSignal.any([stall.signal, longest, ...(jobGone ? [jobGone] : [])]);
  const request = (cache: RequestCache) => (): Promise<Response> => {
    // The extension's host permission lets this read cross-origin bytes that a page canvas could not.
    // The HTTP cache's own rules: a copy kept from an earlier job may be stale, and a file the server
    // replaced under the same URL would be enhanced (and its result cached) from the old bytes.
    const withoutThem = () => fetch(pageBytes ?? srcUrl, { credentials: 'omit', cache: 'no-store', signal });
    if (withoutCookies) return withoutThem();
    return fetch(pageBytes ?? srcUrl, { credentials: 'include', cache, signal }).then((response) => {
      // Sent on to another origin (a redirect the page's own URL answers with): what the cookies
      // unlock there is no more the page's to read than that origin's image itself.
      if (!response.redirected || new URL(response.url).origin === new URL(srcUrl).origin) return response;
      void response.body?.cancel().catch(() => undefined);
      return withoutThem();
    });
  };
  // The HTTP cache does not key on the Referer: asked as the page, the server answers.
  // Its turn may wait for another job's download of the URL (refererHook), which is no stall of this
  // one: the watch stops meanwhile, and starts again, over the rule's setting and the request, at its turn.
  const asThePage = (from: PageContext) => {
    stall.end();
    return from.withReferer(srcUrl, from.referer, request('reload'), stall.progress);
  };
  /** The response's file, or why the server would not give it: a refusal, or a page in its place. */
  const fileOf = async (response: Response): Promise<Blob | { refused: string }> => {
    if (REFUSED.has(response.status)) {
      // The refusal's body, unread, would hold its connection until collected.
      void response.body?.cancel().catch(() => undefined);
      return { refused: `HTTP ${response.status}` };
    }
    if (!response.ok) throw new EnhanceError('fetch-failed', `HTTP ${response.status}`);
    const type = response.headers.get('content-type');
    if (isStream(type)) {
      void response.body?.cancel().catch(() => undefined);
      throw new EnhanceError('animated');
    }
    const body = await readCapped(response, type ?? '', stall.progress);
    return (await isWebPage(type, body)) ? { refused: 'a web page came in place of the image' } : body;
  };
  try {
    let file = await fileOf(asPage && page && !pageBytes ? await asThePage(page) : await request('default')());
    if (!asPage && !(file instanceof Blob) && page && !pageBytes) file = await fileOf(await asThePage(page));
    // The pixels the page shows may still be enhanced (see enhance-images.ts).
    if (!(file instanceof Blob)) throw new EnhanceError('download-refused', file.refused);
    return file;
  } catch (error) {
    // Whatever failed on the way (the network, the worker's Referer rule) failed the download.
    if (error instanceof EnhanceError) throw error;
    if (stall.signal.aborted) throw new EnhanceError('fetch-failed', `nothing came for ${stallMs / 1000} s`);
    if (longest.aborted) throw new EnhanceError('fetch-failed', `no end after ${DOWNLOAD_MAX_MS / 60_000} minutes`);
    throw EnhanceError.wrapping('fetch-failed', error);
  } finally {
    stall.end();
  }
}

/** The body, up to MAX_IMAGE_BYTES: a response that announces or sends more is cut off there. */
async function readCapped(response: Response, type: string, progress: () => void): Promise<Blob> {
  if (Number(response.headers.get('content-length')) > MAX_IMAGE_BYTES) {
    void response.body?.cancel().catch(() => undefined);
    throw fileTooLarge();
  }
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  // The size at which the frames were last counted: again at twice that, so all the counts together
  // read the file at most twice; never for a kind of file that holds one frame (a JPEG).
  let mayAnimate: boolean | undefined;
  for (let size = 0, counted = 0; ; ) {
    const { done, value } = await reader.read();
    if (done) return new Blob(chunks, { type });
    progress();
    size += value.byteLength;
    if (size > MAX_IMAGE_BYTES) {
      void reader.cancel().catch(() => undefined);
      throw fileTooLarge();
    }
    chunks.push(value);
    // An animated file is turned away (see engine.ts) as soon as its head shows a second frame:
    // the rest, megabytes of a GIF downloaded again (the engine shares no HTTP cache with the
    // page), would be for nothing. The head goes on as the file, and says so again there.
    if (mayAnimate === undefined && size >= 12) mayAnimate = mayHoldFrames(joined(chunks, size));
    if (mayAnimate && size >= 2 * counted) {
      counted = size;
      if (countFrames(joined(chunks, size)) > 1) {
        void reader.cancel().catch(() => undefined);
        return new Blob(chunks, { type });
      }
    }
  }
}

function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

async function looksLikeSvg(blob: Blob): Promise<boolean> {
  if (blob.type.includes('svg')) return true;
  const head = (await blob.slice(0, 512).text()).trimStart().toLowerCase();
  return head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'));
}

export async function decodeImage(blob: Blob): Promise<ImageBitmap> {
  if (await looksLikeSvg(blob)) throw new EnhanceError('svg');
  if (blob.size === 0) throw new EnhanceError('empty-image');
  try {
    // Colours as the page shows them: a file's profile (Display P3 from a phone, Adobe RGB, a PNG's
    // gamma) converted to sRGB, which the model was trained on and the PNG result is read as.
    return await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'default' });
  } catch (error) {
    throw decodeFailure(error, blob.type);
  }
}

/** Why the browser could not decode a file of `type`: memory short for its pixels (Chromium says which), or a file it cannot read. */
export function decodeFailure(error: unknown, type: string): EnhanceError {
  return isOutOfMemory(error) ? EnhanceError.wrapping('out-of-memory', error) : new EnhanceError('not-an-image', type || 'unknown type');
}

/** The colour spaces pixels go through the model in: sRGB, or Display P3 for wider colours (see core/gamut.ts). */
export type ColourSpace = 'srgb' | 'display-p3';

/** The bitmap's pixels in `space`, or null where the browser's canvases have no such space (Firefox 140 draws in sRGB alone). */
function readIn(bitmap: ImageBitmap, space: ColourSpace): RgbaImage | null {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: space });
  if (!ctx) throw new EnhanceError('engine-unavailable', undefined, 'no 2D canvas');
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height, { colorSpace: space });
  // A browser without the space gives sRGB's (ImageData.colorSpace says so, where it says anything).
  if ((pixels.colorSpace ?? 'srgb') !== space) return null;
  return { width: bitmap.width, height: bitmap.height, data: pixels.data };
}

export function bitmapToRgba(bitmap: ImageBitmap): RgbaImage {
  return readIn(bitmap, 'srgb') as RgbaImage;
}

/** The bitmap's pixels in Display P3, where it has colours sRGB would clip; null for all others. */
export function widerColours(bitmap: ImageBitmap): RgbaImage | null {
  const p3 = readIn(bitmap, 'display-p3');
  return p3 && outsideSrgb(p3) ? p3 : null;
}

/** Lossless PNG (what the cache keeps), tagged with `space` (Chromium writes the profile). */
export async function encodePng(image: RgbaImage, space: ColourSpace = 'srgb'): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d', { colorSpace: space });
  if (!ctx) throw new EnhanceError('engine-unavailable', undefined, 'no 2D canvas');
  ctx.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height, { colorSpace: space }), 0, 0);
  // Our own pixels, within the size limits, on a canvas that took them: what fails here is memory for the file, not the model.
  return canvas.convertToBlob({ type: 'image/png' }).catch((error: unknown) => {
    throw EnhanceError.wrapping('out-of-memory', error);
  });
}

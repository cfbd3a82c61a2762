/** One job, run over a port straight to the engine; resolves with its last event. */
import browser from 'webextension-polyfill';
import { EnhanceError, toFailure } from '../core/errors';
import { askWorker } from '../shared/ask-worker';
import type { RgbaImage } from '../core/image';
import { fileTooLarge, MAX_IMAGE_BYTES } from '../core/limits';
import { metaPolicy, sendsNoReferer } from '../core/referrer-policy';
import { encodeThumbnail, thumbnailOf } from '../core/thumbnail';
import { blobToDataUrl } from '../shared/data-url';
import type { JobEvent, JobRequest } from '../shared/protocol';
import { PartsReceived, postParts } from '../shared/message-parts';
import { JOB_PORT } from '../shared/protocol';
import { mayReadPixels, pixelSizeOf, showsAsStored } from './image-facts';
import { isRevoked, noteRevoked } from './revoked-urls';
import { hasPixels, originalOf, type Original } from './swap';

type Final = Extract<JobEvent, { type: 'done' | 'failed' }>;

/** A job as the engine needs it from this page, and what a restore needs that the page lost. */
export interface ReadyJob {
  request: JobRequest;
  /**
   * The page's pixels, as a PNG, when its blob: URL loads nothing any more: a restore shows them
   * (Original.standIn), for the page's own URL would leave a broken image.
   */
  standIn?: Blob;
}

/**
 * The job as the engine needs it from this page. A blob: URL belongs to the page's origin, and the
 * engine, in the extension's, cannot fetch it (a chat or photo app shows its images so): this
 * script, in the page's, reads the bytes instead. A page may revoke the URL once its image has
 * loaded (upload previews do): the pixels `shown` still holds, same-origin and so readable, are sent
 * then, as a PNG. Any other URL the engine fetches itself, and checks what it gets against the size
 * of the file `shown` shows, and against the fingerprint of its pixels where this page may read them.
 */
export async function forEngine(asked: JobRequest, shown: HTMLImageElement): Promise<ReadyJob> {
  const showsIt = shown.currentSrc === asked.srcUrl;
  if (!asked.srcUrl.startsWith('blob:')) {
    const request = withholdsReferer(shown, asked.srcUrl) ? { ...asked, noReferer: true } : asked;
    if (!showsIt) return { request: await asShownBefore(request, originalOf(shown)) };
    const size = await pixelSizeOf(request.srcUrl, shown);
    // An SVG without a size of its own reports a side of 0 (Firefox): no shape to compare.
    const shownSize = size && size.width > 0 && size.height > 0 ? size : undefined;
    // Over the size limit the engine refuses the file anyway, and reading the pixels would cost the
    // most. The file's own size where known: a srcset's density divides naturalWidth both ways.
    const { width, height } = shownSize ?? { width: shown.naturalWidth, height: shown.naturalHeight };
    const pixels = width * height <= request.settings.maxInputPixels ? await readablePixels(shown) : null;
    return { request: { ...request, shownSize, ...(pixels && { shownThumbnail: encodeThumbnail(thumbnailOf(pixels)) }), ...asStored(shown) } };
  }
  let blob: Blob;
  let revoked = false;
  // Another scale, over our result: the file the first job read is kept (a blob: URL's bytes never
  // change), and the page may have revoked its URL since (a preview it let go of). Not where that
  // job found it revoked: its stand-in goes on as the stand-in, which a restore shows.
  const kept = showsIt ? undefined : keptFileOf(shown, asked.srcUrl);
  try {
    if (kept) blob = kept;
    else if (isRevoked(asked.srcUrl)) throw new Error('The page has revoked this blob: URL.');
    else blob = await (await fetch(asked.srcUrl)).blob();
  } catch (error) {
    // Only a revoked blob: URL of this page fails to load: never to load again.
    noteRevoked(asked.srcUrl);
    // Upright (see withShownPixels): not for an image the page shows as stored.
    const pixels = showsIt ? (showsAsStored(shown) ? null : await shownPixels(shown)) : standInOf(shown, asked.srcUrl);
    if (!pixels) throw EnhanceError.wrapping('fetch-failed', error);
    blob = pixels;
    revoked = true;
  }
  // Sent on in parts, and held whole, in the engine's page: a blob the page padded out to
  // hundreds of megabytes, in frame after frame, would run it out of memory.
  if (blob.size > MAX_IMAGE_BYTES) throw fileTooLarge();
  // The pixels the page shows are upright whatever its style (createImageBitmap, drawImage, with any imageOrientation: measured), and a PNG of them has no orientation to leave out.
  return { request: { ...asked, pageBytes: await blobToDataUrl(blob), ...(!revoked && asStored(shown)) }, ...(revoked && { standIn: blob }) };
}

/**
 * Whether the page asks for the image without a Referer, by the image's policy or the page's
 * `<meta name="referrer">` (the last one the browser took: a word it knows), not by its HTTP
 * header, which no script can read.
 */
function withholdsReferer(shown: HTMLImageElement, srcUrl: string): boolean {
  const page = policyWindow();
  const metas = [...page.document.querySelectorAll<HTMLMetaElement>('meta[name="referrer" i]')].map((meta) => metaPolicy(meta.content)).filter(Boolean);
  const policy = shown.referrerPolicy || (metas.at(-1) ?? '');
  try {
    return sendsNoReferer(policy, new URL(page.location.href), new URL(srcUrl));
  } catch {
    return false;
  }
}

/**
 * The window whose URL and referrer policy this frame's requests go by: an about:blank or srcdoc
 * frame has its parent's (it inherits them, and the engine's Referer is the parent's origin), up to
 * the first window with a URL of its own.
 */
function policyWindow(): Window {
  let current: Window = window;
  while (current.location.protocol === 'about:' && current.parent !== current) {
    try {
      void current.parent.document; // throws where the parent is another origin's
    } catch {
      break;
    }
    current = current.parent;
  }
  return current;
}

/**
 * A job at another scale for an image that shows our result of `request.srcUrl`: the page's file,
 * no longer on show, can neither check a download nor be read. The file the first job enhanced
 * (Original.pageFile: the picture the user saw, which a URL giving another picture on every
 * download, or a host refusing the engine, would not give again) goes to the engine instead, which
 * mostly has it in its cache; one too large to keep is downloaded and checked as the first was.
 * Laid out as stored if the page's file was.
 */
async function asShownBefore(request: JobRequest, original: Original | undefined): Promise<JobRequest> {
  if (original?.srcUrl !== request.srcUrl) return request;
  const laidOut = original.asStored ? { ...request, asStored: true } : request;
  return original.pageFile ? { ...laidOut, pageBytes: await blobToDataUrl(original.pageFile) } : { ...laidOut, ...original.checks };
}

/** The request's `asStored` where the page shows the file so. */
function asStored(shown: HTMLImageElement): Pick<JobRequest, 'asStored'> {
  return showsAsStored(shown) ? { asStored: true } : {};
}

/** The page's file of `srcUrl` that `shown`, enhanced from it, keeps (Original.pageFile), where it has no stand-in: for a scale asked for after the first. */
function keptFileOf(shown: HTMLImageElement, srcUrl: string): Blob | undefined {
  const original = originalOf(shown);
  return original?.srcUrl === srcUrl && !original.standIn ? original.pageFile : undefined;
}

/** The page's pixels of `srcUrl` that `shown`, enhanced from them, keeps for a restore (Original.standIn): for a scale asked for after the first. */
function standInOf(shown: HTMLImageElement, srcUrl: string): Blob | null {
  const original = originalOf(shown);
  return original?.srcUrl === srcUrl ? (original.standIn ?? null) : null;
}

/**
 * The job again with the pixels `shown` shows, where the engine could not use its own download
 * (another picture, a refusal, a site Enhance may not read): null when they cannot be read now, or
 * are most likely one frame of an animated GIF, which a swap would freeze. (The file itself, from
 * the page's HTTP cache, would tell an animated one, but a fetch that misses the cache is logged
 * in the page's console.)
 */
export async function withShownPixels({ shownThumbnail: _, ...request }: JobRequest, shown: HTMLImageElement): Promise<JobRequest | null> {
  // Shown as stored, a file with an EXIF orientation would come back turned: the pixels a page may
  // read are upright whatever its style, and only the file says how it is stored.
  if (request.asStored) return null;
  const pixels = shown.currentSrc === request.srcUrl && !looksLikeGif(request.srcUrl) ? await shownPixels(shown) : null;
  return pixels && { ...request, pageBytes: await blobToDataUrl(pixels) };
}

/** A GIF going by its URL (its name, or a CDN's format parameter), most likely animated. */
function looksLikeGif(url: string): boolean {
  const { pathname, searchParams } = new URL(url);
  return /\.gif$/i.test(pathname) || [searchParams.get('format'), searchParams.get('fm')].some((format) => format?.toLowerCase() === 'gif');
}

/**
 * The loaded image drawn at the size of its file; null when it has no pixels yet. Not at
 * `naturalWidth`: a srcset density divides that (a 2x file's is half its pixels), and drawing the
 * element at its natural size would crop or pad the picture.
 */
async function drawnAtOwnSize(img: HTMLImageElement): Promise<HTMLCanvasElement | null> {
  if (!hasPixels(img)) return null;
  const bitmap = await createImageBitmap(img);
  try {
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    // Read back on the CPU, not from the GPU.
    canvas.getContext('2d', { willReadFrequently: true })?.drawImage(bitmap, 0, 0);
    return canvas;
  } finally {
    bitmap.close();
  }
}

/** The loaded image's pixels; null when it has none or the page may not read them (cross-origin). */
async function readablePixels(img: HTMLImageElement): Promise<RgbaImage | null> {
  if (!hasPixels(img) || !mayReadPixels(img)) return null;
  try {
    const canvas = await drawnAtOwnSize(img);
    return canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height) ?? null;
  } catch {
    // A tainted canvas (SecurityError), or an image the browser could not make a bitmap of.
    return null;
  }
}

/** The loaded image's pixels at its own size, as a PNG; null when it has none or they cannot be read. */
async function shownPixels(img: HTMLImageElement): Promise<Blob | null> {
  try {
    const canvas = await drawnAtOwnSize(img);
    // toBlob gives null, or throws on a tainted canvas: either way, nothing to send.
    return canvas && (await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png')));
  } catch {
    return null;
  }
}

const ENGINE_STOPPED: Final = {
  type: 'failed',
  failure: { code: 'engine-unavailable', message: 'The Enhance engine stopped before the image was done.' },
};

const STOPPED: Final = { type: 'failed', failure: toFailure(new EnhanceError('restored')) };

/**
 * Runs the job; if the port found no engine (Chrome closed its idle page, or it crashed, after the
 * worker last started it), asks the worker to start it and tries once more. `stop` ends it early
 * (the user put the image back): the port closes, and the engine stops before its next tile.
 */
export async function runEngineJob(request: JobRequest, onProgress: (done: number, total: number) => void, stop: AbortSignal): Promise<Final> {
  const first = await attempt(request, onProgress, stop);
  if (first !== 'no-engine') return first;
  try {
    await askWorker({ type: 'start-engine' });
  } catch (error) {
    // The worker could not start the engine's page: a failure another try may not repeat.
    throw EnhanceError.wrapping('engine-unavailable', error);
  }
  const second = await attempt(request, onProgress, stop);
  return second === 'no-engine' ? ENGINE_STOPPED : second;
}

/** One connection: its last event, or 'no-engine' when it closed before the engine said anything. */
function attempt(request: JobRequest, onProgress: (done: number, total: number) => void, stop: AbortSignal): Promise<Final | 'no-engine'> {
  if (stop.aborted) return Promise.resolve(STOPPED);
  return new Promise((resolve) => {
    const port = browser.runtime.connect({ name: JOB_PORT });
    let heard = false;
    let settled = false;
    const onStop = () => finish(STOPPED);
    const finish = (event: Final | 'no-engine') => {
      if (settled) return;
      settled = true;
      stop.removeEventListener('abort', onStop);
      resolve(event);
      port.disconnect();
    };
    stop.addEventListener('abort', onStop);
    const received = new PartsReceived();
    port.onMessage.addListener((message: unknown) => {
      heard = true;
      const event = message as JobEvent;
      if (event.type === 'part') received.add(event);
      else if (event.type === 'progress') onProgress(event.done, event.total);
      else if (event.type === 'done') finish({ ...event, dataUrl: received.joinedWith(event.dataUrl) });
      else finish(event);
    });
    port.onDisconnect.addListener(() => {
      // Read, or Chrome logs "Receiving end does not exist" in the page's console as unchecked: no
      // engine to connect to is expected here (an idle one closed), and the next try starts one.
      void (typeof chrome === 'undefined' ? undefined : chrome.runtime.lastError);
      finish(heard ? ENGINE_STOPPED : 'no-engine');
    });
    const post = (message: unknown) => port.postMessage(message);
    post(request.pageBytes === undefined ? request : { ...request, pageBytes: postParts(post, request.pageBytes) });
  });
}

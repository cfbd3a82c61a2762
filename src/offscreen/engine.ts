/**
 * One enhancement job in the engine: fetch, check, then answer from the result cache or upscale
 * tile by tile, encode and store.
 */
import { countFrames } from '../core/discovery';
import { DenserThanShown, EnhanceError, textOf } from '../core/errors';
import type { RgbaImage } from '../core/image';
import { exifOrientation, headerSize, pixelsOverExifSize } from '../core/image-header';
import { checkImageSize } from '../core/limits';
import { cacheKey, sha256Hex } from '../core/lru-cache-index';
import { modelForJob, parseRegistry, type ModelEntry, type ModelRegistry } from '../core/models';
import { storedPixels } from '../core/orientation';
import { resolveProfile } from '../core/scale-choice';
import { decodeThumbnail, differentPictures, sameShape, thumbnailOf } from '../core/thumbnail';
import { DEFAULT_OVERLAP, UPSCALE_VERSION, upscaleImage } from '../core/upscale';
import { blobToDataUrl } from '../shared/data-url';
import { originOf } from '../shared/site-switches';
import { PAGE_FILE_KEPT_BYTES, type EngineInfo, type JobEvent, type JobRequest } from '../shared/protocol';
import { chooseBackend, engineBroken, fallBackToWasm, wasmInWorker, wasmThreads, webgpuWorked, type BackendChoice } from './backend';
import { benchmarkInUse, decideProfile } from './device-profile';
import { bitmapToRgba, decodeImage, encodePng, fetchImageBlob, widerColours, type ColourSpace, type PageContext } from './image-io';
import { withJobRunner } from './precision-check';
import { resultCache, type StoredResult } from './result-store';

let registry: Promise<ModelRegistry> | undefined;
const stats: Pick<EngineInfo, 'backend' | 'reason' | 'jobsRun' | 'inferences' | 'cacheHits'> = {
  backend: null,
  reason: 'no job has run yet',
  jobsRun: 0,
  inferences: 0,
  cacheHits: 0,
};

function loadRegistry(): Promise<ModelRegistry> {
  if (!registry) {
    const loading = fetch(chrome.runtime.getURL('models/models.json'))
      .then((r) => {
        if (!r.ok) throw new Error(`models.json: HTTP ${r.status}`);
        return r.json();
      })
      .then(parseRegistry);
    registry = loading;
    // A read that failed (memory short) is tried again by the next job, not failed for the document's life.
    loading.catch(() => {
      if (registry === loading) registry = undefined;
    });
  }
  return registry;
}

/**
 * The backend failed, not the job: a session that could not be made or run, a lost device, NaN
 * output (all 'model-failed'). A job failing elsewhere (memory short for the result's pixels) would
 * fail on WASM too, and must not take WebGPU away from every later job.
 */
function backendFailed(error: unknown): boolean {
  return error instanceof EnhanceError && error.code === 'model-failed';
}

/** A file in another shape than the page's: the one mismatch a page's Referer may mend. An answer, not an error to log. */
class AnotherShape extends EnhanceError {
  constructor() {
    super('changed-on-server');
  }
}

/** A picture's pixels, in the colour space they go through the model in. */
interface Pixels {
  image: RgbaImage;
  space: ColourSpace;
  /** Turned back to the way the file stores them (JobRequest.asStored, a file with an EXIF orientation): another result, another cache key. */
  turnedBack: boolean;
}

/**
 * The file's pixels, if they may be the picture the page shows: its shape as the page's file, its
 * fingerprint as what the page shows (compared in sRGB, as the page's canvas reads it). In Display
 * P3 where the file has colours sRGB would clip.
 */
async function decodeChecked(blob: Blob, bytes: Uint8Array, job: JobRequest): Promise<Pixels> {
  const bitmap = await decodeImage(blob).catch((error: unknown) => {
    // The page shows a picture from this URL: no picture at all (no bytes, or none an image decoder reads) was not its file.
    if (job.shownSize && error instanceof EnhanceError && (error.code === 'empty-image' || error.code === 'not-an-image')) throw new AnotherShape();
    throw error;
  });
  try {
    if (job.shownSize && !sameShape(job.shownSize, bitmap)) throw new AnotherShape();
    checkImageSize(bitmap.width, bitmap.height, job.scale, job.settings.maxInputPixels);
    const image = bitmapToRgba(bitmap);
    const shown = decodeThumbnail(job.shownThumbnail);
    if (shown && differentPictures(shown, thumbnailOf(image))) throw new EnhanceError('changed-on-server');
    const wider = widerColours(bitmap);
    const pixels = wider ? { image: wider, space: 'display-p3' as const } : { image, space: 'srgb' as const };
    // Checked upright, as the page's canvas reads it; enhanced the way up the page lays it out.
    const orientation = job.asStored ? exifOrientation(bytes) : 1;
    return orientation === 1 ? { ...pixels, turnedBack: false } : { ...pixels, image: storedPixels(pixels.image, orientation), turnedBack: true };
  } finally {
    bitmap.close();
  }
}

/** The job's file as the engine gets it; `asPage`: asked for with the page's Referer. */
export function fetchJobFile(job: JobRequest, signal: AbortSignal, { page, separateCookies, pageOrigin }: JobSource, asPage: boolean): Promise<Blob> {
  const pagesOwn = pageOrigin !== undefined && originOf(job.srcUrl) === pageOrigin;
  return fetchImageBlob(job.srcUrl, { pageBytes: job.pageBytes, page, asPage, jobGone: signal, withoutCookies: separateCookies || !pagesOwn });
}

/** The file's bytes and checked pixels. */
async function checkedFile(job: JobRequest, signal: AbortSignal, file: Promise<Blob>): Promise<{ blob: Blob; bytes: Uint8Array<ArrayBuffer>; pixels: Pixels }> {
  const blob = await file;
  // No decoding for a page gone as the last bytes came.
  signal.throwIfAborted();
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const declared = headerSize(bytes);
  // A header of another shape than the page's file: a host's "no hotlinking" banner, whose frames
  // and size are not the page's file's, which is asked for again. Only where they would fail the
  // job: a header may not give the shape drawn (an AVIF's crop), which decodeChecked compares.
  const anotherShape = job.shownSize !== undefined && declared !== null && !sameShape(job.shownSize, declared);
  // The model sees one frame: an animated image would come back still.
  if (countFrames(bytes) > 1) throw anotherShape ? new AnotherShape() : new EnhanceError('animated');
  // An automatic job's file the browser lays out at its EXIF size: the page chose the scale for
  // fewer pixels than the file has, and measures again with these (before the limits, which the
  // scale it chose may be over).
  const counted = job.auto && job.shownSize && declared && !job.asStored ? pixelsOverExifSize(job.shownSize, bytes, declared) : null;
  if (counted) throw new DenserThanShown(counted);
  // The limits before the decoder: a giant image would take gigabytes to decode before they could say no.
  try {
    if (declared) checkImageSize(declared.width, declared.height, job.scale, job.settings.maxInputPixels);
  } catch (error) {
    throw anotherShape ? new AnotherShape() : error;
  }
  return { blob, bytes, pixels: await decodeChecked(blob, bytes, job) };
}

/** The model's output on `on`: the part of a job that WebGPU failing (device lost, out of memory) fails. */
async function upscaleOn(image: RgbaImage, model: ModelEntry, on: BackendChoice, job: JobRequest, emit: (event: JobEvent) => void, signal: AbortSignal): Promise<RgbaImage> {
  const { output, precisionNote } = await withJobRunner(model, on, async ({ runner, precisionNote }) => ({
    output: await upscaleImage(image, runner, {
      maxTile: Math.min(job.settings.maxTile, on.maxTile),
      overlap: DEFAULT_OVERLAP,
      onProgress: (done, total) => emit({ type: 'progress', done, total }),
      signal,
    }),
    precisionNote,
  }));
  if (output.width !== image.width * model.scale) throw new EnhanceError('model-failed', undefined, 'unexpected output size');
  stats.backend = on.backend;
  stats.reason = precisionNote ? `${on.reason}, ${precisionNote}` : on.reason;
  stats.inferences++;
  return output;
}

/** Where a job came from, and what the cache had been told when it came. */
export interface JobSource {
  /** The page that asked, whose Referer a host that refuses the engine is asked with again. */
  page?: PageContext;
  /**
   * Which part of the result cache the job reads and fills (cachePartitionOf: the tab's site, the
   * frame's origin, the container). Undefined keeps it out of the cache: a private window's tab, a
   * frame or tab with no origin to name.
   */
  cachePartition: string | undefined;
  /** The tab keeps cookies of its own: a private window, or a Firefox container (see FetchOptions). */
  separateCookies: boolean;
  /**
   * The web origin of the page that asked, as the browser names the port's sender, not as the
   * page says. Only an image of that origin, which the page may read itself, is downloaded with
   * the user's cookies: the result goes into the page, whose script can read it, and made with
   * them, another site's image they unlock (a private photo the page embeds) would be read by a
   * page the browser keeps from reading it. A CORS image the page may read goes without them too,
   * and where refused, is enhanced from the pixels the page shows.
   */
  pageOrigin: string | undefined;
  /** The cache's clears when the job arrived (`ResultCache.clearsSoFar`): after a clear since, its result is not kept. */
  cacheClearsBefore: number;
}

/**
 * `signal` aborts when the page that asked is gone: the job stops before its next tile. `file`:
 * its download (fetchJobFile), begun while it waited its turn.
 */
export async function runJob(job: JobRequest, emit: (event: JobEvent) => void, signal: AbortSignal, source: JobSource, file: Promise<Blob>): Promise<Extract<JobEvent, { type: 'done' }>> {
  const { page, cachePartition, cacheClearsBefore } = source;
  const started = performance.now();
  const { blob, bytes, pixels } = await checkedFile(job, signal, file).catch((error: unknown) => {
    // A host that keeps its files for its own pages may answer others with another picture (a
    // "no hotlinking" placeholder) where one that refuses says so (see fetchImageBlob): asked as the
    // page. (A picture that changes on every download differs in its pixels: asked again, it would differ again.)
    if (!(error instanceof AnotherShape) || !page || job.pageBytes !== undefined) throw error;
    return checkedFile(job, signal, fetchJobFile(job, signal, source, true));
  });
  // A page gone meanwhile gets no hashing, device benchmark or cache read: other tabs wait behind them.
  signal.throwIfAborted();
  // The list of shipped models, read from the package: failing, it is the engine that cannot work, not the model.
  const models = await loadRegistry().catch((error: unknown) => {
    throw EnhanceError.wrapping('engine-unavailable', error);
  });
  const imageHash = await sha256Hex(bytes);
  const limit = job.settings.cacheLimitBytes;
  /** The model 'auto' means on `on`, its cached result or a new one; `mayFallBack`: WebGPU failing moves the job to WASM. */
  const enhanceOn = async (on: BackendChoice, mayFallBack: boolean): Promise<{ result: StoredResult; fromCache: boolean }> => {
    const model = modelForJob(models, job.scale, await decideProfile(job.settings.profile, models, on));
    // 'auto's device benchmark stalled (ORT's worker hung: see RunnerOptions.stalled): the job's own
    // session would wait on that worker for its whole limit (minutes), every tab behind it.
    if (engineBroken()) throw new EnhanceError('engine-unavailable');
    signal.throwIfAborted();
    const key = cachePartition === undefined ? undefined : cacheKey(cachePartition, imageHash, model.sha256, DEFAULT_OVERLAP, UPSCALE_VERSION, pixels.turnedBack);
    const cached = key === undefined ? undefined : await resultCache.lookup(key, limit);
    if (cached) {
      // A page gone while the cache was read gets nothing: the job ends here, as before a tile.
      signal.throwIfAborted();
      stats.cacheHits++;
      return { result: cached, fromCache: true };
    }
    let output;
    try {
      output = await upscaleOn(pixels.image, model, on, job, emit, signal);
    } catch (error) {
      if (!mayFallBack || on.backend !== 'webgpu' || signal.aborted || !backendFailed(error)) throw error;
      // WebGPU can be lost mid-run (driver reset, memory pressure): finish this job on WASM, with the
      // model 'auto' picks there (a GPU's quality model can take minutes on a CPU) and its cached result.
      fallBackToWasm(error instanceof EnhanceError ? (error.underlying ?? error.detail ?? error.message) : textOf(error));
      return enhanceOn(await chooseBackend(job.settings.allowWebGPU), false);
    }
    if (on.backend === 'webgpu') webgpuWorked();
    // A page gone during the last tile gets no PNG encoding, cache write or data URLs (seconds for a
    // large result), which would hold up the tabs behind it, and nothing kept, as after any tile.
    signal.throwIfAborted();
    const result = { png: await encodePng(output, pixels.space), width: output.width, height: output.height, backend: on.backend };
    if (key !== undefined) await resultCache.save(key, result, limit, cacheClearsBefore);
    return { result, fromCache: false };
  };
  const { result, fromCache } = await enhanceOn(await chooseBackend(job.settings.allowWebGPU), true);
  stats.jobsRun++;
  const ms = Math.round(performance.now() - started);
  const pageFile = blob.size <= PAGE_FILE_KEPT_BYTES ? await blobToDataUrl(blob) : undefined;
  return { type: 'done', dataUrl: await blobToDataUrl(result.png), width: result.width, height: result.height, backend: result.backend, ms, fromCache, ...(pageFile && { pageFile }) };
}

/** What the engine last ran on, and why: shown in the popup and returned by status(). */
export function engineInfo(): EngineInfo {
  const benchmark = benchmarkInUse();
  return {
    ...stats,
    crossOriginIsolated: self.crossOriginIsolated,
    wasmThreads: wasmThreads(),
    wasmInWorker: wasmInWorker(),
    ...(benchmark && { benchmark, autoProfile: resolveProfile('auto', benchmark) }),
  };
}

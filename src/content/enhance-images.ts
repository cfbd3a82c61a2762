/**
 * The one path from "enhance these images" to "they show the result", for the context menu's
 * jobs and auto-enhance alike: the engine job over its port, the progress ring, a URL the page
 * may show, and the swap.
 */
import { EnhanceError, toFailure, type Failure, type FailureCode } from '../core/errors';
import type { Size } from '../core/image-geometry';
import { askWorker } from '../shared/ask-worker';
import { dataUrlToBlob } from '../shared/data-url';
import { displaySiteName } from '../shared/display-origin';
import type { EnhanceOutcome, JobRequest } from '../shared/protocol';
import { forEngine, runEngineJob, withShownPixels } from './job';
import { JobIndicator, showMessage } from './job-indicator';
import { resultUrlFor } from './result-url';
import { originalOf, type Original } from './swap';

export interface EnhanceJob {
  request: JobRequest;
  /** The image the progress ring sits on. */
  anchor: HTMLImageElement;
  /**
   * Puts the result into the images that still want it and says how many took it. Asked only once
   * the result is in: images join, leave, or get a new source from the page while a job runs.
   * `kept`: what a restore shows where the page's own URL no longer loads (Original.standIn and
   * pageFile), and what a job at another scale goes by (Original.pageFile, checks).
   */
  swapInto(resultUrl: string, result: Size, kept: Pick<Original, 'standIn' | 'pageFile' | 'asStored' | 'checks'>): number;
  /** Aborted when the user put the images back meanwhile: the job ends with no swap and no message. */
  stop: AbortSignal;
}

export async function enhanceImages({ request, anchor, swapInto, stop }: EnhanceJob): Promise<EnhanceOutcome> {
  const indicator = new JobIndicator(anchor, request.auto === true, () => anchor.currentSrc === request.srcUrl || originalOf(anchor)?.srcUrl === request.srcUrl);
  // At once, not when the step under way settles: a quiet job's ring would appear meanwhile, even
  // after the script handed the page back (and in Firefox stay, its timers gone with the script).
  stop.addEventListener('abort', () => indicator.ended(), { once: true });
  const fail = (failure: Failure): EnhanceOutcome => {
    if (stop.aborted) indicator.ended();
    else indicator.failed(failure.message);
    return { ok: false, images: 0, failure };
  };
  try {
    const { request: asked, standIn } = await forEngine(request, anchor);
    const run = (job: JobRequest) => runEngineJob(job, indicator.progress, stop);
    let result = await run(asked);
    const withheld = (): Final => ({ type: 'failed', failure: toFailure(new EnhanceError('image-site-withheld', displaySiteName(asked.srcUrl))) });
    if (result.type === 'failed' && FROM_THE_PAGE.has(result.failure.code)) {
      result = await fromThePage(asked, anchor, result, run);
      // A site the user withheld may refuse the engine outright: which site to allow says more.
      if (result.type === 'failed' && result.failure.code === 'download-refused' && !(await maySiteBeRead(asked.srcUrl))) result = withheld();
    } else if (result.type === 'failed' && result.failure.code === 'fetch-failed' && !(await maySiteBeRead(asked.srcUrl))) {
      // The user allowed Enhance on some sites only, not the image's: what the page may read of it is
      // enhanced instead, where it may (forEngine read a thumbnail of those pixels then).
      const again = asked.shownThumbnail === undefined ? null : await withShownPixels(asked, anchor);
      result = again ? await run(again) : withheld();
    }
    if (result.type === 'failed') return fail(result.failure);
    const url = await resultUrlFor(result.dataUrl);
    if (stop.aborted) {
      URL.revokeObjectURL(url);
      return fail(toFailure(new EnhanceError('restored')));
    }
    const pageFile = result.pageFile === undefined ? undefined : dataUrlToBlob(result.pageFile);
    const checks = { shownSize: asked.shownSize, shownThumbnail: asked.shownThumbnail };
    const images = swapInto(url, { width: result.width, height: result.height }, { standIn, pageFile, checks, ...(asked.asStored && { asStored: true }) });
    if (images === 0) URL.revokeObjectURL(url);
    indicator.ended();
    return { ok: true, images, width: result.width, height: result.height, backend: result.backend, ms: result.ms };
  } catch (error) {
    return fail(toFailure(error));
  }
}

type Final = Awaited<ReturnType<typeof runEngineJob>>;
type Failed = Extract<Final, { type: 'failed' }>;

/**
 * The engine's download was not the page's file: another picture (one that changes on every
 * download, see thumbnail.ts), or a refusal (a server that sends its images to <img> requests
 * alone, a login a private window's requests go without).
 */
const FROM_THE_PAGE: ReadonlySet<FailureCode> = new Set(['changed-on-server', 'download-refused']);

/** The job again with the pixels the page shows, where it may read them (withShownPixels); `failed` stands otherwise. */
async function fromThePage(asked: JobRequest, anchor: HTMLImageElement, failed: Failed, run: (job: JobRequest) => Promise<Final>): Promise<Final> {
  const pixels = await withShownPixels(asked, anchor);
  return pixels ? run(pixels) : failed;
}

/** Whether Enhance may read the image's site; a worker that cannot say leaves the download's own failure standing. */
function maySiteBeRead(url: string): Promise<boolean> {
  return askWorker({ type: 'may-read-site', url }).catch(() => true);
}

/** A job the content script turns away itself: its message shows on the image, as the engine's failures do. */
export function turnedAway(img: HTMLImageElement, code: FailureCode): EnhanceOutcome {
  const failure = toFailure(new EnhanceError(code));
  showMessage(img, failure.message);
  return { ok: false, images: 0, failure };
}

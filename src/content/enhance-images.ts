/**
 * The one path from "enhance these images" to "they show the result", for the context menu's
 * jobs and auto-enhance alike: the engine job over its port, the progress ring, a URL the page
 * may show, and the swap.
 */
import { EnhanceError, toFailure, type Failure, type FailureCode } from '../core/errors';
import type { Size } from '../core/image-geometry';
import { askWorker } from '../shared/ask-worker';
import type { EnhanceOutcome, JobRequest } from '../shared/protocol';
import { forEngine, runEngineJob, withPageCopy, withShownPixels } from './job';
import { JobIndicator } from './job-indicator';
import { resultUrlFor } from './result-url';

export interface EnhanceJob {
  request: JobRequest;
  /** The image the progress ring sits on. */
  anchor: HTMLImageElement;
  /**
   * Puts the result into the images that still want it and says how many took it. Asked only once
   * the result is in: images join, leave, or get a new source from the page while a job runs.
   */
  swapInto(resultUrl: string, result: Size): number;
  /** Aborted when the user put the images back meanwhile: the job ends with no swap and no message. */
  stop: AbortSignal;
}

export async function enhanceImages({ request, anchor, swapInto, stop }: EnhanceJob): Promise<EnhanceOutcome> {
  const indicator = new JobIndicator(anchor, request.auto === true);
  const fail = (failure: Failure): EnhanceOutcome => {
    if (stop.aborted) indicator.ended();
    else indicator.failed(failure.message);
    return { ok: false, images: 0, failure };
  };
  try {
    const asked = await forEngine(request, anchor);
    let result = await runEngineJob(asked, indicator.progress, stop);
    if (result.type === 'failed' && result.failure.code === 'changed-on-server') {
      // The URL gave the engine another picture than the page's: the page's copy, or the pixels it shows, are enhanced instead.
      const again = (await withPageCopy(asked, anchor)) ?? (await withShownPixels(asked, anchor));
      if (again) result = await runEngineJob(again, indicator.progress, stop);
    } else if (result.type === 'failed' && result.failure.code === 'fetch-failed') {
      // The engine could not download the file (a login a private window's requests go without, a
      // server that sends its images to the page's <img> alone, a site the user withheld from
      // Enhance): what the page may read of it is enhanced instead, where it may (forEngine read a
      // thumbnail of those pixels then): the file from its cache, else the pixels shown.
      const again = asked.shownThumbnail === undefined ? null : ((await withPageCopy(asked, anchor)) ?? (await withShownPixels(asked, anchor)));
      if (again) result = await runEngineJob(again, indicator.progress, stop);
      else if (!(await maySiteBeRead(asked.srcUrl))) result = { type: 'failed', failure: toFailure(new EnhanceError('image-site-withheld', new URL(asked.srcUrl).hostname)) };
    }
    if (result.type === 'failed') return fail(result.failure);
    const url = await resultUrlFor(result.dataUrl);
    if (stop.aborted) {
      URL.revokeObjectURL(url);
      return fail(toFailure(new EnhanceError('restored')));
    }
    const images = swapInto(url, { width: result.width, height: result.height });
    if (images === 0) URL.revokeObjectURL(url);
    indicator.ended();
    return { ok: true, images, width: result.width, height: result.height, backend: result.backend, ms: result.ms };
  } catch (error) {
    return fail(toFailure(error));
  }
}

/** Whether Enhance may read the image's site; a worker that cannot say leaves the download's own failure standing. */
function maySiteBeRead(url: string): Promise<boolean> {
  return askWorker({ type: 'may-read-site', url }).catch(() => true);
}

/** A job the content script turns away itself: its message shows on the image, as the engine's failures do. */
export function turnedAway(img: HTMLImageElement, code: FailureCode): EnhanceOutcome {
  const failure = toFailure(new EnhanceError(code));
  new JobIndicator(img, false).failed(failure.message);
  return { ok: false, images: 0, failure };
}

/**
 * The engine's two ways in, whichever way its page runs (Chrome's offscreen document, a frame of
 * Firefox's background page): jobs arrive on ports opened by content scripts and run one at a time (one
 * inference at a time keeps memory bounded and ORT sessions unshared), the menu's before
 * auto-enhance's (`TurnLine`), their files downloaded a few ahead (`HeadStarts`); engine questions
 * (its state, the result cache) are answered by `answerEngineRequest`. Errors go back as values,
 * never as silence.
 */
import { EnhanceError, toFailure } from '../core/errors';
import { HeadStarts } from '../core/head-start';
import { fileTooLarge, MAX_IMAGE_BYTES } from '../core/limits';
import { TurnLine } from '../core/turn-line';
import { logError } from '../shared/log';
import { PartsReceived, postParts } from '../shared/message-parts';
import { isJobRequest, isMessagePart, JOB_PORT, type EngineInfo, type EngineRequest, type EngineResponses, type JobEvent, type JobSettings } from '../shared/protocol';
import { engineBroken, replaceBrokenEngine } from './backend';
import { engineInfo, fetchJobFile, runJob } from './engine';
import type { WithReferer } from './image-io';
import { cachePartitionOf, pageOriginOf, separateCookies } from './job-sender';
import { resultCache } from './result-store';

// Whatever escapes one job must not stop the jobs behind it: they would wait, unanswered, for good.
const line = new TurnLine((error) => logError('job queue', error));
/** Two files downloaded ahead, in the order the jobs came: the next job's is in by the time the model is free. */
const headStarts = new HeadStarts(2);

/** The most a job's parts hold: the data URL of the largest file a job takes (base64: 4 characters for 3 bytes), and room for its header. */
const MAX_JOB_PARTS_CHARS = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 1024 * 1024;

/** How the engine's host takes part in its jobs. */
export interface JobHooks {
  /**
   * Called as the first job of a busy spell arrives; returns what ends it once the last one
   * settles, given that job's settings: the host's way to keep itself running meanwhile, and to
   * know when it has been idle long enough.
   */
  stayAwake?: () => (settings: JobSettings) => void;
  /** When it says so, a job is turned away before a word is sent: its page then asks for a new engine and tries again. */
  closing?: () => boolean;
  /** Closes the engine's page now, jobs waiting or not: its engine broke (see engineBroken), and a fresh page mends it. */
  leave?: () => void;
  /** Sends a page's Referer on the engine's requests for a URL (declarativeNetRequest, which only the extension's background has). */
  withReferer: WithReferer;
}

export function listenForJobs({ stayAwake, closing, leave, withReferer }: JobHooks): void {
  let pending = 0;
  let release: ((settings: JobSettings) => void) | undefined;
  chrome.runtime.onConnect.addListener((port) => {
    if (port.name !== JOB_PORT) return;
    // The page closed, navigated or gave up: its jobs stop, and leave the engine to other tabs.
    const gone = new AbortController();
    port.onDisconnect.addListener(() => gone.abort());
    const emit = (event: JobEvent) => {
      if (gone.signal.aborted) return;
      try {
        port.postMessage(event);
      } catch {
        // Closed before onDisconnect told us (Firefox): the page is gone all the same.
        gone.abort();
      }
    };
    const received = new PartsReceived(MAX_JOB_PARTS_CHARS);
    // The Referer the page sent for its images, by the default policy: its origin.
    const pageOrigin = pageOriginOf(port.sender);
    const source = {
      pageOrigin,
      page: pageOrigin === undefined ? undefined : { referer: `${pageOrigin}/`, withReferer },
      cachePartition: cachePartitionOf(port.sender),
      separateCookies: separateCookies(port.sender),
    };
    port.onMessage.addListener((raw: unknown) => {
      if (isMessagePart(raw)) {
        if (received.add(raw)) return;
        // Answered, then cut off: a page that heard nothing would ask a new engine and send it all again.
        emit({ type: 'failed', failure: toFailure(fileTooLarge()) });
        gone.abort();
        port.disconnect();
        return;
      }
      const pageBytes = (raw as { pageBytes?: unknown } | null)?.pageBytes;
      const message = typeof pageBytes === 'string' ? { ...(raw as object), pageBytes: received.joinedWith(pageBytes) } : raw;
      if (!isJobRequest(message)) {
        // Answered, not ignored: the page would wait for good.
        logError('job', 'a job request the engine could not read');
        emit({ type: 'failed', failure: toFailure(new EnhanceError('engine-unavailable')) });
        return;
      }
      if (closing?.()) {
        port.disconnect();
        return;
      }
      // A clear from here on, even one made while it waits its turn, keeps its result out of the cache.
      // A page that sends no Referer for the image gets none sent for it (JobRequest.noReferer).
      const job = { ...source, ...(message.noReferer && { page: undefined }), cacheClearsBefore: resultCache.clearsSoFar() };
      const file = headStarts.start(() => fetchJobFile(message, gone.signal, job, false));
      // A page gone while its job waits gives its slot, and any file downloaded for it, to the next.
      gone.signal.addEventListener('abort', () => file.drop(), { once: true });
      if (pending++ === 0) release = stayAwake?.();
      line.add(async () => {
        /**
         * A broken engine whose page is replaced runs nothing more: it asks to be closed, and
         * drops the page's port. A job that had said nothing yet is tried again by its page on
         * a fresh engine; one that had (its progress) fails as the engine stopped, and an
         * automatic one is tried again.
         */
        const leftForFresh = async () => {
          if (!leave || !(await replaceBrokenEngine())) return false;
          leave();
          port.disconnect();
          return true;
        };
        try {
          // The page may have closed while the job waited its turn.
          if (!gone.signal.aborted && !(await leftForFresh())) {
            // A broken engine kept (replaced lately: see replaceBrokenEngine) would fail the job, or
            // wait on its worker for good (a session to create): each job fails at once instead.
            if (engineBroken()) throw new EnhanceError('engine-unavailable');
            const done = await runJob(message, emit, gone.signal, job, file.take());
            emit({ ...done, dataUrl: postParts(emit, done.dataUrl) });
          }
        } catch (error) {
          // A job stopped because its page went (the signal's own error) is no failure to keep.
          if (gone.signal.aborted || (await leftForFresh())) return;
          // The page hears the failure in the user's words; what failed underneath is kept here, in the engine's own console.
          if (!(error instanceof EnhanceError) || error.underlying !== undefined) logError('job', error instanceof EnhanceError ? error.underlying : error);
          // The model's failure on a broken engine not replaced yet (see replaceBrokenEngine) is the engine's.
          const engineFailed = engineBroken() && (!(error instanceof EnhanceError) || error.code === 'model-failed');
          emit({ type: 'failed', failure: toFailure(engineFailed ? new EnhanceError('engine-unavailable') : error) });
        } finally {
          file.drop();
          if (--pending === 0) release?.(message.settings);
        }
      }, message.auto !== true);
    });
  });
}

// The cache never rejects (a store it cannot read or write answers null), so every request gets its answer.
function answer(request: EngineRequest): Promise<EngineResponses[EngineRequest['type']]> | EngineInfo {
  switch (request.type) {
    case 'engine-info':
      return engineInfo();
    case 'cache-usage':
      return resultCache.usage();
    case 'clear-cache':
      return resultCache.clear();
    case 'trim-cache':
      return resultCache.trim(request.limitBytes);
  }
}

export async function answerEngineRequest<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  return (await answer(request)) as EngineResponses[T['type']];
}

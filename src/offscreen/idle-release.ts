/**
 * Chrome's engine document gives its memory back when it has had no job for the settings' idle
 * minutes: the models' sessions and ORT's WebAssembly heap, which never shrinks, stay allocated
 * for as long as the document lives (hundreds of MB after a large image). A document cannot close
 * itself, so it tells the worker, which closes it; the next job starts a fresh one. The minutes
 * come with each job (an offscreen document has no storage API): the last job's settings count.
 */
import { askWorker } from '../shared/ask-worker';
import { logError } from '../shared/log';
import type { JobSettings } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';

/** The `stayAwake` hook of listenForJobs: a busy spell stops the countdown, its end starts it again. */
export function releaseWhenIdle(): () => (settings: JobSettings) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const countDown = (minutes: number) => {
    if (minutes === 0) return;
    timer = setTimeout(() => {
      askWorker({ type: 'engine-idle' }).catch((error: unknown) => logError('engine idle', error));
    }, minutes * 60_000);
  };
  // A document started for a question (the options page's cache figures) and never given a job.
  countDown(DEFAULT_SETTINGS.engineIdleMinutes);
  return () => {
    clearTimeout(timer);
    return (settings) => countDown(settings.engineIdleMinutes);
  };
}

/**
 * The engine's page (Chrome's offscreen document, Firefox's frame) gives its memory back when it
 * has had no job for the settings' idle minutes: the models' sessions and ORT's WebAssembly heap,
 * which never shrinks, stay allocated for as long as the document lives (hundreds of MB after a
 * large image). A document cannot close
 * itself, so it tells the worker, which closes it; the next job starts a fresh one. The minutes
 * come with each job (an offscreen document has no storage API): the last job's settings count,
 * until the worker tells it of new ones saved meanwhile.
 */
import { askWorker } from '../shared/ask-worker';
import { logError } from '../shared/log';
import type { JobSettings } from '../shared/protocol';
import { DEFAULT_SETTINGS } from '../shared/settings';

/**
 * The hooks of listenForJobs. `stayAwake`: a busy spell stops the countdown, its end starts it
 * again. `closing`: true once the worker was told to close this document. A job that arrives after
 * that is turned away unheard, and its page asks the worker for an engine (which waits for this
 * one to close, then starts another): taken, it would be cut off by the close. `replaceNow`, asked
 * at each busy spell's end: true closes the document then (WebGPU lost: a fresh one gets a new device).
 * `leave` closes it at once, busy or not (its engine broke: see engine-service). `busy`: a job is
 * running or waiting now.
 */
export function releaseWhenIdle(replaceNow: () => boolean = () => false): {
  stayAwake: () => (settings: JobSettings) => void;
  closing: () => boolean;
  busy: () => boolean;
  leave: () => void;
  retime: (minutes: number) => void;
} {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let told = false;
  let busy = false;
  /** The minutes the worker last said were saved: newer than any job's settings, read before. */
  let saved: number | undefined;
  const close = () => {
    told = true;
    askWorker({ type: 'engine-idle' }).catch((error: unknown) => {
      // Not closed after all: take jobs again, and count down anew, from the end of a job that
      // runs now (a broken engine's leave comes mid-job), not under it.
      told = false;
      logError('engine idle', error);
      if (!busy) countDown(saved ?? DEFAULT_SETTINGS.engineIdleMinutes);
    });
  };
  const countDown = (minutes: number) => {
    clearTimeout(timer);
    if (minutes === 0) return;
    timer = setTimeout(close, minutes * 60_000);
  };
  // A document started for a question (the options page's cache figures) and never given a job.
  countDown(DEFAULT_SETTINGS.engineIdleMinutes);
  return {
    stayAwake: () => {
      busy = true;
      clearTimeout(timer);
      return (settings) => {
        busy = false;
        // Asked to close already (its engine broke: leave): once is enough.
        if (told) return;
        if (replaceNow()) close();
        else countDown(saved ?? settings.engineIdleMinutes);
      };
    },
    closing: () => told,
    busy: () => busy,
    leave: () => {
      if (told) return;
      clearTimeout(timer);
      close();
    },
    // New minutes count from now when idle, or from the busy spell's end; another setting saved
    // (the profile, say) leaves a countdown running as it is.
    retime: (minutes) => {
      if (minutes === saved) return;
      saved = minutes;
      if (!busy && !told) countDown(minutes);
    },
  };
}

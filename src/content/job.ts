/** One job, run over a port straight to the engine; resolves with its last event. */
import browser from 'webextension-polyfill';
import { askWorker } from '../shared/ask-worker';
import type { JobEvent, JobRequest } from '../shared/protocol';
import { JOB_PORT } from '../shared/protocol';

/**
 * Firefox suspends an event page that has had no extension event for its idle limit (30 s), even
 * while the engine in it computes, and the job dies with it. A runtime message is such an event;
 * one a second while the job runs keeps it (test/e2e/firefox.test.ts: the page is only reached
 * between the model's runs, so a tile must take less than the limit).
 */
const ALIVE_EVERY_MS = 1000;

function reportAlive(): void {
  // Undelivered, the port's disconnect reports the failure: nothing to log here.
  askWorker({ type: 'job-alive' }).catch(() => undefined);
}

type Final = Exclude<JobEvent, { type: 'progress' }>;

export function runEngineJob(request: JobRequest, onProgress: (done: number, total: number) => void): Promise<Final> {
  return new Promise((resolve) => {
    const port = browser.runtime.connect({ name: JOB_PORT });
    let settled = false;
    const alive = setInterval(reportAlive, ALIVE_EVERY_MS);
    const finish = (event: Final) => {
      if (settled) return;
      settled = true;
      clearInterval(alive);
      resolve(event);
      port.disconnect();
    };
    port.onMessage.addListener((message: unknown) => {
      const event = message as JobEvent;
      if (event.type === 'progress') onProgress(event.done, event.total);
      else finish(event);
    });
    port.onDisconnect.addListener(() =>
      finish({ type: 'failed', failure: { code: 'engine-unavailable', message: 'The Enhance engine stopped before the image was done.' } }),
    );
    port.postMessage(request);
  });
}

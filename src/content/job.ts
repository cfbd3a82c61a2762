/** One job, run over a port straight to the engine; resolves with its last event. */
import browser from 'webextension-polyfill';
import type { JobEvent, JobRequest } from '../shared/protocol';
import { JOB_PORT } from '../shared/protocol';

type Final = Exclude<JobEvent, { type: 'progress' }>;

export function runEngineJob(request: JobRequest, onProgress: (done: number, total: number) => void): Promise<Final> {
  return new Promise((resolve) => {
    const port = browser.runtime.connect({ name: JOB_PORT });
    let settled = false;
    const finish = (event: Final) => {
      if (settled) return;
      settled = true;
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

/**
 * The offscreen document: the engine's home. Jobs arrive on ports opened by content scripts and
 * run one at a time (one inference at a time keeps memory bounded and ORT sessions unshared);
 * engine questions arrive as runtime messages. Errors go back as values, never as silence.
 */
import { toFailure } from '../core/errors';
import { isEngineRequest, isJobRequest, JOB_PORT, type EngineResponses, type JobEvent } from '../shared/protocol';
import { engineInfo, runJob } from './engine';

let queue: Promise<unknown> = Promise.resolve();

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== JOB_PORT) return;
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false;
  });
  const emit = (event: JobEvent) => {
    if (open) port.postMessage(event);
  };
  port.onMessage.addListener((message: unknown) => {
    if (!isJobRequest(message)) return;
    queue = queue.then(async () => {
      // The page may have closed while the job waited its turn.
      if (!open) return;
      try {
        emit(await runJob(message, emit));
      } catch (error) {
        emit({ type: 'failed', failure: toFailure(error) });
      }
    });
  });
});

chrome.runtime.onMessage.addListener((message: unknown, _sender, sendResponse) => {
  if (!isEngineRequest(message)) return false;
  const response: EngineResponses['engine-info'] = engineInfo();
  sendResponse(response);
  return false;
});

/**
 * The engine's page: Chrome's offscreen document (its service worker has no DOM, no WebGPU and no
 * workers), and in Firefox a frame of the background page (engine-frame.ts). Engine questions come
 * as runtime messages from the background.
 */
import { askWorker } from '../shared/ask-worker';
import { fromExtension } from '../shared/extension-sender';
import { logError } from '../shared/log';
import { isEngineRequest, isEngineSettingsNotice } from '../shared/protocol';
import { gpuHeldSwitchedOff, webgpuSettingSaved, webgpuWorthRetrying } from './backend';
import { answerEngineRequest, listenForJobs } from './engine-service';
import { refererHook } from './image-io';
import { resultCache } from './result-store';
import { releaseWhenIdle } from './idle-release';

// A document whose GPU device is no more wanted (failed, or switched off) is replaced as its busy spell ends.
const idle = releaseWhenIdle(() => webgpuWorthRetrying() || gpuHeldSwitchedOff());

/** The worker holds the declarativeNetRequest API: it sets the rule, and drops it after the request. */
const withReferer = refererHook(
  (url, referer) => askWorker({ type: 'add-referer-rule', url, referer }),
  (ruleId) => askWorker({ type: 'drop-referer-rule', ruleId }),
);

listenForJobs({ stayAwake: idle.stayAwake, closing: idle.closing, leave: idle.leave, withReferer });

// Only the user's limit evicts results, and jobs' settings come from pages: the worker says it. A job
// that ends before the answer (there is none within milliseconds) stores its result and evicts nothing.
askWorker({ type: 'cache-limit' }).then(
  (limitBytes) => resultCache.learnLimit(limitBytes),
  (error: unknown) => logError('cache limit', error),
);

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  // A content script's message reaches this page too: the worker answers its jobs' messages, not this.
  if (!fromExtension(sender, chrome.runtime.getURL(''))) return false;
  if (isEngineSettingsNotice(message)) {
    idle.retime(message.idleMinutes);
    webgpuSettingSaved(message.allowWebGPU, !idle.busy());
    resultCache.setLimit(message.cacheLimitBytes);
    sendResponse();
    if (gpuHeldSwitchedOff() && !idle.busy()) idle.leave();
    return false;
  }
  if (!isEngineRequest(message)) return false;
  void answerEngineRequest(message).then(sendResponse);
  // Keeps the channel open for the asynchronous answer.
  return true;
});

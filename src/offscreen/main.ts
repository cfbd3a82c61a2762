/**
 * The engine's page: Chrome's offscreen document (its service worker has no DOM, no WebGPU and no
 * workers), and in Firefox a frame of the background page (engine-frame.ts). Engine questions come
 * as runtime messages from the background.
 */
import { askWorker } from '../shared/ask-worker';
import { fromExtension } from '../shared/extension-sender';
import { logError } from '../shared/log';
import { isEngineRequest, isEngineSettingsNotice, type EngineSettings } from '../shared/protocol';
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

/** A settings notice came: newer than the answer to the question asked at the start, which may come after it. */
let settingsHeard = false;

/** `asked`: the answer to the question at the start, which a trim since (the options page's) outdates for the cache. */
function actOn(settings: EngineSettings, asked = false): void {
  idle.retime(settings.idleMinutes);
  webgpuSettingSaved(settings.allowWebGPU, !idle.busy());
  if (asked) resultCache.learnLimit(settings.cacheLimitBytes);
  else resultCache.setLimit(settings.cacheLimitBytes);
  if (gpuHeldSwitchedOff() && !idle.busy()) idle.leave();
}

// Jobs' settings come from pages (a compromised one could say anything), and a page started for a
// question has had none: the cache's limit and the idle minutes are the extension's, asked now. A
// job that ends before the answer (within milliseconds) stores its result and evicts nothing.
askWorker({ type: 'engine-settings' }).then(
  (settings) => {
    if (!settingsHeard) actOn(settings, true);
  },
  (error: unknown) => logError('engine settings', error),
);

chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
  // A content script's message reaches this page too: the worker answers its jobs' messages, not this.
  if (!fromExtension(sender, chrome.runtime.getURL(''))) return false;
  if (isEngineSettingsNotice(message)) {
    settingsHeard = true;
    sendResponse();
    actOn(message);
    return false;
  }
  if (!isEngineRequest(message)) return false;
  void answerEngineRequest(message).then(sendResponse);
  // Keeps the channel open for the asynchronous answer.
  return true;
});

/**
 * Chrome's offscreen document: the engine's home there (Chrome's service worker has no DOM, no
 * WebGPU and no workers). Engine questions come as runtime messages from the service worker.
 */
import { isEngineRequest } from '../shared/protocol';
import { answerEngineRequest, listenForJobs } from './engine-service';
import { releaseWhenIdle } from './idle-release';

const idle = releaseWhenIdle();
listenForJobs(idle.stayAwake, idle.closing);

chrome.runtime.onMessage.addListener((message: unknown, _sender, sendResponse) => {
  if (!isEngineRequest(message)) return false;
  void answerEngineRequest(message).then(sendResponse);
  // Keeps the channel open for the asynchronous answer.
  return true;
});

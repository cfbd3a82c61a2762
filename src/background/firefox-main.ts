/**
 * Firefox's background page: the service worker's job (menus, router, counts) and the engine's in
 * one page. Firefox has no offscreen documents, and its background page has the DOM, workers and
 * WebGPU the engine needs, so it hosts the engine directly (the one place background code imports it).
 */
import { answerEngineRequest, listenForJobs } from '../offscreen/engine-service';
import { refererHook } from '../offscreen/image-io';
import { hostEngineHere } from './engine-client';
import { addRefererRule, dropRefererRule } from './page-referer';
import './main';

/**
 * Firefox suspends an event page after 30 s without extension activity, even in the middle of a
 * job, and the job is lost with it. A call to an API that the parent process answers counts as
 * activity, so one goes out each second while jobs are queued (the inference itself runs in ORT's
 * worker, which leaves this page's thread free to send it).
 */
const STAY_AWAKE_MS = 1_000;

function stayAwake(): () => void {
  const timer = setInterval(() => {
    chrome.runtime.getPlatformInfo().catch(() => undefined);
  }, STAY_AWAKE_MS);
  return () => clearInterval(timer);
}

hostEngineHere(answerEngineRequest);
listenForJobs({ stayAwake, withReferer: refererHook(addRefererRule, dropRefererRule) });

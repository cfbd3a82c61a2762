/** A request to the service worker (Firefox: the background page), typed with its response. */
import browser from 'webextension-polyfill';
import type { BackgroundRequest, BackgroundResponses } from './protocol';

export function askWorker<T extends BackgroundRequest>(request: T): Promise<BackgroundResponses[T['type']]> {
  return browser.runtime.sendMessage(request) as Promise<BackgroundResponses[T['type']]>;
}

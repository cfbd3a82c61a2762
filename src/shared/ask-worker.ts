/** A request to the service worker, typed with its response (the popup's and options page's only channel to it). */
import browser from 'webextension-polyfill';
import type { BackgroundRequest, BackgroundResponses } from './protocol';

export function askWorker<T extends BackgroundRequest>(request: T): Promise<BackgroundResponses[T['type']]> {
  return browser.runtime.sendMessage(request) as Promise<BackgroundResponses[T['type']]>;
}

/**
 * A request to the service worker, typed with its response: the channel of the popup, the options
 * page and the content script. Async, so it never throws where it is called: a content script left
 * in a page by an update finds its extension gone, and Chrome throws "Extension context
 * invalidated" synchronously; here that becomes a rejection, which the caller handles.
 */
import browser from 'webextension-polyfill';
import type { BackgroundRequest, BackgroundResponses } from './protocol';

export async function askWorker<T extends BackgroundRequest>(request: T): Promise<BackgroundResponses[T['type']]> {
  return (await browser.runtime.sendMessage(request)) as BackgroundResponses[T['type']];
}

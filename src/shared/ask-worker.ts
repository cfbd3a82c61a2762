/**
 * A request to the service worker, typed with its response: the channel of the popup, the options
 * page and the content script. Async, so it never throws where it is called: a content script left
 * in a page by an update finds its extension gone, and Chrome throws "Extension context
 * invalidated" synchronously; here that becomes a rejection, which the caller handles.
 */
import browser from 'webextension-polyfill';
import { textOf } from '../core/errors';
import type { BackgroundRequest, BackgroundResponses } from './protocol';

/**
 * Chrome's answer when the worker went away while it answered: stopped, or the extension switched
 * off or updated. A request that may be asked twice (counts, menu state, start the engine, look
 * something up) is asked once more: a new worker answers it, and a page whose extension is gone
 * gets "Extension context invalidated", which the log keeps quiet about.
 */
const isWorkerGoneMidAnswer = (error: unknown): boolean => textOf(error).includes('message channel closed before a response');

/** Asked twice, it would act twice: a second Referer rule, whose id no one would hear to drop it. */
const ASKED_ONCE: ReadonlySet<BackgroundRequest['type']> = new Set(['add-referer-rule']);

export async function askWorker<T extends BackgroundRequest>(request: T): Promise<BackgroundResponses[T['type']]> {
  try {
    return (await browser.runtime.sendMessage(request)) as BackgroundResponses[T['type']];
  } catch (error) {
    if (!isWorkerGoneMidAnswer(error) || ASKED_ONCE.has(request.type)) throw error;
    return (await browser.runtime.sendMessage(request)) as BackgroundResponses[T['type']];
  }
}

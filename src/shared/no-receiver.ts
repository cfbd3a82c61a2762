import { textOf } from '../core/errors';

/** The error of a request to a tab or frame where no content script listens (Chrome's words; the polyfill passes them on). */
export function isNoReceiver(error: unknown): boolean {
  return textOf(error).includes('Receiving end does not exist');
}

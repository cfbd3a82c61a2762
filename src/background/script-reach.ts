import { sendToContent } from '../shared/content-messaging';

/** How long the popup's status and the shortcut wait for the page's script. */
const SCRIPT_ANSWER_MS = 1500;

/**
 * Whether our script answers in the tab's top frame, put there now if it was missing. A loaded web
 * page where it cannot be is one the browser keeps extensions out of, beyond the stores keptOut
 * knows: Firefox's quarantined domains.
 */
export function scriptReaches(tabId: number): Promise<boolean> {
  const answer = sendToContent(tabId, { type: 'ping' }, 0).then(
    () => true,
    () => false,
  );
  // A script put there now may take seconds to listen on a busy page (sendToContent waits up to 10 s):
  // the popup and the shortcut do not wait that long, and take a slow page for one they reach.
  const slow = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), SCRIPT_ANSWER_MS));
  return Promise.race([answer, slow]);
}

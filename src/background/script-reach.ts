import browser from 'webextension-polyfill';
import { textOf } from '../core/errors';
import { sendToContent } from '../shared/content-messaging';

/** How long the popup's status and the shortcut wait for the page's script. */
const SCRIPT_ANSWER_MS = 1500;

export type ScriptReach = 'reached' | 'error-page' | 'kept-out';

/**
 * Whether our script answers in the tab's top frame, put there now if it was missing. A loaded web
 * page where it cannot be is the browser's error page (the site did not answer, a certificate
 * warning), or one the browser keeps extensions out of, beyond the stores keptOut knows: Firefox's
 * quarantined domains.
 */
export function scriptReaches(tabId: number): Promise<ScriptReach> {
  const answer = sendToContent(tabId, { type: 'ping' }, 0).then(
    (): ScriptReach => 'reached',
    () => whyUnreached(tabId),
  );
  // A script put there now may take seconds to listen on a busy page (sendToContent waits up to 10 s):
  // the popup and the shortcut do not wait that long, and take a slow page for one they reach.
  const slow = new Promise<ScriptReach>((resolve) => setTimeout(() => resolve('reached'), SCRIPT_ANSWER_MS));
  return Promise.race([answer, slow]);
}

/**
 * Why a loaded web page refuses our script. Chrome names its error page when it refuses ("Frame with
 * ID 0 is showing error page"). Firefox says "Missing host permission for the tab" on its error
 * pages and on quarantined domains alike; its error pages (network error, certificate warning,
 * blocked port) show one of Firefox's own icons, a chrome: URL a web page cannot show (measured).
 */
async function whyUnreached(tabId: number): Promise<ScriptReach> {
  try {
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, func: () => true });
  } catch (error) {
    if (/error page/i.test(textOf(error))) return 'error-page';
    // A tab closed meanwhile has no page to say anything about.
    const tab = await browser.tabs.get(tabId).catch(() => undefined);
    if (tab?.favIconUrl?.startsWith('chrome:') === true) return 'error-page';
  }
  return 'kept-out';
}

import browser, { type Tabs } from 'webextension-polyfill';
import { textOf } from '../core/errors';
import { within } from '../core/time-limit';
import { sendToContent } from '../shared/content-messaging';

/**
 * How long the popup's status and the shortcut wait for the page's script; one that refuses it may
 * then take up to FIRST_ICON_MS more to tell why (Firefox), about 3 s in all.
 */
const SCRIPT_ANSWER_MS = 1500;

export type ScriptReach = 'reached' | 'error-page' | 'kept-out';

/**
 * Whether our script answers in the tab's top frame, put there now if it was missing. A loaded web
 * page where it cannot be is the browser's error page (the site did not answer, a certificate
 * warning), or one the browser keeps extensions out of, beyond the stores keptOut knows: Firefox's
 * quarantined domains.
 */
export async function scriptReaches(tabId: number): Promise<ScriptReach> {
  const answered = sendToContent(tabId, { type: 'ping' }, 0).then(
    () => true,
    () => false,
  );
  // A script put there now may take seconds to listen on a busy page (sendToContent waits up to 10 s):
  // the popup and the shortcut do not wait that long, and take a slow page for one they reach.
  return (await within(answered, SCRIPT_ANSWER_MS, () => true)) ? 'reached' : whyUnreached(tabId);
}

/**
 * Why a loaded web page refuses our script, if it does. Chrome names its error page when it
 * refuses ("Frame with ID 0 is showing error page"). Firefox says "Missing host permission for the
 * tab" on its error pages and on quarantined domains alike; its error pages (network error,
 * certificate warning, blocked port) show one of Firefox's own icons, a chrome: URL a web page
 * cannot show (measured).
 */
async function whyUnreached(tabId: number): Promise<ScriptReach> {
  try {
    // At once: only the refusal matters, and a page that starts loading meanwhile must not hold it to its end.
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, injectImmediately: true, func: () => true });
    // It takes scripts: ours missed the ping for another reason (its document going into the
    // back/forward cache, or being replaced), and the page is reached like any other.
    return 'reached';
  } catch (error) {
    const refusal = textOf(error);
    if (/error page/i.test(refusal)) return 'error-page';
    // Firefox's words only: elsewhere (Chrome's PDF viewer, say) no icon is waited for.
    if (/missing host permission/i.test(refusal) && (await iconOf(tabId))?.startsWith('chrome:') === true) return 'error-page';
  }
  return 'kept-out';
}

/**
 * Firefox gives its error page that icon 0.3-0.6 s after the tab reads "complete" (measured), so a
 * tab with no icon yet gets FIRST_ICON_MS to show one. A tab closed meanwhile has none.
 */
const FIRST_ICON_MS = 1500;

function iconOf(tabId: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (icon: string | undefined) => {
      clearTimeout(timer);
      browser.tabs.onUpdated.removeListener(onUpdated);
      resolve(icon);
    };
    const onUpdated = (id: number, change: Tabs.OnUpdatedChangeInfoType) => {
      // A cleared icon is no answer. Nor is a URL update: Firefox sends its error page's own URL once more after "complete" (measured).
      if (id === tabId && change.favIconUrl) done(change.favIconUrl);
    };
    const timer = setTimeout(() => done(undefined), FIRST_ICON_MS);
    // Listening before asking: an icon set in between is not missed.
    browser.tabs.onUpdated.addListener(onUpdated);
    browser.tabs.get(tabId).then(
      (tab) => {
        if (tab.favIconUrl) done(tab.favIconUrl);
      },
      () => done(undefined),
    );
  });
}

/**
 * The page's Referer on the engine's own request for an image. Image hosts that guard against
 * hotlinking answer 403 unless a request comes from a page of an allowed site: the page that shows
 * the image passes, the engine, whose requests come from no page, does not. A declarativeNetRequest
 * session rule sets the header for that one URL, on requests made outside any tab (the engine's),
 * while one fetch runs. Used where the API is, the background (Chrome's service worker, Firefox's
 * background page), when the engine's page asks.
 */
import { logError } from '../shared/log';

/** Session rules outlive a restarted service worker: a new id is taken past any left behind. */
async function freeRuleId(): Promise<number> {
  const rules = await chrome.declarativeNetRequest.getSessionRules();
  return rules.reduce((highest, rule) => Math.max(highest, rule.id), 0) + 1;
}

// The API's enums as values: Firefox has the strings but not the enum objects.
const MODIFY_HEADERS = 'modifyHeaders' as chrome.declarativeNetRequest.RuleActionType;
const SET = 'set' as chrome.declarativeNetRequest.HeaderOperation;
const FETCH = 'xmlhttprequest' as chrome.declarativeNetRequest.ResourceType;
/** Requests from no tab: the engine page's (Chrome's offscreen document, Firefox's frame). */
const NO_TAB = -1;

/** One rule change at a time: two jobs' rules must not take the same id. */
let changes: Promise<unknown> = Promise.resolve();

function serialized<T>(change: () => Promise<T>): Promise<T> {
  const result = changes.then(change);
  changes = result.catch(() => undefined);
  return result;
}

/**
 * Exactly `url`. A urlFilter anchored at both ends ('|') is the cheap match, but its `*` and `^`
 * are wildcards no escape turns off: a URL holding one (rare; a query may) is matched by a regular
 * expression instead.
 */
export function urlCondition(url: string): Pick<chrome.declarativeNetRequest.RuleCondition, 'urlFilter' | 'regexFilter'> {
  return /[*^]/.test(url) ? { regexFilter: `^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` } : { urlFilter: `|${url}|` };
}

/** `referer` goes on requests for exactly `url` from outside any tab until the returned rule is dropped. */
export function addRefererRule(url: string, referer: string): Promise<number> {
  return serialized(async () => {
    const id = await freeRuleId();
    await chrome.declarativeNetRequest.updateSessionRules({
      addRules: [
        {
          id,
          priority: 1,
          action: {
            type: MODIFY_HEADERS,
            requestHeaders: [{ header: 'referer', operation: SET, value: referer }],
          },
          condition: {
            ...urlCondition(url),
            // Another URL differing only in case is another file.
            isUrlFilterCaseSensitive: true,
            resourceTypes: [FETCH],
            tabIds: [NO_TAB],
          },
        },
      ],
    });
    return id;
  });
}

/**
 * Every rule there is: called as the engine's page starts, when no fetch of its can be running.
 * The engine page drops each rule after its request; one closed mid-download (broken, crashed)
 * drops none, and its rule would give the page's Referer to every later request for that URL, a
 * job's from a page that sends none included. Never fails: the engine starts anyway.
 */
export function dropRulesLeftBehind(): Promise<void> {
  return serialized(async () => {
    const removeRuleIds = (await chrome.declarativeNetRequest.getSessionRules()).map((rule) => rule.id);
    if (removeRuleIds.length > 0) await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds });
  }).catch((error: unknown) => logError('referer rules', error));
}

export function dropRefererRule(id: number): Promise<void> {
  return serialized(() => chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [id] }));
}

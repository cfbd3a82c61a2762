import { describe, expect, it } from 'vitest';
import { keptOutByBrowser } from './kept-out';

describe('keptOutByBrowser', () => {
  it.each([
    ['https://chromewebstore.google.com/detail/some-extension/abc', 'chrome', true],
    ['https://chrome.google.com/webstore/category/extensions', 'chrome', true],
    ['https://chrome.google.com/webstore', 'chrome', true],
    ['https://addons.mozilla.org/en-US/firefox/addon/x/', 'firefox', true],
    ['https://support.mozilla.org/kb/', 'firefox', true],
  ] as const)('%s in %s: kept out', (url, browser, kept) => expect(keptOutByBrowser(url, browser)).toBe(kept));

  it.each([
    // Each browser keeps out its own store only.
    ['https://addons.mozilla.org/en-US/firefox/addon/x/', 'chrome'],
    ['https://chromewebstore.google.com/detail/x', 'firefox'],
    // Other pages of the same hosts, and look-alike hosts, are ordinary sites.
    ['https://chrome.google.com/webstorefront', 'chrome'],
    ['https://www.google.com/search?q=webstore', 'chrome'],
    ['https://chromewebstore.google.com.example/x', 'chrome'],
    ['https://mozilla.org/', 'firefox'],
    ['chrome://extensions/', 'chrome'],
    ['not a url', 'chrome'],
  ] as const)('%s in %s: an ordinary page', (url, browser) => expect(keptOutByBrowser(url, browser)).toBe(false));
});

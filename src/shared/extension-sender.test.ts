import { describe, expect, it } from 'vitest';
import { fromExtension } from './extension-sender';

const ROOT = 'chrome-extension://abc/';

describe('fromExtension', () => {
  it.each([
    ['the options page in a tab', { url: `${ROOT}src/options/options.html`, tab: { id: 3 } }],
    ['the popup', { url: `${ROOT}src/popup/popup.html` }],
    ["Firefox's background page, the engine frame's parent", { url: 'moz-extension://abc/background.html' }, 'moz-extension://abc/'],
    ["Chrome's service worker, which sent no URL before Chrome 140 or so", {}],
  ])('takes %s', (_, sender, root = ROOT) => {
    expect(fromExtension(sender, root)).toBe(true);
  });

  it.each([
    ["a content script (its page's URL and tab)", { url: 'https://example.com/', tab: { id: 3 } }],
    ['a content script in a frame', { url: 'https://ads.example/frame.html', tab: { id: 3 } }],
    ["another extension's page", { url: 'chrome-extension://other/page.html' }],
  ])('refuses %s', (_, sender) => {
    expect(fromExtension(sender, ROOT)).toBe(false);
  });
});

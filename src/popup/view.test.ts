import { describe, expect, it } from 'vitest';
import type { EngineInfo } from '../shared/protocol';
import { backendText, pageControls, pageRequestFailure, placeText, shortcutText, tabIdFromQuery } from './view';

const engine: EngineInfo = { backend: 'wasm', reason: 'WASM: no WebGPU adapter', crossOriginIsolated: true, wasmThreads: 4, wasmInWorker: false, jobsRun: 1, inferences: 1, cacheHits: 0 };

describe('backendText', () => {
  it('gives the engine reason, which names the backend', () => expect(backendText(engine)).toBe('WASM: no WebGPU adapter'));
  it('says not started without an engine', () => expect(backendText(null)).toBe('Not started yet'));
  it('says not started before the first job picks a backend', () => expect(backendText({ ...engine, backend: null, reason: 'no job has run yet' })).toBe('Not started yet'));
});

describe('pageControls', () => {
  it('gives a web page every control', () => expect(pageControls({ page: 'web' })).toEqual({ actions: true, siteSwitch: true, note: null }));
  it('gives a local file the page actions, not the site switch, and says why', () =>
    expect(pageControls({ page: 'file' })).toMatchObject({ actions: true, siteSwitch: false, note: expect.stringMatching(/per web site/) }));
  it('on a site Enhance may read only when clicked, keeps every control and says why auto-enhance would not start by itself next time', () =>
    expect(pageControls({ page: 'click-only' })).toEqual({ actions: true, siteSwitch: true, note: expect.stringMatching(/only when you click its button or press its shortcut\. To have it enhance images here by itself on your next visits, allow Enhance on this site/) }));

  it('tells how to allow a site the user withheld, and that a browser page (which looks the same) stays closed', () =>
    expect(pageControls({ page: 'withheld' })).toMatchObject({ actions: false, siteSwitch: false, note: expect.stringMatching(/may not read this page\. If it is a web site, allow .*browser's own pages stay closed/) }));
  it('says Firefox keeps extensions out of local files', () =>
    expect(pageControls({ page: 'file-closed' })).toMatchObject({ actions: false, siteSwitch: false, note: expect.stringMatching(/does not let extensions into files/) }));
  it("says the browser keeps extensions out of its store's pages", () =>
    expect(pageControls({ page: 'kept-out' })).toMatchObject({ actions: false, siteSwitch: false, note: expect.stringMatching(/keeps extensions out of this page/) }));
  it("on the browser's error page: the site's switch, no page actions, and a reload to try", () =>
    expect(pageControls({ page: 'error-page' })).toEqual({ actions: false, siteSwitch: true, note: 'This page did not load. Reload it to enhance its images.' }));
  it('names the file-access switch where the browser hides the page (a local file, or a browser page)', () =>
    expect(pageControls({ page: 'hidden' })).toMatchObject({ actions: false, siteSwitch: false, note: expect.stringMatching(/web pages .*Allow access to file URLs/) }));
  it('explains pages Enhance cannot work on', () => expect(pageControls({ page: 'other' })).toMatchObject({ actions: false, siteSwitch: false, note: expect.stringMatching(/web pages/) }));
});

describe('placeText', () => {
  const display = (origin: string) => `<${origin}>`;
  it('names a web page by its origin', () => expect(placeText({ page: 'web', origin: 'https://example.com' }, display)).toBe('<https://example.com>'));
  it('a local file', () => expect(placeText({ page: 'file', origin: null }, display)).toBe('Local file'));
  it('a local file Firefox keeps extensions out of', () => expect(placeText({ page: 'file-closed', origin: null }, display)).toBe('Local file'));
  it('a page whose URL is hidden while site access is withheld', () => expect(placeText({ page: 'withheld', origin: null }, display)).toBe('A page Enhance may not read'));
  it('anything else', () => expect(placeText({ page: 'other', origin: null }, display)).toBe('Not a web page'));
});

describe('tabIdFromQuery', () => {
  it.each([
    ['?tabId=42', 42],
    ['?x=1&tabId=7', 7],
    ['', null],
    ['?tabId=', null],
    ['?tabId=-3', null],
    ['?tabId=4.5', null],
    ['?tabId=abc', null],
  ])('%s -> %s', (search, id) => expect(tabIdFromQuery(search)).toBe(id));
});

describe('pageRequestFailure', () => {
  it('says the page is out of reach where no content script could be put', () => {
    expect(pageRequestFailure(new Error('Could not establish connection. Receiving end does not exist.'))).toMatch(/cannot reach this page/);
  });
  it.each([
    'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
    "Actor 'Conduits' destroyed before query 'RuntimeMessage' was resolved",
  ])("says the page changed, not the browser's words, where it unloaded before answering: %s", (text) => {
    expect(pageRequestFailure(new Error(text))).toBe('The page changed before it answered: try again.');
  });
  it('passes other errors on', () => expect(pageRequestFailure(new Error('boom'))).toMatch(/boom/));
});

describe('shortcutText', () => {
  it('names the keys the browser has for the shortcut', () => expect(shortcutText('Alt+Shift+U')).toBe('Alt+Shift+U switches auto-enhance for the site.'));
  it('says nothing of a shortcut left without keys', () => {
    expect(shortcutText('')).toBe('');
    expect(shortcutText(undefined)).toBe('');
  });
});

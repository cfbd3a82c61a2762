import { describe, expect, it } from 'vitest';
import { encodeThumbnail } from '../core/thumbnail';
import { isBackgroundRequest, isContentRequest, isEngineRequest, isEnhancedImage, isEngineSettingsNotice, isJobRequest, isSaveRequest, type ContentRequest, type JobRequest, type JobSettings } from './protocol';
import { DEFAULT_SETTINGS } from './settings';

const settings: JobSettings = { ...DEFAULT_SETTINGS, profile: 'quality' };
const srcUrl = 'https://example.test/cat.png';

/** Values that are not messages at all: every guard must turn them away without throwing. */
const notMessages = [undefined, null, 'enhance', 42, true, []];

describe('isBackgroundRequest', () => {
  it('accepts a menu-context message', () => {
    expect(isBackgroundRequest({ type: 'menu-context', enhanced: true })).toBe(true);
    expect(isBackgroundRequest({ type: 'menu-context', enhanced: false })).toBe(true);
  });

  it.each([
    { type: 'tab-counts', counts: { enhanced: 3, queued: 0, failed: 1 } },
    { type: 'tab-status', tabId: 7 },
    { type: 'tab-origin' },
    { type: 'may-read-site', url: 'https://img.example/a.png' },
    { type: 'engine-status' },
    { type: 'cache-usage' },
    { type: 'cache-usage', ifRunning: true },
    { type: 'clear-cache' },
    { type: 'trim-cache', limitBytes: 0 },
    { type: 'start-engine' },
    { type: 'engine-idle' },
    { type: 'engine-settings' },
    { type: 'add-referer-rule', url: 'https://img.example/a.png', referer: 'https://site.example/' },
    { type: 'drop-referer-rule', ruleId: 3 },
  ])('accepts a $type message', (message) => expect(isBackgroundRequest(message)).toBe(true));

  it.each([
    ...notMessages,
    { type: 'menu-context' },
    { type: 'menu-context', enhanced: 'yes' },
    { type: 'enhance', enhanced: true },
    { type: 'tab-counts' },
    { type: 'tab-counts', counts: { enhanced: 1, queued: 0 } },
    { type: 'tab-counts', counts: { enhanced: -1, queued: 0, failed: 0 } },
    { type: 'tab-counts', counts: { enhanced: 1.5, queued: 0, failed: 0 } },
    { type: 'tab-status' },
    { type: 'tab-status', tabId: '7' },
    { type: 'cache-usage', ifRunning: 'yes' },
    { type: 'trim-cache' },
    { type: 'trim-cache', limitBytes: -1 },
    { type: 'add-referer-rule', url: 'https://img.example/a.png' },
    { type: 'add-referer-rule', url: 7, referer: 'https://site.example/' },
    { type: 'drop-referer-rule' },
    { type: 'drop-referer-rule', ruleId: '3' },
  ])(
    'rejects %j',
    (message) => expect(isBackgroundRequest(message)).toBe(false),
  );
});

describe('isContentRequest', () => {
  const valid: ContentRequest[] = [
    { type: 'enhance', srcUrl, scale: 2, settings },
    { type: 'restore', srcUrl },
    { type: 'enhance-all' },
    { type: 'restore-all' },
    { type: 'ping' },
    { type: 'report-counts' },
    { type: 'retire' },
    { type: 'save-here', srcUrl },
    { type: 'menu-target' },
    { type: 'notice', text: 'Enhance: auto-enhance on for 127.0.0.1' },
  ];

  it.each(valid)('accepts a $type request', (message) => expect(isContentRequest(message)).toBe(true));

  it.each([
    ...notMessages,
    { type: 'restore' },
    { type: 'restore', srcUrl: 7 },
    { type: 'save-here' },
    { type: 'notice' },
    { type: 'notice', text: 1 },
    { type: 'job', srcUrl },
    { srcUrl },
    { type: 'enhance', srcUrl },
    { type: 'enhance', srcUrl, scale: 2 },
    { type: 'enhance', srcUrl, scale: 2, settings: { profile: 'quality' } },
  ])('rejects %j', (message) =>
    expect(isContentRequest(message)).toBe(false),
  );
});

describe('isJobRequest', () => {
  const job: JobRequest = { type: 'job', srcUrl, scale: 4, settings };

  it.each([job, { ...job, auto: true }, { ...job, settings: { ...settings, profile: 'auto' } }, { ...job, pageBytes: 'data:image/png;base64,AAAA' }, { ...job, shownThumbnail: encodeThumbnail(new Uint8Array(1024)) }, { ...job, asStored: true }, { ...job, noReferer: true }])('accepts a job %#', (message) => {
    expect(isJobRequest(message)).toBe(true);
  });

  it.each([
    ...notMessages,
    { ...job, type: 'enhance' },
    { ...job, srcUrl: undefined },
    { ...job, scale: '4' },
    { ...job, settings: null },
    { ...job, settings: undefined },
    { ...job, auto: 'yes' },
    { ...job, settings: { ...settings, profile: 'best' } },
    { ...job, settings: { ...settings, cacheLimitBytes: undefined } },
    { ...job, settings: { ...settings, engineIdleMinutes: '5' } },
    // The bytes a content script read are a data: URL; any other URL would make the engine fetch it.
    { ...job, pageBytes: 'https://example.com/a.png' },
    { ...job, pageBytes: 42 },
    { ...job, shownThumbnail: 'AAAA' },
    { ...job, shownThumbnail: [0, 0, 0, 255] },
    { ...job, asStored: 'none' },
    { ...job, noReferer: 1 },
  ])('rejects %j', (message) => expect(isJobRequest(message)).toBe(false));
});

describe('isEngineRequest', () => {
  it.each(['engine-info', 'cache-usage', 'clear-cache'])('accepts %s addressed to the offscreen engine', (type) => {
    expect(isEngineRequest({ target: 'offscreen', type })).toBe(true);
  });

  it('accepts trim-cache with a limit, and only with one', () => {
    expect(isEngineRequest({ target: 'offscreen', type: 'trim-cache', limitBytes: 5_000_000 })).toBe(true);
    expect(isEngineRequest({ target: 'offscreen', type: 'trim-cache' })).toBe(false);
  });

  it.each([...notMessages, { type: 'engine-info' }, { target: 'background', type: 'engine-info' }, { target: 'offscreen', type: 'job' }])('rejects %j', (message) =>
    expect(isEngineRequest(message)).toBe(false),
  );
});

describe('isEngineSettingsNotice', () => {
  const notice = { target: 'offscreen', type: 'engine-settings', idleMinutes: 5, allowWebGPU: true, cacheLimitBytes: 0 };
  it.each([0, 0.5, 5])('accepts %s idle minutes for the offscreen engine', (idleMinutes) => expect(isEngineSettingsNotice({ ...notice, idleMinutes })).toBe(true));
  it.each([
    ...notMessages,
    { ...notice, idleMinutes: undefined },
    { ...notice, idleMinutes: -1 },
    { ...notice, idleMinutes: '5' },
    { ...notice, allowWebGPU: 'false' },
    { ...notice, allowWebGPU: undefined },
    { ...notice, cacheLimitBytes: undefined },
    { ...notice, cacheLimitBytes: -1 },
    { ...notice, target: undefined },
    { ...notice, type: 'idle-minutes' },
  ])('rejects %j', (message) => expect(isEngineSettingsNotice(message)).toBe(false));
});

describe('the save port', () => {
  it('accepts a request for an image, and an answer with or without one', () => {
    expect(isSaveRequest({ type: 'enhanced-image', srcUrl })).toBe(true);
    expect(isEnhancedImage({ type: 'enhanced-image', dataUrl: 'data:image/png;base64,AA', original: srcUrl })).toBe(true);
    expect(isEnhancedImage({ type: 'enhanced-image', dataUrl: null, original: null })).toBe(true);
  });

  it.each([...notMessages, { type: 'enhanced-image' }, { type: 'enhanced-image', srcUrl: 7 }, { type: 'part', srcUrl }])('rejects %j as a request', (message) =>
    expect(isSaveRequest(message)).toBe(false),
  );

  it.each([...notMessages, { type: 'enhanced-image', srcUrl }, { type: 'enhanced-image', dataUrl: 3, original: null }, { type: 'enhanced-image', dataUrl: null }])(
    'rejects %j as an answer',
    (message) => expect(isEnhancedImage(message)).toBe(false),
  );
});

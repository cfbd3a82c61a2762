import { describe, expect, it } from 'vitest';
import { isBackgroundRequest, isContentRequest, isEngineRequest, isJobRequest, type ContentRequest, type JobRequest, type JobSettings } from './protocol';
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

  it.each([...notMessages, { type: 'menu-context' }, { type: 'menu-context', enhanced: 'yes' }, { type: 'enhance', enhanced: true }])(
    'rejects %j',
    (message) => expect(isBackgroundRequest(message)).toBe(false),
  );
});

describe('isContentRequest', () => {
  const valid: ContentRequest[] = [
    { type: 'enhance', srcUrl, scale: 2, settings },
    { type: 'restore', srcUrl },
    { type: 'enhanced-data-url', srcUrl },
  ];

  it.each(valid)('accepts a $type request', (message) => expect(isContentRequest(message)).toBe(true));

  it.each([
    ...notMessages,
    { type: 'restore' },
    { type: 'restore', srcUrl: 7 },
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

  it('accepts a job', () => {
    expect(isJobRequest(job)).toBe(true);
  });

  it.each([
    ...notMessages,
    { ...job, type: 'enhance' },
    { ...job, srcUrl: undefined },
    { ...job, scale: '4' },
    { ...job, settings: null },
    { ...job, settings: undefined },
    // 'auto' is resolved before a job is sent: the engine can only pick a model for a real profile.
    { ...job, settings: { ...settings, profile: 'auto' } },
  ])('rejects %j', (message) => expect(isJobRequest(message)).toBe(false));
});

describe('isEngineRequest', () => {
  it('accepts a message addressed to the offscreen engine', () => {
    expect(isEngineRequest({ target: 'offscreen', type: 'engine-info' })).toBe(true);
  });

  it.each([...notMessages, { type: 'engine-info' }, { target: 'background', type: 'engine-info' }])('rejects %j', (message) =>
    expect(isEngineRequest(message)).toBe(false),
  );
});

import { describe, expect, it } from 'vitest';
import { syncRefusal, syncRefusalMessage } from './sync-refusal';

describe('syncRefusal', () => {
  it.each([
    ['MAX_ITEMS quota exceeded', 'full'],
    ['QUOTA_BYTES quota exceeded', 'full'],
    ['QUOTA_BYTES_PER_ITEM quota exceeded', 'full'],
    ['QuotaExceededError: storage.sync API call exceeded its quota limitations.', 'full'],
    // Chrome's rate limits say "quota" too: they are not a full store.
    ['This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota.', 'too-often'],
    ['This request exceeds the MAX_WRITE_OPERATIONS_PER_HOUR quota.', 'too-often'],
    ['Extension context invalidated.', null],
  ])('%s: %s', (text, refusal) => {
    expect(syncRefusal(new Error(text))).toBe(refusal);
    expect(syncRefusal(text)).toBe(refusal);
  });
});

describe('syncRefusalMessage', () => {
  it('says what helps', () => {
    expect(syncRefusalMessage('full', 503)).toBe("the browser's synced storage is full (auto-enhance is on for 503 sites): switch some sites off in the settings first");
    expect(syncRefusalMessage('full', 1)).toContain('on for 1 site)');
    expect(syncRefusalMessage('too-often', 120)).toMatch(/try again in a minute/);
  });
});

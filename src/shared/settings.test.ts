import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateSettings } from './settings';

describe('validateSettings', () => {
  it.each([undefined, null, 'quality', 42, [], {}])('fills every default from %j', (raw) => {
    expect(validateSettings(raw)).toEqual({ settings: DEFAULT_SETTINGS, replaced: [] });
  });

  it('keeps valid values', () => {
    const stored = { version: 1, profile: 'fast', maxInputPixels: 1_000_000, maxTile: 512, allowWebGPU: false };
    expect(validateSettings(stored)).toEqual({ settings: stored, replaced: [] });
  });

  it('fills missing keys from the defaults and keeps the present ones', () => {
    expect(validateSettings({ maxTile: 128 }).settings).toEqual({ ...DEFAULT_SETTINGS, maxTile: 128 });
  });

  it('replaces invalid values with the defaults and reports them', () => {
    const { settings, replaced } = validateSettings({
      profile: 'turbo',
      maxInputPixels: -5,
      maxTile: 32,
      allowWebGPU: 'yes',
    });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(replaced.sort()).toEqual(['allowWebGPU', 'maxInputPixels', 'maxTile', 'profile']);
  });

  it.each([
    ['maxTile', 1025],
    ['maxTile', 256.5],
    ['maxInputPixels', 64_000_001],
    ['maxInputPixels', '4000000'],
  ])('rejects %s = %j', (key, value) => {
    expect(validateSettings({ [key]: value })).toEqual({ settings: DEFAULT_SETTINGS, replaced: [key] });
  });

  it('drops unknown keys, so they are not written back to storage', () => {
    expect(validateSettings({ ...DEFAULT_SETTINGS, theme: 'dark' }).settings).not.toHaveProperty('theme');
  });

  it('returns a copy that callers may change without touching the defaults', () => {
    const { settings } = validateSettings(undefined);
    settings.maxTile = 64;
    expect(DEFAULT_SETTINGS.maxTile).toBe(256);
  });
});

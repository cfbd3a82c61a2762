import { describe, expect, it } from 'vitest';
import { MAX_INPUT_PIXELS } from '../core/limits';
import { DEFAULT_SETTINGS, isSettingsKey, loweredCacheLimit, readStoredSettings, SETTINGS_VERSION, settingItems, settingsFromStorage, storedByNewerVersion, validateSettings } from './settings';

describe('validateSettings', () => {
  it.each([undefined, null, {}])('fills every default from %j, quietly', (raw) => {
    expect(validateSettings(raw)).toEqual({ settings: DEFAULT_SETTINGS, replaced: [], warning: null });
  });

  it.each(['quality', 42, true, []])('falls back to the defaults on corrupt storage (%j), with a warning', (raw) => {
    expect(validateSettings(raw)).toEqual({ settings: DEFAULT_SETTINGS, replaced: [], warning: 'stored settings are not an object' });
  });

  it('defaults to the automatic profile', () => {
    expect(DEFAULT_SETTINGS.profile).toBe('auto');
    expect(DEFAULT_SETTINGS.version).toBe(2);
  });

  it('keeps valid values', () => {
    const stored = {
      version: SETTINGS_VERSION,
      profile: 'fast',
      maxInputPixels: 1_000_000,
      maxTile: 512,
      allowWebGPU: false,
      minUpscaleFactor: 2,
      minSide: 64,
      cacheLimitBytes: 0,
      engineIdleMinutes: 0.5,
    };
    expect(validateSettings(stored)).toEqual({ settings: stored, replaced: [], warning: null });
  });

  it.each(['auto', 'quality', 'fast'])('accepts the profile %s', (profile) => {
    // Nothing replaced: 'auto' is also the default, which a refused value would come back as.
    expect(validateSettings({ profile })).toMatchObject({ settings: { profile }, replaced: [] });
  });

  it('fills missing keys from the defaults and keeps the present ones', () => {
    expect(validateSettings({ maxTile: 128 }).settings).toEqual({ ...DEFAULT_SETTINGS, maxTile: 128 });
  });

  it('replaces invalid values with the defaults and reports them', () => {
    const { settings, replaced, warning } = validateSettings({
      profile: 'turbo',
      maxInputPixels: -5,
      maxTile: 32,
      allowWebGPU: 'yes',
      minUpscaleFactor: 0.5,
      minSide: 0,
      cacheLimitBytes: -1,
    });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(replaced.sort()).toEqual(['allowWebGPU', 'cacheLimitBytes', 'maxInputPixels', 'maxTile', 'minSide', 'minUpscaleFactor', 'profile']);
    expect(warning).toBeNull();
  });

  it.each([
    ['maxTile', 1025],
    ['maxTile', 256.5],
    ['maxInputPixels', 64_000_001],
    ['maxInputPixels', '4000000'],
    ['minUpscaleFactor', 8.5],
    ['minUpscaleFactor', Number.NaN],
    ['minUpscaleFactor', '1.5'],
    ['minSide', 24.5],
    ['minSide', 1025],
    ['cacheLimitBytes', 1.5],
    ['cacheLimitBytes', 10_000_000_001],
    ['cacheLimitBytes', null],
    ['engineIdleMinutes', -1],
    ['engineIdleMinutes', 1441],
    ['engineIdleMinutes', '5'],
  ])('rejects %s = %j', (key, value) => {
    expect(validateSettings({ [key]: value })).toEqual({ settings: DEFAULT_SETTINGS, replaced: [key], warning: null });
  });

  it('accepts fractional upscale factors', () => {
    expect(validateSettings({ minUpscaleFactor: 1.25 }).settings.minUpscaleFactor).toBe(1.25);
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

describe('readStoredSettings', () => {
  it('brings a stored number out of range to the nearest end (an older build allowed up to 64 million pixels)', () => {
    const read = readStoredSettings({ maxInputPixels: 16_000_000, maxTile: 2048, minUpscaleFactor: 0.5, cacheLimitBytes: -1, engineIdleMinutes: 5000 });
    expect(read.settings).toEqual({ ...DEFAULT_SETTINGS, maxInputPixels: MAX_INPUT_PIXELS, maxTile: 1024, minUpscaleFactor: 1, cacheLimitBytes: 0, engineIdleMinutes: 1440 });
    expect(read.adjusted.sort()).toEqual(['cacheLimitBytes', 'engineIdleMinutes', 'maxInputPixels', 'maxTile', 'minUpscaleFactor']);
    expect(read.replaced).toEqual([]);
    // The options form still refuses such a value from the user.
    expect(validateSettings({ maxInputPixels: 16_000_000 }).replaced).toEqual(['maxInputPixels']);
  });

  it('still replaces what is no number of the range at all', () => {
    const read = readStoredSettings({ maxTile: 256.5, minSide: Number.NaN, profile: 'turbo', maxInputPixels: '9' });
    expect(read.settings).toEqual(DEFAULT_SETTINGS);
    expect(read.replaced.sort()).toEqual(['maxInputPixels', 'maxTile', 'minSide', 'profile']);
    expect(read.adjusted).toEqual([]);
  });

  it('reads the settings it knows from a newer version, with a warning', () => {
    const read = readStoredSettings({ version: SETTINGS_VERSION + 1, allowWebGPU: false, cacheLimitBytes: 0, theme: 'dark' });
    expect(read.settings).toEqual({ ...DEFAULT_SETTINGS, allowWebGPU: false, cacheLimitBytes: 0 });
    expect(read.warning).toMatch(/version 3 is from a newer Enhance/);
  });

  it('reads the current version as validateSettings does', () => {
    const stored = { ...DEFAULT_SETTINGS, maxTile: 128 };
    expect(readStoredSettings(stored)).toEqual({ ...validateSettings(stored), adjusted: [] });
    expect(readStoredSettings(undefined).settings).toEqual(DEFAULT_SETTINGS);
    expect(readStoredSettings('junk').warning).toBe('stored settings are not an object');
  });
});

describe('settings versions', () => {
  /** What v1 of the extension wrote: every v1 key, always (saveSettings writes the whole object). */
  const v1 = { version: 1, profile: 'fast', maxInputPixels: 1_000_000, maxTile: 512, allowWebGPU: false };

  it('migrates v1: its values are kept and the new fields take their defaults', () => {
    expect(validateSettings(v1)).toEqual({
      settings: { ...DEFAULT_SETTINGS, ...v1, version: SETTINGS_VERSION },
      replaced: [],
      warning: null,
    });
  });

  it('keeps the v1 profile the user had rather than switching it to auto', () => {
    expect(validateSettings({ ...v1, profile: 'quality' }).settings.profile).toBe('quality');
  });

  it('still replaces invalid v1 values after migrating', () => {
    expect(validateSettings({ ...v1, maxTile: 5 })).toEqual({
      settings: { ...DEFAULT_SETTINGS, ...v1, maxTile: DEFAULT_SETTINGS.maxTile, version: SETTINGS_VERSION },
      replaced: ['maxTile'],
      warning: null,
    });
  });

  it('does not change the stored object it migrates', () => {
    const stored = { ...v1 };
    validateSettings(stored);
    expect(stored).toEqual(v1);
  });

  it('sets aside settings from a newer version, with a warning', () => {
    const { settings, replaced, warning } = validateSettings({ ...DEFAULT_SETTINGS, version: SETTINGS_VERSION + 1, maxTile: 128 });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(replaced).toEqual([]);
    expect(warning).toMatch(/version 3 is from a newer Enhance/);
  });

  it.each([0, -1, 1.5, '2', true, {}])('falls back to the defaults on a version of %j, with a warning', (version) => {
    const { settings, warning } = validateSettings({ ...DEFAULT_SETTINGS, version, maxTile: 128 });
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(warning).toMatch(/^unknown settings version/);
  });
});

describe('storedByNewerVersion', () => {
  it('only for a version above this one', () => {
    expect(storedByNewerVersion({ version: SETTINGS_VERSION + 1, maxTile: 128 })).toBe(true);
    expect(storedByNewerVersion({ version: SETTINGS_VERSION })).toBe(false);
    expect(storedByNewerVersion({ version: 1 })).toBe(false);
    expect(storedByNewerVersion(undefined)).toBe(false);
    expect(storedByNewerVersion('garbage')).toBe(false);
  });
});

describe('settings in storage.sync, one item each', () => {
  const site = { 'autoSite:https://a.example': true };

  it('reads the items as one object, over the legacy object where it is still there', () => {
    expect(settingsFromStorage({ ...site, 'setting:version': 2, 'setting:profile': 'fast' })).toEqual({ version: 2, profile: 'fast' });
    expect(settingsFromStorage({ settings: { version: 2, profile: 'quality', minSide: 40 }, 'setting:profile': 'fast' })).toEqual({ version: 2, profile: 'fast', minSide: 40 });
    expect(validateSettings(settingsFromStorage({ settings: { version: 1, profile: 'fast' } })).settings).toEqual({ ...DEFAULT_SETTINGS, profile: 'fast' });
  });

  it('reads nothing stored as nothing, and corrupt legacy storage as corrupt when no item stands over it', () => {
    expect(settingsFromStorage(site)).toBeUndefined();
    expect(validateSettings(settingsFromStorage({ settings: 'garbage' })).warning).toMatch(/not an object/);
    expect(settingsFromStorage({ settings: 'garbage', 'setting:minSide': 40 })).toEqual({ minSide: 40 });
  });

  it('sees a newer version in its own item', () => {
    expect(storedByNewerVersion(settingsFromStorage({ settings: { version: 2 }, 'setting:version': SETTINGS_VERSION + 1 }))).toBe(true);
  });

  it('writes the named settings and the version, nothing else', () => {
    const settings = { ...DEFAULT_SETTINGS, profile: 'fast' as const, minSide: 40 };
    expect(settingItems(settings, ['profile'])).toEqual({ 'setting:version': SETTINGS_VERSION, 'setting:profile': 'fast' });
    expect(settingsFromStorage(settingItems(settings, ['profile', 'minSide']))).toEqual({ version: SETTINGS_VERSION, profile: 'fast', minSide: 40 });
  });

  it('tells settings items from the site switches', () => {
    expect(['settings', 'setting:profile', 'autoSite:https://a.example', 'autoSites'].map(isSettingsKey)).toEqual([true, true, false, false]);
  });
});

describe('loweredCacheLimit', () => {
  const key = 'setting:cacheLimitBytes';
  /** The change and storage.sync after it, from the items before and after. */
  const lowered = (before: Record<string, unknown>, after: Record<string, unknown>) => {
    const changes: Record<string, { oldValue?: unknown; newValue?: unknown }> = {};
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[name] !== after[name]) changes[name] = { oldValue: before[name], newValue: after[name] };
    }
    return loweredCacheLimit(changes, after);
  };

  it('is the new limit when it is lower than the old one, as read (no item reads as the default)', () => {
    expect(lowered({ [key]: 200_000_000 }, { [key]: 0 })).toBe(0);
    expect(lowered({}, { [key]: 50_000_000 })).toBe(50_000_000);
    expect(lowered({ [key]: -5 }, { [key]: 10 })).toBeNull(); // -5 read as 0
  });

  it('is null for a raised limit, an item removed, or another setting', () => {
    expect(lowered({ [key]: 0 }, { [key]: 100 })).toBeNull();
    expect(lowered({ [key]: 0 }, {})).toBeNull();
    expect(lowered({ 'setting:maxTile': 512 }, { 'setting:maxTile': 64 })).toBeNull();
  });

  it('reads the limit in force from the legacy item beneath the items, as the settings are read', () => {
    const legacy = { settings: { version: 1, cacheLimitBytes: 1_000_000_000 } };
    // Another device writes the item first, over the legacy limit: lower than that, above the default.
    expect(lowered(legacy, { ...legacy, [key]: 500_000_000 })).toBe(500_000_000);
    // The item removed: the legacy limit is in force again, not the default.
    expect(lowered({ ...legacy, [key]: 2_000_000_000 }, legacy)).toBe(1_000_000_000);
    expect(lowered({ ...legacy, [key]: 100_000_000 }, legacy)).toBeNull();
    // A device on an older Enhance lowers it in the legacy item, where no item is above it; under an item it changes nothing.
    expect(lowered(legacy, { settings: { version: 1, cacheLimitBytes: 10 } })).toBe(10);
    expect(lowered({ ...legacy, [key]: 300 }, { settings: { version: 1, cacheLimitBytes: 10 }, [key]: 300 })).toBeNull();
  });
});

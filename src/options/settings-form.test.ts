import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, validateSettings } from '../shared/settings';
import { changedSettings, formatBytes, mergeUnedited, NUMBER_FIELDS, rangeMessage, readForm, toFormValues, type FormValues } from './settings-form';

const defaults = { ...DEFAULT_SETTINGS };

function form(patch: Partial<FormValues>): FormValues {
  return { ...toFormValues(defaults), ...patch };
}

describe('NUMBER_FIELDS', () => {
  // The shown ranges word the messages; the validator decides. A range that drifted from the
  // validator would tell people to enter values it refuses.
  it.each(NUMBER_FIELDS)('$key shows the range the validator accepts', (field) => {
    const step = field.wholeNumber ? 1 : 1e-6;
    const stored = (shown: number) => (field.perUnit === 1 ? shown : Math.round(shown * field.perUnit));
    const valid = (shown: number) => validateSettings({ [field.key]: stored(shown) }).replaced.length === 0;
    expect(valid(field.min)).toBe(true);
    expect(valid(field.max)).toBe(true);
    expect(valid(field.min - step)).toBe(false);
    expect(valid(field.max + step)).toBe(false);
  });

  it('covers every setting the form edits as a number', () => {
    const numeric = Object.entries(DEFAULT_SETTINGS).filter(([key, value]) => typeof value === 'number' && key !== 'version').map(([key]) => key);
    expect(NUMBER_FIELDS.map((f) => f.key).sort()).toEqual(numeric.sort());
  });
});

describe('toFormValues', () => {
  it('shows the cache in MB and the rest as stored', () => {
    expect(toFormValues(defaults)).toEqual({
      profile: 'auto',
      allowWebGPU: true,
      maxInputPixels: '4000000',
      maxTile: '256',
      minUpscaleFactor: '1.5',
      minSide: '24',
      cacheLimitBytes: '200',
      engineIdleMinutes: '5',
    });
  });
});

describe('readForm', () => {
  it('reads back what it showed', () => {
    expect(readForm(toFormValues(defaults), defaults)).toEqual({ ok: true, settings: defaults });
  });

  it('takes new values, the cache in MB, with spaces around', () => {
    const result = readForm(form({ profile: 'fast', allowWebGPU: false, minUpscaleFactor: ' 2.25 ', minSide: '48', cacheLimitBytes: '0.3' }), defaults);
    expect(result).toEqual({ ok: true, settings: { ...defaults, profile: 'fast', allowWebGPU: false, minUpscaleFactor: 2.25, minSide: 48, cacheLimitBytes: 300_000 } });
  });

  it('takes 0 MB: no cache', () => {
    expect(readForm(form({ cacheLimitBytes: '0' }), defaults)).toMatchObject({ ok: true, settings: { cacheLimitBytes: 0 } });
  });

  it.each([
    ['maxTile', '10'],
    ['maxTile', '128.5'],
    ['minSide', ''],
    ['minSide', '   '],
    ['minUpscaleFactor', 'abc'],
    ['minUpscaleFactor', '0.5'],
    ['cacheLimitBytes', ''],
    ['cacheLimitBytes', '-1'],
    ['maxInputPixels', '1e9'],
  ] as const)('refuses %s = %j with the range', (key, text) => {
    const field = NUMBER_FIELDS.find((f) => f.key === key)!;
    expect(readForm(form({ [key]: text }), defaults)).toEqual({ ok: false, errors: { [key]: rangeMessage(field) } });
  });

  it('refuses an unknown profile', () => {
    expect(readForm(form({ profile: 'turbo' }), defaults)).toEqual({ ok: false, errors: { profile: 'Choose one of the options.' } });
  });

  it('names every bad field at once', () => {
    const result = readForm(form({ maxTile: '1', minSide: 'x' }), defaults);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['maxTile', 'minSide']);
  });
});

describe('rangeMessage', () => {
  it('words whole numbers and ranges readably', () => {
    expect(rangeMessage(NUMBER_FIELDS.find((f) => f.key === 'maxInputPixels')!)).toBe('Enter a whole number from 1 to 4,194,304.');
    expect(rangeMessage(NUMBER_FIELDS.find((f) => f.key === 'minUpscaleFactor')!)).toBe('Enter a number from 1 to 8.');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 MB'],
    [300, '1 kB'],
    [45_600, '46 kB'],
    [99_000, '99 kB'],
    [1_234_567, '1.2 MB'],
    [200_000_000, '200 MB'],
  ])('%d bytes -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('changedSettings', () => {
  it('keeps only the values that differ', () => {
    expect(changedSettings(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, minSide: 30, profile: 'fast' })).toEqual({ minSide: 30, profile: 'fast' });
    expect(changedSettings(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS })).toEqual({});
  });
});

describe('mergeUnedited', () => {
  it('takes new values into the fields not edited, and keeps the edits', () => {
    const filledFrom = toFormValues(DEFAULT_SETTINGS);
    const current = { ...filledFrom, minSide: '30' };
    const incoming = toFormValues({ ...DEFAULT_SETTINGS, profile: 'fast', minSide: 48 });
    expect(mergeUnedited(current, filledFrom, incoming)).toEqual({ ...filledFrom, profile: 'fast', minSide: '30' });
  });
});

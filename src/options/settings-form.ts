/**
 * The options form as plain data: settings to the text the fields show, and the fields' text back
 * to settings. Whether a value is valid is the settings validator's call; the ranges here only word
 * the message and set the inputs' spinners (a unit test keeps the two in step).
 */
import { MAX_INPUT_PIXELS } from '../core/limits';
import type { ProfileSetting } from '../core/scale-choice';
import { validateSettings, type Settings } from '../shared/settings';

type NumberKey = 'maxInputPixels' | 'maxTile' | 'minUpscaleFactor' | 'minSide' | 'cacheLimitBytes' | 'engineIdleMinutes';

export interface NumberField {
  key: NumberKey;
  /** Shown range, in the field's unit. */
  min: number;
  max: number;
  wholeNumber: boolean;
  /** Stored value per unit shown: the cache is stored in bytes and shown in MB. */
  perUnit: number;
}

const BYTES_PER_MB = 1_000_000;

export const NUMBER_FIELDS: readonly NumberField[] = [
  { key: 'maxInputPixels', min: 1, max: MAX_INPUT_PIXELS, wholeNumber: true, perUnit: 1 },
  { key: 'maxTile', min: 64, max: 1024, wholeNumber: true, perUnit: 1 },
  { key: 'minUpscaleFactor', min: 1, max: 8, wholeNumber: false, perUnit: 1 },
  { key: 'minSide', min: 1, max: 1024, wholeNumber: true, perUnit: 1 },
  // Whole bytes, any number of MB: 0.5 MB is a fine limit.
  { key: 'cacheLimitBytes', min: 0, max: 10_000, wholeNumber: false, perUnit: BYTES_PER_MB },
  { key: 'engineIdleMinutes', min: 0, max: 1440, wholeNumber: false, perUnit: 1 },
];

/** What the form's fields hold: text for numbers, as inputs give it. */
export type FormValues = { profile: string; allowWebGPU: boolean } & Record<NumberKey, string>;

export function toFormValues(settings: Settings): FormValues {
  const values = { profile: settings.profile, allowWebGPU: settings.allowWebGPU } as FormValues;
  for (const field of NUMBER_FIELDS) values[field.key] = String(settings[field.key] / field.perUnit);
  return values;
}

export function rangeMessage(field: NumberField): string {
  const kind = field.wholeNumber ? 'a whole number' : 'a number';
  return `Enter ${kind} from ${field.min.toLocaleString('en')} to ${field.max.toLocaleString('en')}.`;
}

/** Blank is not zero: an emptied field is a mistake, not a wish to turn the limit off. */
function parseNumber(text: string, field: NumberField): number {
  const trimmed = text.trim();
  if (trimmed === '') return Number.NaN;
  const value = Number(trimmed) * field.perUnit;
  return field.perUnit === 1 ? value : Math.round(value);
}

export type FormResult = { ok: true; settings: Settings } | { ok: false; errors: Partial<Record<keyof FormValues, string>> };

/** The settings the form describes, or a message for each field the validator refuses. */
export function readForm(values: FormValues, current: Settings): FormResult {
  const candidate: Record<string, unknown> = { ...current, profile: values.profile as ProfileSetting, allowWebGPU: values.allowWebGPU };
  for (const field of NUMBER_FIELDS) candidate[field.key] = parseNumber(values[field.key], field);
  const { settings, replaced } = validateSettings(candidate);
  if (replaced.length === 0) return { ok: true, settings };
  const errors: Partial<Record<keyof FormValues, string>> = {};
  for (const key of replaced) {
    const field = NUMBER_FIELDS.find((f) => f.key === key);
    errors[key as keyof FormValues] = field ? rangeMessage(field) : 'Choose one of the options.';
  }
  return { ok: false, errors };
}

/** The settings that differ: what a Save writes, so it never writes back a value this page did not change. */
export function changedSettings(before: Settings, after: Settings): Partial<Settings> {
  return Object.fromEntries(Object.entries(after).filter(([key, value]) => before[key as keyof Settings] !== value)) as Partial<Settings>;
}

/**
 * The form after the stored settings changed elsewhere (the popup, another device): fields the
 * user has not edited since they were filled from `filledFrom` take the new values; edits stay.
 */
export function mergeUnedited(current: FormValues, filledFrom: FormValues, incoming: FormValues): FormValues {
  const merged = { ...current };
  for (const key of Object.keys(current) as Array<keyof FormValues>) {
    if (current[key] === filledFrom[key]) (merged as Record<string, unknown>)[key] = incoming[key];
  }
  return merged;
}

export function formatBytes(bytes: number): string {
  // A few small images in the cache are no "0 MB".
  if (bytes > 0 && bytes < BYTES_PER_MB / 10) return `${Math.max(1, Math.round(bytes / 1000)).toLocaleString('en')} kB`;
  return `${(bytes / BYTES_PER_MB).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
}

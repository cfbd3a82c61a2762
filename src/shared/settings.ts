/**
 * Settings: one schema with defaults, a version, and a validator that fills gaps and drops bad
 * values instead of failing, so old or corrupt storage never breaks the extension.
 */
import type { Profile } from '../core/models';

export const SETTINGS_VERSION = 1;

export const DEFAULT_SETTINGS = {
  version: SETTINGS_VERSION,
  /** Quality or speed; the registry's profile for each job. */
  profile: 'quality' as Profile,
  /** Largest input the engine accepts, in pixels (width x height). */
  maxInputPixels: 4_000_000,
  /** Largest tile side the model sees at once, in input pixels. */
  maxTile: 256,
  /** Use WebGPU when the browser has an adapter. */
  allowWebGPU: true,
};

export type Settings = typeof DEFAULT_SETTINGS;

type Check = (value: unknown) => boolean;

const isPositiveInt = (min: number, max: number): Check => (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const CHECKS: { [K in keyof Settings]: Check } = {
  version: (v) => v === SETTINGS_VERSION,
  profile: (v) => v === 'quality' || v === 'fast',
  maxInputPixels: isPositiveInt(1, 64_000_000),
  maxTile: isPositiveInt(64, 1024),
  allowWebGPU: (v) => typeof v === 'boolean',
};

export interface Validated {
  settings: Settings;
  /** Keys whose stored value was invalid and fell back to the default (missing keys just take it). */
  replaced: string[];
}

export function validateSettings(raw: unknown): Validated {
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const replaced: string[] = [];
  for (const key of Object.keys(CHECKS) as Array<keyof Settings>) {
    if (key === 'version') continue;
    if (!(key in stored)) continue;
    if (CHECKS[key](stored[key])) settings[key] = stored[key];
    else replaced.push(key);
  }
  return { settings: settings as Settings, replaced };
}

/**
 * Settings: one schema with defaults, a version with named migrations, and a validator that fills
 * gaps and drops bad values instead of failing, so old or corrupt storage never breaks the extension.
 */
import { MAX_INPUT_PIXELS } from '../core/limits';
import type { ProfileSetting } from '../core/scale-choice';

export const SETTINGS_VERSION = 2;

export const DEFAULT_SETTINGS = {
  version: SETTINGS_VERSION,
  /** Quality, speed, or 'auto': decided per device (resolveProfile) before it reaches a job. */
  profile: 'auto' as ProfileSetting,
  /** Largest input the engine accepts, in pixels (width x height). */
  maxInputPixels: 4_000_000,
  /** Largest tile side the model sees at once, in input pixels. */
  maxTile: 256,
  /** Use WebGPU when the browser has an adapter. */
  allowWebGPU: true,
  /** Auto-enhance takes images the screen shows at least this many times their natural size. */
  minUpscaleFactor: 1.5,
  /** Auto-enhance leaves images with a shorter side alone: icons, spacers, tracking pixels. */
  minSide: 24,
  /** Enhanced images kept for the next visit, in bytes; 0 keeps none. */
  cacheLimitBytes: 200_000_000,
  /**
   * The engine's page closes after this many minutes without a job, and its memory (models,
   * WebAssembly heap) goes back to the system; the next job starts it again. 0 keeps it open.
   */
  engineIdleMinutes: 5,
};

export type Settings = typeof DEFAULT_SETTINGS;

type Stored = Record<string, unknown>;

/**
 * v2 added auto-enhance: the 'auto' profile and the fields above it, which take their defaults
 * in validation. A v1 profile ('quality' or 'fast') is kept: it may have been the user's choice.
 */
function migrateV1ToV2(v1: Stored): Stored {
  return { ...v1, version: 2 };
}

/** MIGRATIONS[n] turns version n into version n + 1; validation runs them in a chain. */
const MIGRATIONS: Readonly<Record<number, (stored: Stored) => Stored>> = {
  1: migrateV1ToV2,
};

type Check = (value: unknown) => boolean;

interface Range {
  min: number;
  max: number;
  integer: boolean;
}

/** The numeric settings' ranges, which the options form enforces and stored values are brought into. */
const RANGES = {
  // Larger inputs have no scale whose result the engine accepts.
  maxInputPixels: { min: 1, max: MAX_INPUT_PIXELS, integer: true },
  maxTile: { min: 64, max: 1024, integer: true },
  // Below 1 would "enhance" images shown smaller than they are; past 8 nothing qualifies.
  minUpscaleFactor: { min: 1, max: 8, integer: false },
  minSide: { min: 1, max: 1024, integer: true },
  cacheLimitBytes: { min: 0, max: 10_000_000_000, integer: true },
  engineIdleMinutes: { min: 0, max: 1440, integer: false },
} satisfies Partial<Record<keyof Settings, Range>>;

type RangedKey = keyof typeof RANGES;

const isNumberIn =
  ({ min, max, integer }: Range): Check =>
  (v) =>
    typeof v === 'number' && (integer ? Number.isInteger(v) : Number.isFinite(v)) && v >= min && v <= max;

const CHECKS: { [K in Exclude<keyof Settings, 'version'>]: Check } = {
  profile: (v) => v === 'auto' || v === 'quality' || v === 'fast',
  allowWebGPU: (v) => typeof v === 'boolean',
  ...(Object.fromEntries(Object.entries(RANGES).map(([key, range]) => [key, isNumberIn(range)])) as Record<RangedKey, Check>),
};

export interface Validated {
  settings: Settings;
  /** Keys whose stored value was invalid and fell back to the default (missing keys just take it). */
  replaced: string[];
  /** Why the stored object was set aside whole (corrupt, or from a newer version); null when it was not. */
  warning: string | null;
}

function defaults(warning: string | null): Validated {
  return { settings: { ...DEFAULT_SETTINGS }, replaced: [], warning };
}

/** Stored by a newer Enhance (another device, through storage.sync): writing over it would lose its settings there. */
export function storedByNewerVersion(raw: unknown): boolean {
  const version = typeof raw === 'object' && raw !== null ? (raw as Stored).version : undefined;
  return typeof version === 'number' && version > SETTINGS_VERSION;
}

/**
 * Reads stored settings of any version: older ones are migrated, and an object without a version
 * (a patch, or test data) is read as the current one. A newer version's settings are not guessed
 * at; with storage.sync they come from another device that runs a newer Enhance.
 */
export function validateSettings(raw: unknown): Validated {
  if (raw === undefined || raw === null) return defaults(null);
  if (typeof raw !== 'object' || Array.isArray(raw)) return defaults('stored settings are not an object');
  const version = (raw as Stored).version ?? SETTINGS_VERSION;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return defaults(`unknown settings version ${JSON.stringify(version)}`);
  if (version > SETTINGS_VERSION) return defaults(`settings version ${version} is from a newer Enhance; defaults used`);
  let stored = raw as Stored;
  for (let from = version; from < SETTINGS_VERSION; from++) stored = MIGRATIONS[from](stored);

  const settings: Stored = { ...DEFAULT_SETTINGS };
  const replaced: string[] = [];
  for (const key of Object.keys(CHECKS) as Array<keyof typeof CHECKS>) {
    if (!(key in stored)) continue;
    if (CHECKS[key](stored[key])) settings[key] = stored[key];
    else replaced.push(key);
  }
  return { settings: settings as Settings, replaced, warning: null };
}

/** What a read of storage found, beyond validateSettings: values brought into their range. */
export interface StoredRead extends Validated {
  /** Numbers out of their range (an older or newer Enhance had other limits), set to the nearest end. */
  adjusted: string[];
}

/**
 * Stored settings as this version uses them. Unlike the options form's input, a stored number
 * out of range is not the user's mistake but another version's limit (this one lowered the
 * largest image to 4,194,304 pixels; a user who chose 16 million wants the most there is), so it
 * is brought to the nearest end rather than reset. Settings from a newer Enhance are read where
 * this version knows them (saveSettings still refuses to write over them): a device not yet
 * updated keeps the user's WebGPU switch and cache limit instead of every default.
 */
export function readStoredSettings(raw: unknown): StoredRead {
  const newer = storedByNewerVersion(raw);
  const stored: Stored = newer ? { ...(raw as Stored), version: SETTINGS_VERSION } : (raw as Stored);
  const adjusted: string[] = [];
  let input: unknown = raw;
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    const brought: Stored = { ...stored };
    for (const [key, range] of Object.entries(RANGES) as Array<[RangedKey, Range]>) {
      const value = brought[key];
      if (typeof value !== 'number' || !Number.isFinite(value) || (value >= range.min && value <= range.max)) continue;
      const near = Math.min(range.max, Math.max(range.min, value));
      brought[key] = range.integer ? Math.round(near) : near;
      adjusted.push(key);
    }
    input = brought;
  }
  const validated = validateSettings(input);
  const warning = newer ? `settings version ${String((raw as Stored).version)} is from a newer Enhance: the settings this version knows are used, and it does not change them` : validated.warning;
  return { ...validated, warning, adjusted };
}

/**
 * In storage.sync each setting is an item of its own (`setting:profile`, and `setting:version`):
 * with one item for them all, two devices changing different settings at once kept only one
 * change, since sync keeps the last write of each item whole.
 */
export const SETTING_KEY_PREFIX = 'setting:';
/**
 * Where versions before one item per setting kept them all; read beneath the items, and never
 * written again (a device still on such a version reads it until it updates).
 */
export const LEGACY_SETTINGS_KEY = 'settings';

export const settingKey = (name: string): string => `${SETTING_KEY_PREFIX}${name}`;

/** Whether a storage.sync change touches the settings. */
export function isSettingsKey(key: string): boolean {
  return key === LEGACY_SETTINGS_KEY || key.startsWith(SETTING_KEY_PREFIX);
}

/** One item's change in storage, as storage.onChanged gives it. */
interface ItemChange {
  oldValue?: unknown;
  newValue?: unknown;
}

/**
 * The cache limit a storage.sync change lowers, as this version reads the settings before and after
 * it; null when it lowers none. `itemsNow` is storage.sync after the change: the limit in force
 * can come from the legacy item beneath (an item first written, or removed, changes it from or to
 * that one, not the default), and a device on an older Enhance lowers it in the legacy item.
 */
export function loweredCacheLimit(changes: Record<string, ItemChange>, itemsNow: Record<string, unknown>): number | null {
  const itemsBefore = { ...itemsNow };
  for (const [key, { oldValue }] of Object.entries(changes)) {
    if (oldValue === undefined) delete itemsBefore[key];
    else itemsBefore[key] = oldValue;
  }
  const limit = (items: Record<string, unknown>) => readStoredSettings(settingsFromStorage(items)).settings.cacheLimitBytes;
  const [before, after] = [limit(itemsBefore), limit(itemsNow)];
  return after < before ? after : null;
}

/**
 * The stored settings as one object, for validateSettings: the legacy object where still there,
 * each item over it. Undefined when neither is stored (all defaults).
 */
export function settingsFromStorage(items: Record<string, unknown>): unknown {
  const legacy = items[LEGACY_SETTINGS_KEY];
  const own = Object.entries(items).filter(([key]) => key.startsWith(SETTING_KEY_PREFIX));
  if (own.length === 0) return legacy;
  const base = typeof legacy === 'object' && legacy !== null && !Array.isArray(legacy) ? legacy : {};
  return { ...base, ...Object.fromEntries(own.map(([key, value]) => [key.slice(SETTING_KEY_PREFIX.length), value])) };
}

/** The items that store `names` of `settings`, with the version they are read by. */
export function settingItems(settings: Settings, names: Iterable<keyof Settings>): Record<string, unknown> {
  const items: Record<string, unknown> = { [settingKey('version')]: settings.version };
  for (const name of names) items[settingKey(name)] = settings[name];
  return items;
}

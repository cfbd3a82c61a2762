/** The model registry: `models/models.json`, validated, and the choice of a model for a job. */

export type Profile = 'quality' | 'fast';

export interface ModelEntry {
  id: string;
  name: string;
  profile: Profile;
  scale: number;
  file: string;
  input: string;
  output: string;
  params: number;
}

export interface ModelRegistry {
  version: 1;
  models: ModelEntry[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseEntry(raw: unknown, index: number): ModelEntry {
  const where = `models.json: models[${index}]`;
  if (!isObject(raw)) throw new TypeError(`${where} is not an object`);
  const text = (key: string): string => {
    const value = raw[key];
    if (typeof value !== 'string' || value === '') throw new TypeError(`${where}.${key} must be a non-empty string`);
    return value;
  };
  const count = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`${where}.${key} must be a positive integer`);
    return value;
  };
  const profile = text('profile');
  if (profile !== 'quality' && profile !== 'fast') throw new TypeError(`${where}.profile must be "quality" or "fast"`);
  const file = text('file');
  if (!file.endsWith('.onnx') || file.includes('/')) throw new TypeError(`${where}.file must be a bare .onnx file name`);
  return { id: text('id'), name: text('name'), profile, scale: count('scale'), file, input: text('input'), output: text('output'), params: count('params') };
}

export function parseRegistry(raw: unknown): ModelRegistry {
  if (!isObject(raw) || raw.version !== 1 || !Array.isArray(raw.models)) throw new TypeError('models.json: expected { "version": 1, "models": [...] }');
  const models = raw.models.map(parseEntry);
  const ids = new Set<string>();
  for (const m of models) {
    if (ids.has(m.id)) throw new TypeError(`models.json: duplicate id ${m.id}`);
    ids.add(m.id);
  }
  return { version: 1, models };
}

/**
 * The scales `models/models.json` ships, ascending, for code that picks a scale without loading
 * the registry (the content script's auto-enhance); a unit test keeps the two in step.
 */
export const SHIPPED_SCALES: readonly number[] = [2, 4];

/** The shipped scales, ascending. */
export function availableScales(registry: ModelRegistry): number[] {
  return [...new Set(registry.models.map((m) => m.scale))].sort((a, b) => a - b);
}

/** The model for a scale and profile; the other profile stands in when one is missing. */
export function pickModel(registry: ModelRegistry, scale: number, profile: Profile): ModelEntry {
  const atScale = registry.models.filter((m) => m.scale === scale);
  const model = atScale.find((m) => m.profile === profile) ?? atScale[0];
  if (!model) throw new RangeError(`no model for x${scale}; shipped: ${availableScales(registry).join(', ')}`);
  return model;
}

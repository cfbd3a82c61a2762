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
  /**
   * sha256 of `file`, written by `training.model_card`: the result cache keys on it, so retrained
   * weights shipped under the same id never serve results of the old ones.
   */
  sha256: string;
  /**
   * Y-PSNR of this very file on Set14, written by `training.model_card` from the evaluations;
   * absent when none counts. What the quality profile goes by.
   */
  set14Psnr?: number;
  /**
   * The float16 variant of `file` (training/fp16.py) for WebGPU adapters with shader-f16; the
   * model card lists it only when it scores within 0.02 dB of `file` on every benchmark set.
   */
  fp16File?: string;
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
  const onnxFile = (key: string): string => {
    const value = text(key);
    if (!value.endsWith('.onnx') || value.includes('/')) throw new TypeError(`${where}.${key} must be a bare .onnx file name`);
    return value;
  };
  const entry: ModelEntry = { id: text('id'), name: text('name'), profile, scale: count('scale'), file: onnxFile('file'), input: text('input'), output: text('output'), params: count('params'), sha256: text('sha256') };
  const psnr = raw.set14Psnr;
  if (psnr !== undefined) {
    if (typeof psnr !== 'number' || !(psnr > 0 && psnr < 100)) throw new TypeError(`${where}.set14Psnr must be a PSNR in dB`);
    entry.set14Psnr = psnr;
  }
  if (raw.fp16File !== undefined) entry.fp16File = onnxFile('fp16File');
  return entry;
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

/**
 * The model a job runs. Fast is the fast model. Quality is the sharpest model shipped at that
 * scale by measured Set14 PSNR: while the larger quality model is less trained than the small
 * one (CPU training, see models/MODEL_CARD.md), the small one gives the better picture, and a user
 * who asked for quality gets it. Unmeasured models fall back to their role.
 */
export function modelForJob(registry: ModelRegistry, scale: number, profile: Profile): ModelEntry {
  const role = pickModel(registry, scale, profile);
  if (profile === 'fast') return role;
  let best = role;
  for (const model of registry.models) {
    if (model.scale === scale && model.set14Psnr !== undefined && model.set14Psnr > (best.set14Psnr ?? -Infinity)) best = model;
  }
  return best;
}

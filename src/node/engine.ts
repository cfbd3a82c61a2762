/**
 * The engine in Node: the same tiling, blending and tensor code as the extension, over
 * onnxruntime-node. Used by `npm run upscale`, the training evaluation and the benchmark.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RgbaImage } from '../core/image';
import { checkImageSize } from '../core/limits';
import { modelForJob, parseRegistry, type ModelEntry, type ModelRegistry, type Profile } from '../core/models';
import { OrtTileRunner } from '../core/ort-runner';
import { resolveProfile } from '../core/scale-choice';
import { DEFAULT_OVERLAP, upscaleImage } from '../core/upscale';
import { DEFAULT_SETTINGS } from '../shared/settings';

export const MODELS_DIR = resolve(import.meta.dirname, '../../models');

export function loadRegistry(dir = MODELS_DIR): ModelRegistry {
  return parseRegistry(JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')));
}

/** A registry entry for an ONNX file that models.json does not list (a checkpoint being evaluated). */
export function unlistedModel(path: string, scale: number): ModelEntry {
  const file = basename(path);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { id: file.replace(/\.onnx$/, ''), name: file, profile: 'quality', scale, file, input: 'input', output: 'output', params: 1, sha256 };
}

/** `threads` 0 lets ORT use every core. */
export async function createRunner(model: ModelEntry, path = join(MODELS_DIR, model.file), threads = 0): Promise<OrtTileRunner> {
  const session = await ort.InferenceSession.create(path, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
  });
  return new OrtTileRunner(session, model, ort.Tensor);
}

export interface NodeUpscaleOptions {
  scale: number;
  profile?: Profile;
  maxTile?: number;
  /** A model file outside the registry (e.g. a fresh export), with the scale given. */
  modelFile?: string;
}

export async function upscaleWithModel(image: RgbaImage, options: NodeUpscaleOptions): Promise<{ image: RgbaImage; model: ModelEntry }> {
  const model: ModelEntry = options.modelFile
    ? unlistedModel(options.modelFile, options.scale)
    : modelForJob(loadRegistry(), options.scale, options.profile ?? resolveProfile(DEFAULT_SETTINGS.profile, null));
  checkImageSize(image.width, image.height, model.scale, Infinity);
  const runner = await createRunner(model, options.modelFile ? resolve(options.modelFile) : undefined);
  const out = await upscaleImage(image, runner, { maxTile: options.maxTile ?? DEFAULT_SETTINGS.maxTile, overlap: DEFAULT_OVERLAP });
  return { image: out, model };
}

/**
 * The engine in Node: the same tiling, blending and tensor code as the extension, over
 * onnxruntime-node. Used by `npm run upscale`, the training evaluation and the benchmark.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { RgbaImage } from '../core/image';
import { headerSize } from '../core/image-header';
import { checkImageSize, MAX_INPUT_PIXELS } from '../core/limits';
import { modelForJob, parseRegistry, type ModelEntry, type ModelRegistry, type Profile } from '../core/models';
import { OrtTileRunner } from '../core/ort-runner';
import { resolveProfile } from '../core/scale-choice';
import { DEFAULT_OVERLAP, upscaleImage } from '../core/upscale';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { checkReadable, decodeImageFile } from './image-file';

export const MODELS_DIR = resolve(import.meta.dirname, '../../models');

export function loadRegistry(dir = MODELS_DIR): ModelRegistry {
  return parseRegistry(JSON.parse(readFileSync(join(dir, 'models.json'), 'utf8')));
}

/** A registry entry for an ONNX file that models.json does not list (a checkpoint being evaluated), with its input and output names. */
export function unlistedModel(path: string, scale: number, names: Pick<ModelEntry, 'input' | 'output'> = { input: 'input', output: 'output' }): ModelEntry {
  const file = basename(path);
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { id: file.replace(/\.onnx$/, ''), name: file, profile: 'quality', scale, file, ...names, params: 1, sha256 };
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
  /** Required for a shipped model; for a model file, checked against the file's own scale. */
  scale?: number;
  profile?: Profile;
  maxTile?: number;
  /** A model file outside the registry (e.g. a fresh export). */
  modelFile?: string;
}

/**
 * What a model file is, from one run over a few pixels: its input and output names, and the scale
 * it upscales by, which must be whole and the same both ways (an image model in NCHW, as ours).
 */
async function probeModelFile(path: string): Promise<{ scale: number; names: Pick<ModelEntry, 'input' | 'output'> }> {
  const session = await ort.InferenceSession.create(path);
  try {
    const side = 8;
    const names = { input: session.inputNames[0], output: session.outputNames[0] };
    const input = new ort.Tensor('float32', new Float32Array(3 * side * side), [1, 3, side, side]);
    const { dims } = (await session.run({ [names.input]: input }))[names.output];
    const scale = dims[3] / side;
    if (dims.length !== 4 || dims[1] !== 3 || !Number.isInteger(scale) || scale < 1 || dims[2] !== side * scale) {
      throw new RangeError(`${basename(path)} is not an upscaling model of RGB images: ${side}x${side} pixels came out as [${dims.join(', ')}]`);
    }
    return { scale, names };
  } finally {
    await session.release();
  }
}

async function modelFor(options: NodeUpscaleOptions): Promise<ModelEntry> {
  if (options.modelFile === undefined) {
    if (options.scale === undefined) throw new RangeError('a scale is needed to choose a shipped model');
    return modelForJob(loadRegistry(), options.scale, options.profile ?? resolveProfile(DEFAULT_SETTINGS.profile, null));
  }
  const { scale, names } = await probeModelFile(options.modelFile);
  if (options.scale !== undefined && options.scale !== scale) throw new RangeError(`${basename(options.modelFile)} upscales x${scale}, not x${options.scale}`);
  return unlistedModel(options.modelFile, scale, names);
}

/**
 * Upscales a PNG or JPEG file's bytes, upright. The size limits are checked on the file's header
 * before it is decoded, as the extension's engine does: a small file can hold a picture of gigabytes.
 */
export async function upscaleFile(bytes: Buffer, options: NodeUpscaleOptions): Promise<{ image: RgbaImage; model: ModelEntry }> {
  checkReadable(bytes);
  const model = await modelFor(options);
  const size = headerSize(bytes);
  if (size) checkImageSize(size.width, size.height, model.scale, MAX_INPUT_PIXELS);
  const image = decodeImageFile(bytes);
  // Once more on the pixels: a JPEG whose segments the header reader cannot walk (one segment's
  // length a byte too long, which the decoder mends) gave no size above.
  checkImageSize(image.width, image.height, model.scale, MAX_INPUT_PIXELS);
  const runner = await createRunner(model, options.modelFile ? resolve(options.modelFile) : undefined);
  const out = await upscaleImage(image, runner, { maxTile: options.maxTile ?? DEFAULT_SETTINGS.maxTile, overlap: DEFAULT_OVERLAP });
  return { image: out, model };
}

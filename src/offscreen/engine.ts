/** One enhancement job in the engine: fetch, decode, check, upscale tile by tile, encode. */
import { EnhanceError } from '../core/errors';
import { checkImageSize } from '../core/limits';
import { resolveProfile } from '../core/scale-choice';
import { parseRegistry, pickModel, type ModelRegistry } from '../core/models';
import { DEFAULT_OVERLAP, upscaleImage } from '../core/upscale';
import type { EngineInfo, JobEvent, JobRequest } from '../shared/protocol';
import { chooseBackend, fallBackToWasm, runnerFor, wasmThreads } from './backend';
import { bitmapToRgba, decodeImage, encodePngDataUrl, fetchImageBlob } from './image-io';

let registry: Promise<ModelRegistry> | undefined;
const lastRun: Pick<EngineInfo, 'backend' | 'reason' | 'jobsRun'> = { backend: null, reason: 'no job has run yet', jobsRun: 0 };

function loadRegistry(): Promise<ModelRegistry> {
  registry ??= fetch(chrome.runtime.getURL('models/models.json'))
    .then((r) => r.json())
    .then(parseRegistry);
  return registry;
}

export async function runJob(job: JobRequest, emit: (event: JobEvent) => void): Promise<Extract<JobEvent, { type: 'done' }>> {
  const started = performance.now();
  const model = pickModel(await loadRegistry(), job.scale, resolveProfile(job.settings.profile, null));
  const bitmap = await decodeImage(await fetchImageBlob(job.srcUrl));
  let image;
  try {
    checkImageSize(bitmap.width, bitmap.height, model.scale, job.settings.maxInputPixels);
    image = bitmapToRgba(bitmap);
  } finally {
    bitmap.close();
  }
  const choice = await chooseBackend(job.settings.allowWebGPU);
  const upscaleOn = async (backend: typeof choice.backend, maxTile: number) =>
    upscaleImage(image, await runnerFor(model, backend), {
      maxTile: Math.min(job.settings.maxTile, maxTile),
      overlap: DEFAULT_OVERLAP,
      onProgress: (done, total) => emit({ type: 'progress', done, total }),
    });
  let backend = choice.backend;
  let output;
  try {
    output = await upscaleOn(choice.backend, choice.maxTile);
  } catch (error) {
    if (choice.backend !== 'webgpu') throw error;
    // WebGPU can be lost mid-run (driver reset, memory pressure): finish this job on WASM.
    fallBackToWasm(error instanceof Error ? error.message : String(error));
    backend = 'wasm';
    output = await upscaleOn('wasm', Infinity);
  }
  if (output.width !== image.width * model.scale) throw new EnhanceError('model-failed', 'unexpected output size');
  lastRun.backend = backend;
  lastRun.reason = backend === choice.backend ? choice.reason : (await chooseBackend(job.settings.allowWebGPU)).reason;
  lastRun.jobsRun++;
  const dataUrl = await encodePngDataUrl(output);
  return { type: 'done', dataUrl, width: output.width, height: output.height, backend, ms: Math.round(performance.now() - started), fromCache: false };
}

/** What the engine last ran on, and why: shown in the popup and returned by status(). */
export function engineInfo(): EngineInfo {
  return { ...lastRun, inferences: lastRun.jobsRun, cacheHits: 0, crossOriginIsolated: self.crossOriginIsolated, wasmThreads: wasmThreads() };
}

/**
 * What the 'auto' profile means on this device: a one-time benchmark of the quality model,
 * stored in IndexedDB so it survives restarts, and measured again when the backend or that model changes.
 */
import { benchmarkPlan, measureMsPerMegapixel } from '../core/device-benchmark';
import { availableScales, modelForJob, type ModelEntry, type ModelRegistry, type Profile } from '../core/models';
import { benchmarkIsStale, parseBenchmark, resolveProfile, type DeviceBenchmark, type ProfileSetting } from '../core/scale-choice';
import { logError } from '../shared/log';
import type { BackendChoice } from './backend';
import { runnerForJob } from './precision-check';
import { readMeta, writeMeta } from './engine-db';

/**
 * One record per device: a document that fell back to WASM (its GPU lost) would otherwise overwrite
 * the GPU's benchmark, and the next document, on the GPU again, measure it again.
 */
const keyFor = (device: string): string => `device-benchmark:${device}`;

const known = new Map<string, Promise<DeviceBenchmark | null>>();
/** The benchmark the last 'auto' job used, for engineInfo(), which answers synchronously. */
let lastUsed: DeviceBenchmark | null = null;

export function benchmarkInUse(): DeviceBenchmark | null {
  return lastUsed;
}

async function measure(model: ModelEntry, choice: BackendChoice): Promise<DeviceBenchmark> {
  const { runner } = await runnerForJob(model, choice);
  const backend = choice.backend;
  const plan = benchmarkPlan(backend);
  const { width, height } = plan;
  const input = Float32Array.from({ length: 3 * width * height }, (_, i) => (i % 97) / 96);
  const msPerMegapixel = await measureMsPerMegapixel(() => runner.run(input, width, height), plan, () => performance.now());
  return { backend, device: choice.device, modelSha256: model.sha256, msPerMegapixelQuality: msPerMegapixel, measuredAt: Date.now() };
}

async function benchmarkFor(registry: ModelRegistry, choice: BackendChoice): Promise<DeviceBenchmark> {
  const key = keyFor(choice.device);
  let reading = known.get(key);
  if (!reading) {
    reading = readMeta(key).then(parseBenchmark, (error: unknown) => {
      logError('device benchmark: stored value unreadable', error);
      return null;
    });
    known.set(key, reading);
  }
  // The smallest scale: the cheapest run of the network the quality profile would run, in the
  // precision its jobs will run in.
  const model = modelForJob(registry, availableScales(registry)[0], 'quality');
  const stored = await reading;
  if (stored && !benchmarkIsStale(stored, choice.device, model.sha256)) return stored;
  const fresh = await measure(model, choice);
  known.set(key, Promise.resolve(fresh));
  // Unsaved, it is measured again in the next document: slower, never wrong.
  await writeMeta(key, fresh).catch((error: unknown) => logError('device benchmark: not saved', error));
  return fresh;
}

/** The profile a job runs with; a benchmark that cannot run leaves 'auto' at its default. */
export async function decideProfile(setting: ProfileSetting, registry: ModelRegistry, choice: BackendChoice): Promise<Profile> {
  if (setting !== 'auto') return setting;
  try {
    lastUsed = await benchmarkFor(registry, choice);
    return resolveProfile('auto', lastUsed);
  } catch (error) {
    logError('device benchmark', error);
    return resolveProfile('auto', null);
  }
}

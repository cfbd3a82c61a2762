/** Which model runs an automatic job: the scale an image needs, and quality or speed for this device. */
import { resultFits } from './limits';
import type { Profile } from './models';

export type Backend = 'webgpu' | 'wasm';

/** The profile a user picks: 'auto' leaves the choice to the device benchmark. */
export type ProfileSetting = 'auto' | Profile;

/**
 * How much larger than its pixels a result may be drawn and still count as covering the need: a
 * file in a fluid column a pixel wider than twice its width (need 2.005) gets x2, which looks the
 * same and is the x2 model's own scale, not x4, four times the pixels, time and memory.
 */
export const SCALE_SLACK = 1.05;

/**
 * The smallest shipped scale that covers `need` (within SCALE_SLACK); the largest when none does
 * (closest we can get). Only scales whose result can be made count (the engine refuses the others:
 * a 1100x1100 image shown at 2500 pixels gets x2, not a refused x4; so does a 10000x100 banner);
 * undefined when none does.
 */
export function chooseScale(need: number, shipped: readonly number[], width: number, height: number): number | undefined {
  if (shipped.length === 0) throw new RangeError('no shipped scales');
  const fitting = [...shipped].sort((a, b) => a - b).filter((scale) => resultFits(width, height, scale));
  return fitting.find((scale) => scale * SCALE_SLACK >= need) ?? fitting.at(-1);
}

/** A one-time measurement of the quality model on this device, stored and re-run on a backend or model change. */
export interface DeviceBenchmark {
  backend: Backend;
  /**
   * What ran it: 'wasm', or the WebGPU adapter as it describes itself (BackendChoice.device). A
   * laptop on battery may hand out its integrated GPU, or the browser its software one, under the
   * same backend: either is another device, timed afresh.
   */
  device: string;
  /** sha256 of the model file it timed (models.json): a new quality model can cost far more. */
  modelSha256: string;
  msPerMegapixelQuality: number;
  /** Date.now() of the measurement. */
  measuredAt: number;
}

/**
 * A typical automatic job: a 500x500 thumbnail shown at twice its size. Pages hold many such
 * images, enhanced one after another, so a second and a half each is about as long as the first
 * visible ones may take before the wait is noticed; slower than that, the fast model wins.
 */
export const TYPICAL_INPUT_MEGAPIXELS = 0.25;
export const QUALITY_BUDGET_MS = 1500;
/** 6000 ms per megapixel. A guess from the budget, not yet from measurements: tune it with bench numbers. */
export const AUTO_QUALITY_MAX_MS_PER_MEGAPIXEL = QUALITY_BUDGET_MS / TYPICAL_INPUT_MEGAPIXELS;

/**
 * The profile a job runs with. Without a benchmark 'auto' means quality, the extension's behaviour
 * before 'auto' existed; the benchmark, once there, can only move a slow device to fast.
 */
export function resolveProfile(profile: ProfileSetting, benchmark: DeviceBenchmark | null): Profile {
  if (profile !== 'auto') return profile;
  if (benchmark === null) return 'quality';
  return benchmark.msPerMegapixelQuality <= AUTO_QUALITY_MAX_MS_PER_MEGAPIXEL ? 'quality' : 'fast';
}

/**
 * A benchmark describes the device and the model it ran: another device (WebGPU switched off,
 * another GPU or driver) or an update that ships another quality model (8x the compute, once) needs a new run.
 */
export function benchmarkIsStale(benchmark: DeviceBenchmark | null, currentDevice: string, qualityModelSha256: string): boolean {
  return benchmark === null || benchmark.device !== currentDevice || benchmark.modelSha256 !== qualityModelSha256;
}

/** A stored benchmark, checked: anything else reads as none, so it is measured again. */
export function parseBenchmark(raw: unknown): DeviceBenchmark | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { backend, device, modelSha256, msPerMegapixelQuality, measuredAt } = raw as Partial<Record<keyof DeviceBenchmark, unknown>>;
  if (backend !== 'webgpu' && backend !== 'wasm') return null;
  // Stored before the device was recorded: which GPU it timed is unknown, so it is measured again.
  if (typeof device !== 'string') return null;
  // Stored before the model was recorded: which model it timed is unknown, so it is measured again.
  if (typeof modelSha256 !== 'string') return null;
  if (typeof msPerMegapixelQuality !== 'number' || !(msPerMegapixelQuality > 0) || !Number.isFinite(msPerMegapixelQuality)) return null;
  if (typeof measuredAt !== 'number' || !Number.isFinite(measuredAt)) return null;
  return { backend, device, modelSha256, msPerMegapixelQuality, measuredAt };
}

/** How a device benchmark is timed: a warm-up, then the median of a few runs, per input megapixel. */
import { QUALITY_BUDGET_MS } from './scale-choice';

export interface BenchmarkPlan {
  /** The input the model runs on, in pixels. */
  width: number;
  height: number;
  /** Runs thrown away: the first compiles shaders and kernels, which every later job skips. */
  warmups: number;
  /** Timed runs; the median keeps one run slowed by a busy machine from deciding the profile. */
  runs: number;
  /**
   * A timed run this slow ends the benchmark: on a device that slow (a software GPU) every run
   * costs a long stall, and no hiccup makes a run that slow on a device the median would call fast.
   */
  stopAfterRunMs: number;
}

/**
 * 64x64 at the smallest scale: small enough to cost little, large enough that per-run overhead
 * (dispatch, readback) does not dominate. A single 64x64 run over the whole budget of a typical
 * image is about sixty times over the quality threshold.
 */
export const DEVICE_BENCHMARK_PLAN: BenchmarkPlan = { width: 64, height: 64, warmups: 1, runs: 3, stopAfterRunMs: QUALITY_BUDGET_MS };

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs `runOnce` as the plan says and gives the median time in ms per input megapixel, the unit
 * of `DeviceBenchmark.msPerMegapixelQuality`. `now` is a millisecond clock (performance.now).
 */
export async function measureMsPerMegapixel(runOnce: () => Promise<unknown>, plan: BenchmarkPlan, now: () => number): Promise<number> {
  if (plan.runs < 1) throw new RangeError('a benchmark needs at least one timed run');
  for (let i = 0; i < plan.warmups; i++) await runOnce();
  const times: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const start = now();
    await runOnce();
    const elapsed = now() - start;
    times.push(elapsed);
    if (elapsed > plan.stopAfterRunMs) break;
  }
  // A clock too coarse to see one run (some browsers round timers) still gives a positive figure.
  return Math.max(median(times), Number.EPSILON) / ((plan.width * plan.height) / 1e6);
}

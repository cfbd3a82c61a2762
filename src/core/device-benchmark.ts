/** How a device benchmark is timed: warm-up runs where the backend needs them, then the median of a few runs, per input megapixel. */
import { QUALITY_BUDGET_MS, type Backend } from './scale-choice';

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
 * WebGPU: 64x64 at the smallest scale, small enough to cost little, large enough that per-run
 * overhead (dispatch, readback) does not dominate, after a warm-up that compiles the shaders. A
 * single 64x64 run over the whole budget of a typical image is about sixty times over the quality
 * threshold.
 *
 * WASM: 32x32 and no warm-up. A CPU compiles no shaders, and a run's overhead is one message to
 * ORT's worker, so a quarter of the pixels measures the same speed: quality x2 in onnxruntime-web
 * (2 threads, Node, this machine) took 103-110 s per input megapixel at 32x32, 96-101 s at 64x64
 * and 97 s at 128x128. The first run is slower (593 ms against ~120 ms at 32x32), and the median of
 * three runs leaves it out. This benchmark runs inside the first job of a fresh install, and costs
 * most where inference is slowest: in Chromium here, that first job (auto, 72x72 at x4) took
 * 10.1-11.5 s with the 64x64 plan and a warm-up, 5.3-6.0 s with this one.
 */
export function benchmarkPlan(backend: Backend): BenchmarkPlan {
  return backend === 'webgpu'
    ? { width: 64, height: 64, warmups: 1, runs: 3, stopAfterRunMs: QUALITY_BUDGET_MS }
    : { width: 32, height: 32, warmups: 0, runs: 3, stopAfterRunMs: QUALITY_BUDGET_MS };
}

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

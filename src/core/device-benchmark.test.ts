import { describe, expect, it } from 'vitest';
import { parseBenchmark } from './scale-choice';
import { measureMsPerMegapixel, median } from './device-benchmark';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('measureMsPerMegapixel', () => {
  /** A clock that advances by the next duration each time a run starts. */
  function scripted(durations: number[]) {
    let clock = 0;
    let calls = 0;
    const runOnce = async () => {
      clock += durations[calls++];
    };
    return { runOnce, now: () => clock, calls: () => calls };
  }

  it('throws the warm-up away and takes the median of the timed runs, per megapixel', async () => {
    // Warm-up of 1000 ms (shader compilation), then 40, 100 (a busy moment) and 41.
    const { runOnce, now, calls } = scripted([1000, 40, 100, 41]);
    const result = await measureMsPerMegapixel(runOnce, { width: 500, height: 200, warmups: 1, runs: 3, stopAfterRunMs: 5000 }, now);
    expect(calls()).toBe(4);
    // 41 ms for 0.1 megapixels.
    expect(result).toBeCloseTo(410, 9);
  });

  it('stops after one run so slow that more runs would only prolong the stall', async () => {
    const { runOnce, now, calls } = scripted([70_000, 74_000, 74_000, 74_000]);
    const result = await measureMsPerMegapixel(runOnce, { width: 1000, height: 1000, warmups: 1, runs: 3, stopAfterRunMs: 1500 }, now);
    expect(calls()).toBe(2);
    expect(result).toBe(74_000);
  });

  it('stays positive when the clock cannot see a run, so the stored benchmark stays valid', async () => {
    const result = await measureMsPerMegapixel(async () => undefined, { width: 64, height: 64, warmups: 0, runs: 3, stopAfterRunMs: 5000 }, () => 0);
    expect(result).toBeGreaterThan(0);
    expect(parseBenchmark({ backend: 'wasm', device: 'wasm', modelSha256: 'ab12', msPerMegapixelQuality: result, measuredAt: 1 })).not.toBeNull();
  });

  it('needs a timed run', async () => {
    await expect(measureMsPerMegapixel(async () => undefined, { width: 64, height: 64, warmups: 1, runs: 0, stopAfterRunMs: 5000 }, () => 0)).rejects.toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import {
  AUTO_QUALITY_MAX_MS_PER_MEGAPIXEL,
  benchmarkIsStale,
  chooseScale,
  parseBenchmark,
  resolveProfile,
  type DeviceBenchmark,
} from './scale-choice';

describe('chooseScale', () => {
  it.each([
    [1.5, 2],
    [2, 2],
    // A pixel or two short of twice its width (a fluid column): x2 drawn 0.5% to 4.5% larger.
    [2.01, 2],
    [2.09, 2],
    [2.12, 4],
    [3, 4],
    [4, 4],
    [7, 4],
  ])('need %d -> x%d', (need, scale) => {
    expect(chooseScale(need, [2, 4], 500, 500)).toBe(scale);
  });

  it('does not rely on the shipped list being sorted, nor change it', () => {
    const shipped = [4, 3, 2];
    expect(chooseScale(2.5, shipped, 500, 500)).toBe(3);
    expect(shipped).toEqual([4, 3, 2]);
  });

  it('uses the only scale shipped', () => {
    expect(chooseScale(3, [2], 500, 500)).toBe(2);
  });

  it('takes only scales whose result the engine accepts', () => {
    // 1100x1100 at x4 would be 19.4 million pixels, over the 16.8 million cap; at x2, 4.8 million.
    expect(chooseScale(2.27, [2, 4], 1100, 1100)).toBe(2);
    expect(chooseScale(4, [2, 4], 1024, 1024)).toBe(4);
    expect(chooseScale(4, [2, 4], 1024, 1025)).toBe(2);
    expect(chooseScale(2, [2, 4], 2048, 2049)).toBeUndefined();
    // A banner: x4 would be 40,000 pixels wide, over what a canvas can draw; x2 is 20,000.
    expect(chooseScale(4, [2, 4], 10_000, 100)).toBe(2);
    expect(chooseScale(2, [2, 4], 20_000, 50)).toBeUndefined();
  });

  it('throws when nothing is shipped', () => {
    expect(() => chooseScale(2, [], 500, 500)).toThrow(RangeError);
  });
});

const GPU = 'webgpu|nvidia|ampere||f16';

const benchmark = (msPerMegapixelQuality: number, backend: DeviceBenchmark['backend'] = 'webgpu'): DeviceBenchmark => ({
  backend,
  device: backend === 'wasm' ? 'wasm' : GPU,
  modelSha256: 'ab12',
  msPerMegapixelQuality,
  measuredAt: 1_700_000_000_000,
});

describe('resolveProfile', () => {
  it('keeps a profile the user chose, whatever the device', () => {
    expect(resolveProfile('quality', benchmark(1e6))).toBe('quality');
    expect(resolveProfile('fast', benchmark(1))).toBe('fast');
    expect(resolveProfile('fast', null)).toBe('fast');
  });

  it('runs quality on auto until the device is measured', () => {
    expect(resolveProfile('auto', null)).toBe('quality');
  });

  it('gives a fast device quality and a slow one speed', () => {
    expect(resolveProfile('auto', benchmark(400))).toBe('quality');
    expect(resolveProfile('auto', benchmark(40_000, 'wasm'))).toBe('fast');
  });

  it('keeps quality up to the threshold: 1.5 s for a 0.25 MP image', () => {
    expect(AUTO_QUALITY_MAX_MS_PER_MEGAPIXEL).toBe(6000);
    expect(resolveProfile('auto', benchmark(6000))).toBe('quality');
    expect(resolveProfile('auto', benchmark(6001))).toBe('fast');
  });
});

describe('benchmarkIsStale', () => {
  it('is stale when there is none, it ran on another backend or timed another model', () => {
    expect(benchmarkIsStale(null, GPU, 'ab12')).toBe(true);
    expect(benchmarkIsStale(benchmark(500, 'webgpu'), 'wasm', 'ab12')).toBe(true);
    expect(benchmarkIsStale(benchmark(500, 'wasm'), GPU, 'ab12')).toBe(true);
    expect(benchmarkIsStale(benchmark(500, 'webgpu'), GPU, 'cd34')).toBe(true);
  });

  it('is stale on another GPU: the integrated one, the software one, or the same without f16', () => {
    expect(benchmarkIsStale(benchmark(500), 'webgpu|intel|gen-12lp||f16', 'ab12')).toBe(true);
    expect(benchmarkIsStale(benchmark(500), 'webgpu|google|swiftshader||f32', 'ab12')).toBe(true);
    expect(benchmarkIsStale(benchmark(500), 'webgpu|nvidia|ampere||f32', 'ab12')).toBe(true);
  });

  it('is fresh on the same device and model, however old', () => {
    expect(benchmarkIsStale({ ...benchmark(500), measuredAt: 0 }, GPU, 'ab12')).toBe(false);
  });
});

describe('parseBenchmark', () => {
  it('accepts a stored benchmark', () => {
    expect(parseBenchmark(benchmark(812.5))).toEqual(benchmark(812.5));
  });

  it('drops unknown keys', () => {
    expect(parseBenchmark({ ...benchmark(500), gpu: 'x' })).toEqual(benchmark(500));
  });

  it.each([
    undefined,
    null,
    'webgpu',
    {},
    { ...benchmark(500), backend: 'webgl' },
    { ...benchmark(500), msPerMegapixelQuality: 0 },
    { ...benchmark(500), msPerMegapixelQuality: -1 },
    { ...benchmark(500), msPerMegapixelQuality: Number.POSITIVE_INFINITY },
    { ...benchmark(500), msPerMegapixelQuality: '500' },
    { ...benchmark(500), measuredAt: Number.NaN },
    { backend: 'wasm', msPerMegapixelQuality: 500 },
    { backend: 'wasm', modelSha256: 'ab12', msPerMegapixelQuality: 500, measuredAt: 1 },
    { backend: 'wasm', msPerMegapixelQuality: 500, measuredAt: 1 },
  ])('reads %j as none', (raw) => {
    expect(parseBenchmark(raw)).toBeNull();
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allocate, cellCost, planConfigs, RUNS, singleThreaded, type Estimate } from '../../bench/lib/plan';
import { median } from '../../bench/lib/measure';
import { bestPeer, qualityOf, renderPlotSvg, sharedPsnr, type ConfigResult } from '../../bench/lib/report';
import { resultsFolder } from '../../bench/lib/results-folder';
import { parseRegistry } from '../../src/core/models';

const registry = parseRegistry(JSON.parse(readFileSync('models/models.json', 'utf8')));
const configs = planConfigs(registry, null, false);
const estimate = (id: string, unitMs = 100): Estimate => ({ config: configs.find((c) => c.id === id)!, unitMs, set14Pixels: [] });

describe('allocate', () => {
  it('gives a later input all its runs or none: a budget for one and a half cells times one cell', () => {
    const estimates = [estimate('plksr-fast-x4/wasm-2t'), estimate('plksr-tiny-x4/wasm-2t')];
    const one = cellCost(estimates[0], '256');
    const plan = allocate(estimates, one * 1.5);
    expect(plan.get('plksr-fast-x4/wasm-2t')!.cells).toEqual({ '256': one });
    expect(plan.get('plksr-tiny-x4/wasm-2t')!.cells).toEqual({});
  });

  it('prices a cell at RUNS timed runs and the slower untimed one before them; a tiled input, whose first tile alone meets a new shape, at its untimed run once', () => {
    const e = estimate('plksr-fast-x4/wasm-2t', 100);
    expect(cellCost(e, '256')).toBe(4 * 100 * (RUNS + 2));
    expect(cellCost(e, '1024x768')).toBeCloseTo(((20 * 229 * 215) / (128 * 128)) * 100 * (RUNS + 1), 6);
    // A peer's patches come in several shapes: its untimed run counts twice there too.
    expect(cellCost(estimate('esrgan-medium/wasm-2t', 100), '1024x768')).toBeCloseTo(((20 * 229 * 215) / (128 * 128)) * 100 * (RUNS + 2), 6);
  });

  it("spends on the issue's 2-thread comparisons before the 1-thread configs", () => {
    const estimates = [estimate('plksr-fast-x4/wasm-1t'), estimate('plksr-fast-x4/node-1t'), estimate('esrgan-medium/wasm-2t'), estimate('plksr-fast-x4/wasm-2t')];
    const plan = allocate(estimates, cellCost(estimates[0], '256') * 2);
    const timed = [...plan].filter(([, a]) => a.cells['256'] !== undefined).map(([id]) => id);
    expect(timed).toEqual(['esrgan-medium/wasm-2t', 'plksr-fast-x4/wasm-2t']);
    expect(timed.map((id) => singleThreaded(configs.find((c) => c.id === id)!))).toEqual([false, false]);
  });

  it('times the tiled 1024x768 image for the fastest of our 2-thread x4 models, then its native twin, before any 1-thread 256x256 cell', () => {
    const estimates = [
      estimate('plksr-fast-x4/wasm-1t', 10),
      estimate('plksr-tiny-x4/wasm-2t', 400),
      estimate('plksr-fast-x4/wasm-2t', 100),
      estimate('plksr-fast-x2/wasm-2t', 50),
      estimate('plksr-fast-x4/node-2t', 40),
    ];
    const for256 = estimates.filter((e) => e.config.id !== 'plksr-fast-x4/wasm-1t').reduce((sum, e) => sum + cellCost(e, '256'), 0);
    const showcase = cellCost(estimates[2], '1024x768') + cellCost(estimates[4], '1024x768');
    const plan = allocate(estimates, for256 + showcase);
    const tiled = [...plan].filter(([, a]) => a.cells['1024x768'] !== undefined).map(([id]) => id);
    expect(tiled).toEqual(['plksr-fast-x4/wasm-2t', 'plksr-fast-x4/node-2t']);
    expect(plan.get('plksr-fast-x4/wasm-1t')!.cells).toEqual({});
    // With room left after them, the 1-thread cell comes next.
    expect(allocate(estimates, for256 + showcase + cellCost(estimates[0], '256')).get('plksr-fast-x4/wasm-1t')!.cells).toEqual({ '256': cellCost(estimates[0], '256') });
    // Room for the native twin's cell but not ours: neither, and the 1-thread cell gets the time.
    const short = allocate(estimates, for256 + cellCost(estimates[4], '1024x768'));
    expect(['plksr-fast-x4/wasm-2t', 'plksr-fast-x4/node-2t'].map((id) => short.get(id)!.cells['1024x768'])).toEqual([undefined, undefined]);
    expect(short.get('plksr-fast-x4/wasm-1t')!.cells['256']).toBe(cellCost(estimates[0], '256'));
    // Room for ours but not the twin too: ours alone.
    const oursOnly = allocate(estimates, for256 + cellCost(estimates[2], '1024x768'));
    expect(['plksr-fast-x4/wasm-2t', 'plksr-fast-x4/node-2t'].map((id) => oursOnly.get(id)!.cells['1024x768'])).toEqual([cellCost(estimates[2], '1024x768'), undefined]);
  });

  it('cuts Set14 for the slowest scored config first, down to 3 images', () => {
    const slow = { ...estimate('esrgan-thick/wasm-2t', 1000), set14Pixels: Array(14).fill(128 * 128) };
    const fast = { ...estimate('esrgan-slim/wasm-2t', 10), set14Pixels: Array(14).fill(128 * 128) };
    const plan = allocate([slow, fast], 5000 + 140);
    expect(plan.get('esrgan-slim/wasm-2t')!.set14Images).toBe(14);
    expect(plan.get('esrgan-thick/wasm-2t')!.set14Images).toBe(5);
    expect(allocate([slow, fast], 0).get('esrgan-thick/wasm-2t')!.set14Images).toBe(3);
  });
});

describe('sharedPsnr', () => {
  const result = (images: Array<[string, number]>) => ({ scale: 4, images: images.map(([name, psnr]) => ({ name, psnr, ssim: 0 })), psnr: NaN, ssim: NaN });

  it('compares two Set14 results over the images both scored', () => {
    const whole = result([['baboon', 20], ['comic', 22], ['lenna', 30]]);
    const cut = result([['comic', 21], ['baboon', 19]]);
    expect(sharedPsnr(whole, cut)).toEqual({ a: 21, b: 20, images: 2 });
  });

  it('has nothing to compare when no image was scored by both', () => {
    expect(sharedPsnr(result([['comic', 1]]), result([['lenna', 2]]))).toBeUndefined();
  });
});

describe('bestPeer', () => {
  const scored = (id: string, images: Array<[string, number]>): ConfigResult => ({
    ...configs.find((c) => c.id === id)!,
    backend: '',
    setupMs: 0,
    timings: [],
    skipped: [],
    memory: null,
    quality: { scale: 4, images: images.map(([name, psnr]) => ({ name, psnr, ssim: 0 })), psnr: images.reduce((sum, [, psnr]) => sum + psnr, 0) / images.length, ssim: NaN },
  });

  it('ranks the peers over the images all of them scored: the slowest, cut to the hardest images, is not ranked by those alone', () => {
    const thick = scored('esrgan-thick/wasm-2t', [['baboon', 22], ['barbara', 24], ['bridge', 23]]);
    const medium = scored('esrgan-medium/wasm-2t', [['baboon', 21.5], ['barbara', 23.5], ['bridge', 22.5], ['comic', 24], ['lenna', 31]]);
    expect(bestPeer([medium, thick])?.id).toBe('esrgan-thick/wasm-2t');
    // Their means say the opposite: medium's two easy images lift it above thick's three hard ones.
    expect(medium.quality!.psnr).toBeGreaterThan(thick.quality!.psnr);
    const better = scored('esrgan-medium/wasm-2t', [['baboon', 22.5], ['barbara', 24.5], ['bridge', 23.5]]);
    expect(bestPeer([thick, better])?.id).toBe('esrgan-medium/wasm-2t');
  });

  it('names none where a peer has no score (failed, or cut by the deadline): the verdict is then not measured', () => {
    const medium = scored('esrgan-medium/wasm-2t', [['baboon', 21.5]]);
    const thick = { ...scored('esrgan-thick/wasm-2t', [['baboon', 22]]), quality: undefined };
    expect(bestPeer([medium, thick])).toBeUndefined();
    expect(bestPeer([medium, { ...scored('esrgan-thick/wasm-2t', [['baboon', 22]]), error: 'no WebAssembly memory' }])).toBeUndefined();
  });
});

describe('qualityOf', () => {
  const gpuConfigs = planConfigs(registry, { name: 'acme rdna', software: false }, false);
  const result = (id: string, more: Partial<ConfigResult> = {}): ConfigResult => ({
    ...gpuConfigs.find((c) => c.id === id)!,
    backend: '',
    setupMs: 0,
    timings: [],
    skipped: [],
    memory: null,
    ...more,
  });
  const score = (psnr: number, names: string[]) => ({ scale: 4, images: names.map((name) => ({ name, psnr, ssim: 0.8 })), psnr, ssim: 0.8 });
  const native = result('plksr-tiny-x4/node-2t', { quality: score(28.2, ['baboon', 'barbara']) });

  it("gives a WebGPU config that ran fp32 the native score of the same file, and one that ran the fp16 variant, another file, its own one-image check", () => {
    const check = score(28.1, ['comic']);
    expect(qualityOf(result('plksr-tiny-x4/webgpu', { precision: 'fp32', crossCheck: check }), [native])).toEqual({ quality: native.quality, own: false });
    expect(qualityOf(result('plksr-tiny-x4/webgpu', { precision: 'fp16', crossCheck: check }), [native])).toEqual({ quality: check, own: true });
  });

  it('leaves such a one-image check off the plot of Set14 means, outside a quick run', () => {
    const timed = { timings: [{ input: '256', ms: [100], msPerMP: 100 }] } as Partial<ConfigResult>;
    const gpu = result('plksr-tiny-x4/webgpu', { ...timed, precision: 'fp16', crossCheck: score(25.1, ['comic']) });
    const bench = { date: '2026-12-05T00:00:00Z', quick: false, budgetMin: 15, totalMs: 0, machine: { cpu: '', cores: 2, memoryGB: 24, loadBefore: [], loadAfter: [] }, versions: {}, webgpu: null, configs: [{ ...native, ...timed }, gpu] };
    expect(renderPlotSvg(bench)).toContain('node');
    expect(renderPlotSvg(bench)).not.toContain('WebGPU');
    expect(renderPlotSvg({ ...bench, quick: true })).toContain('WebGPU');
  });
});

describe('median', () => {
  it('is the middle run of an odd count, and the mean of the two middle ones of an even count (bench:tiles --runs 4)', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('resultsFolder', () => {
  it('writes into bench/ only a full run that finished with every method; a quick, filtered or broken one goes to bench/work/, --out anywhere', () => {
    expect(resultsFolder('/r', { quick: false, finished: true, failedMethods: 0 })).toBe('/r/bench');
    expect(resultsFolder('/r', { quick: true, finished: true, failedMethods: 0 })).toBe('/r/bench/work');
    expect(resultsFolder('/r', { quick: false, only: 'thick', finished: true, failedMethods: 0 })).toBe('/r/bench/work');
    expect(resultsFolder('/r', { quick: false, finished: false, failedMethods: 0 })).toBe('/r/bench/work');
    // A method that failed leaves its cells empty: the committed table would lose its numbers.
    expect(resultsFolder('/r', { quick: false, finished: true, failedMethods: 1 })).toBe('/r/bench/work');
    expect(resultsFolder('/r', { quick: false, only: 'thick', out: '/elsewhere', finished: false, failedMethods: 0 })).toBe('/elsewhere');
  });
});

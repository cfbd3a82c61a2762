/**
 * `npm run bench`: our ONNX models against the peers, in one run on this machine.
 *
 *   npm run bench                     # full: writes bench/results.{md,json,png}
 *   npm run bench -- --quick          # 1 run per config on 128x128, 1 Set14 image: bench/work/
 *   npm run bench -- --only thick     # only configs whose id contains "thick": bench/work/
 *   npm run bench -- --budget-min 30  # the time budget of the whole command (default 14)
 *   npm run bench -- --render bench/results.json  # only re-render results.md and .png from the JSON
 *
 * A run cut short by an error writes what it measured to bench/work/ too (--out: anywhere), and a
 * run where any method failed exits 1 after writing its table.
 *
 * Methods: our models (models/models.json) in headless Chromium through the extension's own ORT
 * backend module and upscale loop, on WASM at 1 and 2 threads and on WebGPU when an adapter exists;
 * the same ONNX files in onnxruntime-node (native CPU, 1 and 2 threads); UpscalerJS ESRGAN slim,
 * medium and thick x4 on tfjs's WASM backend; the browser's canvas resampling as the floor.
 * See bench/lib/plan.ts for what runs how often within the budget, bench/lib/report.ts for the outputs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { loadRegistry } from '../src/node/engine';
import { BENCH_DATA, set14LrPixels, set14Request } from './lib/images';
import { median } from './lib/measure';
import { allocate, CROSS_CHECK_IMAGE, firstRuns, planConfigs, RUNS, type Allowance, type Config, type Estimate, type WebGpuAdapter } from './lib/plan';
import type { TimingResult } from './lib/protocol';
import { renderMarkdown, renderPlotSvg, renderSummary, type BenchResults, type ConfigResult } from './lib/report';
import { resultsFolder } from './lib/results-folder';
import { openNodeRunner, openPageRunner, type ClosableRunner } from './lib/runners';
import { serveBench } from './lib/server';
import { versions } from './lib/versions';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Kept free at the end of the budget: closing, the report and the plot. */
const REPORT_RESERVE_MS = 20_000;
/** Per open config: its memory reading and closing (measureUserAgentSpecificMemory gives up after 5 s on a few). */
const CLOSE_MS = 2_000;

const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string): void => console.error(`[bench ${elapsed()}] ${line}`);

function launchArgs(): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // WebGPU where an adapter exists: the GPU's, else SwiftShader (software). No --use-angle=swiftshader
    // (the e2e tests' flag), which would hide a real GPU.
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    // measureUserAgentSpecificMemory answers at once instead of at the next GC (up to ~20 s later).
    '--enable-blink-features=ForceEagerMeasureMemory',
  ];
}

async function probeWebGPU(browser: Browser, origin: string): Promise<WebGpuAdapter | null> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/index.html`);
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    const found = await gpu?.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!found) return null;
    const { vendor, architecture, description } = found.info;
    return { vendor, architecture, description };
  });
  await context.close();
  if (!adapter) return null;
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ');
  return { name, software: /swiftshader|llvmpipe|software/i.test(name) };
}

function msPerOutputMP(timing: TimingResult): number {
  return median(timing.ms) / ((timing.outWidth * timing.outHeight) / 1e6);
}

interface Live {
  config: Config;
  runner?: ClosableRunner;
  result: ConfigResult;
}

/**
 * Times `runs` runs of one input one call at a time, so the deadline is checked between runs. A
 * cell the deadline cuts short is reported as over budget, not as the median of fewer runs.
 */
async function timeInput(live: Live, input: string, warmup: number, runs: number, deadline: number): Promise<void> {
  const { runner, result, config } = live;
  if (!runner || runs === 0) return;
  const ms: number[] = [];
  let timing: TimingResult | undefined;
  for (let i = 0; i < runs; i++) {
    if (i > 0 && performance.now() > deadline) {
      result.skipped.push({ input, reason: `cut after ${i} of ${runs} runs: over the time budget` });
      log(`${config.id} ${input}: cut after ${i} of ${runs} runs (${ms.map((m) => m.toFixed(0)).join(', ')} ms)`);
      return;
    }
    timing = await runner.time({ input: `input/${input}`, warmup: i === 0 ? warmup : 0, runs: 1 });
    ms.push(...timing.ms);
  }
  if (!timing) return;
  const msPerMP = msPerOutputMP({ ...timing, ms });
  // The untimed runs before the first timed one: each call after it asked for none.
  result.timings.push({ ...timing, ms, input, msPerMP, warmup });
  log(`${config.id} ${input}: ${ms.map((m) => m.toFixed(0)).join(', ')} ms -> ${msPerMP.toFixed(0)} ms/MP`);
}

async function fail(live: Live, error: unknown): Promise<void> {
  live.result.error = error instanceof Error ? error.message.split('\n')[0] : String(error);
  log(`${live.config.id} FAILED: ${live.result.error}`);
  await live.runner?.close().catch(() => undefined);
  live.runner = undefined;
}

/** Pass 1: open, set up, time the first input, cross-check one Set14 image. */
async function firstPass(live: Live, browser: Browser, origin: string, quick: boolean, deadline: number): Promise<void> {
  const { config, result } = live;
  const t0 = performance.now();
  try {
    live.runner = config.method.kind === 'ort-node' ? openNodeRunner(log) : await openPageRunner(browser, origin, log);
    const setup = await live.runner.setup(config.method);
    if (config.method.kind !== 'ort-node' && !setup.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated');
    result.backend = setup.backend;
    result.precision = setup.precision;
    result.setupMs = setup.setupMs;
    log(`${config.id}: ${setup.backend}, ready in ${setup.setupMs.toFixed(0)} ms`);
    const { warmup, runs } = firstRuns(config, quick);
    await timeInput(live, config.firstInput, warmup, runs, deadline);
    if (config.checkAgainstNative || (quick && config.scoreSet14)) {
      result.crossCheck = await live.runner.quality(set14Request(config.scale, { names: [CROSS_CHECK_IMAGE] }));
      log(`${config.id} Set14 ${CROSS_CHECK_IMAGE} x${config.scale}: ${result.crossCheck.psnr.toFixed(3)} dB`);
    }
  } catch (error) {
    await fail(live, error);
  }
  result.wallMs = performance.now() - t0;
}

/** Pass 2: Set14, the later inputs as allowed, memory; then the runner closes. */
async function secondPass(live: Live, allowance: Allowance | undefined, deadline: number): Promise<void> {
  const { config, result, runner } = live;
  if (!runner) return;
  const t0 = performance.now();
  try {
    if (allowance?.set14Images) {
      const request = set14Request(config.scale, { limit: allowance.set14Images });
      result.quality = await runner.quality(request);
      log(`${config.id} Set14 x${config.scale} (${request.images.length} images): ${result.quality.psnr.toFixed(2)} dB / ${result.quality.ssim.toFixed(4)}`);
    }
    for (const input of config.laterInputs) {
      const cost = allowance?.cells[input];
      // A cell planned but no longer affordable (earlier work ran slower than pass 1 predicted) is
      // skipped whole, which leaves the time to cheaper cells after it.
      if (cost === undefined || performance.now() + cost > deadline) {
        result.skipped.push({ input, reason: 'not run: over the time budget' });
        continue;
      }
      // One untimed run first: the first run at a new input size was 1.2 to 2 times slower (ORT
      // plans memory for the shape, tfjs compiles), and a cell timed once would show only that.
      await timeInput(live, input, 1, RUNS, deadline);
    }
    result.memory = await runner.memory();
  } catch (error) {
    await fail(live, error);
  } finally {
    await live.runner?.close().catch(() => undefined);
    live.runner = undefined;
    result.wallMs = (result.wallMs ?? 0) + performance.now() - t0;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' }, 'budget-min': { type: 'string', default: '14' }, render: { type: 'string' } },
    strict: true,
  });
  if (values.render) {
    // Re-renders results.md and results.png next to a results.json, without measuring anything.
    const json = resolve(values.render);
    await writeReport(JSON.parse(readFileSync(json, 'utf8')) as BenchResults, dirname(json));
    return;
  }
  const quick = values.quick ?? false;
  const budgetMin = Number(values['budget-min']);
  if (!(budgetMin > 0)) throw new Error('--budget-min must be a positive number of minutes');
  const deadline = started + budgetMin * 60_000 - REPORT_RESERVE_MS;
  if (!existsSync(join(BENCH_DATA, 'Set14/HR'))) throw new Error(`no benchmark images at ${BENCH_DATA} (the repository expects ../shared/data/bench beside it)`);
  const loadStart = loadavg();

  log('building the bench page (bench/vite.config.ts)');
  await build({ configFile: join(ROOT, 'bench/vite.config.ts') });
  const server = await serveBench();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: false, args: launchArgs() });
  const lives: Live[] = [];
  let webgpu: WebGpuAdapter | null = null;
  let allowances = new Map<string, Allowance>();
  let finished = false;
  try {
    webgpu = await probeWebGPU(browser, server.origin);
    log(`WebGPU adapter: ${webgpu ? `${webgpu.name}${webgpu.software ? ' (software)' : ''}` : 'none'}`);
    const configs = planConfigs(loadRegistry(), webgpu, quick).filter((c) => !values.only || c.id.includes(values.only));
    log(`${configs.length} configs: ${configs.map((c) => c.id).join(', ')}`);
    for (const config of configs) {
      const live: Live = { config, result: { ...config, backend: '', setupMs: NaN, timings: [], skipped: [], memory: null } };
      lives.push(live);
      // Past the deadline a config is not even opened: its first run would be cut anyway.
      if (performance.now() > deadline) live.result.skipped.push({ input: config.firstInput, reason: 'not run: over the time budget' });
      else await firstPass(live, browser, server.origin, quick, deadline);
    }
    const estimates: Estimate[] = lives
      .filter((l) => l.runner && l.result.timings.length)
      .map((l) => ({ config: l.config, unitMs: median(l.result.timings[0].ms) * (l.config.firstInput === '32' ? 16 : 1), set14Pixels: set14LrPixels(l.config.scale) }));
    // Each open config still needs its memory reading (a few seconds at most) after pass 2's work.
    const closing = lives.filter((l) => l.runner).length * CLOSE_MS;
    // --quick stops after pass 1: no Set14 beyond the one image, no other input.
    allowances = quick ? new Map() : allocate(estimates, deadline - performance.now() - closing);
    for (const [id, a] of allowances) log(`plan ${id}: Set14 ${a.set14Images} images, inputs ${Object.keys(a.cells).join(', ') || 'none'}`);
    for (const [i, live] of lives.entries()) {
      // Each config still open after this one needs its memory reading and close before the deadline.
      const reserve = lives.slice(i + 1).filter((l) => l.runner).length * CLOSE_MS;
      await secondPass(live, allowances.get(live.config.id), deadline - reserve);
    }
    finished = true;
  } finally {
    for (const live of lives) await live.runner?.close().catch(() => undefined);
    const chromiumVersion = browser.version();
    await browser.close();
    await server.close();
    const bench: BenchResults = {
      date: new Date().toISOString(),
      quick,
      budgetMin,
      totalMs: performance.now() - started,
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGB: Math.round(totalmem() / 2 ** 30),
        loadBefore: loadStart,
        loadAfter: loadavg(),
      },
      versions: { chromium: chromiumVersion, ...versions() },
      webgpu,
      configs: lives.map((l) => l.result),
    };
    const failed = bench.configs.filter((c) => c.error !== undefined);
    // A quick, partial or broken run leaves the committed results as they are.
    const outDir = resultsFolder(ROOT, { quick, only: values.only, out: values.out, finished, failedMethods: failed.length });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(bench, null, 1)}\n`);
    await writeReport(bench, outDir);
    console.log(renderSummary(bench));
    log(`wrote ${join(outDir, 'results.md')}, results.json, results.png; total ${elapsed()}`);
    if (failed.length) {
      log(`${failed.length} of ${bench.configs.length} methods failed: ${failed.map((c) => c.id).join(', ')}`);
      process.exitCode = 1;
    }
  }
}

async function writeReport(bench: BenchResults, outDir: string): Promise<void> {
  writeFileSync(join(outDir, 'results.md'), renderMarkdown(bench));
  await screenshotPlot(renderPlotSvg(bench), join(outDir, 'results.png'));
}

/** The plot is an SVG drawn by Chromium and screenshotted: no plotting library needed. */
async function screenshotPlot(svg: string, path: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: false, args: ['--headless=new', '--no-sandbox'] });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path });
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

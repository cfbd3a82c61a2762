/**
 * The WebGPU backend computes what the WASM backend computes. Headless Chromium's adapter is
 * SwiftShader (software), so this proves correctness on a tiny image; it says nothing of speed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openFixtureSite, openIndexPage, type FixtureSession } from './fixtures';
import { tabIdOf, type ExtensionBrowser } from './harness';
import { evaluateInEngine, putEngineMeta } from './engine-document';
import type { EnhanceOutcome } from '../../src/shared/protocol';
import { enhanceById, imagesSettled, restoreById, shownPixels } from './page-helpers';

let fixture: FixtureSession;
let browser: ExtensionBrowser;

beforeAll(async () => {
  fixture = await openFixtureSite({ webgpu: true });
  ({ browser } = fixture);
});

afterAll(() => fixture?.close());

/**
 * The quality model on both backends, and no cache: the second run must infer, not replay the
 * first. ('auto' would first benchmark the device, which takes minutes on software WebGPU.)
 */
async function setAllowWebGPU(allow: boolean): Promise<void> {
  await browser.worker.evaluate((value) => chrome.storage.sync.set({ 'setting:allowWebGPU': value, 'setting:profile': 'quality', 'setting:cacheLimitBytes': 0 }), allow);
}

/** 'small' enhanced on `backend`, then shown as the page's file again: the engine is up, on that backend. */
async function runOnceOn(backend: 'wasm' | 'webgpu', page: Page, tabId: number): Promise<void> {
  const outcome = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, backend });
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);
}

const openIndex = () => openIndexPage(fixture);

it('WebGPU and WASM give the same pixels within 1/255', async () => {
  const { page, tabId } = await openIndex();

  await setAllowWebGPU(true);
  const gpu = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(gpu, JSON.stringify(gpu.failure)).toMatchObject({ ok: true, backend: 'webgpu' });
  // SwiftShader has no shader-f16: the engine must not try the fp16 variant, and must say what it ran.
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toMatch(/^WebGPU: google swiftshader.*\(software\)$/);
  const gpuPixels = await shownPixels(page, 'small');
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);

  await setAllowWebGPU(false);
  const cpu = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(cpu).toMatchObject({ ok: true, backend: 'wasm' });
  const cpuPixels = await shownPixels(page, 'small');

  expect(gpuPixels.width).toBe(96);
  let worst = 0;
  for (let i = 0; i < gpuPixels.data.length; i++) worst = Math.max(worst, Math.abs(gpuPixels.data[i] - cpuPixels.data[i]));
  expect(worst).toBeLessThanOrEqual(1);
});

/**
 * The next buffer ORT creates in the engine goes through `body` (JavaScript, with `create`, the
 * browser's createBuffer, `this`, the device, and `descriptor`), once.
 */
async function onNextBuffer(page: Page, body: string): Promise<void> {
  const armed = await evaluateInEngine(
    page,
    `(() => {
      const create = GPUDevice.prototype.createBuffer;
      GPUDevice.prototype.createBuffer = function (descriptor) {
        GPUDevice.prototype.createBuffer = create;
        ${body}
      };
      return true;
    })()`,
  );
  expect(armed).toBe(true);
}

/** The next buffer ORT creates destroys its device: lost in the middle of the next job, as a driver reset or a GPU process crash would leave it. */
function loseDeviceInNextJob(page: Page): Promise<void> {
  return onNextBuffer(page, 'const buffer = create.call(this, descriptor); this.destroy(); return buffer;');
}

/**
 * WebGPU's failures in a row as the engine notes them (null: none): one failed a minute ago, and a
 * document that fails again stays on WASM instead of being replaced; two, and a new document waits
 * 10 minutes before it tries WebGPU again.
 */
function noteWebGPUFailures(page: Page, failures: { at: number; streak: number } | null): Promise<void> {
  return putEngineMeta(page, 'webgpu-failures', JSON.stringify(failures));
}

/** A new engine document, before its first job, with `failures` on record: the record its first job's choice of backend reads. */
async function freshEngine(page: Page, failures: { at: number; streak: number } | null): Promise<void> {
  await browser.worker.evaluate(async () => {
    await chrome.offscreen.closeDocument().catch(() => undefined);
    await chrome.offscreen.createDocument({ url: 'src/offscreen/offscreen.html', reasons: [chrome.offscreen.Reason.WORKERS], justification: 'test' });
  });
  await noteWebGPUFailures(page, failures);
}

// Before the device-lost test: ORT keeps the device it made for the whole document.
it('runs on WebGPU in a Chrome before 127, whose adapters state their vendor only through requestAdapterInfo()', async () => {
  const { page, tabId } = await openIndex();
  await setAllowWebGPU(false);
  await runOnceOn('wasm', page, tabId);

  // Chrome 116-126: no GPUAdapter.info; the same facts come from a method since removed.
  const older = await evaluateInEngine(
    page,
    `(() => {
      const info = Object.getOwnPropertyDescriptor(GPUAdapter.prototype, 'info');
      globalThis.adapterInfoAsShipped = info;
      Object.defineProperty(GPUAdapter.prototype, 'info', { get: () => undefined, configurable: true });
      GPUAdapter.prototype.requestAdapterInfo = function () { return Promise.resolve(info.get.call(this)); };
      return true;
    })()`,
  );
  expect(older).toBe(true);

  // WebGPU allowed again: the engine probes the adapter anew.
  await setAllowWebGPU(true);
  const outcome = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, backend: 'webgpu' });
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toMatch(/^WebGPU: google swiftshader.*\(software\)$/);
  // The adapter as this Chromium ships it again, for the tests after this one.
  await evaluateInEngine(
    page,
    `(() => {
      Object.defineProperty(GPUAdapter.prototype, 'info', globalThis.adapterInfoAsShipped);
      delete GPUAdapter.prototype.requestAdapterInfo;
      return true;
    })()`,
  );
});

it('a job failing outside the model on WebGPU (no memory for its result) fails alone: WebGPU stays for the next job', async () => {
  const { page, tabId } = await openIndex();
  await setAllowWebGPU(true);
  // The result's pixels (96 x 96 RGBA for 'small' at x4) cannot be allocated, once, as a page short of memory would find.
  const armed = await evaluateInEngine(
    page,
    `(() => {
      const Shipped = Uint8ClampedArray;
      globalThis.Uint8ClampedArray = new Proxy(Shipped, {
        construct(target, args) {
          if (args[0] === 96 * 96 * 4) {
            globalThis.Uint8ClampedArray = Shipped;
            throw new RangeError('Array buffer allocation failed');
          }
          return Reflect.construct(target, args);
        },
      });
      return true;
    })()`,
  );
  expect(armed).toBe(true);
  const failed = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(failed.ok).toBe(false);
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toMatch(/^WebGPU: /);
  await runOnceOn('webgpu', page, tabId);
});

it('a model file the engine could not read (memory short) fails its job alone, and says so: WebGPU is not counted as failed, and the next job runs on it', async () => {
  const { page, tabId } = await openIndex();
  await setAllowWebGPU(true);
  await runOnceOn('webgpu', page, tabId);
  // The quality x2 model's file (no job in this file has run x2: no session holds it yet) cannot be read into memory, once.
  const armed = await evaluateInEngine(
    page,
    `(() => {
      const shipped = globalThis.fetch;
      globalThis.fetch = (input, init) => shipped(input, init).then((response) => {
        if (!String(input).endsWith('/models/plksr-tiny-x2.onnx')) return response;
        globalThis.fetch = shipped;
        response.arrayBuffer = () => Promise.reject(new RangeError('Array buffer allocation failed'));
        return response;
      });
      return true;
    })()`,
  );
  expect(armed).toBe(true);
  const failed = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(failed).toMatchObject({ ok: false, failure: { code: 'out-of-memory' } });
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toMatch(/^WebGPU: /);
  const next = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(next, JSON.stringify(next.failure)).toMatchObject({ ok: true, backend: 'webgpu' });
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);
});

it('finishes on WASM when the WebGPU device is lost mid-run, with the model auto picks there, and says why', async () => {
  const { page, tabId } = await openIndex();
  // 'auto' on a GPU that a stored benchmark calls fast means the quality model; measuring it here
  // would take minutes on software WebGPU.
  // This adapter, as the engine names the device a benchmark timed (BackendChoice.device), and the key of that device's benchmark.
  const device = (await evaluateInEngine(
    page,
    `(async () => {
      const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      const info = adapter.info;
      return ['webgpu', info.vendor, info.architecture, info.description, adapter.features.has('shader-f16') ? 'f16' : 'f32'].join('|');
    })()`,
  )) as string;
  await putEngineMeta(
    page,
    `device-benchmark:${device}`,
    `(async () => {
      const { models } = await (await fetch(chrome.runtime.getURL('models/models.json'))).json();
      const quality = models.filter((m) => m.profile === 'quality').sort((a, b) => a.scale - b.scale)[0];
      return { backend: 'webgpu', device: ${JSON.stringify(device)}, modelSha256: quality.sha256, msPerMegapixelQuality: 100, measuredAt: Date.now() };
    })()`,
  );
  await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:allowWebGPU': true, 'setting:profile': 'auto', 'setting:cacheLimitBytes': 0 }));
  const first = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(first, JSON.stringify(first.failure)).toMatchObject({ ok: true, backend: 'webgpu' });
  const onGpu = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(onGpu).toMatchObject({ autoProfile: 'quality', benchmark: { backend: 'webgpu' } });
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);

  // WebGPU failed in an earlier document a minute ago: this one stays on WASM once its job is done.
  await noteWebGPUFailures(page, { at: Date.now() - 60_000, streak: 1 });
  await loseDeviceInNextJob(page);
  const second = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(second, JSON.stringify(second.failure)).toMatchObject({ ok: true, backend: 'wasm', width: 96 });
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  console.info(`after the device was lost: ${engine?.reason}; auto on WASM means ${engine?.autoProfile}`);
  expect(engine?.reason).toMatch(/^WASM: WebGPU failed \(the WebGPU device was lost/);
  // 'auto' was decided again for WASM (this CPU: the fast model, ~100 s per megapixel of quality input)...
  expect(engine?.benchmark?.backend).toBe('wasm');
  const fallenBack = await shownPixels(page, 'small');
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);

  // ...and the job ran that model: the same pixels as a WASM job asking for it by name.
  await browser.worker.evaluate((profile) => chrome.storage.sync.set({ 'setting:allowWebGPU': true, 'setting:profile': profile, 'setting:cacheLimitBytes': 0 }), engine?.autoProfile);
  expect(await enhanceById(browser.worker, page, tabId, 'small', 4)).toMatchObject({ ok: true, backend: 'wasm' });
  expect((await shownPixels(page, 'small')).data).toEqual(fallenBack.data);
});

/** The index page, in a fresh engine document with no WebGPU failure on record, that has run a job on WebGPU: it made a device. */
async function onFreshGpuEngine(): Promise<{ page: Page; tabId: number }> {
  const { page, tabId } = await openIndex();
  await freshEngine(page, null);
  await setAllowWebGPU(true);
  await runOnceOn('webgpu', page, tabId);
  return { page, tabId };
}

it('a document that lost WebGPU is replaced once its jobs are done: the next job runs on WebGPU again, on a new device', async () => {
  const { page, tabId } = await onFreshGpuEngine();
  await loseDeviceInNextJob(page);
  await runOnceOn('wasm', page, tabId);
  await expect.poll(() => browser.worker.evaluate(() => chrome.offscreen.hasDocument()), { timeout: 30_000 }).toBe(false);
  await runOnceOn('webgpu', page, tabId);
});

it('a document where WebGPU failed a second time in a row is replaced once the wait is over, though it is never idle: the next job runs on WebGPU again', async () => {
  const { page, tabId } = await onFreshGpuEngine();
  await noteWebGPUFailures(page, { at: Date.now() - 60_000, streak: 1 });
  await loseDeviceInNextJob(page);
  await runOnceOn('wasm', page, tabId);
  await runOnceOn('wasm', page, tabId);
  expect(await browser.worker.evaluate(() => chrome.offscreen.hasDocument())).toBe(true);
  // 11 minutes pass, for the engine's page, which stays open (its idle minutes have not run out), and for the record of the failures.
  await evaluateInEngine(page, 'const realNow = Date.now; Date.now = () => realNow() + 11 * 60_000;');
  await noteWebGPUFailures(page, { at: Date.now() - 11 * 60_000, streak: 2 });
  await runOnceOn('wasm', page, tabId);
  await expect.poll(() => browser.worker.evaluate(() => chrome.offscreen.hasDocument()), { timeout: 30_000 }).toBe(false);
  await runOnceOn('webgpu', page, tabId);
});

it('a WebGPU session that never comes (a GPU that never answers the request for a device) gives way to WASM after the session limit', async () => {
  const { page, tabId } = await openIndex();
  // A failure on record, so the document stays after this one to be asked why (see noteWebGPUFailures).
  await freshEngine(page, { at: Date.now() - 60_000, streak: 1 });
  await setAllowWebGPU(true);
  await evaluateInEngine(page, 'GPUAdapter.prototype.requestDevice = () => new Promise(() => undefined);');
  await runOnceOn('wasm', page, tabId);
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toBe('WASM: WebGPU failed (no session in 120 s)');
});

it('WebGPU switched off gives the GPU back: the engine page that made a device closes at once (ORT keeps the device and its buffers for the page\'s life), and the next job runs on WASM', async () => {
  const { page, tabId } = await onFreshGpuEngine();
  await setAllowWebGPU(false);
  await expect.poll(() => browser.worker.evaluate(() => chrome.offscreen.hasDocument()), { timeout: 30_000 }).toBe(false);
  await runOnceOn('wasm', page, tabId);
  // A page that made no device stays when the settings are saved again.
  await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:minSide': 23 }));
  await runOnceOn('wasm', page, tabId);
  expect(await browser.worker.evaluate(() => chrome.offscreen.hasDocument())).toBe(true);
  await browser.worker.evaluate(() => chrome.storage.sync.remove('setting:minSide'));
});

it('a run during which the GPU reported an error (its output read back finite, and wrong) is not drawn: the job finishes on WASM and says why', async () => {
  // A fresh engine document, kept after its failure to be asked why: WebGPU failed once before
  // (noted after a job done on WebGPU, which ends a run of failures), so it is not replaced.
  const { page, tabId } = await openIndex();
  await freshEngine(page, null);
  await setAllowWebGPU(true);
  await runOnceOn('webgpu', page, tabId);
  await noteWebGPUFailures(page, { at: Date.now() - 60_000, streak: 1 });
  // During the next run, one command the GPU refuses beside ORT's own (a buffer with no usage), as a
  // buffer it has no memory for would be: ORT's run still succeeds; only the device's error scope knows.
  await onNextBuffer(page, 'create.call(this, { size: 4, usage: 0 }); return create.call(this, descriptor);');
  const outcome = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, backend: 'wasm' });
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toMatch(/^WASM: WebGPU failed \(the GPU reported an error during the run/);
});

it('WebGPU switched off while jobs wait their turn: they run on WASM, though their settings, read as they were sent, allowed the GPU', async () => {
  // The engine downloads these itself through the fixture's slow route (not slowed here), which notes its requests.
  const paths = ['slow/lr/birdx4.png?ms=0&switch', 'slow/lr/small.png?ms=0&switch'];
  writeFileSync(join(fixture.dir, 'switch.html'), `<!doctype html><img src="${paths[0]}" style="width: 288px"><img src="${paths[1]}" style="width: 96px">`);
  const page = await browser.context.newPage();
  await page.goto(`${fixture.origin}/switch.html`);
  await imagesSettled(page);
  const tabId = await tabIdOf(browser.worker, page);
  await freshEngine(page, null);
  await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:allowWebGPU': true, 'setting:profile': 'fast', 'setting:cacheLimitBytes': 0 }));
  const [first, second] = paths.map((path) => `${fixture.origin}/${path}`);
  const engineAsked = (url: string) => fixture.arrivals.some((arrival) => url.endsWith(arrival.path));
  // 'bird' (72 x 72 at x4) takes seconds on software WebGPU.
  await onNextBuffer(page, 'globalThis.gpuAtWork = true; return create.call(this, descriptor);');
  type Jobs = { jobs: Array<Promise<EnhanceOutcome>> };
  await browser.worker.evaluate(([tab, url]) => {
    (self as unknown as Jobs).jobs = [self.enhance.upscale(tab, url, 4)];
  }, [tabId, first] as const);
  await expect.poll(() => evaluateInEngine(page, 'globalThis.gpuAtWork === true'), { timeout: 30_000 }).toBe(true);
  // The next job reaches the engine (which downloads its file ahead) while the first runs on the GPU.
  await browser.worker.evaluate(([tab, url]) => {
    (self as unknown as Jobs).jobs.push(self.enhance.upscale(tab, url, 4));
  }, [tabId, second] as const);
  await expect.poll(() => engineAsked(second), { timeout: 30_000 }).toBe(true);
  await setAllowWebGPU(false);
  const [firstDone, secondDone] = await browser.worker.evaluate(() => Promise.all((self as unknown as Jobs).jobs));
  expect(firstDone, JSON.stringify(firstDone.failure)).toMatchObject({ ok: true, backend: 'webgpu' });
  expect(secondDone, JSON.stringify(secondDone.failure)).toMatchObject({ ok: true, backend: 'wasm' });
});

it('a GPU that failed twice in a row is not tried again for 10 minutes, in any new engine; after that it is', async () => {
  const { page, tabId } = await openIndex();
  await setAllowWebGPU(true);
  await freshEngine(page, { at: Date.now() - 60_000, streak: 2 });
  await runOnceOn('wasm', page, tabId);
  const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
  expect(engine?.reason).toBe('WASM: WebGPU failed 2 times in a row; will be tried again in 9 min');
  await freshEngine(page, { at: Date.now() - 11 * 60_000, streak: 2 });
  await runOnceOn('webgpu', page, tabId);
});

/**
 * The WebGPU backend computes what the WASM backend computes. Headless Chromium's adapter is
 * SwiftShader (software), so this proves correctness on a tiny image; it says nothing of speed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openFixtureSite, type FixtureSession } from './fixtures';
import { tabIdOf, type ExtensionBrowser } from './harness';
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
  await browser.worker.evaluate((value) => chrome.storage.sync.set({ settings: { allowWebGPU: value, profile: 'quality', cacheLimitBytes: 0 } }), allow);
}

it('WebGPU and WASM give the same pixels within 1/255', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${fixture.origin}/index.html`);
  await imagesSettled(page);
  const tabId = await tabIdOf(browser.worker, page);

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

/**
 * Back and Forward as browsers do them: a page left by a link is kept whole (the back/forward
 * cache) and shown again as it was, enhanced images included. Playwright switches that cache off
 * by default; these tests switch it on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EnhanceOutcome } from '../../src/shared/protocol';
import { openFixtureSite, type FixtureSession } from './fixtures';
import { tabIdOf } from './harness';
import { currentSrc, enhanceById, imagesSettled, overlayTexts, toolbarAction, watchPageProblems } from './page-helpers';

let fixture: FixtureSession;

beforeAll(async () => {
  fixture = await openFixtureSite({ backForwardCache: true });
  writeFileSync(join(fixture.dir, 'no-images.html'), '<!doctype html><title>No images</title><p>Text only.</p>');
});

afterAll(() => fixture?.close());

it("Back to a page with enhanced images shows their count again on the tab's badge and in the popup", async () => {
  const { worker, context } = fixture.browser;
  const page = await context.newPage();
  await page.goto(`${fixture.origin}/index.html?back-forward`);
  await imagesSettled(page);
  const tabId = await tabIdOf(worker, page);
  expect(await enhanceById(worker, page, tabId, 'small', 2)).toMatchObject({ ok: true, images: 1 });
  const badge = () => worker.evaluate((tab) => chrome.action.getBadgeText({ tabId: tab }), tabId);
  await expect.poll(badge).toBe('1');

  await page.evaluate(() => ((window as unknown as { keptWhole: boolean }).keptWhole = true));
  await page.goto(`${fixture.origin}/no-images.html`);
  await expect.poll(badge).toBe('');
  await page.goBack({ waitUntil: 'commit' }); // a page from the cache fires no load event
  // The same document, not a reload: the page's own state survived, and so did the enhanced image.
  expect(await page.evaluate(() => (window as unknown as { keptWhole?: boolean }).keptWhole)).toBe(true);
  await expect.poll(badge).toBe('1');
  const status = await worker.evaluate((tab) => self.enhance.status(tab), tabId);
  expect(status.counts).toMatchObject({ enhanced: 1 });
  await page.close();
});

it('Back to a page left while one of its images was enhanced: no failure shows on it, and the image can be enhanced again', async () => {
  const { worker, context } = fixture.browser;
  const page = await context.newPage();
  await page.goto(`${fixture.origin}/index.html?left-mid-job-bfcache`);
  await imagesSettled(page);
  const tabId = await tabIdOf(worker, page);
  const src = await currentSrc(page, 'barbara');
  // The engine's work: one inference or one cache hit per job it finished.
  const jobsDone = async () => {
    const { inferences, cacheHits } = await worker.evaluate(() => self.enhance.status());
    return inferences + cacheHits;
  };
  const before = await jobsDone();
  await worker.evaluate(([tab, url]) => {
    (self as unknown as { pending: Promise<unknown> }).pending = self.enhance.upscale(tab, url, 4);
  }, [tabId, src] as const);
  await expect.poll(() => overlayTexts(page), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
  await page.evaluate(() => ((window as unknown as { keptWhole: boolean }).keptWhole = true));
  await page.goto(`${fixture.origin}/no-images.html`);
  // The job ends as the image's page left, which is no failure of the page that came: no "!" on it.
  // The page's answer from pagehide ('restored') or, where Chromium closes the channel first, the worker's ('image-gone').
  const outcome = await worker.evaluate(() => (self as unknown as { pending: Promise<EnhanceOutcome> }).pending);
  expect(['restored', 'image-gone']).toContain(outcome.failure?.code);
  expect(await toolbarAction(worker, tabId)).toEqual({ badge: '', title: 'Enhance' });
  await page.goBack({ waitUntil: 'commit' });
  expect(await page.evaluate(() => (window as unknown as { keptWhole?: boolean }).keptWhole)).toBe(true);
  // The job stopped when the page was kept: no ring spins on, no failure shows, nothing waits.
  await expect.poll(() => overlayTexts(page)).toEqual([]);
  const counts = () => worker.evaluate(async (tab) => (await self.enhance.status(tab)).counts, tabId);
  await expect.poll(counts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  // The engine runs one job at a time: had the x4 job gone on, it would end before this one, and count too.
  expect(await enhanceById(worker, page, tabId, 'barbara', 2)).toMatchObject({ ok: true, images: 1 });
  expect(await jobsDone()).toBe(before + 1);
  expect(await overlayTexts(page)).toEqual([]);
  await expect.poll(counts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
  await page.close();
});

it("Back to a page whose site was switched while it was kept: it follows the switch (Chromium hands a kept page the storage changes late; Firefox drops them: firefox-back-forward.test.ts)", async () => {
  const { worker, context } = fixture.browser;
  const page = await context.newPage();
  await page.goto(`${fixture.origin}/index.html?switched-while-kept`);
  await imagesSettled(page);
  const tabId = await tabIdOf(worker, page);
  const watching = () => worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'ping' }, { frameId: 0 }).then((r: { watching: boolean }) => r.watching), tabId);
  const setSite = (on: boolean) => worker.evaluate(([origin, value]) => self.enhance.setSiteAuto(origin, value), [fixture.origin, on] as const);
  const keepAndSwitch = async (on: boolean) => {
    await page.evaluate(() => ((window as unknown as { keptWhole: boolean }).keptWhole = true));
    await page.goto(`${fixture.origin}/no-images.html`);
    await setSite(on);
    await page.goBack({ waitUntil: 'commit' });
    expect(await page.evaluate(() => (window as unknown as { keptWhole?: boolean }).keptWhole)).toBe(true);
  };
  // Given time: the page rereads its switch when back, asking the worker, and its jobs stop; a loaded machine took over 10 s once.
  expect(await watching()).toBe(false);
  await keepAndSwitch(true);
  await expect.poll(watching, { timeout: 30_000 }).toBe(true);
  await keepAndSwitch(false);
  await expect.poll(watching, { timeout: 30_000 }).toBe(false);
  await page.close();
});

it('Back to a page left while auto-enhance had jobs queued on it: the queue goes on where it stopped, with nothing logged on the page and no ring left spinning', async () => {
  const { worker, context } = fixture.browser;
  // Each job runs the model, so the queue is still full when the page is left.
  await worker.evaluate(() => chrome.storage.sync.set({ 'setting:cacheLimitBytes': 0 }));
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), fixture.origin);
  const page = await context.newPage();
  const problems: string[] = [];
  watchPageProblems(page, problems);
  await page.goto(`${fixture.origin}/index.html?queue-kept`);
  const tabId = await tabIdOf(worker, page);
  const counts = () => worker.evaluate(async (tab) => (await self.enhance.status(tab)).counts, tabId);
  await expect.poll(counts, { timeout: 60_000 }).toMatchObject({ enhanced: 1 });
  await page.evaluate(() => ((window as unknown as { keptWhole: boolean }).keptWhole = true));
  await page.goto(`${fixture.origin}/no-images.html`);
  await page.goBack({ waitUntil: 'commit' });
  expect(await page.evaluate(() => (window as unknown as { keptWhole?: boolean }).keptWhole)).toBe(true);
  await expect.poll(async () => (await counts()).queued, { timeout: 180_000 }).toBe(0);
  expect((await counts()).enhanced).toBeGreaterThan(1);
  expect(await overlayTexts(page)).toEqual([]);
  expect(problems).toEqual([]);
  await worker.evaluate(() => chrome.storage.sync.remove('setting:cacheLimitBytes'));
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), fixture.origin);
  await page.close();
});

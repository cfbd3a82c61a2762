/**
 * A tab left open on a site with auto-enhance on while Enhance is switched off and on (an update
 * or a reload does the same to open tabs): Chrome leaves the old content script there, cut off,
 * and gives the tab no new one. The new worker injects one by itself, without the page being
 * used: the old copy hands the page back, and auto-enhance goes on, also for images added later.
 * A site switched on only later (popup, shortcut) gets its tabs served the same way, each frame
 * of them: one frame's new script does not stand for the others.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BENCH } from './fixtures';
import { isEnhanceWorker, launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer } from './harness';
import { currentSrc, restoreById, watchPageProblems } from './page-helpers';
import { switchEnhanceOffAndOn, writeSwitchHelper, type SwitchHelper } from './switch-off-on';

let siteDir: string;
let site: FixtureServer;
let browser: ExtensionBrowser;
let page: Page;
let helper: SwitchHelper;
const pageProblems: string[] = [];
/** Answers held.png, which a page asks for and never gets until the test lets it go. */
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((ok) => (releaseHeld = ok));

/** Set5 x4 inputs (bird 72x72, head 70x70) shown at four times their size: auto-enhance takes them. */
beforeAll(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'enhance-open-tabs-'));
  copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'), join(siteDir, 'bird.png'));
  copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/headx4.png'), join(siteDir, 'head.png'));
  writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>open tab</title><img id="bird" src="bird.png" style="width: 288px" alt="bird">');
  writeFileSync(join(siteDir, 'held.html'), '<!doctype html><title>held</title><img id="bird" src="bird.png" style="width: 288px" alt="bird"><img src="held.png" alt="">');
  site = await serveFolder(siteDir, '127.0.0.1', { '/held.png': () => ({ type: 'image/png', body: '', heldUntil: held }) });
  helper = writeSwitchHelper();
  browser = await launchWithExtension({ alsoLoad: [helper.dir] });
  await browser.worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), site.origin);
  page = await browser.context.newPage();
  watchPageProblems(page, pageProblems);
  await page.goto(`${site.origin}/index.html`);
});

afterAll(async () => {
  releaseHeld();
  await browser?.close();
  await site?.close();
  if (siteDir) rmSync(siteDir, { recursive: true, force: true });
  helper?.remove();
});

const isOurs = (src: string) => /^(blob|data):/.test(src);

function waitEnhanced(id: string): Promise<unknown> {
  return page.waitForFunction((imgId) => /^(blob|data):/.test((document.getElementById(imgId) as HTMLImageElement | null)?.currentSrc ?? ''), id, { timeout: 120_000, polling: 250 });
}

it('gives a tab on an auto-enhance site a new content script when Enhance is switched off and on, and auto-enhance goes on', async () => {
  const original = await currentSrc(page, 'bird');
  await waitEnhanced('bird');
  // Content scripts announce themselves on the page's document: the page sees it too.
  await page.evaluate(() => {
    const counted = window as unknown as { scriptsStarted: number };
    counted.scriptsStarted = 0;
    document.addEventListener('enhance-content-script-started', () => counted.scriptsStarted++);
  });

  const worker = await switchEnhanceOffAndOn(browser);
  await page.waitForFunction(() => (window as unknown as { scriptsStarted: number }).scriptsStarted === 1, undefined, { timeout: 30_000 });

  // The new script enhances the bird again (the old one put it back) and an image added now.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img id="head" src="head.png" style="width: 280px" alt="head">'));
  await waitEnhanced('head');
  await waitEnhanced('bird');
  expect(isOurs(await currentSrc(page, 'bird'))).toBe(true);

  // It is the new script that holds the bird: the new worker can restore it.
  const tabId = await tabIdOf(worker, page);
  expect(await restoreById(worker, page, tabId, 'bird')).toBe(1);
  expect(await currentSrc(page, 'bird')).toBe(original);
  expect(await page.evaluate(() => (window as unknown as { scriptsStarted: number }).scriptsStarted)).toBe(1);
  expect(pageProblems).toEqual([]);
});

it('gives such a tab a new content script when its site is switched on later, and auto-enhance goes on', async () => {
  // The worker the test above started (switching Enhance off and on replaced the first).
  let worker = browser.context.serviceWorkers().find(isEnhanceWorker)!;
  const tabId = await tabIdOf(worker, page);
  // The site off: the tab's images go back; then the tab's script is cut off while the site is off, so no one serves it.
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), site.origin);
  await page.waitForFunction(() => !/^(blob|data):/.test((document.getElementById('bird') as HTMLImageElement).currentSrc));
  worker = await switchEnhanceOffAndOn(browser);
  await page.evaluate(() => ((window as unknown as { scriptsStarted: number }).scriptsStarted = 0));

  // As the popup or the shortcut does it: only the stored switch changes.
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), site.origin);
  await page.waitForFunction(() => (window as unknown as { scriptsStarted: number }).scriptsStarted === 1, undefined, { timeout: 30_000 });
  await waitEnhanced('bird');
  expect(await restoreById(worker, page, tabId, 'bird')).toBe(1);
  expect(pageProblems).toEqual([]);
});

it('serves a tab that is still loading, its page held by a request that never ends', async () => {
  const loading = await browser.context.newPage();
  watchPageProblems(loading, pageProblems);
  await loading.goto(`${site.origin}/held.html`, { waitUntil: 'domcontentloaded' });
  await loading.waitForFunction(() => /^(blob|data):/.test((document.getElementById('bird') as HTMLImageElement).currentSrc), undefined, { timeout: 120_000, polling: 250 });
  let worker = browser.context.serviceWorkers().find(isEnhanceWorker)!;
  const tabId = await tabIdOf(worker, loading);
  expect(await worker.evaluate((tab) => chrome.tabs.get(tab).then((facts) => facts.status), tabId)).toBe('loading');
  await loading.evaluate(() => {
    const counted = window as unknown as { scriptsStarted: number };
    counted.scriptsStarted = 0;
    document.addEventListener('enhance-content-script-started', () => counted.scriptsStarted++);
  });

  worker = await switchEnhanceOffAndOn(browser);
  await loading.waitForFunction(() => (window as unknown as { scriptsStarted: number }).scriptsStarted === 1, undefined, { timeout: 30_000 });
  await loading.waitForFunction(() => /^(blob|data):/.test((document.getElementById('bird') as HTMLImageElement).currentSrc), undefined, { timeout: 120_000, polling: 250 });
  expect(await restoreById(worker, loading, tabId, 'bird')).toBe(1);
  releaseHeld();
  await loading.close();
  expect(pageProblems).toEqual([]);
});

it("serves each frame of such a tab, also when its top frame already has a new script (the popup's check put one there)", async () => {
  writeFileSync(join(siteDir, 'inner.html'), '<!doctype html><body style="margin: 0"><img id="inner" src="head.png" style="width: 280px" alt="head">');
  writeFileSync(join(siteDir, 'framed.html'), '<!doctype html><title>framed</title><iframe src="inner.html" style="width: 300px; height: 300px; border: 0"></iframe>');
  let worker = browser.context.serviceWorkers().find(isEnhanceWorker)!;
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), site.origin);
  const framed = await browser.context.newPage();
  watchPageProblems(framed, pageProblems);
  await framed.goto(`${site.origin}/framed.html`);
  const inner = () => framed.frames()[1].evaluate(() => (document.getElementById('inner') as HTMLImageElement).currentSrc);
  await expect.poll(() => framed.frames()[1]?.evaluate(() => (document.getElementById('inner') as HTMLImageElement | null)?.complete)).toBe(true);
  const original = await inner();

  worker = await switchEnhanceOffAndOn(browser);
  const tabId = await tabIdOf(worker, framed);
  // What the popup's check does: a new script in the top frame only.
  await worker.evaluate((tab) => chrome.scripting.executeScript({ target: { tabId: tab, frameIds: [0] }, files: chrome.runtime.getManifest().content_scripts![0].js! }), tabId);
  await expect.poll(() => worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'ping' }, { frameId: 0 }).then(() => true, () => false), tabId)).toBe(true);

  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), site.origin);
  await expect.poll(inner, { timeout: 120_000 }).toMatch(/^(blob|data):/);
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), site.origin);
  await expect.poll(inner).toBe(original);
  await framed.close();
  expect(pageProblems).toEqual([]);
});

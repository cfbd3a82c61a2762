/**
 * Tabs that were open before Enhance was updated, reloaded or switched off and on: Chrome gives
 * them no new content script, and leaves the old one there, cut off from the extension. Here
 * Enhance is switched off and on (by a helper extension, through the management API, as a user
 * would in chrome://extensions) under an open page: the next request injects a new script, the old
 * one puts back what it had enhanced, and the page works as before, without a word in its console.
 * Switched off for good, Enhance sends no new script: the old one hands the page back at the
 * user's next move there.
 */
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveFixtureSite, type FixtureSite } from './fixtures';
import { launchWithExtension, tabIdOf, type ExtensionBrowser } from './harness';
import { currentSrc, enhanceById, imagesSettled, restoreById, watchPageProblems } from './page-helpers';
import { switchEnhanceOff, switchEnhanceOffAndOn, switchEnhanceOn, writeSwitchHelper, type SwitchHelper } from './switch-off-on';

let site: FixtureSite;
let browser: ExtensionBrowser;
let helper: SwitchHelper;
let page: Page;
let tabId: number;
/** Enhance's service worker: a new one after each switch off and on. */
let worker: Worker;
const pageProblems: string[] = [];

beforeAll(async () => {
  site = await serveFixtureSite();
  helper = writeSwitchHelper();
  browser = await launchWithExtension({ alsoLoad: [helper.dir] });
  page = await browser.context.newPage();
  watchPageProblems(page, pageProblems);
  await page.goto(`${site.origin}/index.html`);
  await imagesSettled(page);
  tabId = await tabIdOf(browser.worker, page);
  worker = browser.worker;
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  helper?.remove();
});

it("tells a page it loads into nothing: no event on the page's document says Enhance is installed (a script put into a tab opened before announces itself to the old copy there)", async () => {
  const plain = await browser.context.newPage();
  await plain.addInitScript(() => {
    const page = window as unknown as { heard: string[] };
    page.heard = [];
    document.addEventListener('enhance-content-script-started', (event) => page.heard.push(event.type), true);
  });
  await plain.goto(`${site.origin}/index.html`);
  const plainTab = await tabIdOf(browser.worker, plain);
  // Its script answers: it has started.
  await expect.poll(() => browser.worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'ping' }, { frameId: 0 }).catch(() => null), plainTab)).toMatchObject({ alive: true });
  expect(await plain.evaluate(() => (window as unknown as { heard: string[] }).heard)).toEqual([]);
  await plain.close();
});

it('serves a tab opened before Enhance was switched off and on, and the old script hands the page back', async () => {
  const original = await currentSrc(page, 'bird');
  expect(await enhanceById(browser.worker, page, tabId, 'bird', 4)).toMatchObject({ ok: true, images: 1 });
  expect(await currentSrc(page, 'bird')).toMatch(/^blob:/);

  worker = await switchEnhanceOffAndOn(browser);
  // The tab kept only the old script, whose extension is gone: this request injects a new one.
  const outcome = await enhanceById(worker, page, tabId, 'head', 4);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
  // The old script put back the bird it had enhanced: nothing on the page is left that no one can restore.
  expect(await currentSrc(page, 'bird')).toBe(original);

  expect(await enhanceById(worker, page, tabId, 'bird', 4)).toMatchObject({ ok: true, images: 1 });
  expect(await restoreById(worker, page, tabId, 'bird')).toBe(1);
  expect(await currentSrc(page, 'bird')).toBe(original);
  expect(pageProblems).toEqual([]);
});

it('switched off for good, the old script hands the page back at the next move of the pointer', async () => {
  const original = await currentSrc(page, 'bird');
  expect(await enhanceById(worker, page, tabId, 'bird', 4)).toMatchObject({ ok: true, images: 1 });
  // The page's counts reach the worker first: a report cut off by the switch would be a warning in the page's console.
  const enhancedOnPage = await page.evaluate(() => [...document.images].filter((img) => img.currentSrc.startsWith('blob:')).length);
  expect(enhancedOnPage).toBe(2); // the bird, and the head of the test before
  await expect.poll(async () => (await worker.evaluate((t) => self.enhance.status(t), tabId)).counts.enhanced).toBe(enhancedOnPage);
  await switchEnhanceOff(browser);
  // Chrome takes the extension away from its scripts asynchronously: the moves go on until it has.
  await expect
    .poll(async () => {
      await page.mouse.move(10 + Math.random() * 100, 10 + Math.random() * 100);
      return currentSrc(page, 'bird');
    })
    .toBe(original);
  expect(pageProblems).toEqual([]);
});

it('hands back every image, auto-enhanced and from the menu, on a page with web components (an extension call there fails once cut off)', async () => {
  worker = await switchEnhanceOn(browser);
  await page.reload();
  await imagesSettled(page);
  // A custom element without an open shadow root: walking the page asks the browser for its closed one.
  await page.evaluate(() => document.body.append(document.createElement('photo-card')));
  const originals = await page.evaluate(() => [...document.images].map((img) => img.currentSrc));
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), site.origin);
  expect(await enhanceById(worker, page, tabId, 'bird', 4)).toMatchObject({ ok: true, images: 1 });
  await expect.poll(() => page.evaluate(() => [...document.images].filter((img) => img.currentSrc.startsWith('blob:')).length), { timeout: 120_000 }).toBeGreaterThan(1);
  await expect.poll(async () => (await worker.evaluate((t) => self.enhance.status(t), tabId)).counts.queued, { timeout: 120_000 }).toBe(0);

  worker = await switchEnhanceOffAndOn(browser);
  await expect
    .poll(async () => {
      await page.mouse.move(10 + Math.random() * 100, 10 + Math.random() * 100);
      return page.evaluate(() => [...document.images].map((img) => img.currentSrc));
    })
    .toEqual(originals);
  await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), site.origin);
  expect(pageProblems).toEqual([]);
});

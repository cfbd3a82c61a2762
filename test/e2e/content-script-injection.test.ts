/**
 * Tabs that were open before Enhance was updated, reloaded or switched off and on: Chrome gives
 * them no new content script, and leaves the old one there, cut off from the extension. Here
 * Enhance is switched off and on (by a helper extension, through the management API, as a user
 * would in chrome://extensions) under an open page: the next request injects a new script, the old
 * one puts back what it had enhanced, and the page works as before, without a word in its console.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveFixtureSite, type FixtureSite } from './fixtures';
import { isEnhanceWorker, launchWithExtension, tabIdOf, type ExtensionBrowser } from './harness';
import { currentSrc, enhanceById, imagesSettled, restoreById, watchPageProblems } from './page-helpers';

let site: FixtureSite;
let browser: ExtensionBrowser;
let helperDir: string;
let page: Page;
let tabId: number;
const pageProblems: string[] = [];

/** An extension whose only job is to switch Enhance off and on. */
function writeHelper(): string {
  const dir = mkdtempSync(join(tmpdir(), 'enhance-helper-'));
  const manifest = { manifest_version: 3, name: 'Enhance test helper', version: '1', permissions: ['management'], background: { service_worker: 'helper.js' } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'helper.js'), '');
  return dir;
}

beforeAll(async () => {
  site = await serveFixtureSite();
  helperDir = writeHelper();
  browser = await launchWithExtension({ alsoLoad: [helperDir] });
  page = await browser.context.newPage();
  watchPageProblems(page, pageProblems);
  await page.goto(`${site.origin}/index.html`);
  await imagesSettled(page);
  tabId = await tabIdOf(browser.worker, page);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (helperDir) rmSync(helperDir, { recursive: true, force: true });
});

async function switchEnhanceOffAndOn(): Promise<Worker> {
  const helper = browser.context.serviceWorkers().find((worker) => worker.url().endsWith('/helper.js'));
  if (!helper) throw new Error('the helper extension is not running');
  const enhanceId = new URL(browser.worker.url()).host;
  const next = browser.context.waitForEvent('serviceworker', { predicate: isEnhanceWorker });
  await helper.evaluate(async (id) => {
    await chrome.management.setEnabled(id, false);
    await chrome.management.setEnabled(id, true);
  }, enhanceId);
  return next;
}

it('serves a tab opened before Enhance was switched off and on, and the old script hands the page back', async () => {
  const original = await currentSrc(page, 'bird');
  expect(await enhanceById(browser.worker, page, tabId, 'bird', 4)).toMatchObject({ ok: true, images: 1 });
  expect(await currentSrc(page, 'bird')).toMatch(/^blob:/);

  const worker = await switchEnhanceOffAndOn();
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

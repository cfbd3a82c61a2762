/**
 * Chrome stops idle service workers (after ~30 s); a job in flight must still finish and reach
 * the page. The job runs on a port between the content script and the offscreen engine, so
 * stopping the worker mid-job must not matter. The worker is stopped the way a person would in
 * chrome://serviceworker-internals.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openFixtureSite, openIndexPage, type FixtureSession } from './fixtures';
import type { ExtensionBrowser } from './harness';
import { currentSrc, overlayTexts, shownPixels } from './page-helpers';

let fixture: FixtureSession;
let browser: ExtensionBrowser;

beforeAll(async () => {
  fixture = await openFixtureSite();
  ({ browser } = fixture);
});

afterAll(() => fixture?.close());

it('a job finishes and reaches the page after the service worker is stopped mid-job', async () => {
  const { page, tabId } = await openIndexPage(fixture);
  const original = await currentSrc(page, 'baby');

  // Not awaited: the worker that would answer is about to be stopped.
  const call = browser.worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 4), [tabId, original] as const).catch(() => null);
  await page.waitForFunction(() => document.querySelector('enhance-overlay') !== null);

  const internals = await browser.context.newPage();
  await internals.goto('chrome://serviceworker-internals/');
  await internals.getByRole('button', { name: 'Stop' }).first().click();
  await internals.waitForFunction(() => document.body.innerText.includes('Running Status: STOPPED'));
  expect(await currentSrc(page, 'baby')).toBe(original);
  expect((await overlayTexts(page)).join()).toMatch(/Enhancing/);

  await page.waitForFunction(() => (document.getElementById('baby') as HTMLImageElement).currentSrc.startsWith('blob:'), undefined, { timeout: 120_000 });
  const shown = await shownPixels(page, 'baby');
  expect([shown.width, shown.height]).toEqual([512, 512]);
  await call;
});

/**
 * Issue 4, end to end: with auto-enhance switched on for a site, exactly its low-resolution images
 * get enhanced (on screen, lazy-loaded below the fold once scrolled to, inserted by script), the
 * page's layout does not move, and a revisit (also after a browser restart) is served from the
 * cache with no inference. With the switch off, nothing is touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_LOW_RES, buildAutoSite, LEAVE_ALONE, LOW_RES } from './auto-site';
import { launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer } from './harness';
import { box, watchPageProblems } from './page-helpers';

type Box = Awaited<ReturnType<typeof box>>;

let siteDir: string;
let profileDir: string;
let site: FixtureServer;
let browser: ExtensionBrowser;
let page: Page;
const pageProblems: string[] = [];
const ALL_IDS = [...ALL_LOW_RES, ...LEAVE_ALONE];

beforeAll(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'enhance-auto-site-'));
  profileDir = mkdtempSync(join(tmpdir(), 'enhance-auto-profile-'));
  buildAutoSite(siteDir);
  site = await serveFolder(siteDir);
  browser = await launchWithExtension({ userDataDir: profileDir });
  page = await openSite(browser);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(siteDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

async function openSite(on: ExtensionBrowser): Promise<Page> {
  const opened = await on.context.newPage();
  watchPageProblems(opened, pageProblems);
  await opened.goto(`${site.origin}/index.html`);
  // The script inserts two images 300 ms after load.
  await opened.waitForFunction((ids) => ids.every((id) => document.getElementById(id)), LOW_RES.insertedByScript);
  return opened;
}

/** Enhanced images show our result (a blob: or data: URL) instead of the page's file. */
function enhancedIds(on: Page): Promise<string[]> {
  return on.evaluate(
    (ids) => ids.filter((id) => /^(blob|data):/.test((document.getElementById(id) as HTMLImageElement | null)?.currentSrc ?? '')),
    ALL_IDS,
  );
}

async function waitEnhanced(on: Page, ids: string[]): Promise<void> {
  await on.waitForFunction(
    (wanted) => wanted.every((id) => /^(blob|data):/.test((document.getElementById(id) as HTMLImageElement | null)?.currentSrc ?? '')),
    ids,
    { timeout: 240_000, polling: 250 },
  );
}

async function scrollThrough(on: Page): Promise<void> {
  await on.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await waitEnhanced(on, [...LOW_RES.lazyBelowFold, LOW_RES.insertedByScript[1]]);
  await on.evaluate(() => window.scrollTo(0, 0));
}

async function boxes(on: Page): Promise<Record<string, Box>> {
  const entries = await Promise.all(ALL_IDS.map(async (id) => [id, await box(on, id)] as const));
  return Object.fromEntries(entries);
}

/** Each image's markup: what switching the site off must give back. */
function markup(on: Page): Promise<Record<string, string>> {
  return on.evaluate((ids) => Object.fromEntries(ids.map((id) => [id, document.getElementById(id)!.outerHTML])), ALL_IDS);
}

interface Counters {
  inferences: number;
  cacheHits: number;
}

function counters(worker: Worker): Promise<Counters> {
  return worker.evaluate(async () => {
    const { inferences, cacheHits } = await self.enhance.status();
    return { inferences, cacheHits };
  });
}

function setSiteAuto(worker: Worker, origin: string, on: boolean): Promise<void> {
  return worker.evaluate(([o, v]) => self.enhance.setSiteAuto(o, v), [origin, on] as const);
}

describe('auto-enhance on a site', () => {
  let before: Record<string, Box>;
  let pageMarkup: Record<string, string>;

  it('touches nothing while the site is switched off', async () => {
    before = await boxes(page);
    // Long enough for the page's load, its inserted images and a first job, had one been started.
    await page.waitForTimeout(3000);
    expect(await enhancedIds(page)).toEqual([]);
    // Nothing was even queued: the engine starts with the first queued job, and a tab's counts count them.
    const status = await browser.worker.evaluate((t) => self.enhance.status(t), await tabIdOf(browser.worker, page));
    expect(status).toMatchObject({ offscreen: false, inferences: 0, counts: { enhanced: 0, queued: 0, failed: 0 } });
    pageMarkup = await markup(page);
  });

  it('enhances the low-res images on screen once switched on, and only those', async () => {
    await setSiteAuto(browser.worker, site.origin, true);
    const onScreen = [...LOW_RES.onScreen, LOW_RES.insertedByScript[0]];
    await waitEnhanced(page, onScreen);
    // Those below the fold (3,200 px down) wait for a scroll; the sharp, vector and animated ones are never taken.
    expect((await enhancedIds(page)).sort()).toEqual([...onScreen].sort());
  });

  it('enhances lazy-loaded and script-inserted images below the fold when scrolled to', async () => {
    await scrollThrough(page);
    expect((await enhancedIds(page)).sort()).toEqual([...ALL_LOW_RES].sort());
  });

  it('leaves sharp images, the SVG, the animated GIF and the icon alone', async () => {
    const sources = await page.evaluate((ids) => ids.map((id) => (document.getElementById(id) as HTMLImageElement).currentSrc), LEAVE_ALONE);
    for (const src of sources) expect(src).toMatch(new RegExp(`^${site.origin}/img/`));
  });

  it("does not move the page's layout", async () => {
    expect(await boxes(page)).toEqual(before);
  });

  it('ran one inference per low-res image', async () => {
    expect(await counters(browser.worker)).toEqual({ inferences: ALL_LOW_RES.length, cacheHits: 0 });
  });

  it('serves a revisit from the cache, with no new inference', async () => {
    await page.reload();
    await page.waitForFunction((ids) => ids.every((id) => document.getElementById(id)), LOW_RES.insertedByScript);
    await waitEnhanced(page, [...LOW_RES.onScreen, LOW_RES.insertedByScript[0]]);
    await scrollThrough(page);
    expect(await counters(browser.worker)).toEqual({ inferences: ALL_LOW_RES.length, cacheHits: ALL_LOW_RES.length });
  });

  it('keeps the cache and the switch across a browser restart', async () => {
    await browser.close();
    browser = await launchWithExtension({ userDataDir: profileDir });
    page = await openSite(browser);
    await waitEnhanced(page, [...LOW_RES.onScreen, LOW_RES.insertedByScript[0]]);
    await scrollThrough(page);
    expect(await counters(browser.worker)).toEqual({ inferences: 0, cacheHits: ALL_LOW_RES.length });
  });

  it('puts the originals back when the site is switched off', async () => {
    await setSiteAuto(browser.worker, site.origin, false);
    await page.waitForFunction((ids) => ids.every((id) => !/^(blob|data):/.test((document.getElementById(id) as HTMLImageElement).currentSrc)), ALL_LOW_RES);
    expect(await boxes(page)).toEqual(before);
    // The page's own markup, as it was before the site was switched on, showing the file it names, loaded.
    expect(await markup(page)).toEqual(pageMarkup);
    await page.waitForFunction((ids) => ids.every((id) => (document.getElementById(id) as HTMLImageElement).complete), ALL_LOW_RES);
    const notShowingTheirFile = await page.evaluate(
      (ids) => ids.filter((id) => {
        const img = document.getElementById(id) as HTMLImageElement;
        return img.currentSrc !== img.src || img.naturalWidth === 0;
      }),
      ALL_LOW_RES,
    );
    expect(notShowingTheirFile).toEqual([]);
  });

  it('left no unhandled errors or Enhance console noise on the page', () => {
    expect(pageProblems).toEqual([]);
  });
});

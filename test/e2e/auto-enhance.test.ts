/**
 * The content script's auto-enhance glue in real Chromium, on a small page of small images (quick
 * on WASM): the site switch read live from storage.sync, one job for two images of one file,
 * script-inserted images, the page's own source changes winning over ours, the frame's counts,
 * switching off, and the popup's Enhance all / Restore all.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropTo } from '../../src/core/metrics';
import { readPng, writePng } from '../../src/node/png';
import type { ContentResponses, TabCounts } from '../../src/shared/protocol';
import { BENCH } from './fixtures';
import { launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer, type Route } from './harness';
import { box, currentSrc, enhanceById, imagesSettled, markup, overlayTexts, restoreById, watchPageProblems } from './page-helpers';

/**
 * 48x48 crops shown at 96 CSS px (x2 wanted), a 96x96 one shown at its own size (sharp), one
 * with no size set at all, for the manual job: its box comes from its pixels alone, and one the
 * page draws pixelated, as pixel art is, which must stay as it is.
 */
function buildPage(dir: string): void {
  const crop = (name: string, side: number, out: string) => writePng(join(dir, out), cropTo(readPng(join(BENCH, `Set5/LR_bicubic/X4/${name}x4.png`)), side, side));
  crop('bird', 48, 'bird.png');
  crop('butterfly', 48, 'butterfly.png');
  crop('head', 48, 'head.png');
  crop('baby', 96, 'sharp.png');
  crop('woman', 48, 'pixel-art.png');
  copyFileSync(join(BENCH, 'Urban100/HR/img_020.png'), join(dir, 'big.png'));
  const img = (id: string, file: string) => `<img id="${id}" src="${file}" style="width: 96px; height: 96px" alt="${id}">`;
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>auto-enhance smoke</title>
<style>img { margin: 4px; vertical-align: top; }</style></head><body>
<div id="row">
${img('twin-a', 'bird.png')}
${img('twin-b', 'bird.png')}
<img id="manual" src="butterfly.png" alt="manual, unsized">
${img('sharp', 'sharp.png')}
<img id="pixel-art" src="pixel-art.png" style="width: 96px; height: 96px; image-rendering: pixelated" alt="pixel art">
</div>
<script>
  addEventListener('load', () => setTimeout(() => document.getElementById('row').insertAdjacentHTML('beforeend', ${JSON.stringify(img('inserted', 'head.png'))}), 200));
</script>
</body></html>`,
  );
}

let dir: string;
let site: FixtureServer;
let browser: ExtensionBrowser;
let worker: Worker;
let page: Page;
let tabId: number;
const pageProblems: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'enhance-auto-smoke-'));
  buildPage(dir);
  site = await serveFolder(dir, '127.0.0.1', { '/late/*': late, '/slow/*': slow, '/flaky.png': flaky, '/icon': () => ({ type: 'image/svg+xml', body: SVG_ICON }), '/no-store/*': noStore, '/cam.png': camStill, '/slide/*': slide, '/expiring/*': expiring });
  browser = await launchWithExtension();
  worker = browser.worker;
  page = await browser.context.newPage();
  watchPageProblems(page, pageProblems);
  await page.goto(`${site.origin}/index.html`);
  await page.waitForFunction(() => document.getElementById('inserted') !== null && [...document.images].every((img) => img.complete));
  tabId = await tabIdOf(worker, page);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Files under /late/ (the file of the same name) reach the engine 3 s late, and the page at once; counts the engine's requests. */
let lateDownloads = 0;
const late: Route = (url, headers) => {
  const body = readFileSync(join(dir, url.pathname.slice('/late/'.length)));
  if (headers['sec-fetch-dest'] === 'image') return { type: 'image/png', body };
  lateDownloads++;
  return { type: 'image/png', body, delayMs: 3000 };
};

/** An empty script or page under /slow/ (by its extension), 3 s late: it holds the page's parsing, or its load event, that long. */
const slow: Route = (url) => ({ type: url.pathname.endsWith('.js') ? 'text/javascript' : 'text/html', body: '', delayMs: 3000 });

/** What the engine asked of /flaky.png: its first download fails (HTTP 503, a server's hiccup); the page's own and later ones succeed. */
const flakyAnswers: number[] = [];
const flaky: Route = (_url, headers) => {
  // The engine's fetch() asks for no destination; the page's <img> asks for an image.
  const fromEngine = headers['sec-fetch-dest'] === 'empty';
  const status = fromEngine && !flakyAnswers.includes(503) ? 503 : 200;
  if (fromEngine) flakyAnswers.push(status);
  return status === 503 ? { type: 'text/plain', body: 'busy', status } : { type: 'image/png', body: readFileSync(join(dir, 'bird.png')) };
};

/** Images under /no-store/ (the file of the same name), served as captchas and counters are: never from a cache. Counts the page's requests (not the engine's) per path. */
const imageRequests = new Map<string, number>();
const noStore: Route = (url, headers) => {
  if (headers['sec-fetch-dest'] === 'image') imageRequests.set(url.pathname, (imageRequests.get(url.pathname) ?? 0) + 1);
  return { type: 'image/png', body: readFileSync(join(dir, url.pathname.slice('/no-store/'.length))), headers: { 'cache-control': 'no-store' } };
};

/** A webcam's still at /cam.png (cam.png, whatever the query); counts the engine's downloads of it, one per job started. */
let camDownloads = 0;
const camStill: Route = (_url, headers) => {
  if (headers['sec-fetch-dest'] !== 'image') camDownloads++;
  return { type: 'image/png', body: readFileSync(join(dir, 'cam.png')) };
};

/** A slideshow's slides at /slide/NAME (slides/NAME); counts the engine's downloads of them, one per job started. */
let slideDownloads = 0;
const slide: Route = (url, headers) => {
  if (headers['sec-fetch-dest'] !== 'image') slideDownloads++;
  return { type: 'image/png', body: readFileSync(join(dir, 'slides', url.pathname.slice('/slide/'.length))) };
};

/** Signed links at /expiring/NAME (the file NAME), never from a cache, refused once their path is in `expiredLinks`. */
const expiredLinks = new Set<string>();
const expiring: Route = (url) =>
  expiredLinks.has(url.pathname)
    ? { type: 'text/plain', body: 'link expired', status: 403 }
    : { type: 'image/png', body: readFileSync(join(dir, url.pathname.slice('/expiring/'.length))), headers: { 'cache-control': 'no-store' } };

/** An SVG at a URL that does not say so: only its bytes tell. */
const SVG_ICON = '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24"><circle cx="12" cy="12" r="10" fill="teal"/></svg>';

/** Chrome cannot start the engine's page for now (out of memory, say), or again can. Counts the tries in `engineStartTries`. */
async function engineCannotStart(worker: Worker, cannot: boolean): Promise<void> {
  await worker.evaluate(async (broken) => {
    const kept = self as unknown as { createDocument?: typeof chrome.offscreen.createDocument; engineStartTries?: number };
    if (!broken) {
      if (kept.createDocument) chrome.offscreen.createDocument = kept.createDocument;
      return;
    }
    kept.createDocument ??= chrome.offscreen.createDocument;
    chrome.offscreen.createDocument = () => {
      kept.engineStartTries = (kept.engineStartTries ?? 0) + 1;
      return Promise.reject(new Error('the engine cannot start now'));
    };
    if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
  }, cannot);
}

const IDS = ['twin-a', 'twin-b', 'manual', 'sharp', 'pixel-art', 'inserted'];

function shown(id: string): Promise<string> {
  return page.evaluate((imgId) => (document.getElementById(imgId) as HTMLImageElement).currentSrc, id);
}

function enhancedIds(): Promise<string[]> {
  return page.evaluate((ids) => ids.filter((id) => /^(blob|data):/.test((document.getElementById(id) as HTMLImageElement).currentSrc)), IDS);
}

/** What the popup's switch does: storage.sync, written from the worker. */
function switchSite(on: boolean): Promise<void> {
  return worker.evaluate(([origin, value]) => chrome.storage.sync.set({ autoSites: value ? { [origin]: true } : {} }), [site.origin, on] as const);
}

/** A page of `html`, written to the site as `file`, opened with the site switched on for auto-enhance, or off (the menu's jobs alone). */
async function openWithSiteSwitch(file: string, html: string, on: boolean): Promise<Page> {
  writeFileSync(join(dir, file), html);
  await switchSite(on);
  const opened = await browser.context.newPage();
  watchPageProblems(opened, pageProblems);
  await opened.goto(`${site.origin}/${file}`);
  return opened;
}

const openSwitchedOn = (file: string, html: string): Promise<Page> => openWithSiteSwitch(file, html, true);

/** A square crop of a Set5 image's x4 low-resolution version. */
const lrCrop = (name: string, side: number) => cropTo(readPng(join(BENCH, `Set5/LR_bicubic/X4/${name}x4.png`)), side, side);

/** The file behind what the image shows: the page's own (its path), or our result (its width). */
function fileBehind(opened: Page, id: string): Promise<string> {
  return opened.evaluate(async (imgId) => {
    const img = document.getElementById(imgId) as HTMLImageElement;
    if (!img.currentSrc.startsWith('blob:')) return img.currentSrc.replace(location.origin, '');
    return `result ${(await createImageBitmap(await (await fetch(img.currentSrc)).blob())).width}`;
  }, id);
}

/**
 * A page of `html`, switched on, whose image `id` (of the site's `file`) auto-enhance took and the
 * menu's Restore original put back: the page, and the file's URL the image shows again.
 */
async function openPutBack(page: string, html: string, id: string, file: string): Promise<{ opened: Page; pageFile: string }> {
  const opened = await openSwitchedOn(page, html);
  await expect.poll(() => currentSrc(opened, id), { timeout: 60_000 }).toMatch(/^blob:/);
  expect(await restoreById(worker, opened, await tabIdOf(worker, opened), id)).toBe(1);
  const pageFile = `${site.origin}/${file}`;
  await expect.poll(() => currentSrc(opened, id)).toBe(pageFile);
  return { opened, pageFile };
}

/**
 * Whether what `read` gives stays `expected` past the moment a result from the cache would have
 * shown: had auto-enhance taken the image again, it would be there within a second.
 */
async function staysAfterCachedResult<T>(opened: Page, read: () => Promise<T>, expected: T): Promise<void> {
  await opened.waitForTimeout(3000);
  expect(await read()).toEqual(expected);
}

/**
 * What a browser zoom to 200% does, from now on: two device pixels to the CSS pixel, and half as
 * many CSS pixels across the window. (A density change alone, as a move to another screen makes it,
 * fires no media query change under Chromium's emulation, so only the zoom can be shown here.)
 * Detach to end it.
 */
async function zoomTo200(opened: Page): Promise<CDPSession> {
  const [width, height] = await opened.evaluate(() => [innerWidth, innerHeight]);
  const cdp = await opened.context().newCDPSession(opened);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: Math.round(width / 2), height: Math.round(height / 2), deviceScaleFactor: 2, mobile: false });
  return cdp;
}

/**
 * Evaluates expressions in the content script's own world (Chrome's isolated world named after
 * the extension), through CDP: what a test puts there (a counting wrapper of a DOM method) sees
 * the content script's calls alone, none of the page's.
 */
async function inEnhanceWorld(opened: Page): Promise<{ evaluate: (expression: string) => Promise<{ result: { value?: unknown } }>; detach: () => Promise<void> }> {
  const cdp = await opened.context().newCDPSession(opened);
  const worlds: Array<{ id: number; name: string; auxData?: { type?: string } }> = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => worlds.push(context));
  await cdp.send('Runtime.enable');
  const ours = worlds.filter((w) => w.auxData?.type === 'isolated' && w.name === 'Enhance');
  expect(ours).toHaveLength(1);
  return {
    evaluate: (expression) => cdp.send('Runtime.evaluate', { expression, contextId: ours[0].id, returnByValue: true }),
    detach: () => cdp.detach(),
  };
}

/** Closes a page of openSwitchedOn and switches the site off again. */
async function leave(opened: Page): Promise<void> {
  await switchSite(false);
  await opened.close();
}

/** The images queued on the tab now, in all its frames. */
function queuedOn(tab: number): Promise<number> {
  return worker.evaluate(async (t) => (await self.enhance.status(t)).counts.queued, tab);
}

/** The engine's inferences so far, for every tab. */
function inferences(): Promise<number> {
  return worker.evaluate(async () => (await self.enhance.status()).inferences);
}

/**
 * A page of `html` where jobs take seconds (the quality model) and each run is an inference (no
 * cache), on a site of its own (the same server under another name) switched on, once the other
 * tabs' work is done: the engine's count of inferences is for all of them. `leave` ends it.
 */
async function openCountingInferences(file: string, html: string): Promise<Page> {
  await worker.evaluate(() => chrome.storage.sync.set({ 'setting:profile': 'quality', 'setting:cacheLimitBytes': 0 }));
  await switchSite(false);
  await expect.poll(async () => (await worker.evaluate(() => self.enhance.status())).counts.queued, { timeout: 120_000 }).toBe(0);
  writeFileSync(join(dir, file), html);
  const own = site.origin.replace('127.0.0.1', 'localhost');
  await worker.evaluate((origin) => chrome.storage.sync.set({ autoSites: { [origin]: true } }), own);
  const opened = await browser.context.newPage();
  watchPageProblems(opened, pageProblems);
  await opened.goto(`${own}/${file}`);
  return opened;
}

/** Ends a page of openCountingInferences: its site off, the settings back. */
async function leaveCounting(opened: Page): Promise<void> {
  await worker.evaluate(() => chrome.storage.sync.remove(['setting:profile', 'setting:cacheLimitBytes']));
  await leave(opened);
}

function tabCounts(): Promise<TabCounts> {
  return worker.evaluate(async (tab) => (await self.enhance.status(tab)).counts, tabId);
}

function sendToPage<T extends 'enhance-all' | 'restore-all'>(type: T): Promise<ContentResponses[T]> {
  return worker.evaluate(([tab, t]) => chrome.tabs.sendMessage(tab, { type: t }, { frameId: 0 }), [tabId, type] as const) as Promise<ContentResponses[T]>;
}

describe('auto-enhance in the content script', () => {
  let boxes: Array<Awaited<ReturnType<typeof box>>>;
  let twinMarkup: string;

  it('touches nothing while the site is off, and counts a manual enhancement', async () => {
    boxes = await Promise.all(IDS.map((id) => box(page, id)));
    twinMarkup = await markup(page, 'twin-a');
    await page.waitForTimeout(1500);
    expect(await enhancedIds()).toEqual([]);
    const outcome = await enhanceById(worker, page, tabId, 'manual', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    await expect.poll(tabCounts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
  });

  it('enhances the low-res images once the site is switched on, one job for two images of one file', async () => {
    await switchSite(true);
    await page.waitForFunction(() => ['twin-a', 'twin-b', 'inserted'].every((id) => /^blob:/.test((document.getElementById(id) as HTMLImageElement).currentSrc)), null, { timeout: 120_000 });
    expect(await enhancedIds()).toEqual(['twin-a', 'twin-b', 'manual', 'inserted']);
    expect(await shown('twin-a')).toBe(await shown('twin-b'));
    expect(await Promise.all(IDS.map((id) => box(page, id)))).toEqual(boxes);
    await expect.poll(tabCounts).toEqual({ enhanced: 4, queued: 0, failed: 0 });
  });

  it('keeps the counts and the badge through an in-page navigation (a single-page app changing its URL)', async () => {
    const badge = () => worker.evaluate((tab) => chrome.action.getBadgeText({ tabId: tab }), tabId);
    expect(await badge()).toBe('4');
    // A new URL may be a new page, so the worker forgets the tab's counts and asks its frames again:
    // a single-page app's say the same. (It once forgot them for good.) A listener added now hears
    // the change after the worker's own, and a read of the counts waits for the forgetting.
    await worker.evaluate((tab) => {
      (self as unknown as { urlChanged: Promise<void> }).urlChanged = new Promise((resolve) => {
        const heard = (id: number, change: chrome.tabs.OnUpdatedInfo) => {
          if (id !== tab || !change.url?.endsWith('?view=2')) return;
          chrome.tabs.onUpdated.removeListener(heard);
          resolve();
        };
        chrome.tabs.onUpdated.addListener(heard);
      });
    }, tabId);
    await page.evaluate(() => history.pushState({}, '', 'index.html?view=2'));
    await worker.evaluate(() => (self as unknown as { urlChanged: Promise<void> }).urlChanged);
    await expect.poll(tabCounts).toEqual({ enhanced: 4, queued: 0, failed: 0 });
    await expect.poll(badge).toBe('4');
  });

  it("lets the page's own new source win over our result", async () => {
    await page.evaluate(() => {
      (document.getElementById('twin-b') as HTMLImageElement).src = 'sharp.png';
    });
    await expect.poll(() => shown('twin-b')).toBe(`${site.origin}/sharp.png`);
    // Sharp at its size: looked at again, and left alone.
    await page.waitForTimeout(1000);
    expect(await shown('twin-b')).toBe(`${site.origin}/sharp.png`);
    expect(await page.evaluate(() => document.getElementById('twin-b')!.outerHTML)).toBe('<img id="twin-b" src="sharp.png" style="width: 96px; height: 96px" alt="twin-b">');
    await expect.poll(tabCounts).toEqual({ enhanced: 3, queued: 0, failed: 0 });
  });

  it('enhances an image once the page draws it larger than its pixels', async () => {
    const resize = (side: number) =>
      page.evaluate((px) => {
        (document.getElementById('twin-b') as HTMLImageElement).style.cssText = `width: ${px}px; height: ${px}px`;
      }, side);
    // twin-b now shows the sharp 96 px file at 96 CSS px; at 192 it is stretched x2.
    await resize(192);
    await expect.poll(() => shown('twin-b'), { timeout: 120_000 }).toMatch(/^blob:/);
    // #sharp shows the same file at its own size: the result is not for it.
    expect(await enhancedIds()).toEqual(['twin-a', 'twin-b', 'manual', 'inserted']);
    await expect.poll(tabCounts).toEqual({ enhanced: 4, queued: 0, failed: 0 });
    await resize(96);
  });

  it('lets go of a result when the page drops its image, and enhances it again when it comes back', async () => {
    const resultUrl = await shown('inserted');
    const blobState = (url: string) => page.evaluate((u) => fetch(u).then(() => 'alive', () => 'revoked'), url);
    expect(resultUrl).toMatch(/^blob:/);
    expect(await blobState(resultUrl)).toBe('alive');
    await page.evaluate(() => {
      const img = document.getElementById('inserted')!;
      (window as unknown as { held: Element }).held = img;
      img.remove();
    });
    await expect.poll(tabCounts).toEqual({ enhanced: 3, queued: 0, failed: 0 });
    // The blob went with the image: a feed that drops its items does not keep their results alive.
    expect(await blobState(resultUrl)).toBe('revoked');
    await page.evaluate(() => document.getElementById('row')!.append((window as unknown as { held: Element }).held));
    await expect.poll(() => shown('inserted'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(tabCounts).toEqual({ enhanced: 4, queued: 0, failed: 0 });
  });

  it('puts back what auto-enhance swapped when the site is switched off, and keeps the manual one', async () => {
    await switchSite(false);
    await expect.poll(enhancedIds).toEqual(['manual']);
    expect(await markup(page, 'twin-a')).toBe(twinMarkup);
    await expect.poll(tabCounts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
  });

  it('enhances every low-res image on Enhance all, with the site off, and restores all on Restore all', async () => {
    const { queued } = await sendToPage('enhance-all');
    // twin-a and inserted (the others are enhanced or sharp).
    expect(queued).toBe(2);
    await expect.poll(enhancedIds, { timeout: 60_000 }).toEqual(['twin-a', 'manual', 'inserted']);
    expect(await sendToPage('restore-all')).toEqual({ restored: 3 });
    expect(await enhancedIds()).toEqual([]);
    expect(await markup(page, 'twin-a')).toBe(twinMarkup);
    await expect.poll(tabCounts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  });

  it('leaves an image the user put back after Enhance all as they put it back: no job runs for it', async () => {
    await sendToPage('enhance-all');
    await expect.poll(enhancedIds, { timeout: 60_000 }).toEqual(['twin-a', 'inserted']);
    await expect.poll(tabCounts).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    const engineCalls = () => worker.evaluate(async () => {
      const { inferences, cacheHits } = await self.enhance.status();
      return inferences + cacheHits;
    });
    const before = await engineCalls();
    expect(await restoreById(worker, page, tabId, 'twin-a')).toBe(1);
    await page.waitForFunction(() => (document.getElementById('twin-a') as HTMLImageElement).complete);
    // Its file's load is looked at: Enhance all's mark on it must not outlast the user's restore.
    await page.waitForTimeout(1500);
    expect(await markup(page, 'twin-a')).toBe(twinMarkup);
    expect(await engineCalls()).toBe(before);
    expect(await tabCounts()).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    expect(await sendToPage('restore-all')).toEqual({ restored: 1 });
  });

  it('gives an image too large for x4 the scale whose result the engine accepts', async () => {
    // 1280x960 shown 2.27 times its size: x4 would make 19.7 million pixels, over the engine's cap.
    await page.evaluate(() => {
      document.getElementById('row')!.insertAdjacentHTML('beforeend', '<img id="big" src="big.png" style="width: 2900px">');
    });
    await page.waitForFunction(() => (document.getElementById('big') as HTMLImageElement).complete);
    // With twin-a and inserted, restored just before (their results come from the cache).
    expect(await sendToPage('enhance-all')).toEqual({ queued: 3 });
    // Under way (its progress ring shows tiles done), and nothing failed: x2 runs.
    await expect.poll(() => overlayTexts(page), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/Enhancing [1-9]/));
    expect(await tabCounts()).toMatchObject({ failed: 0 });
    await page.evaluate(() => document.getElementById('big')!.remove());
  });

  it('forgets the counts of a page reloaded without its enhanced images', async () => {
    // twin-a and inserted, from the Enhance all above.
    await expect.poll(tabCounts).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    // The site is off: the reloaded page keeps its originals, and its frames have nothing to report.
    await page.reload();
    await page.waitForFunction(() => document.getElementById('inserted') !== null && [...document.images].every((img) => img.complete));
    await expect.poll(tabCounts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
    expect(await worker.evaluate((tab) => chrome.action.getBadgeText({ tabId: tab }), tabId)).toBe('');
  });

  it("drops a frame's counts from the tab's when the page removes the frame", async () => {
    writeFileSync(join(dir, 'framed-post.html'), '<!doctype html><img id="in-post" src="head.png" style="width: 96px; height: 96px">');
    const feed = await openSwitchedOn('feed.html', `<!doctype html><img id="top" src="bird.png" style="width: 96px; height: 96px"><iframe id="post" src="framed-post.html" style="width: 200px; height: 200px"></iframe>`);
    const feedTab = await tabIdOf(worker, feed);
    const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, feedTab);
    await expect.poll(counts, { timeout: 60_000 }).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    await feed.evaluate(() => document.getElementById('post')?.remove());
    await expect.poll(counts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    await leave(feed);
  });

  it("counts a reloaded page's frames that reported before its top frame did (the top's first report started the tab's counts over)", async () => {
    writeFileSync(join(dir, 'framed-early.html'), '<!doctype html><img id="in-post" src="head.png" style="width: 96px; height: 96px">');
    // The frame's document is ready at once; the top one's waits 3 s for a script, and its load 3 s more for a frame after it.
    const feed = await openSwitchedOn(
      'early-frames.html',
      `<!doctype html><img id="top" src="bird.png" style="width: 96px; height: 96px"><iframe id="post" src="framed-early.html" style="width: 200px; height: 200px"></iframe><script src="slow/parse.js"></script><iframe src="slow/load.html"></iframe>`,
    );
    const feedTab = await tabIdOf(worker, feed);
    const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, feedTab);
    await expect.poll(counts, { timeout: 60_000 }).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    await feed.reload();
    await expect.poll(() => currentSrc(feed, 'top'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(counts, { timeout: 10_000 }).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    await leave(feed);
  });

  it("keeps the tab's counts when only a frame in it loads another page (an ad rotating): Chrome says the tab's load is complete, but the page is the same", async () => {
    writeFileSync(join(dir, 'ad.html'), '<!doctype html><p>An ad</p>');
    const feed = await openSwitchedOn('rotating.html', `<!doctype html><img id="top" src="bird.png" style="width: 96px; height: 96px"><iframe id="ad" src="ad.html?1" style="width: 200px; height: 100px"></iframe>`);
    const feedTab = await tabIdOf(worker, feed);
    const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, feedTab);
    await expect.poll(counts, { timeout: 60_000 }).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    // What the worker does with the tab's stored counts from now on, and the tab's loads it hears of.
    await worker.evaluate((t) => {
      const seen: string[] = [];
      Object.assign(self, { seenForTab: seen });
      chrome.storage.session.onChanged.addListener((changes) => {
        if (`tab-counts:${t}` in changes && changes[`tab-counts:${t}`].newValue === undefined) seen.push('forgotten');
      });
      chrome.tabs.onUpdated.addListener((id, change) => {
        if (id === t && change.status === 'complete') seen.push('complete');
      });
    }, feedTab);
    await feed.evaluate(() => ((document.getElementById('ad') as HTMLIFrameElement).src = 'ad.html?2'));
    const seen = () => worker.evaluate(() => (self as unknown as { seenForTab: string[] }).seenForTab);
    await expect.poll(seen).toContain('complete');
    // The worker's steps run in order: one asked for now runs after the one the load started.
    expect(await counts()).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    expect(await seen()).toEqual(['complete']);
    await leave(feed);
  });

  it('auto-enhances the file a page moved an image on to while a menu job ran on its old one (a gallery\'s next picture)', async () => {
    writePng(join(dir, 'gallery-a.png'), lrCrop('bird', 48));
    writePng(join(dir, 'gallery-b.png'), lrCrop('head', 48));
    const gallery = await openWithSiteSwitch('gallery.html', '<!doctype html><img id="gallery" src="late/gallery-a.png" style="width: 192px; height: 192px">', false);
    await gallery.waitForFunction(() => (document.getElementById('gallery') as HTMLImageElement).complete);
    const galleryTab = await tabIdOf(worker, gallery);
    const downloadsBefore = lateDownloads;
    const job = enhanceById(worker, gallery, galleryTab, 'gallery', 4);
    let jobEnded = false;
    void job.then(() => (jobEnded = true));
    // The engine is downloading the file (3 s): the user switches the site on, and the page shows its next picture.
    await expect.poll(() => lateDownloads).toBe(downloadsBefore + 1);
    await switchSite(true);
    expect(await overlayTexts(gallery)).toEqual([expect.stringMatching(/^Enhancing/)]);
    await gallery.evaluate(() => ((document.getElementById('gallery') as HTMLImageElement).src = 'gallery-b.png'));
    // The menu job's ring goes with the picture it was for: it would sit over the next one until the job ends.
    await expect.poll(() => overlayTexts(gallery)).toEqual([]);
    expect(jobEnded).toBe(false);
    expect(await job).toMatchObject({ ok: true, images: 0 });
    await expect.poll(() => fileBehind(gallery, 'gallery'), { timeout: 60_000 }).toBe('result 192');
    await leave(gallery);
  });

  it("follows the tab's site in a frame from another origin: on with the page, not with the frame's own origin", async () => {
    const frameSite = await serveFolder(dir, 'localhost');
    writeFileSync(join(dir, 'frame.html'), '<!doctype html><img id="in-frame" src="bird.png" style="width: 96px; height: 96px">');
    writeFileSync(join(dir, 'embed.html'), `<!doctype html><iframe src="${frameSite.origin}/frame.html" style="width: 300px; height: 200px"></iframe>`);
    const setSites = (origins: string[]) => worker.evaluate((list) => chrome.storage.sync.set({ autoSites: Object.fromEntries(list.map((o) => [o, true])) }), origins);
    const embedding = await browser.context.newPage();
    watchPageProblems(embedding, pageProblems);
    const frameShows = async () => {
      const frame = embedding.frames().find((f) => f.url().startsWith(frameSite.origin));
      return frame ? frame.evaluate(() => (document.getElementById('in-frame') as HTMLImageElement | null)?.currentSrc ?? '') : '';
    };

    await setSites([site.origin]);
    await embedding.goto(`${site.origin}/embed.html`);
    await expect.poll(frameShows, { timeout: 60_000 }).toMatch(/^blob:/);

    // The frame's own origin switched on, the page's not: this tab's site is off.
    await setSites([frameSite.origin]);
    await expect.poll(frameShows).toBe(`${frameSite.origin}/bird.png`);
    await embedding.reload();
    await expect.poll(frameShows).toBe(`${frameSite.origin}/bird.png`);
    // The frame's page in a tab of its own is on: its job goes to the engine after any the frame
    // in this tab would have sent (the engine runs them in turn).
    const own = await browser.context.newPage();
    await own.goto(`${frameSite.origin}/frame.html`);
    await expect.poll(() => currentSrc(own, 'in-frame'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await frameShows()).toBe(`${frameSite.origin}/bird.png`);
    const embeddingTab = await tabIdOf(worker, embedding);
    expect(await worker.evaluate(async (t) => (await self.enhance.status(t)).counts, embeddingTab)).toEqual({ enhanced: 0, queued: 0, failed: 0 });
    await own.close();

    await setSites([]);
    await embedding.close();
    await frameSite.close();
  });

  it("enhances an image an SVG chart draws three times larger than laid out (its viewBox), in a group the chart moves (D3's margins: a translation)", async () => {
    const chart = await openSwitchedOn('svg-chart.html', `<!doctype html><svg viewBox="0 0 100 100" style="width: 300px; height: 300px"><g transform="translate(4, 4)"><foreignObject width="40" height="40"><img id="charted" src="bird.png" style="width: 32px; height: 32px; display: block"></foreignObject></g></svg>`);
    // 48 px shown at 96 screen px (32 x 3): x2.
    await expect.poll(() => fileBehind(chart, 'charted'), { timeout: 60_000 }).toBe('result 96');
    await leave(chart);
  });

  it('enhances an image the page fades in after it loaded (a class change no observer reports)', async () => {
    // A visible control after it: queued in page order, its result shows that the hidden one was looked at and let be.
    const fading = await openSwitchedOn('fade.html', `<!doctype html><style>.fade { opacity: 0; transition: opacity 0.3s } .fade.in { opacity: 1 }</style>
<div id="fader" class="fade"><img id="faded" src="head.png" style="width: 96px; height: 96px"></div><img id="shown" src="bird.png" style="width: 96px; height: 96px">`);
    const faded = () => currentSrc(fading, 'faded');
    await expect.poll(() => currentSrc(fading, 'shown'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await faded()).toBe(`${site.origin}/head.png`);
    await fading.evaluate(() => document.getElementById('fader')!.classList.add('in'));
    await expect.poll(faded, { timeout: 60_000 }).toMatch(/^blob:/);
    await leave(fading);
  });

  it("enhances a fade carousel's next slide as soon as it has faded in, long after the page loaded (its looks at hidden images by then seconds apart)", async () => {
    const carousel = await openSwitchedOn('fade-carousel.html', `<!doctype html><style>.slide { position: absolute; top: 0; left: 0; opacity: 0; transition: opacity 0.3s } .slide.active { opacity: 1 }</style>
<div style="position: relative; width: 96px; height: 96px"><div id="first" class="slide active"><img id="one" src="bird.png" style="width: 96px; height: 96px"></div><div id="second" class="slide"><img id="two" src="head.png" style="width: 96px; height: 96px"></div></div>`);
    const loaded = Date.now();
    await expect.poll(() => currentSrc(carousel, 'one'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Hidden since the load, the next slide is looked at 1, 3, 7, 15 and 31 s after it: the fade comes
    // a second after one of those looks, and is waited for 5 s, well before the next.
    const fadeAt = [8000, 16_000, 32_000].find((at) => at >= Date.now() - loaded) ?? 64_000;
    await carousel.waitForTimeout(loaded + fadeAt - Date.now());
    expect(await currentSrc(carousel, 'two')).toBe(`${site.origin}/head.png`);
    await carousel.evaluate(() => {
      document.getElementById('first')!.classList.remove('active');
      document.getElementById('second')!.classList.add('active');
    });
    await expect.poll(() => currentSrc(carousel, 'two'), { timeout: 5000 }).toMatch(/^blob:/);
    await leave(carousel);
  });

  it("enhances what Enhance all found hidden once the page fades it in, with the site off: near the window, and far once scrolled to", async () => {
    const fading = await openWithSiteSwitch('fade-all.html', `<!doctype html><style>.fade { opacity: 0 } .fade.in { opacity: 1 }</style>
<div id="near-box" class="fade"><img id="near" src="head.png" style="width: 96px; height: 96px"></div><div style="height: 6000px"></div>
<div id="far-box" class="fade"><img id="far" src="bird.png" style="width: 96px; height: 96px"></div>`, false);
    await fading.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    const fadingTab = await tabIdOf(worker, fading);
    await expect.poll(() => worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'enhance-all' }, { frameId: 0 }), fadingTab)).toEqual({ queued: 0 });
    await fading.evaluate(() => document.getElementById('near-box')!.classList.add('in'));
    await expect.poll(() => currentSrc(fading, 'near'), { timeout: 60_000 }).toMatch(/^blob:/);
    await fading.evaluate(() => {
      document.getElementById('far')!.scrollIntoView();
      document.getElementById('far-box')!.classList.add('in');
    });
    await expect.poll(() => currentSrc(fading, 'far'), { timeout: 60_000 }).toMatch(/^blob:/);
    await fading.close();
  });

  it('looks again at a hidden image near the window less and less often, and never at the hidden images Enhance all marked far away', async () => {
    // A gallery's closed slides far down the page, and a hover image hidden for good near the top (a
    // shop's product card): measuring them each second, for as long as the page is open, is a CPU
    // kept busy for nothing. Far ones are looked at when they come near.
    const far = Array.from({ length: 30 }, (_, i) => `<div class="fade"><img src="head.png?slide=${i}" style="width: 96px; height: 96px"></div>`).join('');
    const gallery = await openSwitchedOn('hidden-gallery.html', `<!doctype html><style>.fade { opacity: 0 }</style>
<div class="fade"><img id="near" src="head.png" style="width: 96px; height: 96px"></div><div style="height: 8000px"></div>${far}`);
    await gallery.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
    const galleryTab = await tabIdOf(worker, gallery);
    await expect.poll(() => worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'enhance-all' }, { frameId: 0 }), galleryTab)).toEqual({ queued: 0 });
    // The content script's measures of each image (getBoundingClientRect, in its own world), as times.
    const { evaluate: measured, detach } = await inEnhanceWorld(gallery);
    await measured(`{
      const measure = Element.prototype.getBoundingClientRect;
      globalThis.measuredNear = [];
      globalThis.measuredFar = 0;
      Element.prototype.getBoundingClientRect = function () {
        if (this.id === 'near') globalThis.measuredNear.push(performance.now());
        else if (this instanceof HTMLImageElement && this.src.includes('slide=')) globalThis.measuredFar++;
        return measure.call(this);
      };
    }`);
    // A scroll starts the waits from a second: the looks from here on do not hang on how long the page took to open.
    await gallery.evaluate(() => window.scrollBy(0, 1));
    await gallery.waitForTimeout(9000);
    const { result } = await measured('[globalThis.measuredNear, globalThis.measuredFar]');
    const [nearTimes, farMeasures] = result.value as [number[], number];
    // A look measures the image a few times at once: looks are runs of measures 300 ms or more apart.
    const looks = nearTimes.filter((at, i) => i === 0 || at - nearTimes[i - 1] > 300).length;
    // Once a second, nine looks; waits doubling from a second, three (at about 1, 3 and 7 s).
    expect(looks).toBeGreaterThanOrEqual(2);
    expect(looks).toBeLessThanOrEqual(4);
    expect(farMeasures).toBe(0);
    // A scroll may reveal what the page fades in: the waits start again from a second (the next was 5 s or more away).
    await measured('globalThis.measuredNear = []');
    await gallery.evaluate(() => window.scrollBy(0, -1));
    await gallery.waitForTimeout(2500);
    const { result: afterScroll } = await measured('globalThis.measuredNear.length');
    expect(afterScroll.value).toBeGreaterThan(0);
    await detach();
    expect(await currentSrc(gallery, 'near')).toBe(`${site.origin}/head.png`);
    await leave(gallery);
  });

  it('leaves an image whose source the page changes every moment (a webcam still) until its source settles, then enhances it', async () => {
    writePng(join(dir, 'cam.png'), lrCrop('bird', 48));
    const watching = await openSwitchedOn('cam.html', `<!doctype html><img id="cam" src="cam.png?t=0" style="width: 96px; height: 96px">
<script>
  let t = 0;
  window.camTimer = setInterval(() => { document.getElementById('cam').src = 'cam.png?t=' + ++t; }, 600);
</script>`);
    const cam = () => currentSrc(watching, 'cam');
    // The first file, and the first change, may each start a job; the changes after them start none.
    await expect.poll(() => watching.evaluate(() => Number(new URL((document.getElementById('cam') as HTMLImageElement).src).searchParams.get('t'))), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const before = camDownloads;
    await watching.waitForTimeout(6000);
    expect(camDownloads - before).toBeLessThanOrEqual(1);
    // Once the page stops, the last file is enhanced.
    await watching.evaluate(() => clearInterval((window as unknown as { camTimer: number }).camTimer));
    await expect.poll(cam, { timeout: 60_000 }).toMatch(/^blob:/);
    await leave(watching);
  });

  it('enhances an image whose blob: URL the page revoked once it loaded, and gives its picture back when switched off', async () => {
    const previewing = await openSwitchedOn('revoked.html', `<!doctype html><img id="preview" style="width: 96px; height: 96px">
<script>
  fetch('butterfly.png').then((r) => r.blob()).then((b) => {
    const img = document.getElementById('preview');
    img.onload = () => URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(b);
  });
</script>`);
    const preview = () => currentSrc(previewing, 'preview');
    await expect.poll(preview).toMatch(/^blob:/);
    const revoked = await preview();
    await expect.poll(preview, { timeout: 60_000 }).not.toBe(revoked);
    const result = await preview();
    expect(result).toMatch(/^blob:/);
    // Switched off, the page's picture comes back, though its own URL loads nothing now (not the
    // result decoded before the switch reached the page).
    await switchSite(false);
    await expect.poll(preview).not.toBe(result);
    const shown = () => previewing.evaluate(() => (document.getElementById('preview') as HTMLImageElement).decode().then(() => 'shows', () => 'broken'));
    await expect.poll(shown).toBe('shows');
    expect(await previewing.evaluate(() => (document.getElementById('preview') as HTMLImageElement).naturalWidth)).toBe(readPng(join(dir, 'butterfly.png')).width);
    await previewing.close();
  });

  it('measures the picture object-fit draws: one letterboxed at its own size stays, one covering its box is enhanced', async () => {
    writePng(join(dir, 'wide.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/babyx4.png')), 96, 48));
    const fitted = (id: string, fit: string) => `<img id="${id}" src="wide.png" style="width: 96px; height: 96px; object-fit: ${fit}">`;
    const fitting = await openSwitchedOn('fit.html', `<!doctype html>${fitted('contained', 'contain')}${fitted('covering', 'cover')}`);
    const showing = (id: string) => currentSrc(fitting, id);
    await expect.poll(() => showing('covering'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await showing('contained')).toBe(`${site.origin}/wide.png`);
    await leave(fitting);
  });

  it("gives a <picture> the page's own choice back when a resize makes it pick another file, and enhances that one", async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    writePng(join(dir, 'portrait.png'), lrCrop('head', 32));
    const art = await openSwitchedOn('art.html', `<!doctype html><picture><source media="(max-width: 700px)" srcset="portrait.png"><img id="art" src="landscape.png" style="width: 96px; height: 96px"></picture>`);
    const shows = () => fileBehind(art, 'art');
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96'); // landscape, 48 px, x2
    await art.setViewportSize({ width: 600, height: 900 });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 128'); // portrait, 32 px, x4
    await art.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96');
    await leave(art);
  });

  it("stops the automatic job for the file a resize made a <picture> leave: the engine goes on to the file it picked, with no run for a result no one takes", async () => {
    // The wide file's job takes seconds (x2 on 360 x 288).
    const barbara = readPng(join(BENCH, 'Set14/LR_bicubic/X2/barbarax2.png'));
    writePng(join(dir, 'wide-slow.png'), barbara);
    writePng(join(dir, 'narrow-quick.png'), cropTo(barbara, 120, 96));
    const before = await inferences();
    const art = await openCountingInferences(
      'art-slow.html',
      '<!doctype html><picture><source media="(max-width: 700px)" srcset="narrow-quick.png"><img id="art" src="wide-slow.png" style="width: 720px"></picture>',
    );
    // The wide file's job runs: its ring shows.
    await expect.poll(() => overlayTexts(art), { timeout: 60_000 }).not.toEqual([]);
    await art.setViewportSize({ width: 600, height: 900 });
    await expect.poll(() => fileBehind(art, 'art'), { timeout: 120_000 }).toBe('result 480'); // narrow, 120 px, x4
    expect((await inferences()) - before).toBe(1);
    await art.setViewportSize({ width: 1280, height: 900 });
    await leaveCounting(art);
  });

  it('enhances the file a resize makes a <picture> pick at the scale the user chose from the menu, with auto-enhance off there', async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    writePng(join(dir, 'portrait.png'), lrCrop('head', 32));
    const art = await openWithSiteSwitch('art-menu.html', `<!doctype html><picture><source media="(max-width: 700px)" srcset="portrait.png"><img id="art" src="landscape.png" style="width: 96px; height: 96px"></picture>`, false);
    const shows = () => fileBehind(art, 'art');
    await expect.poll(() => art.evaluate(() => (document.getElementById('art') as HTMLImageElement).complete)).toBe(true);
    expect(await enhanceById(worker, art, await tabIdOf(worker, art), 'art', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await shows()).toBe('result 96'); // landscape, 48 px, x2
    await art.setViewportSize({ width: 600, height: 900 });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 64'); // portrait, 32 px, still x2
    await art.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96');
    await art.close();
  });

  it("enhances at the user's scale the file a resize makes a <picture> pick while the menu's job for its old file runs, with auto-enhance off there", async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    writePng(join(dir, 'portrait.png'), lrCrop('head', 32));
    // The engine gets the old file 3 s late (/late/): the resize comes while its job runs.
    const art = await openWithSiteSwitch('art-mid-job.html', `<!doctype html><picture><source media="(max-width: 700px)" srcset="portrait.png"><img id="art" src="late/landscape.png" style="width: 96px; height: 96px"></picture>`, false);
    const tab = await tabIdOf(worker, art);
    await expect.poll(() => art.evaluate(() => (document.getElementById('art') as HTMLImageElement).complete)).toBe(true);
    const url = await currentSrc(art, 'art');
    await worker.evaluate(([t, u]) => void self.enhance.upscale(t, u, 4), [tab, url] as const);
    await expect.poll(() => overlayTexts(art)).not.toEqual([]);
    await art.setViewportSize({ width: 600, height: 900 });
    await expect.poll(() => fileBehind(art, 'art'), { timeout: 60_000 }).toBe('result 128');
    await art.close();
  });

  it('stops watching the page when the file a resize makes a menu image pick fails to load', async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    const art = await openWithSiteSwitch('art-gone.html', `<!doctype html><picture><source media="(max-width: 700px)" srcset="gone.png"><img id="art" src="landscape.png" style="width: 96px; height: 96px"></picture>`, false);
    const tab = await tabIdOf(worker, art);
    const watching = () => worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'ping' }).then((answer: { watching: boolean }) => answer.watching), tab);
    await expect.poll(() => art.evaluate(() => (document.getElementById('art') as HTMLImageElement).complete)).toBe(true);
    expect(await enhanceById(worker, art, tab, 'art', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await watching()).toBe(true);
    await art.setViewportSize({ width: 600, height: 900 });
    await expect.poll(() => fileBehind(art, 'art'), { timeout: 60_000 }).toBe('/gone.png');
    await expect.poll(watching, { timeout: 10_000 }).toBe(false);
    await art.close();
  });

  it('stops watching the page once the page gives an image enhanced from the menu a file of its own, or makes its text editable', async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    writePng(join(dir, 'portrait.png'), lrCrop('head', 32));
    const gallery = await openWithSiteSwitch('gallery.html', `<!doctype html><div id="post"><img id="main" src="landscape.png" style="width: 96px; height: 96px"></div>`, false);
    const tab = await tabIdOf(worker, gallery);
    const watching = () => worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'ping' }).then((answer: { watching: boolean }) => answer.watching), tab);
    const enhanced = async () => {
      await expect.poll(() => gallery.evaluate(() => (document.getElementById('main') as HTMLImageElement).complete)).toBe(true);
      expect(await enhanceById(worker, gallery, tab, 'main', 2)).toMatchObject({ ok: true, images: 1 });
      expect(await watching()).toBe(true);
    };
    // A gallery shows its next photo in the same element.
    await enhanced();
    await gallery.evaluate(() => ((document.getElementById('main') as HTMLImageElement).src = 'portrait.png'));
    await expect.poll(() => fileBehind(gallery, 'main')).toBe('/portrait.png');
    await expect.poll(watching, { timeout: 10_000 }).toBe(false);
    // An "Edit" button makes the post editable, and the user goes into it.
    await enhanced();
    await gallery.evaluate(() => {
      const post = document.getElementById('post')!;
      post.contentEditable = 'true';
      post.focus();
    });
    await expect.poll(() => fileBehind(gallery, 'main')).toBe('/portrait.png');
    await expect.poll(watching, { timeout: 10_000 }).toBe(false);
    await gallery.close();
  });

  it("keeps an image the user put back as the page has it when the page writes its src again, the same URL in another spelling (a framework's binding set again)", async () => {
    const opened = await openSwitchedOn('put-back-rebound.html', `<!doctype html><img id="bound" src="bird.png" style="width: 96px; height: 96px">`);
    await expect.poll(() => fileBehind(opened, 'bound'), { timeout: 60_000 }).toBe('result 96');
    expect(await restoreById(worker, opened, await tabIdOf(worker, opened), 'bound')).toBe(1);
    await opened.evaluate(() => {
      const img = document.getElementById('bound') as HTMLImageElement;
      img.src = img.src;
    });
    // A look at it (the window resized): it stays put back.
    await opened.setViewportSize({ width: 1000, height: 700 });
    await opened.waitForTimeout(3000);
    expect(await fileBehind(opened, 'bound')).toBe('/bird.png');
    await leave(opened);
  });

  it('takes, once the site is switched on, an image the user put back that the page gave a new file while nothing was watched, and leaves one still showing its file', async () => {
    writePng(join(dir, 'landscape.png'), lrCrop('bird', 48));
    writePng(join(dir, 'kept.png'), lrCrop('baby', 48));
    writePng(join(dir, 'portrait.png'), lrCrop('head', 32));
    const gallery = await openWithSiteSwitch('put-back-gallery.html', `<!doctype html><img id="main" src="landscape.png" style="width: 96px; height: 96px"><img id="kept" src="kept.png" style="width: 96px; height: 96px">`, false);
    const tab = await tabIdOf(worker, gallery);
    const watching = () => worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'ping' }).then((answer: { watching: boolean }) => answer.watching), tab);
    await imagesSettled(gallery);
    for (const id of ['main', 'kept']) {
      expect(await enhanceById(worker, gallery, tab, id, 2)).toMatchObject({ ok: true, images: 1 });
      expect(await restoreById(worker, gallery, tab, id)).toBe(1);
    }
    await expect.poll(watching, { timeout: 10_000 }).toBe(false);
    // The gallery's next photo, in the same element, with no one watching.
    await gallery.evaluate(() => ((document.getElementById('main') as HTMLImageElement).src = 'portrait.png'));
    await imagesSettled(gallery);
    await switchSite(true);
    await expect.poll(() => fileBehind(gallery, 'main'), { timeout: 60_000 }).toBe('result 128'); // 32 px shown at 96: x4
    expect(await fileBehind(gallery, 'kept')).toBe('/kept.png');
    await leave(gallery);
  });

  it("gives back the page's denser file when the screen density rises, for a srcset of one 2x file beside src (src is the 1x)", async () => {
    writePng(join(dir, 'dense.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 192, 192));
    const retina = await openSwitchedOn('retina.html', `<!doctype html><img id="retina" src="bird.png" srcset="dense.png 2x" style="width: 96px; height: 96px">`);
    const shows = () => fileBehind(retina, 'retina');
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96'); // bird.png, 48 px, x2
    const cdp = await zoomTo200(retina);
    // 192 pixels on 192 device pixels: the page's own file again.
    await expect.poll(shows, { timeout: 60_000 }).toBe('/dense.png');
    await cdp.detach();
    await leave(retina);
  });

  it("gives a <picture> the page's own choice back when the color scheme changes (a dark-mode source), and enhances that one", async () => {
    writePng(join(dir, 'light.png'), lrCrop('bird', 48));
    writePng(join(dir, 'dark.png'), lrCrop('head', 32));
    const themed = await openSwitchedOn('themed.html', `<!doctype html><picture><source media="(prefers-color-scheme: dark)" srcset="dark.png"><img id="themed" src="light.png" style="width: 96px; height: 96px"></picture>`);
    const shows = () => fileBehind(themed, 'themed');
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96'); // light, 48 px, x2
    await themed.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 128'); // dark, 32 px, x4
    await themed.emulateMedia({ colorScheme: 'light' });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96');
    await leave(themed);
  });

  it("gives a <picture> the page's own choice back when reduced motion is switched on (a still in place of an animation), and enhances that one", async () => {
    writePng(join(dir, 'moving.png'), lrCrop('bird', 48));
    writePng(join(dir, 'still.png'), lrCrop('head', 32));
    const calm = await openSwitchedOn('calm.html', `<!doctype html><picture><source media="(prefers-reduced-motion: reduce)" srcset="still.png"><img id="calm" src="moving.png" style="width: 96px; height: 96px"></picture>`);
    const shows = () => fileBehind(calm, 'calm');
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96'); // the animation's file here, 48 px, x2
    await calm.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 128'); // the still, 32 px, x4
    await calm.emulateMedia({ reducedMotion: 'no-preference' });
    await expect.poll(shows, { timeout: 60_000 }).toBe('result 96');
    await leave(calm);
  });

  it('keeps an image with sizes="auto" (WordPress writes it on lazy images) enhanced through a resize that leaves its choice as it was', async () => {
    const baby = readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png'));
    for (const side of [48, 100, 200]) writePng(join(dir, `w${side}.png`), cropTo(baby, side, side));
    writeFileSync(
      join(dir, 'wordpress.html'),
      `<!doctype html><img id="wp" loading="lazy" src="w200.png" srcset="w48.png 48w, w100.png 100w, w200.png 200w" sizes="auto, (max-width: 1024px) 100vw, 1024px" style="width: 96px; height: 96px">
<img id="control" src="w200.png" srcset="w48.png 48w, w100.png 100w, w200.png 200w" sizes="(max-width: 1200px) 190px, 40px" style="width: 96px; height: 96px">`,
    );
    const wordpress = await browser.context.newPage();
    watchPageProblems(wordpress, pageProblems);
    await wordpress.goto(`${site.origin}/wordpress.html`);
    const tab = await tabIdOf(worker, wordpress);
    const showing = (id: string) => currentSrc(wordpress, id);
    // Chosen by the laid-out width (96 px): the list after "auto" would pick w200.
    await expect.poll(() => showing('wp')).toBe(`${site.origin}/w100.png`);
    await expect.poll(() => showing('control')).toBe(`${site.origin}/w48.png`);
    expect(await enhanceById(worker, wordpress, tab, 'wp', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await enhanceById(worker, wordpress, tab, 'control', 2)).toMatchObject({ ok: true, images: 1 });
    await wordpress.setViewportSize({ width: 1100, height: 900 });
    // The control's choice does change (190 px under 1200 px: w200, a file not loaded yet, which
    // Chromium's preference for a cached larger one cannot mask): once it is handed back, the
    // choices after the resize were read, the WordPress image's first.
    await expect.poll(() => showing('control'), { timeout: 10_000 }).toBe(`${site.origin}/w200.png`);
    expect(await showing('wp')).toMatch(/^blob:/);
    await wordpress.close();
  });

  it('keeps a WordPress image with sizes="auto" and no set width (its theme: width auto, max-width 100%) as wide as its column, through a change of the column', async () => {
    writePng(join(dir, 'wp-fluid.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 100, 100));
    writeFileSync(
      join(dir, 'wp-fluid.html'),
      // WordPress 6.7's rule for such images, and a theme's fluid images, in a column of 400 px.
      `<!doctype html><style>img:is([sizes="auto" i], [sizes^="auto," i]) { contain-intrinsic-size: 3000px 1500px } img { width: auto; max-width: 100%; height: auto }</style>
<div id="column" style="width: 400px"><img id="wpf" loading="lazy" src="wp-fluid.png" srcset="wp-fluid.png 100w" sizes="auto, (max-width: 1024px) 100vw, 1024px"></div>`,
    );
    const fluid = await browser.context.newPage();
    watchPageProblems(fluid, pageProblems);
    await fluid.goto(`${site.origin}/wp-fluid.html`);
    const width = () => fluid.evaluate(() => document.getElementById('wpf')!.getBoundingClientRect().width);
    await expect.poll(width).toBe(400);
    // Loaded, which that width does not tell: the intrinsic size WordPress gives it holds the column before the file comes.
    await expect.poll(() => fluid.evaluate(() => (document.getElementById('wpf') as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const outcome = await enhanceById(worker, fluid, await tabIdOf(worker, fluid), 'wpf', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect(await width()).toBe(400);
    await fluid.evaluate(() => (document.getElementById('column')!.style.width = '600px'));
    await expect.poll(width).toBe(600);
    await fluid.close();
  });

  it("keeps an image with no set width as wide as the page's sizes makes it, through a resize", async () => {
    writePng(join(dir, 'fluid.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 200, 200));
    writeFileSync(join(dir, 'fluid.html'), `<!doctype html><img id="fluid" src="fluid.png" srcset="fluid.png 200w" sizes="(max-width: 1200px) 100px, 150px">`);
    const fluid = await browser.context.newPage();
    watchPageProblems(fluid, pageProblems);
    await fluid.goto(`${site.origin}/fluid.html`);
    const width = () => fluid.evaluate(() => document.getElementById('fluid')!.getBoundingClientRect().width);
    await expect.poll(width).toBe(150);
    expect(await enhanceById(worker, fluid, await tabIdOf(worker, fluid), 'fluid', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await width()).toBe(150);
    // A copy made before the resize (a carousel's clone, kept aside) carries the sizes we set then.
    await fluid.evaluate(() => Object.assign(window, { copy: Object.assign(document.getElementById('fluid')!.cloneNode() as HTMLImageElement, { id: 'copy' }) }));
    await fluid.setViewportSize({ width: 1100, height: 900 });
    await expect.poll(width, { timeout: 10_000 }).toBe(100);
    expect(await currentSrc(fluid, 'fluid')).toMatch(/^blob:/);
    // Put in after it, it is no copy the page gave sizes of its own: it shows the result...
    await fluid.evaluate(() => document.body.append((window as unknown as { copy: HTMLImageElement }).copy));
    await expect.poll(() => fluid.evaluate(() => (document.getElementById('copy') as HTMLImageElement).complete)).toBe(true);
    expect(await currentSrc(fluid, 'copy')).toBe(await currentSrc(fluid, 'fluid'));
    // ...and a restore gives it the page's markup, sizes too.
    expect(await restoreById(worker, fluid, await tabIdOf(worker, fluid), 'fluid')).toBe(1);
    expect(await markup(fluid, 'copy')).toBe('<img id="copy" src="fluid.png" srcset="fluid.png 200w" sizes="(max-width: 1200px) 100px, 150px">');
    await fluid.close();
  });

  it("keeps the result when the page writes only sizes (lazysizes' data-sizes=\"auto\" on a resize), laid out at the width it wrote", async () => {
    writePng(join(dir, 'sized-by-script.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 200, 200));
    writeFileSync(join(dir, 'sized-by-script.html'), `<!doctype html><img id="sized" src="sized-by-script.png" srcset="sized-by-script.png 200w" sizes="150px">`);
    const sized = await browser.context.newPage();
    watchPageProblems(sized, pageProblems);
    await sized.goto(`${site.origin}/sized-by-script.html`);
    const tab = await tabIdOf(worker, sized);
    const width = () => sized.evaluate(() => document.getElementById('sized')!.getBoundingClientRect().width);
    await expect.poll(width).toBe(150);
    expect(await enhanceById(worker, sized, tab, 'sized', 2)).toMatchObject({ ok: true, images: 1 });
    const result = await currentSrc(sized, 'sized');
    expect(result).toMatch(/^blob:/);

    await sized.evaluate(() => ((document.getElementById('sized') as HTMLImageElement).sizes = '120px'));
    await expect.poll(width, { timeout: 10_000 }).toBe(120);
    expect(await currentSrc(sized, 'sized')).toBe(result);
    // Restored, the image has the page's latest sizes.
    expect(await restoreById(worker, sized, tab, 'sized')).toBe(1);
    expect(await markup(sized, 'sized')).toBe('<img id="sized" src="sized-by-script.png" srcset="sized-by-script.png 200w" sizes="120px">');
    await sized.close();
  });

  it('gives back the sizes a page wrote on an enhanced image when it wrote the very value we had set there (a lazy loader sizing it to its box)', async () => {
    writePng(join(dir, 'sized-as-ours.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 200, 200));
    writeFileSync(
      join(dir, 'sized-as-ours.html'),
      `<!doctype html><picture><source id="source" srcset="sized-as-ours.png 200w" sizes="(max-width: 1200px) 100px, 150px"><img id="sized" src="sized-as-ours.png" srcset="sized-as-ours.png 200w" sizes="(max-width: 1200px) 100px, 150px"></picture>`,
    );
    const sized = await browser.context.newPage();
    watchPageProblems(sized, pageProblems);
    await sized.goto(`${site.origin}/sized-as-ours.html`);
    const tab = await tabIdOf(worker, sized);
    const width = () => sized.evaluate(() => document.getElementById('sized')!.getBoundingClientRect().width);
    await expect.poll(width).toBe(150);
    expect(await enhanceById(worker, sized, tab, 'sized', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await sized.evaluate(() => document.getElementById('sized')!.getAttribute('sizes'))).toBe('150px');
    // The page sizes the image (and its source) to its box: the value we show, the page's from now on.
    await sized.evaluate(() => {
      for (const id of ['sized', 'source']) document.getElementById(id)!.setAttribute('sizes', '150px');
    });
    expect(await currentSrc(sized, 'sized')).toMatch(/^blob:/);
    expect(await restoreById(worker, sized, tab, 'sized')).toBe(1);
    expect(await markup(sized, 'sized')).toBe(
      '<picture><source id="source" srcset="sized-as-ours.png 200w" sizes="150px"><img id="sized" src="sized-as-ours.png" srcset="sized-as-ours.png 200w" sizes="150px"></picture>',
    );
    await sized.close();
  });

  it('lets go of the result when the page puts its own sizes back whenever it sees ours, and leaves the image to it: no endless tug of war', async () => {
    const enforced = await openSwitchedOn(
      'sizes-enforced.html',
      `<!doctype html><img id="enforced" src="bird.png" srcset="bird.png 48w" sizes="96px">
<script>
  window.writes = 0;
  const img = document.getElementById('enforced');
  new MutationObserver(() => {
    if (img.dataset.enforce && img.getAttribute('sizes') !== '90px') { window.writes++; img.setAttribute('sizes', '90px'); }
  }).observe(img, { attributes: true, attributeFilter: ['sizes'] });
</script>`,
    );
    await expect.poll(() => currentSrc(enforced, 'enforced'), { timeout: 60_000 }).toMatch(/^blob:/);
    await enforced.evaluate(() => {
      const img = document.getElementById('enforced') as HTMLImageElement;
      img.dataset.enforce = 'yes';
      img.sizes = '90px';
    });
    await expect.poll(() => currentSrc(enforced, 'enforced'), { timeout: 10_000 }).toBe(`${site.origin}/bird.png`);
    const writes = () => enforced.evaluate(() => (window as unknown as { writes: number }).writes);
    const settled = await writes();
    expect(settled).toBeLessThan(10);
    // Settled: a few seconds on (a cached result would be back within one), no more writes, and
    // the page's file still shown.
    await enforced.waitForTimeout(3000);
    expect(await writes()).toBe(settled);
    expect(await currentSrc(enforced, 'enforced')).toBe(`${site.origin}/bird.png`);
    await leave(enforced);
  });

  it('keeps the result through a sizer that writes a new width many times a second (a ResizeObserver through a window drag): no tug of war', async () => {
    const resized = await openSwitchedOn(
      'sizes-followed.html',
      `<!doctype html><img id="followed" src="bird.png" srcset="bird.png 48w" sizes="96px">
<script>
  // What a sizer does through a drag of the window's edge: the box's width, one frame after another
  // (narrower: a wider one would want x4, a new result).
  window.drag = async () => {
    const img = document.getElementById('followed');
    for (let width = 95; width > 85; width--) {
      img.sizes = width + 'px';
      await new Promise((done) => setTimeout(done, 30));
    }
  };
</script>`,
    );
    await expect.poll(() => currentSrc(resized, 'followed'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The very result throughout, not one made again (a job, even from the cache, makes a new URL).
    const result = await currentSrc(resized, 'followed');
    await resized.evaluate(() => (window as unknown as { drag(): Promise<void> }).drag());
    const width = () => resized.evaluate(() => document.getElementById('followed')!.getBoundingClientRect().width);
    await expect.poll(width, { timeout: 10_000 }).toBe(86);
    // Time for a release and a job to show (a cached result would be back within one second).
    await resized.waitForTimeout(1500);
    expect(await currentSrc(resized, 'followed')).toBe(result);
    await leave(resized);
  });

  it('keeps the result through a page that puts its own markup back on every update (morphdom, Livewire polling), before it is drawn and with no job', async () => {
    const morphed = await openSwitchedOn(
      'morphed.html',
      `<!doctype html><img id="morphed" src="bird.png" style="width: 96px; height: 96px">
<script>
  // What a morphing update does: every attribute as the server's markup has it, ours dropped.
  window.morph = () => {
    const img = document.getElementById('morphed');
    for (const { name } of [...img.attributes]) if (!['id', 'src', 'style'].includes(name)) img.removeAttribute(name);
  };
</script>`,
    );
    await expect.poll(() => currentSrc(morphed, 'morphed'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The very result throughout, not one made again (a job, even from the cache, makes a new URL).
    const result = await currentSrc(morphed, 'morphed');
    for (let update = 0; update < 3; update++) {
      // At the next frame, as drawn: the result, not the page's file for a moment.
      const drawn = await morphed.evaluate(async () => {
        (window as unknown as { morph(): void }).morph();
        await new Promise(requestAnimationFrame);
        return (document.getElementById('morphed') as HTMLImageElement).currentSrc;
      });
      expect(drawn).toBe(result);
      await morphed.waitForTimeout(400);
    }
    expect(await currentSrc(morphed, 'morphed')).toBe(result);
    await leave(morphed);
  });

  it.each([
    ['an <img>', 'img', '<img id="card" src="bird.png" style="width: 96px; height: 96px">'],
    ['a <picture>, with the same sources', 'picture', '<picture><source srcset="bird.png" type="image/png"><img id="card" src="bird.png" style="width: 96px; height: 96px"></picture>'],
  ])('a new element the page renders in place of an enhanced one (%s), with the same markup, takes its result: shown at once, with no job', async (_, kind, html) => {
    // What a framework's render does (React under a new key, htmx swapping HTML): a new element, the same markup.
    const rendered = await openSwitchedOn(`rerendered-${kind}.html`, `<!doctype html><div id="box">${html}</div>
<script>window.render = () => { document.getElementById('box').innerHTML = ${JSON.stringify(html)}; };</script>`);
    await expect.poll(() => currentSrc(rendered, 'card'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The very result, not one made again (a job, even from the cache, makes a new URL).
    const result = await currentSrc(rendered, 'card');
    const drawn = await rendered.evaluate(async () => {
      const old = document.getElementById('card');
      (window as unknown as { render(): void }).render();
      await new Promise(requestAnimationFrame);
      const card = document.getElementById('card') as HTMLImageElement;
      return { renewed: card !== old, shown: card.currentSrc };
    });
    expect(drawn).toEqual({ renewed: true, shown: result });
    await rendered.waitForTimeout(500);
    expect(await currentSrc(rendered, 'card')).toBe(result);
    // Restored, it is the page's own markup.
    const tab = await tabIdOf(worker, rendered);
    expect(await restoreById(worker, rendered, tab, 'card')).toBe(1);
    expect(await markup(rendered, 'card')).toBe(html);
    await leave(rendered);
  });

  it("a new element with the same relative markup, rendered after the app's router moved the page to another path, shows that path's file, not the old result", async () => {
    for (const [route, name] of [['a', 'bird'], ['b', 'head']]) {
      mkdirSync(join(dir, `routed/${route}`), { recursive: true });
      writePng(join(dir, `routed/${route}/shot.png`), lrCrop(name, 48));
    }
    const routed = await openSwitchedOn(
      'routed/a/index.html',
      `<!doctype html><div id="box"><img id="card" src="shot.png" style="width: 96px; height: 96px"></div>
<script>
  // A router going to the next page: its address first, then its view, with the same markup.
  window.route = () => {
    history.pushState(null, '', '/routed/b/');
    document.getElementById('box').innerHTML = '<img id="card" src="shot.png" style="width: 96px; height: 96px">';
  };
</script>`,
    );
    await expect.poll(() => currentSrc(routed, 'card'), { timeout: 60_000 }).toMatch(/^blob:/);
    const result = await currentSrc(routed, 'card');
    const drawn = await routed.evaluate(async () => {
      (window as unknown as { route(): void }).route();
      await new Promise(requestAnimationFrame);
      return (document.getElementById('card') as HTMLImageElement).currentSrc;
    });
    expect(drawn).not.toBe(result);
    // Enhanced for itself, from its own file.
    await expect.poll(() => currentSrc(routed, 'card'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await currentSrc(routed, 'card')).not.toBe(result);
    expect(await restoreById(worker, routed, await tabIdOf(worker, routed), 'card')).toBe(1);
    expect(await fileBehind(routed, 'card')).toBe('/routed/b/shot.png');
    await leave(routed);
  });

  it('a page that renders an image anew whenever one of its attributes changes settles: we stop writing, it stops rendering', async () => {
    const anew = await openSwitchedOn(
      'renders-anew.html',
      `<!doctype html><div id="box"><img id="card" src="bird.png" style="width: 96px; height: 96px"></div>
<script>
  window.renders = 0;
  const box = document.getElementById('box');
  new MutationObserver(() => {
    window.renders++;
    box.innerHTML = '<img id="card" src="bird.png" style="width: 96px; height: 96px">';
  }).observe(box, { subtree: true, attributes: true });
</script>`,
    );
    // It hung before heirs counted their predecessors' writes, and went on rendering tens of times a
    // second while we let go of each removed element in sight of the page's observer.
    const renders = () => anew.evaluate(() => (window as unknown as { renders: number }).renders);
    await expect.poll(renders, { timeout: 60_000 }).toBeGreaterThan(0);
    const rendersIn = async (ms: number) => {
      const before = await renders();
      await anew.waitForTimeout(ms);
      return (await renders()) - before;
    };
    await expect.poll(() => rendersIn(1000), { timeout: 20_000 }).toBe(0);
    expect(await rendersIn(3000)).toBe(0);
    expect(await anew.evaluate(() => document.getElementById('box')!.innerHTML)).toBe('<img id="card" src="bird.png" style="width: 96px; height: 96px">');
    await leave(anew);
  });

  it.each([
    ['srcset and sizes', "img.removeAttribute('srcset'); img.removeAttribute('sizes');"],
    // Our sizes left: the page's file all the same.
    ['srcset alone', "img.removeAttribute('srcset');"],
  ])('leaves the image to a page whose script takes our result out (%s) whenever it sees it: no endless tug of war', async (_, strip) => {
    const stripped = await openSwitchedOn(
      'stripped.html',
      `<!doctype html><img id="stripped" src="bird.png" style="width: 96px; height: 96px">
<script>
  window.writes = 0;
  const img = document.getElementById('stripped');
  window.strip = () => { ${strip} };
  new MutationObserver(() => {
    if (img.dataset.strip && img.hasAttribute('srcset')) { window.writes++; window.strip(); }
  }).observe(img, { attributes: true, attributeFilter: ['srcset'] });
</script>`,
    );
    await expect.poll(() => currentSrc(stripped, 'stripped'), { timeout: 60_000 }).toMatch(/^blob:/);
    await stripped.evaluate(() => {
      (document.getElementById('stripped') as HTMLImageElement).dataset.strip = 'yes';
      (window as unknown as { strip(): void }).strip();
    });
    await expect.poll(() => currentSrc(stripped, 'stripped'), { timeout: 10_000 }).toBe(`${site.origin}/bird.png`);
    const writes = () => stripped.evaluate(() => (window as unknown as { writes: number }).writes);
    const settled = await writes();
    expect(settled).toBeLessThan(10);
    await stripped.waitForTimeout(3000);
    expect(await writes()).toBe(settled);
    expect(await currentSrc(stripped, 'stripped')).toBe(`${site.origin}/bird.png`);
    await leave(stripped);
  });

  it('an enhanced image the page gives a new srcset and takes out in one go keeps what the page wrote, when it comes back', async () => {
    const pooled = await openWithSiteSwitch('pooled.html', `<!doctype html><div id="pool"><img id="pooled" src="bird.png" style="width: 96px; height: 96px"></div>`, false);
    const tab = await tabIdOf(worker, pooled);
    expect(await enhanceById(worker, pooled, tab, 'pooled', 2)).toMatchObject({ ok: true, images: 1 });
    // A lightbox or a pool reusing the element: new sources, out of the page, back later.
    await pooled.evaluate(async () => {
      const img = document.getElementById('pooled') as HTMLImageElement;
      img.srcset = 'head.png 48w';
      img.sizes = '96px';
      img.remove();
      await new Promise((ok) => setTimeout(ok, 300));
      document.getElementById('pool')!.append(img);
    });
    await expect.poll(() => currentSrc(pooled, 'pooled')).toBe(`${site.origin}/head.png`);
    expect(await markup(pooled, 'pooled')).toBe('<img id="pooled" src="bird.png" style="width: 96px; height: 96px" sizes="96px" srcset="head.png 48w">');
    await pooled.close();
  });

  it('leaves an image the page draws blurred alone, by its own filter or a box around it (a soft copy of a cover behind the content)', async () => {
    const soft = await openSwitchedOn(
      'blurred.html',
      `<!doctype html><img id="backdrop" src="head.png" style="width: 96px; height: 96px; filter: blur(8px)">
<div style="filter: blur(12px)"><img id="in-blurred-box" src="butterfly.png" style="width: 96px; height: 96px"></div><img id="cover" src="bird.png" style="width: 96px; height: 96px">`,
    );
    await expect.poll(() => currentSrc(soft, 'cover'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The blurred ones were looked at first (page order): had one been queued, it would be enhanced by now.
    await soft.waitForTimeout(1000);
    expect(await currentSrc(soft, 'backdrop')).toBe(`${site.origin}/head.png`);
    expect(await currentSrc(soft, 'in-blurred-box')).toBe(`${site.origin}/butterfly.png`);
    const tab = await tabIdOf(worker, soft);
    expect(await worker.evaluate(async (id) => (await self.enhance.status(id)).counts, tab)).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    await leave(soft);
  });

  it("leaves alone an image slotted into a web component's blurred box, in an open or a closed shadow root", async () => {
    const soft = await openSwitchedOn(
      'blurred-slot.html',
      `<!doctype html><soft-backdrop mode="open"><img id="in-open" src="head.png" style="width: 96px; height: 96px"></soft-backdrop>
<soft-backdrop mode="closed"><img id="in-closed" src="butterfly.png" style="width: 96px; height: 96px"></soft-backdrop><img id="cover" src="bird.png" style="width: 96px; height: 96px">
<script>
  customElements.define('soft-backdrop', class extends HTMLElement {
    constructor() {
      super();
      this.attachShadow({ mode: this.getAttribute('mode') }).innerHTML = '<div style="filter: blur(12px)"><slot></slot></div>';
    }
  });
</script>`,
    );
    await expect.poll(() => currentSrc(soft, 'cover'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Looked at first (page order): had one been queued, it would be enhanced by now.
    await soft.waitForTimeout(1000);
    expect(await currentSrc(soft, 'in-open')).toBe(`${site.origin}/head.png`);
    expect(await currentSrc(soft, 'in-closed')).toBe(`${site.origin}/butterfly.png`);
    await leave(soft);
  });

  it("asks the page's server for an image once where the element alone tells its size: no second download of a no-store captcha or counter", async () => {
    const fresh = await openSwitchedOn(
      'no-store.html',
      `<!doctype html><img id="captcha" src="no-store/bird.png" style="width: 96px; height: 96px"><img id="counter" src="no-store/head.png">`,
    );
    await expect.poll(() => currentSrc(fresh, 'captcha'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The one left alone, at its own size, was looked at too (it is counted as sharp enough).
    await fresh.waitForTimeout(1000);
    expect(Object.fromEntries(imageRequests)).toEqual({ '/no-store/bird.png': 1, '/no-store/head.png': 1 });
    await leave(fresh);
  });

  it("measures an enhanced image's file by its result once hundreds of other files have been measured since: no second download of a no-store file", async () => {
    copyFileSync(join(dir, 'bird.png'), join(dir, 'measured-early.png'));
    writePng(join(dir, 'tiny.png'), lrCrop('baby', 4));
    const fresh = await openSwitchedOn(
      'no-store-remeasured.html',
      `<!doctype html><img id="early" src="no-store/measured-early.png" style="width: 96px; height: 96px"><div id="later"></div>`,
    );
    await expect.poll(() => currentSrc(fresh, 'early'), { timeout: 60_000 }).toMatch(/^blob:/);
    // More files than the content script keeps sizes of, each one measured as it loads (too small to enhance).
    await fresh.evaluate(async () => {
      const later = document.getElementById('later')!;
      const loads = Array.from({ length: 600 }, (_, i) => {
        const tiny = new Image();
        tiny.style.width = '2px';
        tiny.src = `tiny.png?${i}`;
        later.append(tiny);
        return tiny.decode();
      });
      await Promise.all(loads);
    });
    // Shown at four times its pixels: measured again, it gets x4 (from the file its x2 job kept, not a download).
    await fresh.evaluate(() => Object.assign(document.getElementById('early')!.style, { width: '192px', height: '192px' }));
    await expect.poll(() => fileBehind(fresh, 'early'), { timeout: 60_000 }).toBe('result 192');
    expect(imageRequests.get('/no-store/measured-early.png')).toBe(1);
    await leave(fresh);
  });

  it('keeps an image the page sizes to a fraction of a pixel at that width, not the whole pixels naturalWidth gives', async () => {
    writePng(join(dir, 'fraction.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 201, 100));
    // A control below: a quarter of the window wide, whose choice the resize does change.
    writePng(join(dir, 'quarter-small.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png')), 60, 60));
    writePng(join(dir, 'quarter-large.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/headx4.png')), 70, 70));
    writeFileSync(
      join(dir, 'fraction.html'),
      `<!doctype html><img id="fraction" src="fraction.png" srcset="fraction.png 201w" sizes="100.5px"><p id="below">Text below</p>
<img id="quarter" src="quarter-small.png" srcset="quarter-small.png 100w, quarter-large.png 400w" sizes="25vw">`,
    );
    const fraction = await browser.context.newPage();
    watchPageProblems(fraction, pageProblems);
    // Narrow first: Chromium keeps a larger file it holds for a narrower window, so the control's choice changes only upwards.
    await fraction.setViewportSize({ width: 400, height: 800 });
    await fraction.goto(`${site.origin}/fraction.html`);
    const layout = () =>
      fraction.evaluate(() => [document.getElementById('fraction')!.getBoundingClientRect().width, document.getElementById('below')!.getBoundingClientRect().top]);
    await expect.poll(async () => (await layout())[0]).toBe(100.5);
    const before = await layout();
    // The whole file (201 pixels across, shown at half its density), not a crop of it.
    expect(await enhanceById(worker, fraction, await tabIdOf(worker, fraction), 'fraction', 2)).toMatchObject({ ok: true, images: 1, width: 402 });
    expect(await currentSrc(fraction, 'fraction')).toMatch(/^blob:/);
    expect(await layout()).toEqual(before);
    expect(await enhanceById(worker, fraction, await tabIdOf(worker, fraction), 'quarter', 2)).toMatchObject({ ok: true, images: 1 });
    // A resize that keeps the choice keeps the width too: read once the page's choice has been
    // read again, which the control shows (25vw: 100 px took the 100w file, 320 px takes the 400w one).
    await fraction.setViewportSize({ width: 1280, height: 900 });
    await expect.poll(() => currentSrc(fraction, 'quarter')).toBe(`${site.origin}/quarter-large.png`);
    expect(await currentSrc(fraction, 'fraction')).toMatch(/^blob:/);
    expect(await layout()).toEqual(before);
    await fraction.close();
  });

  it('tries an image once more by itself, a few seconds on, when its download failed', async () => {
    const flakyPage = await openSwitchedOn('flaky.html', `<!doctype html><img id="flaky" src="flaky.png" style="width: 96px; height: 96px">`);
    const tab = await tabIdOf(worker, flakyPage);
    const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab);
    await expect.poll(counts, { timeout: 60_000 }).toMatchObject({ enhanced: 0, failed: 1 });
    await expect.poll(() => currentSrc(flakyPage, 'flaky'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(counts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    expect(flakyAnswers).toEqual([503, 200]);
    await leave(flakyPage);
  });

  it('tries an image once more by itself, a few seconds on, when the engine could not start', async () => {
    writePng(join(dir, 'butterfly40.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/butterflyx4.png')), 40, 40));
    writeFileSync(join(dir, 'no-engine.html'), `<!doctype html><img id="lone" src="butterfly40.png" style="width: 80px; height: 80px">`);
    // On an origin of its own: the main page's images must not take the one try.
    const lonelySite = await serveFolder(dir, 'localhost');
    await engineCannotStart(worker, true);
    await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), lonelySite.origin);
    const lonely = await browser.context.newPage();
    await lonely.goto(`${lonelySite.origin}/no-engine.html`);
    const tab = await tabIdOf(worker, lonely);
    const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab);
    await expect.poll(counts, { timeout: 60_000 }).toMatchObject({ enhanced: 0, failed: 1 });
    await engineCannotStart(worker, false);
    await expect.poll(() => currentSrc(lonely, 'lone'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(counts).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), lonelySite.origin);
    await lonely.close();
    await lonelySite.close();
  });

  it("forgets auto-enhance's failures when the site is switched off (the popup counts none), and tries their images again when it is switched on", async () => {
    writePng(join(dir, 'butterfly36.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/butterflyx4.png')), 36, 36));
    writeFileSync(join(dir, 'no-engine-off.html'), `<!doctype html><img id="lone" src="butterfly36.png" style="width: 72px; height: 72px">`);
    const lonelySite = await serveFolder(dir, 'localhost');
    await engineCannotStart(worker, true);
    try {
      await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), lonelySite.origin);
      const lonely = await browser.context.newPage();
      await lonely.goto(`${lonelySite.origin}/no-engine-off.html`);
      const tab = await tabIdOf(worker, lonely);
      const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab);
      await expect.poll(counts, { timeout: 60_000 }).toMatchObject({ enhanced: 0, failed: 1 });
      // Its one try more, a few seconds on, fails too: given up for good.
      const tries = () => worker.evaluate(() => (self as unknown as { engineStartTries: number }).engineStartTries);
      const before = await tries();
      await expect.poll(tries, { timeout: 60_000 }).toBeGreaterThan(before);
      await expect.poll(counts, { timeout: 60_000 }).toEqual({ enhanced: 0, queued: 0, failed: 1 });
      await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), lonelySite.origin);
      await expect.poll(counts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
      // Not passed over as given up, uncounted: tried again, it fails again.
      await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), lonelySite.origin);
      await expect.poll(counts, { timeout: 60_000 }).toMatchObject({ enhanced: 0, failed: 1 });
      await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), lonelySite.origin);
      await lonely.close();
    } finally {
      await engineCannotStart(worker, false);
      await lonelySite.close();
    }
  });

  it("measures a file the browser lays out at its EXIF size (a 2x file at 144 dpi) by its own pixels: shown at them it stays, stretched twice it gets x2", async () => {
    // 160x120 pixels whose EXIF says 80x60: Chromium lays a JPEG out at that size (measured).
    for (const name of ['dense-sharp', 'dense-stretched']) copyFileSync(join(import.meta.dirname, 'files/exif-144dpi.jpg'), join(dir, `${name}.jpg`));
    const opened = await openSwitchedOn(
      'dense.html',
      '<!doctype html><img id="dense-sharp" src="dense-sharp.jpg" style="width: 160px; display: block"><img id="dense-stretched" src="dense-stretched.jpg" style="width: 320px; display: block">',
    );
    expect(await opened.evaluate(() => (document.getElementById('dense-sharp') as HTMLImageElement).naturalWidth)).toBe(80);
    await expect.poll(() => currentSrc(opened, 'dense-stretched'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Twice its 160 pixels, not four times the 80 the browser reports.
    expect(await fileBehind(opened, 'dense-stretched')).toBe('result 320');
    const tab = await tabIdOf(worker, opened);
    await expect.poll(async () => (await worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab)).queued).toBe(0);
    await staysAfterCachedResult(opened, () => fileBehind(opened, 'dense-sharp'), '/dense-sharp.jpg');
    expect(await worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab)).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    await leave(opened);
  });

  it('stops the job of an image the page drops while the engine works on it: the engine goes on to the next image', async () => {
    writePng(join(dir, 'baby40.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/babyx4.png')), 40, 40));
    // A photo of 1024 px at twice its width (seconds of work on these cores), then a small one below it, queued behind.
    writeFileSync(join(dir, 'feed.html'), `<!doctype html><img id="big" src="big.png" style="width: 2048px; display: block"><img id="next" src="baby40.png" style="width: 80px; height: 80px">`);
    // On an origin of its own, so that only this page's images count.
    const feedSite = await serveFolder(dir, 'localhost');
    const before = await inferences();
    await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), feedSite.origin);
    const feed = await browser.context.newPage();
    watchPageProblems(feed, pageProblems);
    await feed.goto(`${feedSite.origin}/feed.html`);
    await expect.poll(() => overlayTexts(feed), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
    await feed.evaluate(() => document.getElementById('big')!.remove());
    await expect.poll(() => currentSrc(feed, 'next'), { timeout: 120_000 }).toMatch(/^blob:/);
    // One inference, the small image's: the dropped one's job stopped before it was done.
    expect((await inferences()) - before).toBe(1);
    await worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), feedSite.origin);
    await feed.close();
    await feedSite.close();
  });

  it('counts an SVG the engine turns away (its URL did not say SVG) as skipped, not failed', async () => {
    // The icon, on screen, goes to the engine before the stretched bird far below: once the bird
    // shows its result, the icon's job has ended.
    const icons = await openSwitchedOn(
      'icon.html',
      `<!doctype html><img id="icon" src="icon" style="width: 96px; height: 96px"><img id="later" src="bird.png" style="width: 96px; height: 96px; margin-top: 1500px">`,
    );
    const tab = await tabIdOf(worker, icons);
    await expect.poll(() => currentSrc(icons, 'later'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(() => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab)).toEqual({ enhanced: 1, queued: 0, failed: 0 });
    expect(await currentSrc(icons, 'icon')).toBe(`${site.origin}/icon`);
    await leave(icons);
  });

  it('never enhances a copy the page makes of an enhanced image, and puts the copy back with the image', async () => {
    const zooming = await openSwitchedOn('zoom.html', `<!doctype html><img id="thumb" src="bird.png" style="width: 96px; height: 96px">`);
    const showing = (id: string) => currentSrc(zooming, id);
    await expect.poll(() => showing('thumb'), { timeout: 60_000 }).toMatch(/^blob:/);
    const result = await showing('thumb');
    // A lightbox's zoom: a clone of the enhanced image, drawn twice as large.
    await zooming.evaluate(() => {
      const zoom = document.getElementById('thumb')!.cloneNode() as HTMLImageElement;
      zoom.id = 'zoom';
      zoom.style.cssText = 'width: 192px; height: 192px';
      document.body.append(zoom);
      // A control after it, queued after any job the copy would get.
      document.body.insertAdjacentHTML('beforeend', '<img id="after-zoom" src="head.png" style="width: 96px; height: 96px">');
    });
    await expect.poll(() => showing('after-zoom'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await showing('zoom')).toBe(result);
    const tab = await tabIdOf(worker, zooming);
    await worker.evaluate(() => chrome.storage.sync.set({ autoSites: {} }));
    await expect.poll(() => showing('thumb')).toBe(`${site.origin}/bird.png`);
    await expect.poll(() => showing('zoom')).toBe(`${site.origin}/bird.png`);
    await expect.poll(() => worker.evaluate(async (t) => (await self.enhance.status(t)).counts, tab)).toEqual({ enhanced: 0, queued: 0, failed: 0 });
    await zooming.close();
  });

  describe('a <picture> enhanced from the menu', () => {
    let pictures: Page;
    let tab: number;
    const showing = (id: string) => currentSrc(pictures, id);

    beforeAll(async () => {
      writeFileSync(
        join(dir, 'pictures.html'),
        `<!doctype html><picture id="picture"><source media="(min-width: 1px)" srcset="bird.png"><img id="art" src="head.png" style="width: 96px; height: 96px"></picture>`,
      );
      pictures = await browser.context.newPage();
      watchPageProblems(pictures, pageProblems);
      await pictures.goto(`${site.origin}/pictures.html`);
      tab = await tabIdOf(worker, pictures);
    });

    afterAll(() => pictures.close());

    it('a copy of it (a carousel cloning its slide) shows the page\'s file again when it is restored, not a freed result', async () => {
      await expect.poll(() => showing('art')).toBe(`${site.origin}/bird.png`);
      expect(await enhanceById(worker, pictures, tab, 'art', 2)).toMatchObject({ ok: true, images: 1 });
      await pictures.evaluate(() => {
        const copy = document.getElementById('picture')!.cloneNode(true) as HTMLPictureElement;
        copy.querySelector('img')!.id = 'art-copy';
        document.body.append(copy);
      });
      expect(await showing('art-copy')).toBe(await showing('art'));
      expect(await restoreById(worker, pictures, tab, 'art')).toBe(1);
      await expect.poll(() => showing('art-copy')).toBe(`${site.origin}/bird.png`);
      expect(await pictures.evaluate(() => (document.getElementById('art-copy') as HTMLImageElement).naturalWidth)).toBe(48);
      await pictures.evaluate(() => document.getElementById('art-copy')!.parentElement!.remove());
    });

    it('lets go of it when the page adds a <source> that picks another file', async () => {
      expect(await enhanceById(worker, pictures, tab, 'art', 2)).toMatchObject({ ok: true, images: 1 });
      const counts = () => worker.evaluate(async (t) => (await self.enhance.status(t)).counts.enhanced, tab);
      await expect.poll(counts).toBeGreaterThan(0);
      await pictures.evaluate(() => document.getElementById('picture')!.insertAdjacentHTML('afterbegin', '<source media="(min-width: 1px)" srcset="butterfly.png">'));
      await expect.poll(() => showing('art')).toBe(`${site.origin}/butterfly.png`);
      await expect.poll(counts).toBe(0);
    });
  });

  it('enhances images in frames with no URL of their own: srcdoc, and about:blank filled by the page', async () => {
    const frameImg = (id: string) => `<img id="${id}" src="${site.origin}/butterfly.png" style="width: 96px; height: 96px">`;
    const inline = await openSwitchedOn('inline-frames.html', `<!doctype html><iframe id="srcdoc" srcdoc='${frameImg('in-srcdoc')}' style="width: 200px; height: 150px"></iframe>
<iframe id="blank" style="width: 200px; height: 150px"></iframe>
<script>document.getElementById('blank').contentDocument.body.innerHTML = ${JSON.stringify(frameImg('in-blank'))};</script>`);
    const frameShows = (frameId: string, imgId: string) =>
      inline.evaluate(
        ([f, i]) => ((document.getElementById(f) as HTMLIFrameElement).contentDocument?.getElementById(i) as HTMLImageElement | null)?.currentSrc ?? '',
        [frameId, imgId] as const,
      );
    await expect.poll(() => frameShows('srcdoc', 'in-srcdoc'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(() => frameShows('blank', 'in-blank'), { timeout: 60_000 }).toMatch(/^blob:/);
    await leave(inline);
  });

  it("leaves images in text being edited as the page has them, so an editor never saves our blob: URLs into a post", async () => {
    const sized = (id: string, file: string) => `<img id="${id}" src="${file}" style="width: 96px; height: 96px">`;
    const editing = await openSwitchedOn(
      'editor.html',
      `<!doctype html><div id="editor" contenteditable="true"><p>A post</p>${sized('in-editor', 'bird.png')}</div>
<div id="post">${sized('in-post', 'head.png')}</div>${sized('control', 'butterfly.png')}`,
    );
    const shows = (id: string) => currentSrc(editing, id);
    const saved = (id: string) => editing.evaluate((element) => document.getElementById(element)!.innerHTML, id);
    await expect.poll(() => shows('control'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(() => shows('in-post'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await shows('in-editor')).toBe(`${site.origin}/bird.png`);
    expect(await saved('editor')).not.toContain('blob:');

    // Asked for from the menu, it is turned away with a message, and the editor's text stays as it was.
    // The message comes into a live region (role=status) already there, or a screen reader would not read it out;
    // meanwhile it shows nothing, not the ring of a job that never runs.
    await editing.evaluate(() => {
      const arrived: string[] = [];
      (window as unknown as { arrivedWith: string[] }).arrivedWith = arrived;
      new MutationObserver((records) => {
        for (const node of records.flatMap((record) => [...record.addedNodes])) {
          const box = node instanceof Element && node.localName === 'enhance-overlay' ? node.shadowRoot?.querySelector('.box') : undefined;
          if (box) arrived.push(`${node instanceof Element && node.getAttribute('role')}: ${box.getAttribute('aria-hidden') === 'true' ? '' : box.textContent} (shown: ${box.textContent})`);
        }
      }).observe(document.documentElement, { childList: true });
    });
    const editingTab = await tabIdOf(worker, editing);
    const outcome = await enhanceById(worker, editing, editingTab, 'in-editor', 2);
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'editable' } });
    await expect.poll(() => overlayTexts(editing)).toContain(outcome.failure!.message);
    expect(await editing.evaluate(() => (window as unknown as { arrivedWith: string[] }).arrivedWith)).toEqual(['status:  (shown: )']);
    expect(await saved('editor')).not.toContain('blob:');

    // The page makes enhanced text editable (an "Edit" button): once the user is in it, its images are the page's again.
    await editing.evaluate(() => {
      const post = document.getElementById('post')!;
      post.contentEditable = 'true';
      post.focus();
    });
    await expect.poll(() => shows('in-post')).toBe(`${site.origin}/head.png`);
    expect(await saved('post')).not.toContain('blob:');
    expect(await shows('control')).toMatch(/^blob:/);
    await leave(editing);
  });

  it("gives a copy of an enhanced image the page puts into text being edited (a reply quoting a post) the page's file, so an editor never saves our blob: URL", async () => {
    const opened = await openSwitchedOn(
      'quote.html',
      `<!doctype html><div id="post"><img src="bird.png" style="width: 96px; height: 96px"></div><div id="reply" contenteditable="true"></div><div id="draft"></div>`,
    );
    const inner = (id: string) => opened.evaluate((element) => document.getElementById(element)!.innerHTML, id);
    await expect.poll(() => inner('post'), { timeout: 60_000 }).toContain('blob:');
    // Quoted into the editor, and into text the page makes editable later (an "Edit" button).
    await opened.evaluate(() => {
      const post = document.getElementById('post')!.innerHTML;
      document.getElementById('reply')!.innerHTML = post;
      document.getElementById('draft')!.innerHTML = post;
    });
    await expect.poll(() => inner('reply')).toBe('<img src="bird.png" style="width: 96px; height: 96px">');
    await opened.evaluate(() => {
      const draft = document.getElementById('draft')!;
      draft.contentEditable = 'true';
      draft.focus();
    });
    await expect.poll(() => inner('draft')).toBe('<img src="bird.png" style="width: 96px; height: 96px">');
    expect(await inner('post')).toContain('blob:');
    await leave(opened);
  });

  it.each([
    ['auto-enhance', true],
    ['Enhance all with the site off', false],
  ])('%s: enhances an image that was sharp once the screen density rises (browser zoom, another screen)', async (_, on) => {
    const sized = (id: string, file: string) => `<img id="${id}" src="${file}" style="width: 96px; height: 96px">`;
    // The blurry one last: images on screen are queued in page order, so a job for the sharp one would have run before its.
    const zoomed = await openWithSiteSwitch(`density-${on ? 'on' : 'off'}.html`, `<!doctype html>${sized('crisp', 'sharp.png')}${sized('blurry', 'bird.png')}`, on);
    if (!on) {
      await zoomed.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0));
      const tab = await tabIdOf(worker, zoomed);
      expect(await worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'enhance-all' }, { frameId: 0 }), tab)).toEqual({ queued: 1 });
    }
    await expect.poll(() => currentSrc(zoomed, 'blurry'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await currentSrc(zoomed, 'crisp')).toBe(`${site.origin}/sharp.png`);

    // Two device pixels to the CSS pixel: the 96-pixel file now covers half the pixels it is drawn on.
    const cdp = await zoomTo200(zoomed);
    await expect.poll(() => currentSrc(zoomed, 'crisp'), { timeout: 60_000 }).toMatch(/^blob:/);
    await cdp.detach();
    await leave(zoomed);
  });

  // A shadow root's image errors never reach the document: each root that showed a result is listened to.
  it.each(['document', 'shadow root'])("gives a copy the page kept as markup (htmx's history snapshot for Back) in the %s its own file back once our result was freed", async (where) => {
    const app = '<div id="place"><div id="app"><img id="snap" src="bird.png" style="width: 96px; height: 96px"></div></div>';
    const markup =
      where === 'document' ? app : `<div id="host"></div><script>document.getElementById('host').attachShadow({ mode: 'open' }).innerHTML = '${app}';</script>`;
    const kept = await openSwitchedOn(`snapshot-${where.replace(' ', '-')}.html`, `<!doctype html>${markup}`);
    // Run in the page, with `tree` the document or the shadow root that holds the app.
    const inTree = <T>(body: string) => kept.evaluate<T>(`(() => { const tree = document.getElementById('host')?.shadowRoot ?? document; ${body} })()`);
    const shows = () => inTree<string>("return tree.getElementById('snap')?.currentSrc ?? '';");
    await expect.poll(shows, { timeout: 60_000 }).toMatch(/^blob:/);
    const result = await shows();
    // The page leaves for another view: its markup is kept, and the shown image goes, and our result with it.
    await inTree("window.snapshot = tree.getElementById('app').outerHTML; tree.getElementById('app').remove();");
    expect(await shows()).toBe('');
    await expect.poll(() => kept.evaluate((url) => fetch(url).then(() => 'kept', () => 'freed'), result)).toBe('freed');
    // Back: the markup is shown again.
    await inTree("tree.getElementById('place').insertAdjacentHTML('beforeend', window.snapshot);");
    await expect.poll(() => inTree<number>("return tree.getElementById('snap').naturalWidth;"), { timeout: 30_000 }).toBeGreaterThan(0);
    await leave(kept);
  });

  it("Restore original holds for the page's copies of the image too (a carousel's cloned slide): auto-enhance leaves them as put back", async () => {
    const opened = await openSwitchedOn('restore-copies.html', '<!doctype html><img id="slide" src="bird.png" style="width: 96px; height: 96px">');
    await expect.poll(() => currentSrc(opened, 'slide'), { timeout: 60_000 }).toMatch(/^blob:/);
    await opened.evaluate(() => {
      const copy = document.getElementById('slide')!.cloneNode() as HTMLImageElement;
      copy.id = 'copy';
      document.body.append(copy);
    });
    await expect.poll(() => currentSrc(opened, 'copy')).toMatch(/^blob:/);
    // The menu's Restore original, on the copy.
    expect(await restoreById(worker, opened, await tabIdOf(worker, opened), 'copy')).toBeGreaterThan(0);
    const pageFile = `${site.origin}/bird.png`;
    await expect.poll(() => Promise.all([currentSrc(opened, 'slide'), currentSrc(opened, 'copy')])).toEqual([pageFile, pageFile]);
    await staysAfterCachedResult(opened, () => Promise.all([currentSrc(opened, 'slide'), currentSrc(opened, 'copy')]), [pageFile, pageFile]);
    await leave(opened);
  });

  it("looks ahead in a box that scrolls by itself (a shelf, a chat's pane) as in the page: an image just past the box's edge is enhanced before it is scrolled into view, one far past it is not", async () => {
    const shelf = await openSwitchedOn(
      'shelf.html',
      `<!doctype html><div id="shelf" style="width: 300px; overflow-x: auto; white-space: nowrap; font-size: 0">
<img id="first" src="bird.png" style="width: 96px; height: 96px"><span style="display: inline-block; width: 500px"></span><img id="ahead" src="butterfly.png" style="width: 96px; height: 96px"><span style="display: inline-block; width: 3000px"></span><img id="far" src="head.png" style="width: 96px; height: 96px">
</div>`,
    );
    await expect.poll(() => currentSrc(shelf, 'first'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(() => currentSrc(shelf, 'ahead'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The control: nothing scrolled, and the farther image waits for the box to bring it near.
    expect(await shelf.evaluate(() => document.getElementById('shelf')!.scrollLeft)).toBe(0);
    expect(await currentSrc(shelf, 'far')).toBe(`${site.origin}/head.png`);
    await shelf.evaluate(() => document.getElementById('far')!.scrollIntoView());
    await expect.poll(() => currentSrc(shelf, 'far'), { timeout: 60_000 }).toMatch(/^blob:/);
    await leave(shelf);
  });

  it("Restore original holds for an image whose signed link expired: the page's file Enhance kept is shown, and auto-enhance leaves it as put back", async () => {
    const opened = await openSwitchedOn('restore-expired.html', '<!doctype html><img id="expiring" src="expiring/head.png" style="width: 96px; height: 96px">');
    await expect.poll(() => currentSrc(opened, 'expiring'), { timeout: 60_000 }).toMatch(/^blob:/);
    expiredLinks.add('/expiring/head.png');
    expect(await restoreById(worker, opened, await tabIdOf(worker, opened), 'expiring')).toBe(1);
    // The page's file, from a URL of ours: its own link loads nothing now.
    const pageFile = `result ${readPng(join(dir, 'head.png')).width}`;
    await expect.poll(() => fileBehind(opened, 'expiring')).toBe(pageFile);
    await staysAfterCachedResult(opened, () => fileBehind(opened, 'expiring'), pageFile);
    await leave(opened);
  });

  it("Restore original holds for an image with a relative src after the page moves its URL to another folder (an app's router: history.pushState), which changes nothing the image shows", async () => {
    const { opened, pageFile } = await openPutBack('restore-routed.html', '<!doctype html><img id="routed" src="bird.png" style="width: 96px; height: 96px">', 'routed', 'bird.png');
    await opened.evaluate(() => history.pushState(null, '', '/articles/2026/routed'));
    // The control: the markup's URL reads another file now, though the image loaded nothing new.
    expect(await opened.evaluate(() => (document.getElementById('routed') as HTMLImageElement).src)).toBe(`${site.origin}/articles/2026/bird.png`);
    // Every image of the page is looked at again when a setting changes.
    await worker.evaluate(() => chrome.storage.sync.set({ 'setting:cacheLimitBytes': 64 * 1024 * 1024 }));
    await staysAfterCachedResult(opened, () => currentSrc(opened, 'routed'), pageFile);
    await worker.evaluate(() => chrome.storage.sync.remove('setting:cacheLimitBytes'));
    // The same words written again there load the folder's own file: a new picture, taken.
    mkdirSync(join(dir, 'articles/2026'), { recursive: true });
    copyFileSync(join(dir, 'head.png'), join(dir, 'articles/2026/bird.png'));
    await opened.evaluate(() => document.getElementById('routed')!.setAttribute('src', 'bird.png'));
    await expect.poll(() => fileBehind(opened, 'routed'), { timeout: 60_000 }).toMatch(/^result /);
    await leave(opened);
  });

  it('a page that writes the same src again (img.src = img.src, a binding set again) loads nothing new: the result stays, and Restore original holds', async () => {
    const opened = await openSwitchedOn('same-src.html', '<!doctype html><img id="again" src="bird.png" style="width: 96px; height: 96px">');
    await expect.poll(() => currentSrc(opened, 'again'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Every write to the image's srcset from now on (ours: taking the result out, putting one in).
    await opened.evaluate(() => {
      const img = document.getElementById('again') as HTMLImageElement;
      const writes: string[] = [];
      Object.assign(window, { srcsetWrites: writes });
      new MutationObserver((records) => records.forEach(() => writes.push(img.getAttribute('srcset') ?? ''))).observe(img, { attributes: true, attributeFilter: ['srcset'] });
      img.src = img.src;
    });
    // Long enough for a job served from the cache.
    await opened.waitForTimeout(3000);
    expect(await opened.evaluate(() => (window as unknown as { srcsetWrites: string[] }).srcsetWrites)).toEqual([]);
    expect(await currentSrc(opened, 'again')).toMatch(/^blob:/);

    expect(await restoreById(worker, opened, await tabIdOf(worker, opened), 'again')).toBe(1);
    const pageFile = `${site.origin}/bird.png`;
    await expect.poll(() => currentSrc(opened, 'again')).toBe(pageFile);
    await opened.evaluate(() => {
      const img = document.getElementById('again') as HTMLImageElement;
      img.src = img.src;
    });
    await staysAfterCachedResult(opened, () => currentSrc(opened, 'again'), pageFile);
    await leave(opened);
  });

  it('Restore original holds for the element a framework renders in its place (React under a new key): the same markup, left as put back', async () => {
    const { opened, pageFile } = await openPutBack('restore-rerender.html', '<!doctype html><div id="app"><img id="photo" src="bird.png" style="width: 96px; height: 96px"></div>', 'photo', 'bird.png');
    // A new element of the same markup replaces the one put back.
    await opened.evaluate(() => {
      const app = document.getElementById('app')!;
      app.innerHTML = app.innerHTML;
    });
    await expect.poll(() => opened.evaluate(() => (document.getElementById('photo') as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    // Had auto-enhance taken the new element.
    await staysAfterCachedResult(opened, () => currentSrc(opened, 'photo'), pageFile);
    await leave(opened);
  });

  it("Restore original holds for the element a framework renders in place of a restored image, beside an enhanced image of the same file: that one's result stays on its own successor", async () => {
    const { opened, pageFile } = await openPutBack('restore-rerender-pair.html', '<!doctype html><div id="app"><img id="put-back" src="bird.png" style="width: 96px; height: 96px"></div>', 'put-back', 'bird.png');
    // The same picture shown once more, later: it is enhanced, the one put back is not.
    await opened.evaluate(() => document.getElementById('app')!.insertAdjacentHTML('beforeend', '<img id="other" src="bird.png" style="width: 96px; height: 96px">'));
    await expect.poll(() => currentSrc(opened, 'other'), { timeout: 60_000 }).toMatch(/^blob:/);
    const result = await currentSrc(opened, 'other');
    // Both rendered anew in one change.
    await opened.evaluate(() => {
      const app = document.getElementById('app')!;
      app.innerHTML = app.innerHTML;
    });
    await opened.waitForTimeout(1500);
    expect({ putBack: await currentSrc(opened, 'put-back'), other: await currentSrc(opened, 'other') }).toEqual({ putBack: pageFile, other: result });
    await leave(opened);
  });

  it("keeps the result on an enhanced image the page writes out and parses again (`innerHTML +=`, a plain \"load more\"): shown at once, with no job, and put back to the page's markup", async () => {
    const opened = await openSwitchedOn(
      'load-more.html',
      `<!doctype html><div id="list"><img id="item" src="bird.png" style="width: 96px; height: 96px"></div>
<script>
  window.more = () => { document.getElementById('list').innerHTML += '<p>more</p>'; };
</script>`,
    );
    await expect.poll(() => currentSrc(opened, 'item'), { timeout: 60_000 }).toMatch(/^blob:/);
    // The very result, not one made again (a job, even from the cache, makes a new URL).
    const result = await currentSrc(opened, 'item');
    const renewed = await opened.evaluate(() => {
      const old = document.getElementById('item');
      (window as unknown as { more(): void }).more();
      return document.getElementById('item') !== old;
    });
    expect(renewed).toBe(true);
    // Past the task after which the result of an image the page dropped is let go.
    await opened.waitForTimeout(1500);
    expect(await currentSrc(opened, 'item')).toBe(result);
    expect(await restoreById(worker, opened, await tabIdOf(worker, opened), 'item')).toBe(1);
    expect(await markup(opened, 'item')).toBe('<img id="item" src="bird.png" style="width: 96px; height: 96px">');
    await leave(opened);
  });

  it('an element a framework renders anew while its job runs (React under a new key) takes that job\'s result: the file is not downloaded and enhanced a second time', async () => {
    copyFileSync(join(dir, 'bird.png'), join(dir, 'remounted.png'));
    const downloadsBefore = lateDownloads;
    const opened = await openSwitchedOn('remount-mid-job.html', '<!doctype html><div id="app"><img id="photo" src="late/remounted.png" style="width: 96px; height: 96px"></div>');
    // The engine asked for the file (which comes 3 s late): the job runs.
    await expect.poll(() => lateDownloads, { timeout: 30_000 }).toBe(downloadsBefore + 1);
    await opened.evaluate(() => {
      const app = document.getElementById('app')!;
      app.innerHTML = app.innerHTML;
    });
    await expect.poll(() => currentSrc(opened, 'photo'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(lateDownloads).toBe(downloadsBefore + 1);
    await leave(opened);
  });

  it('the site switched off and on again enhances the images the user had put back while it was on (Restore all): the switch says on', async () => {
    const opened = await openSwitchedOn('switched-again.html', '<!doctype html><img id="photo" src="bird.png" style="width: 96px; height: 96px">');
    const tab = await tabIdOf(worker, opened);
    await expect.poll(() => currentSrc(opened, 'photo'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'restore-all' }, { frameId: 0 }), tab)).toEqual({ restored: 1 });
    expect(await currentSrc(opened, 'photo')).toBe(`${site.origin}/bird.png`);
    await switchSite(false);
    // Time for the page's script to hear it (nothing on the page shows it).
    await opened.waitForTimeout(1000);
    await switchSite(true);
    await expect.poll(() => currentSrc(opened, 'photo'), { timeout: 60_000 }).toMatch(/^blob:/);
    await leave(opened);
  });

  it('Restore all holds for an image whose job was running: looked at again (a setting changed), it is left as put back', async () => {
    copyFileSync(join(dir, 'bird.png'), join(dir, 'restored-mid-job.png'));
    const downloadsBefore = lateDownloads;
    const opened = await openSwitchedOn('restore-all-mid-job.html', '<!doctype html><img id="photo" src="late/restored-mid-job.png" style="width: 96px; height: 96px">');
    const tab = await tabIdOf(worker, opened);
    // The engine asked for the file (which comes 3 s late): the job runs.
    await expect.poll(() => lateDownloads, { timeout: 30_000 }).toBe(downloadsBefore + 1);
    expect(await worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'restore-all' }, { frameId: 0 }), tab)).toEqual({ restored: 0 });
    // Every image of the page is looked at again when a setting changes.
    await worker.evaluate(() => chrome.storage.sync.set({ 'setting:cacheLimitBytes': 64 * 1024 * 1024 }));
    // Long enough for another job to ask for the file.
    await opened.waitForTimeout(4000);
    expect(lateDownloads).toBe(downloadsBefore + 1);
    expect(await currentSrc(opened, 'photo')).toBe(`${site.origin}/late/restored-mid-job.png`);
    await worker.evaluate(() => chrome.storage.sync.remove('setting:cacheLimitBytes'));
    await leave(opened);
  });

  it('measures a transformed image by what the transform does: a turned sharp one stays, one a zoom on hover scales up is enhanced', async () => {
    writePng(join(dir, 'wide-192.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 192, 96));
    const moved = await openSwitchedOn(
      'transformed.html',
      `<!doctype html><style>img { margin: 60px; } #zoom { transition: transform 0.2s; } #zoom.hovered { transform: scale(2.5); }</style>
<img id="turned" src="wide-192.png" style="rotate: 90deg"><img id="zoom" src="sharp.png" style="width: 96px; height: 96px"><img id="blurry" src="bird.png" style="width: 96px; height: 96px">`,
    );
    await expect.poll(() => currentSrc(moved, 'blurry'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await currentSrc(moved, 'zoom')).toBe(`${site.origin}/sharp.png`);

    await moved.evaluate(() => document.getElementById('zoom')!.classList.add('hovered'));
    await expect.poll(() => currentSrc(moved, 'zoom'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Turned a quarter, the 192 x 96 file at its own size has a 96 x 192 box on screen: still one
    // pixel to a pixel. (Queued before the blurry one, in page order, had it been wanted.)
    expect(await currentSrc(moved, 'turned')).toBe(`${site.origin}/wide-192.png`);
    await leave(moved);
  });

  it('measures an image a zoom on hover with no transition scales up (no transitionend says so) once the pointer rests on it', async () => {
    copyFileSync(join(dir, 'sharp.png'), join(dir, 'sharp-hover.png'));
    copyFileSync(join(dir, 'sharp.png'), join(dir, 'sharp-hover-shadow.png'));
    const hovered = await openSwitchedOn(
      'hover-instant.html',
      `<!doctype html><style>#zoom:hover { transform: scale(2.5); }</style><img id="zoom" src="sharp-hover.png" style="width: 96px; height: 96px; margin: 120px; display: block"><img id="control" src="bird.png" style="width: 96px; height: 96px">
<x-zoom style="display: block; margin: 120px"></x-zoom>
<script>
  // A component zooming its own image, in its shadow root (the page's hit test reports the host).
  customElements.define('x-zoom', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<style>img:hover { transform: scale(2.5); }</style><img src="sharp-hover-shadow.png" style="width: 96px; height: 96px; display: block">'; }
  });
</script>`,
    );
    await expect.poll(() => currentSrc(hovered, 'control'), { timeout: 60_000 }).toMatch(/^blob:/);
    expect(await currentSrc(hovered, 'zoom')).toBe(`${site.origin}/sharp-hover.png`);
    const zoom = await box(hovered, 'zoom');
    await hovered.mouse.move(zoom.x + zoom.width / 2, zoom.y + zoom.height / 2);
    await expect.poll(() => currentSrc(hovered, 'zoom'), { timeout: 60_000 }).toMatch(/^blob:/);
    const inShadow = () => hovered.evaluate(() => document.querySelector('x-zoom')!.shadowRoot!.querySelector('img')!.currentSrc);
    expect(await inShadow()).toBe(`${site.origin}/sharp-hover-shadow.png`);
    const host = await hovered.evaluate(() => {
      const r = document.querySelector('x-zoom')!.shadowRoot!.querySelector('img')!.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await hovered.mouse.move(host.x, host.y);
    await expect.poll(inShadow, { timeout: 60_000 }).toMatch(/^blob:/);
    await hovered.mouse.move(0, 0);
    await leave(hovered);
  });

  it('measures an image by the transforms of the shadow tree that slots it, and by CSS zoom under a transform', async () => {
    writePng(join(dir, 'wide-192-slotted.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/babyx2.png')), 192, 96));
    const drawn = await openSwitchedOn(
      'slotted-zoomed.html',
      `<!doctype html><x-turn><img id="slotted" src="wide-192-slotted.png"></x-turn>
<div style="zoom: 2"><div style="transform: translateX(4px)"><img id="zoomed" src="head.png" style="width: 48px; height: 48px"></div></div>
<img id="control" src="bird.png" style="width: 96px; height: 96px">
<script>
  customElements.define('x-turn', class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<div style="rotate: 90deg; margin: 60px"><slot></slot></div>'; }
  });
</script>`,
    );
    // Drawn at 96 px by the zoom: 48 pixels need x2.
    await expect.poll(() => currentSrc(drawn, 'zoomed'), { timeout: 60_000 }).toMatch(/^blob:/);
    await expect.poll(() => currentSrc(drawn, 'control'), { timeout: 60_000 }).toMatch(/^blob:/);
    // Nothing left waiting: had the slotted image been wanted, its job would have run by now.
    const tab = await tabIdOf(worker, drawn);
    await expect.poll(() => queuedOn(tab), { timeout: 60_000 }).toBe(0);
    // Turned a quarter by its slot's parent: one pixel to a pixel, as without the turn.
    expect(await currentSrc(drawn, 'slotted')).toBe(`${site.origin}/wide-192-slotted.png`);
    await leave(drawn);
  });

  it('measures a picture that object-fit draws at its own size (none, scale-down) by the CSS zoom and transforms around it', async () => {
    writePng(join(dir, 'fit-none.png'), lrCrop('bird', 48));
    writePng(join(dir, 'fit-down.png'), lrCrop('head', 48));
    const drawn = await openSwitchedOn(
      'fit-stretched.html',
      `<!doctype html><div style="zoom: 2"><img id="none" src="fit-none.png" style="width: 48px; height: 48px; object-fit: none; display: block"></div>
<div style="transform: scale(2); transform-origin: 0 0; margin-top: 20px"><img id="down" src="fit-down.png" style="width: 100px; height: 100px; object-fit: scale-down; display: block"></div>`,
    );
    // Each file's 48 pixels are drawn at 96 CSS px on a 1x screen: x2.
    for (const id of ['none', 'down']) await expect.poll(() => fileBehind(drawn, id), { timeout: 60_000 }).toBe('result 96');
    await leave(drawn);
  });

  it('looks at the images again after a pinch zoom, which draws them larger with the same window and density', async () => {
    writePng(join(dir, 'pinched.png'), lrCrop('butterfly', 96));
    writePng(join(dir, 'pinched-aside.png'), lrCrop('baby', 96));
    // Beside: in the window, out of what the pinch shows (its top left third).
    const pinched = await openSwitchedOn(
      'pinched.html',
      `<!doctype html><body style="margin: 0"><img id="pinched" src="pinched.png" style="width: 96px; height: 96px; display: block"><img id="control" src="bird.png" style="width: 96px; height: 96px; display: block">
<img id="beside" src="pinched-aside.png" style="width: 96px; height: 96px; position: absolute; left: 900px; top: 0"></body>`,
    );
    await expect.poll(() => currentSrc(pinched, 'control'), { timeout: 60_000 }).toMatch(/^blob:/);
    // One pixel to a pixel: left as it is.
    expect(await currentSrc(pinched, 'pinched')).toBe(`${site.origin}/pinched.png`);
    // A pinch to 3x (the page's scale, as a trackpad's pinch sets it): 96 pixels drawn at 288 device pixels need x4.
    const cdp = await pinched.context().newCDPSession(pinched);
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 3 });
    expect(await pinched.evaluate(() => [visualViewport!.scale, devicePixelRatio, innerWidth > 300])).toEqual([3, 1, true]);
    await expect.poll(() => fileBehind(pinched, 'pinched'), { timeout: 60_000 }).toBe('result 384');
    // Nothing left waiting: the image beside, which the pinch does not show, was not wanted.
    const tab = await tabIdOf(worker, pinched);
    await expect.poll(() => queuedOn(tab), { timeout: 60_000 }).toBe(0);
    expect(await fileBehind(pinched, 'beside')).toBe('/pinched-aside.png');
    await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
    await cdp.detach();
    await leave(pinched);
  });

  it('gives an image it enhanced a larger scale when a zoom on hover needs one, and puts the page\'s file back on switching off', async () => {
    const grown = await openSwitchedOn(
      'grows.html',
      `<!doctype html><style>img { margin: 80px; } #grow { transition: transform 0.2s; } #grow.hovered { transform: scale(2.5); }</style>
<img id="grow" src="bird.png" style="width: 96px; height: 96px">`,
    );
    // 48 pixels drawn at 96: x2.
    await expect.poll(() => fileBehind(grown, 'grow'), { timeout: 60_000 }).toBe('result 96');
    // Drawn at 240 now: x4.
    await grown.evaluate(() => document.getElementById('grow')!.classList.add('hovered'));
    await expect.poll(() => fileBehind(grown, 'grow'), { timeout: 60_000 }).toBe('result 192');
    expect(await grown.evaluate(() => document.getElementById('grow')!.getBoundingClientRect().width)).toBe(240);
    await switchSite(false);
    await expect.poll(() => fileBehind(grown, 'grow')).toBe('/bird.png');
    await grown.close();
  });

  /** A page of `html` whose component `tag` holds bird.png at 96 px and zooms it 2.5x when given the class 'hovered': the result follows the zoom. */
  async function resultFollowsComponentZoom(file: string, html: string, tag: string): Promise<void> {
    const grown = await openSwitchedOn(file, html);
    const behind = () =>
      grown.evaluate(async (name) => {
        const img = document.querySelector(name)!.shadowRoot!.querySelector('img')!;
        if (!img.currentSrc.startsWith('blob:')) return img.currentSrc.replace(location.origin, '');
        return `result ${(await createImageBitmap(await (await fetch(img.currentSrc)).blob())).width}`;
      }, tag);
    await expect.poll(behind, { timeout: 60_000 }).toBe('result 96');
    await grown.evaluate((name) => document.querySelector(name)!.classList.add('hovered'), tag);
    await expect.poll(behind, { timeout: 60_000 }).toBe('result 192');
    await switchSite(false);
    await grown.close();
  }

  it('the same for an image in a web component whose host zooms on hover (the transition ends on the host, outside the shadow root)', async () => {
    await resultFollowsComponentZoom(
      'grows-component.html',
      `<!doctype html><style>zoom-card { display: inline-block; margin: 80px; transition: transform 0.2s; } zoom-card.hovered { transform: scale(2.5); }</style>
<zoom-card></zoom-card>
<script>
customElements.define('zoom-card', class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<img src="bird.png" style="width: 96px; height: 96px; display: block">';
  }
});
</script>`,
      'zoom-card',
    );
  });

  it("the same where the image zooms inside the component's shadow root (the transition ends there, and does not leave it)", async () => {
    await resultFollowsComponentZoom(
      'grows-inside-component.html',
      `<!doctype html><style>zoom-inside { display: inline-block; margin: 80px; }</style>
<zoom-inside></zoom-inside>
<script>
customElements.define('zoom-inside', class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<style>img { width: 96px; height: 96px; display: block; transition: transform 0.2s; } :host(.hovered) img { transform: scale(2.5); }</style><img src="bird.png">';
  }
});
</script>`,
      'zoom-inside',
    );
  });

  it('puts the progress ring on a copy of the file in view, not on the first in the page, scrolled away', async () => {
    copyFileSync(join(dir, 'bird.png'), join(dir, 'copied-bird.png'));
    const copies = await openSwitchedOn(
      'ring-on-copy.html',
      `<!doctype html><body style="margin: 0"><img id="top" src="late/copied-bird.png" style="width: 96px; height: 96px; display: block"><div style="height: 1200px"></div>
<img id="bottom" src="late/copied-bird.png" style="width: 96px; height: 96px; display: block"><div style="height: 200px"></div></body>
<script>scrollTo(0, document.body.scrollHeight)</script>`,
    );
    // The top copy is out of view, but near enough to be queued with the other.
    expect(await copies.evaluate(() => document.getElementById('top')!.getBoundingClientRect().bottom < 0)).toBe(true);
    /** The image under the ring's top left corner, while the ring shows. */
    const ringOn = () =>
      copies.evaluate(() => {
        const host = document.querySelector('enhance-overlay');
        if (!host?.checkVisibility()) return null;
        const ring = host.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
        return [...document.images].find((img) => {
          const r = img.getBoundingClientRect();
          return ring.left >= r.left && ring.left < r.right && ring.top >= r.top && ring.top < r.bottom;
        })?.id ?? 'none';
      });
    // The engine's download comes 3 s late: the ring shows after 1 s.
    await expect.poll(ringOn, { timeout: 10_000 }).toBe('bottom');
    await leave(copies);
  });

  it.each([
    ['inside a shadow root (the scroll event does not leave it)', 'scroll-card', '', '<img src="late/ring-bird.png" style="width: 96px; height: 96px; display: block; margin-top: 100px">'],
    ['inside the shadow root of a component the image is slotted into', 'slot-card', '<img src="late/ring-bird.png" style="width: 96px; height: 96px; display: block">', '<div style="height: 100px"></div><slot></slot>'],
  ])("moves an image's progress ring with a scroll %s", async (_, tag, light, inside) => {
    // A file of its own each time: a cached result would come back before any ring shows.
    const file = `${tag}-bird.png`;
    copyFileSync(join(dir, 'bird.png'), join(dir, file));
    const scrolled = await openSwitchedOn(
      `scrolls-${tag}.html`,
      `<!doctype html><${tag}>${light.replace('ring-bird.png', file)}</${tag}>
<script>
customElements.define('${tag}', class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<div id="scroller" style="height: 300px; overflow: auto">${inside.replace('ring-bird.png', file)}<div style="height: 1000px"></div></div>';
  }
});
</script>`,
    );
    const ringTop = () => scrolled.evaluate(() => document.querySelector('enhance-overlay')?.getBoundingClientRect().top ?? null);
    // The engine's download comes 3 s late: the ring shows after 1 s.
    await expect.poll(ringTop, { timeout: 10_000 }).not.toBeNull();
    const before = (await ringTop())!;
    await scrolled.evaluate((name) => {
      document.querySelector(name)!.shadowRoot!.getElementById('scroller')!.scrollTop = 60;
    }, tag);
    await expect.poll(ringTop).toBe(before - 60);
    await leave(scrolled);
  });

  it.each([
    ['fixed', 'position: fixed; top: 120px; left: 40px'],
    ['sticky', 'position: sticky; top: 120px; margin-top: 120px'],
  ])("keeps an image's progress ring on it when the page scrolls and the image, %s, stays in place", async (kind, style) => {
    // A file of its own each time: a cached result would come back before any ring shows.
    const file = `${kind}-bird.png`;
    copyFileSync(join(dir, 'bird.png'), join(dir, file));
    const page = await openSwitchedOn(
      `stays-${kind}.html`,
      `<!doctype html><body style="margin: 0"><img id="stays" src="late/${file}" style="${style}; width: 96px; height: 96px; display: block"><div style="height: 3000px"></div></body>`,
    );
    const ringFromImage = () =>
      page.evaluate(() => {
        const ring = document.querySelector('enhance-overlay')?.getBoundingClientRect();
        const img = document.getElementById('stays')!.getBoundingClientRect();
        return ring ? { top: ring.top - img.top, left: ring.left - img.left } : null;
      });
    // The engine's download comes 3 s late: the ring shows after 1 s.
    await expect.poll(ringFromImage, { timeout: 10_000 }).not.toBeNull();
    const before = (await ringFromImage())!;
    await page.evaluate(() => window.scrollTo(0, 400));
    // A frame or two for the ring to follow, had it to move.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await page.evaluate(() => document.getElementById('stays')!.getBoundingClientRect().top)).toBe(120);
    expect(await ringFromImage()).toEqual(before);
    await leave(page);
  });

  it('gives an image that joins a running job for a smaller scale the scale it needs once that job ends', async () => {
    // 400 px of a photo: seconds of work at x2 on these cores, time for another image to join.
    writePng(join(dir, 'joins.png'), cropTo(readPng(join(BENCH, 'Urban100/HR/img_020.png')), 400, 400));
    const joined = await openSwitchedOn('joins.html', `<!doctype html><img id="first" src="joins.png" style="width: 800px; display: block">`);
    await expect.poll(() => overlayTexts(joined), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
    // Drawn at four times its pixels: it joins the x2 job under way, and needs x4.
    await joined.evaluate(() => document.body.insertAdjacentHTML('afterbegin', '<img id="second" src="joins.png" style="width: 1600px; display: block">'));
    await expect.poll(() => fileBehind(joined, 'first'), { timeout: 60_000 }).toBe('result 800');
    await expect.poll(() => fileBehind(joined, 'second'), { timeout: 120_000 }).toBe('result 1600');
    await leave(joined);
  });

  it('lets go of every result a virtual list recycles in one go, and enhances the files it gave them', async () => {
    writePng(join(dir, 'recycled-next.png'), lrCrop('butterfly', 48));
    const ids = ['r0', 'r1', 'r2', 'r3'];
    const list = await openSwitchedOn('recycled.html', `<!doctype html>${ids.map((id) => `<img id="${id}" src="bird.png" style="width: 96px; height: 96px">`).join('')}`);
    for (const id of ids) await expect.poll(() => fileBehind(list, id), { timeout: 60_000 }).toBe('result 96');
    const before = await Promise.all(ids.map((id) => currentSrc(list, id)));
    // One task, four new sources: one batch of changes.
    await list.evaluate(() => {
      for (const img of document.querySelectorAll('img')) img.src = 'recycled-next.png';
    });
    for (const [i, id] of ids.entries()) {
      await expect.poll(() => currentSrc(list, id), { timeout: 60_000 }).toMatch(/^blob:/);
      expect(await currentSrc(list, id)).not.toBe(before[i]);
      expect(await list.evaluate((imgId) => document.getElementById(imgId)!.getAttribute('src'), id)).toBe('recycled-next.png');
    }
    await leave(list);
  });

  it('gives the farthest automatic results back once those far from view pass 30 screenfuls of pixels, and enhances them again when they come near', async () => {
    writePng(join(dir, 'feed-photo.png'), cropTo(readPng(join(BENCH, 'Urban100/HR/img_020.png')), 400, 400));
    const ids = Array.from({ length: 10 }, (_, i) => `f${i}`);
    // Each result 800x800 (0.64 MP); in a 320x240 window 30 screenfuls are 2.3 MP: four far results are too many.
    const feed = await openSwitchedOn('far-feed.html', `<!doctype html><body style="margin: 0">${ids.map((id, i) => `<img id="${id}" src="feed-photo.png?${i}" style="width: 800px; height: 800px; display: block">`).join('')}`);
    await feed.setViewportSize({ width: 320, height: 240 });
    // The same bytes under ten URLs: one inference, then the engine's cache.
    for (const [i, id] of ids.entries()) {
      await feed.evaluate((y) => window.scrollTo(0, y), i * 800);
      await expect.poll(() => fileBehind(feed, id), { timeout: 90_000 }).toBe('result 800');
    }
    // Seven results far above: the four farthest went back to the page's file, the three nearest stay.
    await expect.poll(() => Promise.all(ids.slice(0, 7).map((id) => fileBehind(feed, id)))).toEqual([
      '/feed-photo.png?0',
      '/feed-photo.png?1',
      '/feed-photo.png?2',
      '/feed-photo.png?3',
      'result 800',
      'result 800',
      'result 800',
    ]);
    await feed.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(() => fileBehind(feed, 'f0'), { timeout: 60_000 }).toBe('result 800');
    await leave(feed);
  });

  it('Enhance x2 from the menu on a thumbnail leaves a larger copy of its file (a hero) on its x4 result', async () => {
    const opened = await openSwitchedOn('hero-thumb.html', '<!doctype html><img id="hero" src="bird.png" style="width: 192px; height: 192px"><img id="thumb" src="bird.png" style="width: 60px; height: 60px">');
    await expect.poll(() => fileBehind(opened, 'hero'), { timeout: 60_000 }).toBe('result 192');
    // Shown at 1.25 times its pixels, the thumbnail is left to the user, who asks for x2 on it.
    expect(await fileBehind(opened, 'thumb')).toBe('/bird.png');
    await opened.hover('#thumb');
    const outcome = await enhanceById(worker, opened, await tabIdOf(worker, opened), 'thumb', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect(await fileBehind(opened, 'thumb')).toBe('result 96');
    expect(await fileBehind(opened, 'hero')).toBe('result 192');
    await leave(opened);
  });

  it("Enhance x2 from the menu on the page's copy of a hero's x4 result (a lightbox given our URL as its src) runs its one job, not one after another", async () => {
    // Counted by the engine's downloads of its file (a job's first step): the file's own page, switched on too, has jobs of its own.
    mkdirSync(join(dir, 'slides'), { recursive: true });
    writePng(join(dir, 'slides', 'hero-bird.png'), lrCrop('bird', 48));
    const opened = await openSwitchedOn('hero-lightbox.html', '<!doctype html><img id="hero" src="slide/hero-bird.png" style="width: 192px; height: 192px"><img id="zoom" style="width: 60px; height: 60px">');
    await expect.poll(() => fileBehind(opened, 'hero'), { timeout: 60_000 }).toBe('result 192');
    await opened.evaluate(() => ((document.getElementById('zoom') as HTMLImageElement).src = (document.getElementById('hero') as HTMLImageElement).currentSrc));
    await expect.poll(() => opened.evaluate(() => (document.getElementById('zoom') as HTMLImageElement).complete)).toBe(true);
    await opened.hover('#zoom');
    const before = slideDownloads;
    const outcome = await enhanceById(worker, opened, await tabIdOf(worker, opened), 'zoom', 2);
    expect(outcome.ok, JSON.stringify(outcome.failure)).toBe(true);
    // The job itself downloaded the file: a job after it would too.
    expect(slideDownloads).toBeGreaterThan(before);
    const ran = slideDownloads;
    await opened.waitForTimeout(3000);
    expect(slideDownloads).toBe(ran);
    expect(await fileBehind(opened, 'hero')).toBe('result 192');
    await leave(opened);
  });

  it("Enhance from the menu on an image whose automatic job runs stops that job: the user's does not wait for it, and it is not run twice", async () => {
    // A job of seconds (x2 on 360 x 288): a second run is a second inference.
    copyFileSync(join(BENCH, 'Set14/LR_bicubic/X2/barbarax2.png'), join(dir, 'slow.png'));
    const opened = await openCountingInferences('slow-job.html', '<!doctype html><img id="slow" src="slow.png" style="width: 720px" alt="slow">');
    const openedTab = await tabIdOf(worker, opened);
    // Its automatic job is under way: its ring shows its first tile done (of four).
    await expect.poll(() => overlayTexts(opened), { timeout: 60_000 }).toContain('Enhancing 25%');
    // Each text the rings show from now on, as it changes.
    await opened.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { ringTexts: string[] }).ringTexts = seen;
      const sample = () => {
        const text = [...document.querySelectorAll('enhance-overlay')].map((host) => host.shadowRoot?.querySelector('.box')?.textContent ?? '').join(' | ');
        if (text !== '' && text !== seen.at(-1)) seen.push(text);
        requestAnimationFrame(sample);
      };
      sample();
    });
    const before = await inferences();
    const outcome = await enhanceById(worker, opened, openedTab, 'slow', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect((await inferences()) - before).toBe(1);
    // The user's job ran from its first tile: a job that joined the automatic one would have gone on from where it was.
    const texts = await opened.evaluate(() => (window as unknown as { ringTexts: string[] }).ringTexts);
    const restarted = texts.indexOf('Enhancing 0%');
    expect(restarted, texts.join(', ')).toBeGreaterThanOrEqual(0);
    expect(texts.slice(restarted), texts.join(', ')).toContain('Enhancing 25%');
    await leaveCounting(opened);
  });

  it('walks the page once for a burst of looks while a job no image waits for runs, not once per image', async () => {
    // A job of seconds (x2 on 360 x 288) whose image stops needing it (drawn at its own size): it
    // still shows the file, so the job goes on. Then forty sharp images are looked at (resized).
    copyFileSync(join(BENCH, 'Set14/LR_bicubic/X2/barbarax2.png'), join(dir, 'left-slow.png'));
    const sharp = Array.from({ length: 40 }, (_, i) => `<img class="sharp" src="head.png?i=${i}" style="width: 40px; height: 40px">`).join('');
    const opened = await openCountingInferences('left-job.html', `<!doctype html><img id="left" src="left-slow.png" style="width: 720px">${sharp}`);
    await expect.poll(() => overlayTexts(opened), { timeout: 60_000 }).toContain('Enhancing 25%');
    await opened.evaluate(() => (document.getElementById('left')!.style.width = '360px'));
    // The content script's walks of the page (each starts a tree walker, in its own world).
    const { evaluate: inOurWorld, detach } = await inEnhanceWorld(opened);
    await opened.waitForTimeout(500);
    await inOurWorld(`{
      const walker = Document.prototype.createTreeWalker;
      globalThis.walks = 0;
      Document.prototype.createTreeWalker = function (...args) {
        globalThis.walks++;
        return walker.apply(this, args);
      };
    }`);
    await opened.evaluate(() => document.querySelectorAll<HTMLImageElement>('.sharp').forEach((img) => (img.style.width = img.style.height = '44px')));
    await opened.waitForTimeout(1000);
    const { result } = await inOurWorld('globalThis.walks');
    // At least the one: the burst was looked at, and the count sees the script's walks.
    expect(result.value).toBeGreaterThanOrEqual(1);
    expect(result.value).toBeLessThanOrEqual(5);
    await detach();
    await leaveCounting(opened);
  });

  /**
   * Slides s{first}..s{first + 2}.png under /slide/, each another crop: jobs of seconds (x2 on about
   * 360 x 288, the quality model) where slides of 3 s would start a job the next one stopped.
   */
  function writeSlides(first: number): void {
    mkdirSync(join(dir, 'slides'), { recursive: true });
    const barbara = readPng(join(BENCH, 'Set14/LR_bicubic/X2/barbarax2.png'));
    for (let i = first; i < first + 3; i++) writePng(join(dir, 'slides', `s${i}.png`), cropTo(barbara, 360 - 8 * i, 288 - 8 * i));
  }

  /**
   * A slideshow of a new slide every 3 s (its timer `slideTimer`): after its first download, at most
   * one more in four slides (one cut after running only briefly); paused, its slide is enhanced.
   */
  async function expectHeldUntilPaused(show: Page, shownSrc: () => Promise<string>): Promise<void> {
    // Its first download (the counter is the lightbox test's too, which ran before).
    const earlier = slideDownloads;
    await expect.poll(() => slideDownloads, { timeout: 30_000 }).toBeGreaterThan(earlier);
    const before = slideDownloads;
    await show.waitForTimeout(12_000);
    expect(slideDownloads - before).toBeLessThanOrEqual(1);
    await show.evaluate(() => clearInterval((window as unknown as { slideTimer: number }).slideTimer));
    await expect.poll(shownSrc, { timeout: 120_000 }).toMatch(/^blob:/);
    await leaveCounting(show);
  }

  it('leaves a slideshow whose slides change before their jobs end, once one was cut short, until a slide holds (paused on hover), then enhances it', async () => {
    writeSlides(0);
    const show = await openCountingInferences(
      'slideshow.html',
      `<!doctype html><img id="slide" src="slide/s0.png" style="width: 720px">
<script>
  let shown = 0;
  window.slideTimer = setInterval(() => { document.getElementById('slide').src = 'slide/s' + (++shown % 3) + '.png'; }, 3000);
</script>`,
    );
    await expectHeldUntilPaused(show, () => currentSrc(show, 'slide'));
  });

  it('leaves a slideshow that renders each slide as a new element (a framework keyed by slide) the same way, until a slide holds, then enhances it', async () => {
    // Slides of their own: none in the cache from the test before.
    writeSlides(3);
    const show = await openCountingInferences(
      'slideshow-elements.html',
      `<!doctype html><div id="stage"><img src="slide/s3.png" style="width: 720px"></div>
<script>
  let shown = 0;
  window.slideTimer = setInterval(() => {
    const next = document.createElement('img');
    next.src = 'slide/s' + (3 + (++shown % 3)) + '.png';
    next.style.width = '720px';
    document.getElementById('stage').replaceChildren(next);
  }, 3000);
</script>`,
    );
    await expectHeldUntilPaused(show, () => show.evaluate(() => document.querySelector<HTMLImageElement>('#stage img')!.currentSrc));
  });

  it('left no unhandled errors or Enhance console noise on the page', () => {
    expect(pageProblems).toEqual([]);
  });
});

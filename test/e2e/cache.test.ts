/**
 * Issue 4, the engine side, end to end: results are cached in the extension's storage (and
 * survive a browser restart), the cache limit and "clear" are honoured, and animated images are
 * refused before any model runs. A small site of its own: the restart needs a kept profile folder.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheUsage, EngineInfo, EngineRequest } from '../../src/shared/protocol';
import { DEFAULT_SETTINGS, settingItems, type Settings } from '../../src/shared/settings';
import { BENCH } from './fixtures';
import { launchWithExtension, ROOT, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer } from './harness';
import { enhanceById, imagesSettled, markup, overlayTexts, restoreById, shownPixels } from './page-helpers';

let siteDir: string;
let profileDir: string;
let site: FixtureServer;
let browser: ExtensionBrowser | undefined;
let page: Page;
let tabId: number;

async function openBrowser(): Promise<ExtensionBrowser> {
  const opened = await launchWithExtension({ userDataDir: profileDir });
  page = await opened.context.newPage();
  await page.goto(`${site.origin}/index.html`);
  await imagesSettled(page);
  tabId = await tabIdOf(opened.worker, page);
  return opened;
}

beforeAll(async () => {
  siteDir = mkdtempSync(join(tmpdir(), 'enhance-cache-site-'));
  profileDir = mkdtempSync(join(tmpdir(), 'enhance-cache-profile-'));
  copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'), join(siteDir, 'bird.png'));
  copyFileSync(join(import.meta.dirname, 'files/animated.gif'), join(siteDir, 'animated.gif'));
  writeFileSync(
    join(siteDir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Enhance cache</title></head><body>
<img id="bird" src="bird.png" style="width: 288px" alt="bird">
<img id="animated" src="animated.gif" style="width: 256px" alt="animated GIF">
</body></html>
`,
  );
  site = await serveFolder(siteDir);
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(siteDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

function live(): ExtensionBrowser {
  if (!browser) throw new Error('no browser');
  return browser;
}

async function engine(): Promise<EngineInfo> {
  const info = await live().worker.evaluate(async () => (await self.enhance.status()).engine);
  if (!info) throw new Error('the engine is not running');
  return info;
}

/** Asks the offscreen engine directly, as the service worker's own cache requests do. */
function askEngine(type: 'cache-usage' | 'clear-cache'): Promise<CacheUsage> {
  const request: EngineRequest = { target: 'offscreen', type };
  return live().worker.evaluate((message) => chrome.runtime.sendMessage(message), request);
}

/** Stores `patch` and defaults for the rest, as items of their own (what the options page saved before stays out). */
function setSettings(patch: Partial<Settings>): Promise<void> {
  return live().worker.evaluate(async (items) => {
    await chrome.storage.sync.remove(Object.keys(await chrome.storage.sync.get(null)).filter((key) => key === 'settings' || key.startsWith('setting:')));
    await chrome.storage.sync.set(items);
  }, settingItems({ ...DEFAULT_SETTINGS, ...patch }, Object.keys(patch) as Array<keyof Settings>));
}

/** Writes a page of the site, opens it in a new tab and waits for its images. */
async function openSitePage(file: string, html: string): Promise<{ page: Page; tabId: number }> {
  writeFileSync(join(siteDir, file), html);
  const opened = await live().context.newPage();
  await opened.goto(`${site.origin}/${file}`);
  await imagesSettled(opened);
  return { page: opened, tabId: await tabIdOf(live().worker, opened) };
}

/** Enhances the bird from its original: a restore first, when it shows a result. */
async function enhanceBird(): Promise<void> {
  await restoreById(live().worker, page, tabId, 'bird');
  // The restore has the browser choose the source again: until it has, currentSrc may read ''.
  await page.waitForFunction(() => /\/bird\.png$/.test((document.getElementById('bird') as HTMLImageElement).currentSrc));
  const outcome = await enhanceById(live().worker, page, tabId, 'bird', 4);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: 288, height: 288 });
}

describe('the result cache', () => {
  let firstPixels: Buffer;
  let measuredAt: number | undefined;

  it('enhancing the same image twice runs the model once, and the cached result has the same pixels', async () => {
    await enhanceBird();
    // Chrome's offscreen document is cross-origin isolated, so ORT gets threads, and runs in its proxy worker.
    expect(await engine()).toMatchObject({ inferences: 1, cacheHits: 0, crossOriginIsolated: true, wasmThreads: 2, wasmInWorker: true });
    firstPixels = Buffer.from((await shownPixels(page, 'bird')).data);

    await enhanceBird();
    expect(await engine()).toMatchObject({ inferences: 1, cacheHits: 1 });
    expect(Buffer.from((await shownPixels(page, 'bird')).data).equals(firstPixels)).toBe(true);

    const usage = await askEngine('cache-usage');
    expect(usage.entries).toBe(1);
    expect(usage.bytes).toBeGreaterThan(1000);
  });

  it("measured the device once for the 'auto' profile (the default)", async () => {
    const { benchmark, autoProfile } = await engine();
    expect(benchmark).toMatchObject({ backend: 'wasm', device: 'wasm' });
    expect(benchmark?.msPerMegapixelQuality).toBeGreaterThan(0);
    expect(['quality', 'fast']).toContain(autoProfile);
    console.info(`device benchmark: ${Math.round(benchmark?.msPerMegapixelQuality ?? 0)} ms per megapixel on WASM, 'auto' means ${autoProfile}`);
    measuredAt = benchmark?.measuredAt;
  });

  it('keeps results and the device benchmark across a browser restart', async () => {
    await live().close();
    browser = undefined;
    browser = await openBrowser();
    await enhanceBird();
    const info = await engine();
    expect(info).toMatchObject({ inferences: 0, cacheHits: 1 });
    expect(info.benchmark?.measuredAt).toBe(measuredAt);
    expect(Buffer.from((await shownPixels(page, 'bird')).data).equals(firstPixels)).toBe(true);
  });

  it('measures the device again when an update ships another quality model than the one it timed', async () => {
    const registry = JSON.parse(readFileSync(join(ROOT, 'models/models.json'), 'utf8')) as { models: Array<{ profile: string; scale: number; sha256: string }> };
    const timed = registry.models.find((m) => m.profile === 'quality' && m.scale === 2)?.sha256;
    expect((await engine()).benchmark?.modelSha256).toBe(timed);
    // The engine's database, as an older version would have left it: the benchmark of another model.
    await live().worker.evaluate(async () => {
      await chrome.offscreen.closeDocument();
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const opening = indexedDB.open('enhance-engine');
        opening.onsuccess = () => resolve(opening.result);
        opening.onerror = () => reject(opening.error);
      });
      await new Promise<void>((resolve, reject) => {
        const meta = db.transaction('meta', 'readwrite').objectStore('meta');
        // The benchmark of the device the job ran on: WASM here.
        const read = meta.get('device-benchmark:wasm');
        read.onsuccess = () => {
          meta.put({ ...read.result, modelSha256: 'the quality model before the update' }, 'device-benchmark:wasm').onsuccess = () => resolve();
        };
        read.onerror = () => reject(read.error);
      });
      db.close();
    });
    await enhanceBird();
    const { benchmark } = await engine();
    expect(benchmark?.modelSha256).toBe(timed);
    expect(benchmark?.measuredAt).toBeGreaterThan(measuredAt ?? Infinity);
  });

  it('clear-cache empties it, and the next job runs the model', async () => {
    expect(await askEngine('clear-cache')).toEqual({ entries: 0, bytes: 0 });
    expect(await askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    const before = await engine();
    await enhanceBird();
    expect(await engine()).toMatchObject({ inferences: before.inferences + 1, cacheHits: before.cacheHits });
    expect((await askEngine('cache-usage')).entries).toBe(1);
  });

  it("takes cache orders from the extension alone: a content script's (it runs in the page's renderer) is not heard", async () => {
    const usage = await askEngine('cache-usage');
    expect(usage.entries).toBeGreaterThan(0);
    // Sent from this tab's content-script world, as a compromised page could.
    const fromPage = (message: EngineRequest) =>
      live().worker.evaluate(
        ([tab, sent]) => chrome.scripting.executeScript({ target: { tabId: tab, frameIds: [0] }, func: (m: EngineRequest) => chrome.runtime.sendMessage(m).catch(() => undefined), args: [sent] }),
        [tabId, message] as const,
      );
    await fromPage({ target: 'offscreen', type: 'clear-cache' });
    await fromPage({ target: 'offscreen', type: 'trim-cache', limitBytes: 0 });
    expect(await askEngine('cache-usage')).toEqual(usage);
  });

  it("keeps to the user's limit whatever a content script's job says: a page can neither empty the cache nor grow it past the limit", async () => {
    // A job sent from this tab's content-script world, as a compromised page could, with a cache limit of its own.
    const jobFromPage = (cacheLimitBytes: number) => {
      const job = { type: 'job', srcUrl: `${site.origin}/bird.png`, scale: 2, settings: { ...DEFAULT_SETTINGS, cacheLimitBytes } };
      return live().worker.evaluate(async ([tab, sent]) => {
        const [{ result }] = await chrome.scripting.executeScript({
          target: { tabId: tab, frameIds: [0] },
          func: async (request: object) => {
            await chrome.runtime.sendMessage({ type: 'start-engine' });
            return new Promise<string>((resolve) => {
              const port = chrome.runtime.connect({ name: 'enhance-job' });
              port.onMessage.addListener((event: { type: string }) => {
                if (event.type === 'done' || event.type === 'failed') resolve(event.type);
              });
              port.onDisconnect.addListener(() => resolve('disconnected'));
              port.postMessage(request);
            });
          },
          args: [sent],
        });
        return result;
      }, [tabId, job] as const);
    };
    const usage = await askEngine('cache-usage');
    expect(usage.entries).toBeGreaterThan(0);
    // A limit of 0 would have evicted every site's results.
    expect(await jobFromPage(0)).toBe('done');
    expect(await askEngine('cache-usage')).toEqual(usage);
    // A limit of one byte, saved (the cache trimmed to nothing), then a fresh engine: a page's job
    // saying a terabyte must not have its result stored.
    await setSettings({ cacheLimitBytes: 1 });
    await expect.poll(() => askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await live().worker.evaluate(() => chrome.offscreen.closeDocument());
    expect(await jobFromPage(1e12)).toBe('done');
    expect(await askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await setSettings({});
  });

  it('a damaged stored result (cut short, or not a PNG) is computed again, not shown broken on the page', async () => {
    for (const damage of ['cut short', 'not a PNG'] as const) {
      // The engine's database as a crash mid-write or a disk cleaner leaves it: the entry listed, its bytes wrong.
      await live().worker.evaluate(async (how) => {
        await chrome.offscreen.closeDocument().catch(() => undefined);
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const opening = indexedDB.open('enhance-engine');
          opening.onsuccess = () => resolve(opening.result);
          opening.onerror = () => reject(opening.error);
        });
        const results = db.transaction('results', 'readonly').objectStore('results');
        const entries = await new Promise<Array<[IDBValidKey, { png: Blob }]>>((resolve) => {
          const keys = results.getAllKeys();
          const values = results.getAll();
          values.onsuccess = () => resolve(keys.result.map((key, i) => [key, values.result[i] as { png: Blob }]));
        });
        const write = db.transaction('results', 'readwrite');
        for (const [key, value] of entries) {
          const png = how === 'cut short' ? value.png.slice(0, value.png.size / 2, 'image/png') : new Blob(['not a picture'], { type: 'image/png' });
          write.objectStore('results').put({ ...value, png }, key);
        }
        await new Promise((resolve) => (write.oncomplete = resolve));
        db.close();
      }, damage);
      await enhanceBird();
      expect(await engine(), damage).toMatchObject({ inferences: 1, cacheHits: 0 });
      expect(Buffer.from((await shownPixels(page, 'bird')).data).equals(firstPixels), damage).toBe(true);
    }
  });

  it('a cache limit of 0 stores nothing and drops what was kept', async () => {
    await setSettings({ cacheLimitBytes: 0 });
    const before = await engine();
    await enhanceBird();
    await enhanceBird();
    expect(await engine()).toMatchObject({ inferences: before.inferences + 2, cacheHits: before.cacheHits });
    expect(await askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await setSettings({});
  });
});

describe('animated images', () => {
  it('an animated GIF fails with "animated", runs no model, and the page is left as it was', async () => {
    const before = await markup(page, 'animated');
    const { inferences } = await engine();
    const outcome = await enhanceById(live().worker, page, tabId, 'animated', 2);
    expect(outcome.ok).toBe(false);
    expect(outcome.failure?.code).toBe('animated');
    expect(await markup(page, 'animated')).toBe(before);
    expect((await engine()).inferences).toBe(inferences);
  });
});

describe('a file the server replaces', () => {
  it('is enhanced from its new bytes, not from a copy the engine fetched before', async () => {
    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/headx4.png'), join(siteDir, 'changing.png'));
    const { page: other, tabId: otherTab } = await openSitePage('changing.html', '<!doctype html><img id="changing" src="changing.png" style="width: 280px">');
    const first = await enhanceById(live().worker, other, otherTab, 'changing', 4);
    expect(first, JSON.stringify(first.failure)).toMatchObject({ ok: true, width: 280 });

    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'), join(siteDir, 'changing.png'));
    await other.reload();
    await imagesSettled(other);
    // The premise: the page itself shows the new file (72 pixels wide, the old one 70).
    expect(await other.evaluate(() => (document.getElementById('changing') as HTMLImageElement).naturalWidth)).toBe(72);
    const second = await enhanceById(live().worker, other, otherTab, 'changing', 4);
    expect(second, JSON.stringify(second.failure)).toMatchObject({ ok: true, width: 288 });
    await other.close();
  });
});

describe('the same bytes under another URL', () => {
  it('come from the cache: pages make new blob: URLs and signed links for the same file', async () => {
    await enhanceBird();
    const { page: other, tabId: otherTab } = await openSitePage('copy.html', '<!doctype html><img id="copy" src="bird.png?signature=2" style="width: 288px">');
    const before = await engine();
    const outcome = await enhanceById(live().worker, other, otherTab, 'copy', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, width: 288 });
    expect(await engine()).toMatchObject({ inferences: before.inferences, cacheHits: before.cacheHits + 1 });
    await other.close();
  });

  it("are computed again for another site's page: a result served from the cache would tell that page, by its speed, what the user enhanced elsewhere", async () => {
    await enhanceBird();
    const otherSite = await serveFolder(siteDir, 'localhost');
    try {
      const other = await live().context.newPage();
      await other.goto(`${otherSite.origin}/index.html`);
      await imagesSettled(other);
      const otherTab = await tabIdOf(live().worker, other);
      const before = await engine();
      const first = await enhanceById(live().worker, other, otherTab, 'bird', 4);
      expect(first, JSON.stringify(first.failure)).toMatchObject({ ok: true, width: 288 });
      expect(await engine()).toMatchObject({ inferences: before.inferences + 1, cacheHits: before.cacheHits });
      // That site's own revisit is served from its part of the cache.
      await restoreById(live().worker, other, otherTab, 'bird');
      const again = await enhanceById(live().worker, other, otherTab, 'bird', 4);
      expect(again, JSON.stringify(again.failure)).toMatchObject({ ok: true, width: 288 });
      expect(await engine()).toMatchObject({ inferences: before.inferences + 1, cacheHits: before.cacheHits + 1 });
      await other.close();
    } finally {
      await otherSite.close();
    }
  });
});

describe('the options page', () => {
  it('frees the space at once when the cache limit is lowered', async () => {
    await enhanceBird();
    expect((await askEngine('cache-usage')).entries).toBeGreaterThan(0);
    const options = await live().context.newPage();
    await options.goto(`chrome-extension://${new URL(live().worker.url()).host}/src/options/options.html`);
    await expect.poll(() => options.getByLabel(/Keep enhanced images/).inputValue()).not.toBe('');
    await options.getByLabel(/Keep enhanced images/).fill('0');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.locator('#cache-usage').textContent()).toBe('0 images, 0 MB');
    expect(await askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await options.close();
    await setSettings({});
  });
});

describe('a limit lowered on another device', () => {
  it('frees the space here at once when the change arrives through sync', async () => {
    await enhanceBird();
    expect((await askEngine('cache-usage')).entries).toBeGreaterThan(0);
    // What sync writes here: the item alone, with no options page open on this device.
    await live().worker.evaluate(() => chrome.storage.sync.set({ 'setting:cacheLimitBytes': 0 }));
    await expect.poll(() => askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    // Raised again (the default): the engine hears of it with no trim, and keeps results again.
    await setSettings({});
    await expect
      .poll(async () => {
        await enhanceBird();
        return (await askEngine('cache-usage')).entries;
      }, { timeout: 30_000 })
      .toBe(1);
  });

  it('frees it too when a device still on an older Enhance lowers it in the one item that version keeps', async () => {
    await live().worker.evaluate(() => chrome.storage.sync.set({ settings: { version: 1, cacheLimitBytes: 1_000_000_000 } }));
    await enhanceBird();
    expect((await askEngine('cache-usage')).entries).toBeGreaterThan(0);
    await live().worker.evaluate(() => chrome.storage.sync.set({ settings: { version: 1, cacheLimitBytes: 0 } }));
    await expect.poll(() => askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await setSettings({});
  });
});

describe('a limit of 0 saved while a job runs', () => {
  it('keeps that job\'s result out of the cache too, not only the next ones\'', async () => {
    // Small tiles of the quality model: a job of some seconds, still running when the limit changes.
    await setSettings({ profile: 'quality', maxTile: 64 });
    await enhanceBird();
    await askEngine('clear-cache');
    copyFileSync(join(BENCH, 'Set14/LR_bicubic/X4/monarchx4.png'), join(siteDir, 'monarch.png'));
    const { page: slow, tabId: slowTab } = await openSitePage('zero.html', '<!doctype html><img id="monarch" src="monarch.png" style="width: 768px">');
    const job = enhanceById(live().worker, slow, slowTab, 'monarch', 4);
    await expect.poll(() => overlayTexts(slow), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/Enhancing [1-9]/));
    // What the options page's Save does: the setting, then the trim.
    await setSettings({ profile: 'quality', maxTile: 64, cacheLimitBytes: 0 });
    const trim: EngineRequest = { target: 'offscreen', type: 'trim-cache', limitBytes: 0 };
    expect(await live().worker.evaluate((message) => chrome.runtime.sendMessage(message), trim)).toEqual({ entries: 0, bytes: 0 });
    expect(await job).toMatchObject({ ok: true, images: 1 });
    expect(await askEngine('cache-usage')).toEqual({ entries: 0, bytes: 0 });
    await slow.close();
    await setSettings({});
  });
});

describe('a job whose page closes', () => {
  it('stops at its next tile: it stores nothing, and the next tab does not wait for it', async () => {
    // Small tiles of the quality model: many steps, so the job is still running when its tab closes.
    await setSettings({ profile: 'quality', maxTile: 64 });
    await askEngine('clear-cache');
    copyFileSync(join(BENCH, 'Set14/LR_bicubic/X4/monarchx4.png'), join(siteDir, 'monarch.png'));
    const { page: doomed, tabId: doomedTab } = await openSitePage('closing.html', '<!doctype html><img id="monarch" src="monarch.png" style="width: 768px">');
    const before = await engine();
    // Its answer never comes: the tab closes under it.
    const orphan = enhanceById(live().worker, doomed, doomedTab, 'monarch', 4).catch(() => undefined);
    await expect.poll(() => overlayTexts(doomed), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/Enhancing [1-9]/));
    await doomed.close();
    await orphan;

    await enhanceBird();
    expect((await engine()).inferences).toBe(before.inferences + 1);
    expect((await askEngine('cache-usage')).entries).toBe(1);
    await setSettings({});
  });
});

describe("the engine's memory", () => {
  const engineRunning = () => live().worker.evaluate(async () => (await self.enhance.status()).offscreen);

  it('goes back when the engine has been idle for the set minutes, and the next job starts it again', async () => {
    await enhanceBird();
    expect(await engineRunning()).toBe(true);
    // Saved while the engine is idle: it counts down with the new minutes from now, no job needed.
    await setSettings({ engineIdleMinutes: 0.02 });
    await expect.poll(engineRunning, { timeout: 20_000 }).toBe(false);
    await enhanceBird();
    await setSettings({});
  });

  it('an engine started with no job (a page asking for one ahead) keeps to the saved minutes too, not the default five', async () => {
    await live().worker.evaluate(() => chrome.offscreen.closeDocument().catch(() => undefined));
    // Saved with no engine to tell: the new one must ask.
    await setSettings({ engineIdleMinutes: 0.02 });
    await live().worker.evaluate((tab) => chrome.scripting.executeScript({ target: { tabId: tab, frameIds: [0] }, func: () => chrome.runtime.sendMessage({ type: 'start-engine' }) }), tabId);
    expect(await engineRunning()).toBe(true);
    await expect.poll(engineRunning, { timeout: 20_000 }).toBe(false);
    await setSettings({});
  });

  it('a job whose port finds no engine (closed after the worker last saw it) starts it and runs, with no line in the page\'s console', async () => {
    await enhanceBird();
    const consoleLines: string[] = [];
    const heard = (message: { text(): string }) => consoleLines.push(message.text());
    page.on('console', heard);
    // The race made certain: the document is gone, and the worker's next look still sees it.
    await live().worker.evaluate(async () => {
      await chrome.offscreen.closeDocument();
      const real = chrome.runtime.getContexts.bind(chrome.runtime);
      let lies = 1;
      chrome.runtime.getContexts = ((filter: chrome.runtime.ContextFilter) =>
        lies-- > 0 ? Promise.resolve([{ contextType: 'OFFSCREEN_DOCUMENT' }]) : real(filter)) as typeof chrome.runtime.getContexts;
    });
    await enhanceBird();
    expect(await engineRunning()).toBe(true);
    page.off('console', heard);
    expect(consoleLines).toEqual([]);
  });

  it('a job that arrives while the idle engine is being closed runs on a new one, not cut off', async () => {
    copyFileSync(join(BENCH, 'Set14/LR_bicubic/X4/monarchx4.png'), join(siteDir, 'late.png'));
    const { page: late, tabId: lateTab } = await openSitePage('late.html', '<!doctype html><img id="late" src="late.png" style="width: 768px">');
    await askEngine('clear-cache');
    // Small tiles of the quality model: a job of several seconds. The worker's close takes 3 s (as
    // when it must wake first), and the job starts the moment the idle engine asked for it.
    await setSettings({ engineIdleMinutes: 0.02, profile: 'quality', maxTile: 64 });
    await live().worker.evaluate(() => {
      const close = chrome.offscreen.closeDocument.bind(chrome.offscreen);
      const flags = globalThis as unknown as { closeAsked: boolean };
      flags.closeAsked = false;
      chrome.offscreen.closeDocument = (async () => {
        flags.closeAsked = true;
        await new Promise((resolve) => setTimeout(resolve, 3000));
        await close();
      }) as typeof chrome.offscreen.closeDocument;
    });
    await enhanceBird();
    await expect.poll(() => live().worker.evaluate(() => (globalThis as unknown as { closeAsked: boolean }).closeAsked), { timeout: 20_000 }).toBe(true);
    const outcome = await enhanceById(live().worker, late, lateTab, 'late', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    await late.close();
    await setSettings({});
  });
});

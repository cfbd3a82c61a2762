/**
 * Issue 4, the extension's own pages end to end: the popup (opened as a page for a given tab, since
 * the toolbar cannot be clicked headless) and the options page. The site is one page without
 * images, so switching auto-enhance on for it runs no model.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingItems, settingsFromStorage } from '../../src/shared/settings';
import { enabledOrigins, siteSwitchesFromStorage } from '../../src/shared/site-switches';
import { BENCH } from './fixtures';
import { launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer } from './harness';
import { enhanceById, toolbarAction, watchPageProblems } from './page-helpers';

let dir: string;
let site: FixtureServer;
let browser: ExtensionBrowser;
let extensionOrigin: string;
let page: Page;
let tabId: number;
/** Errors of the extension's pages: a script the CSP blocked shows up here, not as a failed step. */
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'enhance-ui-site-'));
  writeFileSync(join(dir, 'plain.html'), '<!doctype html><title>Plain</title><p>Text only.</p>');
  site = await serveFolder(dir);
  browser = await launchWithExtension();
  browser.context.on('page', (opened) => {
    const note = (text: string) => {
      if (opened.url().startsWith('chrome-extension:')) pageErrors.push(`${opened.url()}: ${text}`);
    };
    opened.on('pageerror', (error) => note(error.message));
    opened.on('console', (message) => {
      if (message.type() === 'error') note(message.text());
    });
  });
  // Node reads chrome-extension: URLs as opaque, with a null origin; the host is the extension id.
  extensionOrigin = `chrome-extension://${new URL(browser.worker.url()).host}`;
  page = await browser.context.newPage();
  await page.goto(`${site.origin}/plain.html`);
  tabId = await tabIdOf(browser.worker, page);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

function synced(key: string): Promise<unknown> {
  return browser.worker.evaluate((k) => chrome.storage.sync.get(k).then((stored) => stored[k]), key);
}

/** The settings as storage.sync holds them (one item each, and the legacy object where there), read as one object. */
async function syncedSettings(): Promise<unknown> {
  return settingsFromStorage(await browser.worker.evaluate(() => chrome.storage.sync.get(null)));
}

/** The storage.sync items that changed from now on, in the worker (which outlives these steps). */
async function recordSyncChanges(): Promise<() => Promise<string[]>> {
  await browser.worker.evaluate(() => {
    const record = self as unknown as { syncChanges: string[] };
    record.syncChanges = [];
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area === 'sync') record.syncChanges.push(...Object.keys(changes));
    });
  });
  return () => browser.worker.evaluate(() => [...new Set((self as unknown as { syncChanges: string[] }).syncChanges)].sort());
}

/** The sites switched on, as storage.sync holds them: one item each. */
function sitesOn(): Promise<string[]> {
  return browser.worker.evaluate(async () => {
    const items = await chrome.storage.sync.get(null);
    return Object.keys(items)
      .filter((key) => key.startsWith('autoSite:') && items[key] === true)
      .map((key) => key.slice('autoSite:'.length))
      .sort();
  });
}

async function openPopup(forTab: number): Promise<Page> {
  const popup = await browser.context.newPage();
  await popup.goto(`${extensionOrigin}/src/popup/popup.html?tabId=${forTab}`);
  return popup;
}

async function openOptions(): Promise<Page> {
  const options = await browser.context.newPage();
  await options.goto(`${extensionOrigin}/src/options/options.html`);
  // Filled from storage once loaded: the default is never blank.
  await expect.poll(() => options.getByLabel(/shorter side/).inputValue()).not.toBe('');
  return options;
}

describe('popup', () => {
  it("shows the tab's site, and its switch turns auto-enhance on for that origin, kept across a reload", async () => {
    const popup = await openPopup(tabId);
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    expect(await popup.locator('#backend').textContent()).toBe('Not started yet');
    const toggle = popup.getByRole('switch', { name: 'Auto-enhance this site' });
    expect(await toggle.isChecked()).toBe(false);
    // The private-window note (the switch is synced) stays hidden in a regular window (the tab was read before its site showed).
    expect(await popup.locator('#private-note').isHidden()).toBe(true);
    // ... and is not read out with the switch there (a hidden element an aria-describedby names still is).
    await expect.poll(() => popup.getByRole('switch').evaluate((element) => element.getAttribute('aria-describedby'))).toBeNull();
    // The note for pages Enhance cannot work on is there already, empty and taking no room: a live
    // region a screen reader knew before its text came is read out, one shown with its text often is not.
    expect(await popup.locator('#unavailable').evaluate((note) => ({ hidden: note.hasAttribute('hidden'), display: getComputedStyle(note).display, height: note.getBoundingClientRect().height }))).toEqual({ hidden: false, display: 'block', height: 0 });

    await toggle.check();
    await expect.poll(sitesOn).toEqual([site.origin]);
    await popup.reload();
    await expect.poll(() => toggle.isChecked()).toBe(true);

    await toggle.uncheck();
    await expect.poll(sitesOn).toEqual([]);
    await popup.close();
  });

  it('shows an internationalized site name in Unicode, and switches its ASCII origin on', async () => {
    const idnPage = await browser.context.newPage();
    // No name resolves here: the page is answered from the test, under the name the tab shows.
    await idnPage.route('http://xn--bcher-kva.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><p>Bücher</p>' }));
    await idnPage.goto('http://bücher.example/');
    const popup = await openPopup(await tabIdOf(browser.worker, idnPage));
    await expect.poll(() => popup.locator('#origin').textContent()).toBe('http://bücher.example');
    await popup.getByRole('switch', { name: 'Auto-enhance this site' }).check();
    await expect.poll(sitesOn).toEqual(['http://xn--bcher-kva.example']);
    await popup.getByRole('switch', { name: 'Auto-enhance this site' }).uncheck();
    await expect.poll(sitesOn).toEqual([]);
    await popup.close();
    await idnPage.close();
  });

  it('switches a site on when hundreds already are (more than one synced item could hold), and leaves the old single-item list to devices still on an older version', async () => {
    // As older versions stored them: one map, under one item, which such a device still reads alone.
    const legacy = { 'https://old-a.example': true, 'https://old-b.example': true };
    await browser.worker.evaluate((map) => chrome.storage.sync.set({ autoSites: map }), legacy);
    const many = Array.from({ length: 300 }, (_, i) => `https://site-${i}.example`);
    // One write: storage.sync allows 120 a minute.
    await browser.worker.evaluate((origins) => chrome.storage.sync.set(Object.fromEntries(origins.map((o) => [`autoSite:${o}`, true]))), many);
    const popup = await openPopup(tabId);
    const toggle = popup.getByRole('switch', { name: 'Auto-enhance this site' });
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    await toggle.check();
    await expect.poll(sitesOn).toHaveLength(301);
    const switchedOn = async () => enabledOrigins(siteSwitchesFromStorage(await browser.worker.evaluate(() => chrome.storage.sync.get(null))));
    expect(await switchedOn()).toEqual(expect.arrayContaining([site.origin, 'https://old-a.example', 'https://old-b.example']));
    expect(await synced('autoSites')).toEqual(legacy);
    expect(await popup.locator('#message').textContent()).toBe('');
    await popup.reload();
    await expect.poll(() => toggle.isChecked()).toBe(true);

    // A site on only in the old list switches off above it; the list stays as the older device knows it.
    await browser.worker.evaluate(() => self.enhance.setSiteAuto('https://old-a.example', false));
    expect(await switchedOn()).not.toContain('https://old-a.example');
    expect(await switchedOn()).toContain('https://old-b.example');
    expect(await synced('autoSites')).toEqual(legacy);

    await browser.worker.evaluate(async () =>
      chrome.storage.sync.remove(Object.keys(await chrome.storage.sync.get(null)).filter((key) => key.startsWith('autoSite'))),
    );
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await popup.close();
  });

  it('leaves settings a newer Enhance synced from another device as they are, and says why', async () => {
    const newer = { 'setting:version': 99, 'setting:profile': 'fast', 'setting:maxTile': 128 };
    await browser.worker.evaluate((items) => chrome.storage.sync.set(items), newer);
    const popup = await openPopup(tabId);
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    await popup.getByLabel('Profile').selectOption('quality');
    await expect.poll(() => popup.locator('#message').textContent()).toMatch(/newer version of Enhance.*update Enhance here/);
    expect(await syncedSettings()).toEqual({ version: 99, profile: 'fast', maxTile: 128 });
    // Web pages read them quietly: their console is the page's, and every frame would say it.
    const pageProblems: string[] = [];
    watchPageProblems(page, pageProblems);
    await page.reload();
    // The popup's Enhance all answers once the frame has read the stored settings.
    await expect.poll(() => browser.worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'enhance-all' }, { frameId: 0 }), tabId)).toEqual({ queued: 0 });
    expect(pageProblems).toEqual([]);
    // The options page says so on opening, with Save and Reset off (they would be refused).
    const options = await openOptions();
    await expect.poll(() => options.locator('#form-status').textContent()).toMatch(/newer version of Enhance, on another device, saved the settings/);
    expect(await options.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    expect(await options.getByRole('button', { name: 'Reset to defaults' }).isDisabled()).toBe(true);
    // The settings this version knows are the user's, not defaults (WebGPU off, no cache, stay off).
    await expect.poll(() => options.locator('#maxTile').inputValue()).toBe('128');
    expect(await options.locator('#profile').inputValue()).toBe('fast');
    // An edit made meanwhile: the notice holds the line, Save being off.
    await options.locator('#maxTile').fill('512');
    await browser.worker.evaluate((items) => chrome.storage.sync.remove(Object.keys(items)), newer);
    // Gone (that device's Enhance went back, say): they work again, and the edit is still to save.
    await expect.poll(() => options.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
    expect(await options.locator('#maxTile').inputValue()).toBe('512');
    expect(await options.locator('#form-status').textContent()).toBe('Unsaved changes: Save keeps them.');
    expect(await options.locator('#take-over').isHidden()).toBe(true);
    await options.close();
    await popup.close();
  });

  it('lets the user take settings a newer Enhance left behind over for this version (that version rolled back, or removed)', async () => {
    const before = await browser.worker.evaluate(() => chrome.storage.sync.get(null));
    // Only some settings stored, one as this version cannot take it (read as the nearest it allows).
    const newer = { 'setting:version': 99, 'setting:profile': 'fast', 'setting:maxTile': 4096, 'setting:onlyInVersion99': true };
    await browser.worker.evaluate(async (items) => {
      await chrome.storage.sync.remove(Object.keys(await chrome.storage.sync.get(null)).filter((key) => key === 'settings' || key.startsWith('setting:')));
      await chrome.storage.sync.set(items);
    }, newer);
    const options = await openOptions();
    try {
      const takeOver = options.getByRole('button', { name: 'Use them with this version' });
      await expect.poll(() => takeOver.isVisible()).toBe(true);
      // An edit made meanwhile (Save is off) stays for Save.
      await options.getByLabel(/shorter side/).fill('40');
      const asked: string[] = [];
      options.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.accept();
      });
      await takeOver.click();
      await expect.poll(() => options.locator('#form-status').textContent()).toBe('This version may change the settings again. Unsaved changes: Save keeps them.');
      expect(asked).toEqual([expect.stringMatching(/synced/)]);
      expect(await takeOver.isHidden()).toBe(true);
      expect(await options.getByRole('button', { name: 'Save' }).isDisabled()).toBe(false);
      // Every setting is written as this version read them, under its version; what only the newer one knew is left alone.
      const items = await browser.worker.evaluate(() => chrome.storage.sync.get(null));
      expect(items).toEqual({
        ...settingItems({ ...DEFAULT_SETTINGS, profile: 'fast', maxTile: 1024 }, Object.keys(DEFAULT_SETTINGS) as Array<keyof typeof DEFAULT_SETTINGS>),
        'setting:onlyInVersion99': true,
        ...Object.fromEntries(Object.entries(before).filter(([key]) => !key.startsWith('setting:') && key !== 'settings')),
      });
      expect(await options.locator('#minSide').inputValue()).toBe('40');
      await options.getByRole('button', { name: 'Save' }).click();
      await expect.poll(syncedSettings).toMatchObject({ minSide: 40, maxTile: 1024 });
    } finally {
      // The settings as they were, whatever step failed: later tests must not run under a newer version's.
      await browser.worker.evaluate(async (items) => {
        await chrome.storage.sync.clear();
        await chrome.storage.sync.set(items);
      }, before);
      await options.close();
    }
  });

  it('reads settings an older Enhance kept in one item beneath the items, and leaves that item as it was for devices still on it', async () => {
    const legacy = { version: 1, profile: 'fast', minSide: 40 };
    await browser.worker.evaluate((settings) => chrome.storage.sync.set({ settings }), legacy);
    const popup = await openPopup(tabId);
    const profile = popup.getByLabel('Profile');
    await expect.poll(() => profile.inputValue()).toBe('fast');
    const changed = await recordSyncChanges();
    await profile.selectOption('quality');
    await expect.poll(() => syncedSettings()).toMatchObject({ profile: 'quality', minSide: 40 });
    expect(await changed()).toEqual(['setting:profile', 'setting:version']);
    expect(await synced('settings')).toEqual(legacy);
    await browser.worker.evaluate(async () => chrome.storage.sync.remove(Object.keys(await chrome.storage.sync.get(null)).filter((key) => key === 'settings' || key.startsWith('setting:'))));
    await popup.close();
  });

  it("changes the profile, kept across a reload, writing that setting's item alone (sync keeps another device's change to another setting)", async () => {
    const popup = await openPopup(tabId);
    const profile = popup.getByLabel('Profile');
    await expect.poll(() => profile.inputValue()).toBe('auto');
    const changed = await recordSyncChanges();
    await profile.selectOption('quality');
    await expect.poll(() => syncedSettings()).toMatchObject({ profile: 'quality' });
    expect(await changed()).toEqual(['setting:profile', 'setting:version']);
    await popup.reload();
    await expect.poll(() => profile.inputValue()).toBe('quality');
    await popup.close();
  });

  it('shows the stored profile for a tab it cannot read (closed as the popup opened), not the default', async () => {
    await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:profile': 'fast' }));
    const popup = await openPopup(987_654_321);
    await expect.poll(() => popup.locator('#message').textContent()).toMatch(/^Could not read this tab/);
    expect(await popup.getByLabel('Profile').inputValue()).toBe('fast');
    // That failure is logged in the popup's console, as it should be: not an error of this suite.
    const url = popup.url();
    await popup.close();
    pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((error) => !error.startsWith(url)));
    await browser.worker.evaluate(() => chrome.storage.sync.remove('setting:profile'));
  });

  it('shows live counts and the badge, forgotten when the tab shows another page', async () => {
    // An extension page in a tab stands in for a content script: the worker keeps any tab frame's report.
    const reporter = await openPopup(tabId);
    const reporterTab = await tabIdOf(browser.worker, reporter);
    const popup = await openPopup(reporterTab);
    await expect.poll(() => popup.locator('#enhanced').textContent()).toBe('0');

    await reporter.evaluate(() => chrome.runtime.sendMessage({ type: 'tab-counts', counts: { enhanced: 3, queued: 2, failed: 1 } }));
    // A live region (role status), so a screen reader hears the counts change too.
    await expect.poll(() => popup.getByRole('status', { name: 'Images on this page' }).innerText()).toMatch(/Enhanced\s+3\s+Queued\s+2\s+Failed\s+1/);
    expect(await browser.worker.evaluate((t) => chrome.action.getBadgeText({ tabId: t }), reporterTab)).toBe('3');
    expect(await browser.worker.evaluate((t) => self.enhance.status(t), reporterTab)).toMatchObject({ counts: { enhanced: 3, queued: 2, failed: 1 } });
    expect((await browser.worker.evaluate(() => self.enhance.status())).counts.enhanced).toBeGreaterThanOrEqual(3);

    await reporter.goto(`${site.origin}/plain.html?another`);
    await expect.poll(() => popup.locator('#enhanced').textContent()).toBe('0');
    expect(await browser.worker.evaluate((t) => chrome.action.getBadgeText({ tabId: t }), reporterTab)).toBe('');
    await popup.close();
    await reporter.close();
  });

  it('follows its tab to another site while open, though neither page has counts to change', async () => {
    const moving = await browser.context.newPage();
    // A URL of its own: tabIdOf finds the tab by it.
    await moving.goto(`${site.origin}/plain.html?moving`);
    const popup = await openPopup(await tabIdOf(browser.worker, moving));
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    // The same server under another name: another origin.
    const other = site.origin.replace('127.0.0.1', 'localhost');
    await moving.goto(`${other}/plain.html`);
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(other);
    await popup.close();
    await moving.close();
  });

  it('Enhance all says so when the page has no image to enhance, naming the setting it went by', async () => {
    const popup = await openPopup(tabId);
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    const enhanceAll = popup.getByRole('button', { name: 'Enhance all on this page' });
    await enhanceAll.click();
    await expect.poll(() => popup.locator('#message').textContent()).toBe('Enhance all found no image on this page to enhance: it takes those shown at least 1.5 times their pixel size on this screen, 24 px or more on their shorter side, and of 4,000,000 pixels at most (the three settings), not SVG or animated. Right-click an image to enhance it whatever its size on screen or its shorter side.');
    await browser.worker.evaluate((items) => chrome.storage.sync.set(items), settingItems({ ...DEFAULT_SETTINGS, minUpscaleFactor: 3 }, ['minUpscaleFactor']));
    await enhanceAll.click();
    await expect.poll(() => popup.locator('#message').textContent()).toBe('Enhance all found no image on this page to enhance: it takes those shown at least 3 times their pixel size on this screen, 24 px or more on their shorter side, and of 4,000,000 pixels at most (the three settings), not SVG or animated. Right-click an image to enhance it whatever its size on screen or its shorter side.');
    await browser.worker.evaluate(() => chrome.storage.sync.remove('setting:minUpscaleFactor'));
    // Its width stays the popup's, long message and all: Firefox would size the popup to the widest line.
    const widest = await popup.evaluate(() => {
      document.documentElement.style.width = 'max-content';
      return document.documentElement.getBoundingClientRect().width;
    });
    expect(widest).toBe(300);
    await popup.close();
  });

  it("Enhance all on a page whose images are in a frame, enhanced from the cache: no 'found no image' (the empty top frame answers first)", async () => {
    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/headx4.png'), join(dir, 'framed-head.png'));
    writeFileSync(join(dir, 'framed-inner.html'), '<!doctype html><img src="framed-head.png" style="width: 280px" alt="head">');
    writeFileSync(join(dir, 'framed.html'), '<!doctype html><title>Framed</title><iframe src="framed-inner.html" width="320" height="320"></iframe>');
    const framed = await browser.context.newPage();
    await framed.goto(`${site.origin}/framed.html`);
    const popup = await openPopup(await tabIdOf(browser.worker, framed));
    await expect.poll(() => popup.locator('#origin').textContent()).toBe(site.origin);
    // Every text the message line shows, however briefly: a later count refresh takes "found no image" away again.
    await popup.evaluate(() => {
      const message = document.getElementById('message')!;
      const said: string[] = [];
      Object.assign(window, { said });
      new MutationObserver(() => said.push(message.textContent ?? '')).observe(message, { childList: true, characterData: true, subtree: true });
    });
    const said = () => popup.evaluate(() => (window as unknown as { said: string[] }).said.filter((text) => text !== ''));
    const enhanceAll = popup.getByRole('button', { name: 'Enhance all on this page' });
    await enhanceAll.click();
    await expect.poll(() => popup.locator('#enhanced').textContent(), { timeout: 60_000 }).toBe('1');
    // The counts' live region is busy (quiet for a screen reader) only while images wait: read out once now.
    await expect.poll(() => popup.locator('#counts').getAttribute('aria-busy')).toBe('false');
    await popup.getByRole('button', { name: 'Restore all' }).click();
    await expect.poll(() => popup.locator('#enhanced').textContent()).toBe('0');
    // Now a cache hit: the frame's image may be enhanced before the popup reads the counts, never seen queued.
    await enhanceAll.click();
    await expect.poll(() => popup.locator('#enhanced').textContent()).toBe('1');
    // Once more, with the image enhanced: nothing is missing, and the message does not say "found no image".
    await enhanceAll.click();
    await expect.poll(() => popup.locator('#message').textContent()).toBe('Every image on this page that needs it is enhanced already.');
    // That was the one thing the message line said: not "found no image", nor "enhanced already" on a click that enhanced one.
    expect(await said()).toEqual(['Every image on this page that needs it is enhanced already.']);
    await popup.close();
    await framed.close();
  });

  it("shows the engine's backend as another tab's job starts it, though this tab's counts never change", async () => {
    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'), join(dir, 'other-bird.png'));
    writeFileSync(join(dir, 'other.html'), '<!doctype html><title>Other</title><img id="bird" src="other-bird.png" style="width: 288px" alt="bird">');
    const popup = await openPopup(tabId);
    // No engine to begin with: it closes as when idle.
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'engine-idle' }));
    await popup.reload();
    await expect.poll(() => popup.locator('#backend').textContent()).toBe('Not started yet');
    const other = await browser.context.newPage();
    await other.goto(`${site.origin}/other.html`);
    expect(await enhanceById(browser.worker, other, await tabIdOf(browser.worker, other), 'bird', 2)).toMatchObject({ ok: true, images: 1 });
    const engine = await browser.worker.evaluate(async () => (await self.enhance.status()).engine);
    expect(engine?.reason).toBeTruthy();
    // Read again at most once a second, after the other tab's counts change.
    await expect.poll(() => popup.locator('#backend').textContent(), { timeout: 10_000 }).toBe(engine?.reason);
    await popup.close();
    await other.close();
  });

  it('says why, and turns the page controls off, on a page without a web origin', async () => {
    // An extension page: the pages Chrome hides from extensions (chrome://, about:) have no web origin either.
    const other = await openPopup(tabId);
    const popup = await openPopup(await tabIdOf(browser.worker, other));
    await expect.poll(() => popup.locator('#unavailable').textContent()).toMatch(/web pages/);
    expect(await popup.locator('#unavailable').isVisible()).toBe(true);
    expect(await popup.locator('#origin').textContent()).toBe('Not a web page');
    expect(await popup.getByRole('switch', { name: 'Auto-enhance this site' }).isDisabled()).toBe(true);
    expect(await popup.getByRole('button', { name: 'Enhance all on this page' }).isDisabled()).toBe(true);
    await popup.close();
    await other.close();
  });

  it("on a page that did not load (the browser's error page): says so, and the site's switch still works", async () => {
    // A port nothing listens on: the connection is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const failed = await browser.context.newPage();
    const url = `http://127.0.0.1:${port}/`;
    await failed.goto(url).catch(() => undefined);
    // Playwright names the page about:blank; the browser's tab keeps the URL it failed to load.
    const loaded = () => browser.worker.evaluate(async (u) => (await chrome.tabs.query({ url: u, status: 'complete' }))[0]?.id, url);
    await expect.poll(loaded).toBeDefined();
    const popup = await openPopup((await loaded())!);
    await expect.poll(() => popup.locator('#unavailable').textContent()).toBe('This page did not load. Reload it to enhance its images.');
    expect(await popup.locator('#origin').textContent()).toBe(`http://127.0.0.1:${port}`);
    expect(await popup.getByRole('button', { name: 'Enhance all on this page' }).isDisabled()).toBe(true);
    const siteSwitch = popup.getByRole('switch', { name: 'Auto-enhance this site' });
    expect(await siteSwitch.isDisabled()).toBe(false);
    const switchedOn = async () => enabledOrigins(siteSwitchesFromStorage(await browser.worker.evaluate(() => chrome.storage.sync.get(null))));
    await siteSwitch.click();
    await expect.poll(switchedOn).toContain(`http://127.0.0.1:${port}`);
    await siteSwitch.click();
    await expect.poll(switchedOn).not.toContain(`http://127.0.0.1:${port}`);
    await popup.close();
    await failed.close();
  });

  it('on a local file (file access on, as here): Enhance all and Restore all work, the per-site switch is off and says why', async () => {
    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'), join(dir, 'bird.png'));
    writeFileSync(join(dir, 'local.html'), '<!doctype html><title>Local</title><img id="bird" src="bird.png" style="width: 288px" alt="bird">');
    const local = await browser.context.newPage();
    await local.goto(`file://${join(dir, 'local.html')}`);
    const popup = await openPopup(await tabIdOf(browser.worker, local));
    await expect.poll(() => popup.locator('#origin').textContent()).toBe('Local file');
    expect(await popup.locator('#unavailable').textContent()).toMatch(/per web site/);
    expect(await popup.getByRole('switch', { name: 'Auto-enhance this site' }).isDisabled()).toBe(true);
    await popup.getByRole('button', { name: 'Enhance all on this page' }).click();
    await expect.poll(() => popup.locator('#enhanced').textContent(), { timeout: 60_000 }).toBe('1');
    await popup.getByRole('button', { name: 'Restore all' }).click();
    await expect.poll(() => popup.locator('#enhanced').textContent()).toBe('0');
    expect(await popup.locator('#message').textContent()).toBe('');
    await popup.close();
    await local.close();
  });

  it('names the image menu and the shortcut, with the keys the browser has for it', async () => {
    const popup = await openPopup(tabId);
    const hint = popup.getByText('Right-click an image');
    await expect.poll(() => hint.textContent()).toBe('Right-click an image to enhance it x2 or x4, or to restore it. Alt+Shift+E switches auto-enhance for the site.');
    await popup.close();
  });

  it('setSiteAuto (automation) writes the same switch the popup reads', async () => {
    await browser.worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), site.origin);
    const popup = await openPopup(tabId);
    await expect.poll(() => popup.getByRole('switch', { name: 'Auto-enhance this site' }).isChecked()).toBe(true);
    await browser.worker.evaluate((origin) => self.enhance.setSiteAuto(origin, false), site.origin);
    await expect.poll(() => popup.getByRole('switch', { name: 'Auto-enhance this site' }).isChecked()).toBe(false);
    await popup.close();
  });
});

/** Headless Chromium cannot press a shortcut: the tests call what the shortcut calls. */
describe('keyboard shortcut (Alt+Shift+E)', () => {
  const toolbar = (forTab: number) => toolbarAction(browser.worker, forTab);
  const toggle = (forTab: number): Promise<boolean | null> => browser.worker.evaluate((id) => self.enhance.toggleSiteAuto(id), forTab);

  it('turns the tab\'s site on and off, and the badge says which for a moment', async () => {
    const host = new URL(site.origin).host;
    expect(await toggle(tabId)).toBe(true);
    expect(await toolbar(tabId)).toEqual({ badge: 'on', title: `Enhance: auto-enhance on for ${host}` });
    expect(await sitesOn()).toEqual([site.origin]);
    // The page has no images: the counts' empty badge and the plain tooltip come back.
    await expect.poll(() => toolbar(tabId), { timeout: 10_000 }).toEqual({ badge: '', title: 'Enhance' });

    expect(await toggle(tabId)).toBe(false);
    expect(await toolbar(tabId)).toEqual({ badge: 'off', title: `Enhance: auto-enhance off for ${host}` });
    expect(await sitesOn()).toEqual([]);
    await expect.poll(() => toolbar(tabId), { timeout: 10_000 }).toEqual({ badge: '', title: 'Enhance' });
  });

  it('says which over the page too, at its top right, as a status a screen reader reads out; a second press takes the first one\'s place', async () => {
    const host = new URL(site.origin).host;
    const notices = page.locator('enhance-overlay');
    const said = (text: string) => page.getByRole('status').filter({ hasText: text });
    // The last test's notice gone first, so this one is new; the page records each notice as it
    // arrives: a live region that arrives with its text already in is often not read out.
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBe(0);
    await page.evaluate(() => {
      const arrived: string[] = ((window as unknown as { noticesArrived: string[] }).noticesArrived = []);
      new MutationObserver((records) => {
        for (const added of records.flatMap((record) => [...record.addedNodes])) {
          if (added instanceof Element && added.localName === 'enhance-overlay') arrived.push(added.shadowRoot?.textContent ?? '');
        }
      }).observe(document.documentElement, { childList: true });
    });
    expect(await toggle(tabId)).toBe(true);
    await expect.poll(() => said(`Enhance: auto-enhance on for ${host}`).count(), { timeout: 5_000 }).toBe(1);
    expect(await notices.evaluate((notice) => notice.matches(':popover-open') && notice.checkVisibility())).toBe(true);
    const corner = await page.evaluate(() => {
      const box = document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
      return { top: box.top, fromRight: document.documentElement.clientWidth - box.right };
    });
    expect(corner.top).toBeGreaterThan(0);
    expect(corner.top).toBeLessThan(40);
    expect(corner.fromRight).toBeGreaterThan(0);
    expect(corner.fromRight).toBeLessThan(40);

    expect(await toggle(tabId)).toBe(false);
    await expect.poll(() => said(`Enhance: auto-enhance off for ${host}`).count(), { timeout: 5_000 }).toBe(1);
    // One notice, its text first set after it arrived (the shadow root's text is then its style alone).
    const arrived = await page.evaluate(() => (window as unknown as { noticesArrived: string[] }).noticesArrived);
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).not.toContain('auto-enhance');
    // Gone by itself after a few seconds, the page as it was.
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBe(0);
    expect(await sitesOn()).toEqual([]);
  });

  it('says which as a status a screen reader reads out over a modal dialog the page shows (which leaves the rest of the page inert), and again once the page closed it', async () => {
    const host = new URL(site.origin).host;
    const notices = page.locator('enhance-overlay');
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBe(0);
    await page.evaluate(() => {
      const dialog = Object.assign(document.createElement('dialog'), { id: 'consent', textContent: 'We use cookies.' });
      document.body.append(dialog);
      dialog.showModal();
    });
    const cdp = await page.context().newCDPSession(page);
    const heard = async () => {
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string }; ignored: boolean }> };
      return nodes.filter((node) => !node.ignored && node.role?.value === 'StaticText').map((node) => node.name?.value ?? '');
    };
    expect(await toggle(tabId)).toBe(true);
    await expect.poll(heard, { timeout: 5_000 }).toContain(`Enhance: auto-enhance on for ${host}`);
    // Closed (a dialog shows nothing it holds), within the first notice's reading time.
    await page.evaluate(() => (document.getElementById('consent') as HTMLDialogElement).close());
    expect(await toggle(tabId)).toBe(false);
    await expect.poll(heard, { timeout: 5_000 }).toContain(`Enhance: auto-enhance off for ${host}`);
    expect(await notices.evaluate((notice) => notice.checkVisibility())).toBe(true);
    await cdp.detach();
    await page.evaluate(() => document.getElementById('consent')!.remove());
    await expect.poll(() => notices.count(), { timeout: 15_000 }).toBe(0);
    expect(await sitesOn()).toEqual([]);
  });

  it('pressed twice quickly: turns the switch on and off again, the second press reading what the first wrote', async () => {
    expect(await browser.worker.evaluate((id) => Promise.all([self.enhance.toggleSiteAuto(id), self.enhance.toggleSiteAuto(id)]), tabId)).toEqual([true, false]);
    expect(await sitesOn()).toEqual([]);
  });

  it('on a page without a web origin: "!" and why, and no switch written', async () => {
    const other = await openPopup(tabId);
    const otherTab = await tabIdOf(browser.worker, other);
    expect(await toggle(otherTab)).toBeNull();
    expect(await toolbar(otherTab)).toEqual({ badge: '!', title: 'Enhance: Auto-enhance is switched per web site, and this page is not on one.' });
    expect(await sitesOn()).toEqual([]);
    await other.close();
  });
});

describe('options page', () => {
  it('saves thresholds and the cache size, kept across a reload', async () => {
    const options = await openOptions();
    await options.getByLabel(/this many times their pixel size/).fill('2');
    await options.getByLabel(/shorter side/).fill('48');
    await options.getByLabel(/Keep enhanced images/).fill('50');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);
    expect(await syncedSettings()).toMatchObject({ minUpscaleFactor: 2, minSide: 48, cacheLimitBytes: 50_000_000 });

    await options.reload();
    await expect.poll(() => options.getByLabel(/shorter side/).inputValue()).toBe('48');
    expect(await options.getByLabel(/this many times their pixel size/).inputValue()).toBe('2');
    expect(await options.getByLabel(/Keep enhanced images/).inputValue()).toBe('50');
    await options.close();
  });

  it('says an edit after a Save is not saved, and asks before the page closes on it', async () => {
    const options = await openOptions();
    const status = options.locator('#form-status');
    await options.getByLabel(/shorter side/).fill('40');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => status.textContent()).toBe('Saved.');
    await options.getByLabel(/Use the graphics card/).uncheck();
    expect(await status.textContent()).toBe('Unsaved changes: Save keeps them.');
    const asked = new Promise<string>((resolve) =>
      options.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      }),
    );
    await options.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    // The switch was left unsaved: only the saved field is stored.
    expect(await syncedSettings()).toMatchObject({ minSide: 40 });
    expect(await syncedSettings()).not.toMatchObject({ allowWebGPU: false });

    // Edited back to what is stored: nothing is unsaved, and the page closes without asking.
    const again = await openOptions();
    await again.getByLabel(/shorter side/).fill('41');
    expect(await again.locator('#form-status').textContent()).toBe('Unsaved changes: Save keeps them.');
    await again.getByLabel(/shorter side/).fill('40');
    expect(await again.locator('#form-status').textContent()).toBe('');
    // Saved elsewhere as edited here (another device, the same value): nothing is unsaved either.
    await again.getByLabel(/shorter side/).fill('42');
    expect(await again.locator('#form-status').textContent()).toBe('Unsaved changes: Save keeps them.');
    await browser.worker.evaluate((items) => chrome.storage.sync.set(items), settingItems({ ...DEFAULT_SETTINGS, minSide: 42 }, ['minSide']));
    await expect.poll(() => again.locator('#form-status').textContent()).toBe('');
    let dialogs = 0;
    again.on('dialog', (dialog) => {
      dialogs++;
      void dialog.accept();
    });
    await again.close({ runBeforeUnload: true });
    await expect.poll(() => again.isClosed()).toBe(true);
    expect(dialogs).toBe(0);
  });

  it('follows a setting changed elsewhere while open, and its Save does not undo it', async () => {
    const options = await openOptions();
    await options.getByLabel(/shorter side/).fill('30');
    const popup = await openPopup(tabId);
    await popup.getByLabel('Profile').selectOption('fast');
    await expect.poll(() => options.getByLabel('Profile').inputValue()).toBe('fast');
    // The edit made before the change stays.
    expect(await options.getByLabel(/shorter side/).inputValue()).toBe('30');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.getByRole('status').filter({ hasText: 'Saved' }).count()).toBe(1);
    expect(await syncedSettings()).toMatchObject({ profile: 'fast', minSide: 30 });
    await popup.close();
    await options.close();
  });

  it('leaves a number half typed as it is when a setting changes elsewhere meanwhile ("0." on the way to 0.5)', async () => {
    const options = await openOptions();
    const cache = options.getByLabel(/Keep enhanced images/);
    await cache.fill('');
    await cache.pressSequentially('0.');
    await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:profile': 'fast' }));
    await expect.poll(() => options.getByLabel('Profile').inputValue()).toBe('fast');
    await cache.pressSequentially('5');
    expect(await cache.inputValue()).toBe('0.5');
    await browser.worker.evaluate(() => chrome.storage.sync.remove('setting:profile'));
    await options.close();
  });

  it('refuses an invalid value with a message, and saves none of the form', async () => {
    const options = await openOptions();
    const before = await syncedSettings();
    await options.getByLabel(/Largest tile side/).fill('10');
    await options.getByLabel(/shorter side/).fill('96');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.locator('#maxTile-error').textContent()).toBe('Enter a whole number from 64 to 1,024.');
    expect(await options.getByLabel(/Largest tile side/).getAttribute('aria-invalid')).toBe('true');
    expect(await options.locator('#form-status').textContent()).toMatch(/Not saved/);
    expect(await syncedSettings()).toEqual(before);

    // Corrected, the field loses its mark as the user types; a new mistake is marked only by Save.
    await options.getByLabel(/Largest tile side/).fill('256');
    await expect.poll(() => options.locator('#maxTile-error').textContent()).toBe('');
    expect(await options.getByLabel(/Largest tile side/).getAttribute('aria-invalid')).toBe('false');
    await options.getByLabel(/shorter side/).fill('0');
    expect(await options.locator('#minSide-error').textContent()).toBe('');
    await options.close();
  });

  it('after a refused Save, focus goes to the first field marked in the page, not in the settings\' own order', async () => {
    const options = await openOptions();
    // "Unload the engine after" comes before "shorter side" on the page; the settings list them the other way round.
    await options.getByLabel(/shorter side/).fill('0');
    await options.locator('#engineIdleMinutes').fill('-1');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => options.locator('#form-status').textContent()).toMatch(/Not saved/);
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('engineIdleMinutes');
    await options.close();
  });

  it('resets to defaults once the user confirms (they are synced to every device)', async () => {
    const options = await openOptions();
    await expect.poll(() => options.getByLabel(/shorter side/).inputValue()).not.toBe('');
    const before = await syncedSettings();
    expect(before).not.toEqual(DEFAULT_SETTINGS);
    const asked: string[] = [];
    options.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await options.getByRole('button', { name: 'Reset to defaults' }).click();
    expect(asked).toEqual([expect.stringMatching(/other devices too/)]);
    expect(await syncedSettings()).toEqual(before);
    options.once('dialog', (dialog) => void dialog.accept());
    await options.getByRole('button', { name: 'Reset to defaults' }).click();
    await expect.poll(() => syncedSettings()).toEqual(DEFAULT_SETTINGS);
    await expect.poll(() => options.getByLabel(/shorter side/).inputValue()).toBe(String(DEFAULT_SETTINGS.minSide));
    await options.close();
  });

  it('lists the sites with auto-enhance on, as the popup switches them, and switches one off', async () => {
    const options = await openOptions();
    const sites = options.getByRole('list', { name: 'Sites with auto-enhance on' });
    await expect.poll(() => options.locator('#sites-empty').isVisible()).toBe(true);
    expect(await sites.getByRole('listitem').count()).toBe(0);

    const popup = await openPopup(tabId);
    await popup.getByRole('switch', { name: 'Auto-enhance this site' }).check();
    // An internationalized name: stored in its ASCII form, shown as the address bar shows it.
    const shown = 'https://fotös.example';
    const other = new URL(shown).origin;
    expect(other).toMatch(/^https:\/\/xn--/);
    await browser.worker.evaluate((origin) => self.enhance.setSiteAuto(origin, true), other);
    await expect.poll(() => sites.getByRole('listitem').allInnerTexts()).toEqual([`${site.origin}\nSwitch off`, `${shown}\nSwitch off`]);
    expect(await options.locator('#sites-empty').isVisible()).toBe(false);
    // Every button's name starts with the words it shows, for voice control.
    expect(await sites.getByRole('button', { name: /^Switch off / }).count()).toBe(2);

    // A site switched on and off elsewhere, listed above the focused one: the focus stays on its site.
    const focusedName = () => options.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await options.getByRole('button', { name: `Switch off auto-enhance for ${shown}` }).focus();
    for (const on of [true, false]) {
      await browser.worker.evaluate((value) => self.enhance.setSiteAuto('https://a.example', value), on);
      await expect.poll(() => sites.getByRole('listitem').count()).toBe(on ? 3 : 2);
      expect(await focusedName()).toBe(`Switch off auto-enhance for ${shown}`);
    }

    // A write storage.sync refuses (too many a minute): said under the list, the site left on, the form's status line alone.
    await options.evaluate(() => {
      const sync = chrome.storage.sync as unknown as Record<'set' | 'remove', (...args: unknown[]) => unknown>;
      for (const name of ['set', 'remove'] as const) {
        const write = sync[name].bind(sync);
        sync[name] = (...args) => {
          if ((window as unknown as { refuseWrites?: boolean }).refuseWrites) throw new Error('This request exceeds the MAX_WRITE_OPERATIONS_PER_MINUTE quota.');
          return write(...args);
        };
      }
      (window as unknown as { refuseWrites?: boolean }).refuseWrites = true;
    });
    await options.getByRole('button', { name: `Switch off auto-enhance for ${shown}` }).click();
    await expect.poll(() => options.locator('#sites-status').textContent()).toMatch(/^Something went wrong: .*a minute/);
    expect(await options.locator('#form-status').textContent()).toBe('');
    expect(await sitesOn()).toEqual([site.origin, other].sort());
    await options.evaluate(() => ((window as unknown as { refuseWrites?: boolean }).refuseWrites = false));

    // From the keyboard: the focus stays in the list, on the next site, and the change is announced.
    await options.getByRole('button', { name: `Switch off auto-enhance for ${site.origin}` }).focus();
    await options.keyboard.press('Enter');
    await expect.poll(sitesOn).toEqual([other]);
    await expect.poll(() => sites.getByRole('listitem').count()).toBe(1);
    await expect.poll(() => options.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Switch off auto-enhance for ${shown}`);
    expect(await options.locator('#sites-status').textContent()).toBe(`Auto-enhance switched off for ${site.origin}.`);
    // The form's status line, with its own notices, is left alone.
    expect(await options.locator('#form-status').textContent()).toBe('');
    // The popup of that site follows.
    await expect.poll(() => popup.getByRole('switch', { name: 'Auto-enhance this site' }).isChecked()).toBe(false);

    await options.keyboard.press('Enter');
    await expect.poll(() => options.locator('#sites-empty').isVisible()).toBe(true);
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('sites-empty');
    expect(await sitesOn()).toEqual([]);
    await popup.close();
    await options.close();
  });

  it('shows the cache usage, Clear cache empties it, and coming back to the page shows what other tabs added', async () => {
    // A result in the cache first, so that there is something to clear.
    copyFileSync(join(BENCH, 'Set5/LR_bicubic/X4/babyx4.png'), join(dir, 'baby.png'));
    writeFileSync(join(dir, 'cached.html'), '<!doctype html><title>Cached</title><img id="baby" src="baby.png" style="width: 256px" alt="baby">');
    const enhanceBaby = async (scale: 2 | 4 = 2) => {
      const cached = await browser.context.newPage();
      await cached.goto(`${site.origin}/cached.html`);
      expect(await enhanceById(browser.worker, cached, await tabIdOf(browser.worker, cached), 'baby', scale)).toMatchObject({ ok: true });
      await cached.close();
    };
    await enhanceBaby();

    const options = await openOptions();
    const usage = options.locator('#cache-usage');
    await expect.poll(() => usage.textContent()).toMatch(/^[1-9]\d* images?, [\d.,]+ MB$/);
    // From the keyboard: the focus stays on the button, and the result is said, an empty cache cleared again too.
    await options.evaluate(() => {
      const said: string[] = [];
      (window as unknown as { cacheSaid: string[] }).cacheSaid = said;
      const status = document.getElementById('cache-status')!;
      new MutationObserver(() => said.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    const timesCleared = () => options.evaluate(() => (window as unknown as { cacheSaid: string[] }).cacheSaid.filter((text) => text === 'Cache cleared.').length);
    await options.getByRole('button', { name: 'Clear cache' }).focus();
    await options.keyboard.press('Enter');
    await expect.poll(() => usage.textContent()).toBe('0 images, 0 MB');
    await expect.poll(timesCleared).toBe(1);
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('clear-cache');
    await options.keyboard.press('Enter');
    await expect.poll(timesCleared).toBe(2);
    expect(await options.evaluate(() => document.activeElement?.id)).toBe('clear-cache');

    await enhanceBaby();
    // Headless Chromium shows every tab at once: the event the browser fires as the tab comes back, dispatched.
    await options.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => usage.textContent()).toMatch(/^1 image, [\d.,]+ MB$/);
    // "Cache cleared." beside figures that grew since would read as the state now.
    expect(await options.locator('#cache-status').textContent()).toBe('');

    // The same figures again are not written again: a screen reader reads the live region out at each write.
    await options.evaluate(() => {
      const writes = { count: 0 };
      (window as unknown as { usageWrites: typeof writes }).usageWrites = writes;
      new MutationObserver((records) => (writes.count += records.length)).observe(document.getElementById('cache-usage')!, { childList: true, characterData: true, subtree: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    // Then new figures, read after those (the engine answers in turn): once they show, the same ones were answered too.
    await enhanceBaby(4);
    await options.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => usage.textContent()).toMatch(/^2 images, [\d.,]+ MB$/);
    expect(await options.evaluate(() => (window as unknown as { usageWrites: { count: number } }).usageWrites.count)).toBe(1);
    await options.close();
  });
});

describe('dark mode', () => {
  /** WCAG contrast ratio of two CSS colours, as the page computes them. */
  function contrastIn(page: Page, foreground: string, background: string): Promise<number> {
    return page.evaluate(
      ([fg, bg]) => {
        const rgb = (css: string) => {
          const probe = document.createElement('div');
          probe.style.color = css;
          document.body.append(probe);
          const parts = getComputedStyle(probe).color.match(/[\d.]+/g)!.slice(0, 3).map(Number);
          probe.remove();
          return parts;
        };
        const luminance = (c: number[]) => {
          const [r, g, b] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const [a, b] = [luminance(rgb(fg)), luminance(rgb(bg))].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      },
      [foreground, background] as const,
    );
  }

  it('keeps links, errors and the Save button readable (at least 4.5:1), in the options page and the popup', async () => {
    const options = await openOptions();
    await options.emulateMedia({ colorScheme: 'dark' });
    const canvas = await options.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('color-scheme'));
    expect(canvas).toBe('light dark');
    // The dark canvas Chromium paints for `color-scheme: dark`.
    const background = 'Canvas';
    // The colours the elements are drawn in, and not the page's text colour (which a missing variable would leave them).
    const colorsOf = (page: Page, selector: string) =>
      page.evaluate((sel) => [getComputedStyle(document.querySelector(sel)!).color, getComputedStyle(document.body).color], selector);
    const [errorText, optionsText] = await colorsOf(options, '#maxTile-error');
    expect(errorText).not.toBe(optionsText);
    expect(await contrastIn(options, errorText, background)).toBeGreaterThanOrEqual(4.5);
    // The accent marks focus and checkboxes here: not text, but held to the text's ratio all the same.
    // As a checkbox draws it: a missing variable would leave 'auto', the browser's own.
    const accent = await options.evaluate(() => getComputedStyle(document.querySelector('input[type="checkbox"]')!).accentColor);
    expect(accent).toMatch(/^rgb/);
    expect(accent).not.toBe(optionsText);
    expect(await contrastIn(options, accent, background)).toBeGreaterThanOrEqual(4.5);
    const save = options.getByRole('button', { name: 'Save' });
    const [text, fill] = await save.evaluate((button) => [getComputedStyle(button).color, getComputedStyle(button).backgroundColor]);
    expect(await contrastIn(options, text, fill)).toBeGreaterThanOrEqual(4.5);
    await options.close();

    const popup = await openPopup(tabId);
    await popup.emulateMedia({ colorScheme: 'dark' });
    const [linkText, popupText] = await colorsOf(popup, '#open-options');
    expect(linkText).not.toBe(popupText);
    expect(await contrastIn(popup, linkText, background)).toBeGreaterThanOrEqual(4.5);
    await popup.close();
  });
});

it('the pages ran without errors, under the extension CSP', () => {
  expect(pageErrors).toEqual([]);
});

/**
 * Images inside web components' shadow roots, which `document.images` does not list: the context
 * menu's job and restore, and auto-enhance for images in open and closed roots, in a component
 * inserted later, in an image a component adds to its root later, and in a component defined
 * while auto-enhance runs (its root appears on an element already there, with no mutation record).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropTo } from '../../src/core/metrics';
import { readPng, writePng } from '../../src/node/png';
import type { TabCounts } from '../../src/shared/protocol';
import { BENCH } from './fixtures';
import { launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type FixtureServer } from './harness';
import { overlayTexts, watchPageProblems } from './page-helpers';

/** Which image each component shows: 48x48 crops drawn at 96 CSS px, so each wants x2. */
const FILES = { open: 'bird', closed: 'butterfly', inserted: 'head', added: 'baby', late: 'woman' } as const;
type Key = keyof typeof FILES;
const KEYS = Object.keys(FILES) as Key[];

function buildPage(dir: string): void {
  for (const name of Object.values(FILES)) writePng(join(dir, `${name}.png`), cropTo(readPng(join(BENCH, `Set5/LR_bicubic/X4/${name}x4.png`)), 48, 48));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>shadow roots</title></head><body>
<photo-card key="open" file="${FILES.open}.png"></photo-card>
<photo-card key="closed" file="${FILES.closed}.png" mode="closed"></photo-card>
<late-card key="late" file="${FILES.late}.png"></late-card>
<div id="feed"></div>
<script>
  // The page keeps its own handles: a closed root is out of reach from outside, the test's included.
  window.cardImages = {};
  window.cardRoots = {};
  class PhotoCard extends HTMLElement {
    connectedCallback() {
      if (this.drawn) return;
      this.drawn = true;
      const root = this.attachShadow({ mode: this.getAttribute('mode') || 'open' });
      window.cardRoots[this.getAttribute('key')] = root;
      this.addImage(this.getAttribute('key'), this.getAttribute('file'));
    }
    addImage(key, file) {
      const img = document.createElement('img');
      img.src = file;
      img.style.cssText = 'width: 96px; height: 96px; margin: 4px';
      window.cardRoots[this.getAttribute('key')].append(img);
      window.cardImages[key] = img;
    }
  }
  // Defined after the cards above were parsed: they upgrade, and their roots appear unrecorded.
  customElements.define('photo-card', PhotoCard);
  // What a feed does later: a new card, and a new image in a card already there.
  window.addLater = () => {
    document.getElementById('feed').insertAdjacentHTML('beforeend', '<photo-card key="inserted" file="${FILES.inserted}.png"></photo-card>');
    document.querySelector('photo-card[key="open"]').addImage('added', '${FILES.added}.png');
  };
  // A component whose script arrives late: the <late-card> in the page upgrades, nothing else changes.
  window.defineLate = () => customElements.define('late-card', class extends PhotoCard {});
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
  dir = mkdtempSync(join(tmpdir(), 'enhance-shadow-'));
  buildPage(dir);
  site = await serveFolder(dir);
  browser = await launchWithExtension();
  worker = browser.worker;
  page = await browser.context.newPage();
  watchPageProblems(page, pageProblems);
  await page.goto(`${site.origin}/index.html`);
  await page.waitForFunction(() => ['open', 'closed'].every((key) => (window as unknown as PageGlobals).cardImages[key]?.complete));
  tabId = await tabIdOf(worker, page);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * A spy on the real menu API (the menu still updates, and the test sees what it was asked to
 * show). Returns `menuAfter(action, enhanced)`: after `action`, the menu was told (again) to show
 * Restore and Save, or to hide them.
 */
async function spyOnMenu(): Promise<(action: () => Promise<unknown>, enhanced: boolean) => Promise<void>> {
  type MenuUpdate = { id: string; visible?: boolean };
  await worker.evaluate(() => {
    type Call = { id: string | number; visible?: boolean };
    const spied = globalThis as unknown as { menuUpdates?: Call[] };
    if (spied.menuUpdates) return;
    const calls: Call[] = [];
    spied.menuUpdates = calls;
    const update = chrome.contextMenus.update.bind(chrome.contextMenus);
    chrome.contextMenus.update = ((id: string | number, properties: Parameters<typeof chrome.contextMenus.update>[1]) => {
      calls.push({ id, visible: properties.visible });
      return update(id, properties);
    }) as typeof chrome.contextMenus.update;
  });
  const calls: MenuUpdate[] = [];
  const lastShown = async (id: string): Promise<boolean | undefined> => {
    calls.push(...(await worker.evaluate(() => (globalThis as unknown as { menuUpdates: MenuUpdate[] }).menuUpdates.splice(0))));
    return calls.filter((call) => call.id === id).at(-1)?.visible;
  };
  return async (action, enhanced) => {
    await lastShown('restore-original');
    calls.length = 0;
    await action();
    await expect.poll(() => lastShown('restore-original')).toBe(enhanced);
    await expect.poll(() => lastShown('save-enhanced')).toBe(enhanced);
  };
}

interface PageGlobals {
  cardImages: Record<string, HTMLImageElement>;
  addLater(): void;
  defineLate(): void;
}

interface Shown {
  src: string;
  /** The pixels behind what the image shows now, and its box on the page. */
  width: number;
  box: { x: number; y: number; width: number; height: number };
  markup: string;
}

function shown(key: Key): Promise<Shown> {
  return page.evaluate(async (k) => {
    const img = (window as unknown as PageGlobals).cardImages[k];
    const probe = new Image();
    probe.src = img.currentSrc;
    await probe.decode();
    const r = img.getBoundingClientRect();
    return { src: img.currentSrc, width: probe.naturalWidth, box: { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }, markup: img.outerHTML };
  }, key);
}

/** The keys whose image is on the page and shows our result. */
async function enhancedKeys(): Promise<Key[]> {
  const present = await page.evaluate((keys) => keys.filter((key) => (window as unknown as PageGlobals).cardImages[key]?.complete), KEYS);
  const all = await Promise.all(present.map(async (key) => ({ key, src: (await shown(key)).src })));
  return all.filter(({ src }) => src.startsWith('blob:')).map(({ key }) => key);
}

function tabCounts(): Promise<TabCounts> {
  return worker.evaluate(async (tab) => (await self.enhance.status(tab)).counts, tabId);
}

/**
 * Counts, from now on, every walk of the page's tree (and its shadow roots) by the content script:
 * counted in the script's own world, reached over CDP.
 */
/**
 * Counts the content script's walks of the page from now on: all of them (`count`), or those its
 * timers make (`rescans`: a rescan runs from a timer, a job's own lookups from its messages).
 */
async function countTreeWalks(): Promise<{ count(): Promise<number>; rescans(): Promise<number>; run(expression: string): Promise<unknown>; stop(): Promise<void> }> {
  const cdp = await browser.context.newCDPSession(page);
  const worlds: number[] = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => {
    if (context.auxData?.type === 'isolated' && context.origin.startsWith('chrome-extension://')) worlds.push(context.id);
  });
  await cdp.send('Runtime.enable');
  expect(worlds).toHaveLength(1);
  const inScriptWorld = async (expression: string) =>
    (await cdp.send('Runtime.evaluate', { expression, contextId: worlds[0], returnByValue: true })).result.value as unknown;
  await inScriptWorld(`(() => {
    globalThis.treeWalks = 0;
    globalThis.timerWalks = 0;
    if (globalThis.walkCounted) return;
    globalThis.walkCounted = true;
    const walk = Document.prototype.createTreeWalker;
    Document.prototype.createTreeWalker = function (...args) {
      globalThis.treeWalks++;
      if (globalThis.inTimer) globalThis.timerWalks++;
      return walk.apply(this, args);
    };
    const setTimer = window.setTimeout;
    window.setTimeout = function (callback, ...rest) {
      const timed = function (...args) {
        globalThis.inTimer = true;
        try { return callback.apply(this, args); } finally { globalThis.inTimer = false; }
      };
      return setTimer.call(this, typeof callback === 'function' ? timed : callback, ...rest);
    };
  })()`);
  return {
    count: async () => (await inScriptWorld('globalThis.treeWalks')) as number,
    rescans: async () => (await inScriptWorld('globalThis.timerWalks')) as number,
    run: inScriptWorld,
    stop: () => cdp.detach(),
  };
}

describe('images in shadow roots', () => {
  it("the menu's Enhance x2 and Restore original reach an image in a shadow root", async () => {
    const before = await shown('open');
    const outcome = await worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [tabId, before.src] as const);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    const after = await shown('open');
    expect(after.src).toMatch(/^blob:/);
    expect(after.width).toBe(96);
    expect(after.box).toEqual(before.box);
    const { restored } = await worker.evaluate(([tab, url]) => self.enhance.restore(tab, url), [tabId, before.src] as const);
    expect(restored).toBe(1);
    expect(await shown('open')).toEqual(before);
  });

  it('auto-enhance takes the stretched images of open and closed roots, and of cards that come later', async () => {
    const closedBox = (await shown('closed')).box;
    await worker.evaluate((origin) => chrome.storage.sync.set({ autoSites: { [origin]: true } }), site.origin);
    // 'open' was put back by the user above: auto-enhance leaves it be.
    await expect.poll(enhancedKeys, { timeout: 120_000 }).toEqual(['closed']);
    expect((await shown('closed')).box).toEqual(closedBox);

    await page.evaluate(() => (window as unknown as PageGlobals).addLater());
    await expect.poll(enhancedKeys, { timeout: 120_000 }).toEqual(['closed', 'inserted', 'added']);

    await page.evaluate(() => (window as unknown as PageGlobals).defineLate());
    await expect.poll(enhancedKeys, { timeout: 120_000 }).toEqual(['closed', 'inserted', 'added', 'late']);
    for (const key of KEYS) expect((await shown(key)).width).toBe(key === 'open' ? 48 : 96);
    await expect.poll(tabCounts).toEqual({ enhanced: 4, queued: 0, failed: 0 });
  });

  it("the menu's Restore and Save follow the image under the pointer, in open and closed roots alike", async () => {
    const menuAfter = await spyOnMenu();
    const centre = async (key: Key) => {
      const { box } = await shown(key);
      return [box.x + box.width / 2, box.y + box.height / 2] as const;
    };
    // In steps, as a hand moves it: the pointer crosses the page between images.
    const hover = async (key: Key) => page.mouse.move(...(await centre(key)), { steps: 5 });

    // The pointer enters an image long before a right-click: that is when the menu is told.
    await menuAfter(() => hover('closed'), true);
    await menuAfter(() => hover('open'), false);
    await menuAfter(() => hover('added'), true);
    await menuAfter(() => hover('open'), false);
    // A right-click where the pointer rests tells it once more (a menu opened from the keyboard has no hover).
    await menuAfter(async () => page.mouse.click(...(await centre('open')), { button: 'right' }), false);

    // The image under the resting pointer is enhanced, then put back: no pointer event, the menu follows.
    const src = (await shown('open')).src;
    await menuAfter(() => worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [tabId, src] as const), true);
    await menuAfter(() => worker.evaluate(([tab, url]) => self.enhance.restore(tab, url), [tabId, src] as const), false);
  });

  it("the menu offers Restore and Save on the page's copy of an enhanced image, which shows the result too (a lightbox's clone)", async () => {
    const menuAfter = await spyOnMenu();
    const { box } = await shown('open');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    const copyCentre = await page.evaluate((key) => {
      const copy = (window as unknown as PageGlobals).cardImages[key].cloneNode() as HTMLImageElement;
      copy.id = 'lightbox-copy';
      copy.style.cssText = 'position: fixed; right: 0; bottom: 0; width: 96px; height: 96px';
      document.body.append(copy);
      const rect = copy.getBoundingClientRect();
      return [rect.x + rect.width / 2, rect.y + rect.height / 2] as const;
    }, 'added' satisfies Key);
    await page.waitForFunction(() => (document.getElementById('lightbox-copy') as HTMLImageElement).currentSrc.startsWith('blob:'));
    await menuAfter(() => page.mouse.move(...copyCentre, { steps: 5 }), true);
    await menuAfter(() => page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 }), false);
    await page.evaluate(() => document.getElementById('lightbox-copy')!.remove());
  });

  it('the menu follows the image a scroll brings under the resting pointer (the wheel: no pointer move)', async () => {
    const menuAfter = await spyOnMenu();
    // Both at their own size (sharp): auto-enhance, on for this site, leaves them be.
    writeFileSync(
      join(dir, 'scrolled.html'),
      `<!doctype html><body style="margin: 0"><img id="plain" src="${FILES.open}.png" style="display: block; width: 48px; height: 48px">
<div style="height: 200px"></div><img id="below" src="${FILES.closed}.png" style="display: block; width: 48px; height: 48px"><div style="height: 2000px"></div></body>`,
    );
    const scrolled = await browser.context.newPage();
    watchPageProblems(scrolled, pageProblems);
    await scrolled.goto(`${site.origin}/scrolled.html`);
    await scrolled.waitForFunction(() => [...document.images].every((img) => img.complete));
    const scrolledTab = await tabIdOf(worker, scrolled);
    const below = await scrolled.evaluate(() => (document.getElementById('below') as HTMLImageElement).currentSrc);
    expect(await worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [scrolledTab, below] as const)).toMatchObject({ ok: true, images: 1 });
    // Resting on the plain image (the menu was told nothing: this frame's word is "not enhanced").
    await scrolled.mouse.move(24, 24, { steps: 5 });
    await menuAfter(() => scrolled.mouse.wheel(0, 248), true);
    await scrolled.close();
  });

  it("a page's own pointer and contextmenu events over an enhanced image leave the menu alone: it is one for the whole browser, and the user's pointer is elsewhere", async () => {
    await spyOnMenu();
    // The user's pointer on a plain image: the menu hides Restore and Save.
    const { box } = await shown('open');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.waitForTimeout(500);
    type Updates = { menuUpdates: Array<{ visible?: boolean }> };
    await worker.evaluate(() => (globalThis as unknown as Updates).menuUpdates.splice(0));
    const shownSince = () => worker.evaluate(() => (globalThis as unknown as Updates).menuUpdates.filter((call) => call.visible === true).length);
    await page.evaluate((key) => {
      const img = (window as unknown as PageGlobals).cardImages[key];
      const rect = img.getBoundingClientRect();
      const at = { clientX: rect.x + rect.width / 2, clientY: rect.y + rect.height / 2, bubbles: true, composed: true };
      for (const type of ['pointermove', 'pointerdown']) img.dispatchEvent(new PointerEvent(type, at));
      // A touch shim's long press, or a component forwarding the event.
      img.dispatchEvent(new MouseEvent('contextmenu', { ...at, button: 2, cancelable: true }));
    }, 'closed' satisfies Key);
    // Time for a word to reach the worker, as the user's moves do within a frame or two.
    await page.waitForTimeout(1000);
    expect(await shownSince()).toBe(0);
  });

  it('a hidden tab leaves the menu alone when the image under its resting pointer is enhanced (another tab has the menu now)', async () => {
    const src = (await shown('open')).src;
    const box = (await shown('open')).box;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await spyOnMenu();
    // Headless Chromium keeps every tab visible: the script's world is told the tab went hidden, as a switch to another tab tells it.
    const cdp = await browser.context.newCDPSession(page);
    const worlds: number[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => {
      if (context.auxData?.type === 'isolated' && context.origin.startsWith('chrome-extension://')) worlds.push(context.id);
    });
    await cdp.send('Runtime.enable');
    const inScriptWorld = (expression: string) => cdp.send('Runtime.evaluate', { expression, contextId: worlds[0] });
    await inScriptWorld(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange'))`);
    const before = await worker.evaluate(() => (globalThis as unknown as { menuUpdates: unknown[] }).menuUpdates.length);
    expect(await worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [tabId, src] as const)).toMatchObject({ ok: true, images: 1 });
    // The page's word would have gone with the swap, before the job's answer; one more round trip
    // to the frame, answered after it, lets it land first.
    await worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'menu-target' }, { frameId: 0 }), tabId);
    const told = await worker.evaluate((from) => (globalThis as unknown as { menuUpdates: Array<{ visible?: boolean }> }).menuUpdates.slice(from), before);
    expect(told.filter((update) => update.visible === true)).toEqual([]);
    await inScriptWorld(`delete document.hidden; document.dispatchEvent(new Event('visibilitychange'))`);
    await cdp.detach();
    expect(await worker.evaluate(([tab, url]) => self.enhance.restore(tab, url), [tabId, src] as const)).toEqual({ restored: 1 });
  });

  it("the menu's Restore and Save follow the pointer from an enhanced image into a frame beside it, onto a plain image there", async () => {
    // Shown at its own size: sharp, so auto-enhance (on for this site in the tests before) leaves it plain.
    writeFileSync(join(dir, 'inner.html'), `<!doctype html><body style="margin: 0"><img id="inner" src="${FILES.open}.png" style="width: 48px; height: 48px"></body>`);
    writeFileSync(
      join(dir, 'framed.html'),
      `<!doctype html><body style="margin: 0; display: flex"><img id="outer" src="${FILES.closed}.png" style="width: 96px; height: 96px"><iframe src="inner.html" style="border: 0; width: 96px; height: 96px"></iframe></body>`,
    );
    const framed = await browser.context.newPage();
    watchPageProblems(framed, pageProblems);
    await framed.goto(`${site.origin}/framed.html`);
    await framed.frames()[1].waitForFunction(() => (document.getElementById('inner') as HTMLImageElement).complete);
    const framedTab = await tabIdOf(worker, framed);
    const outer = await framed.evaluate(() => (document.getElementById('outer') as HTMLImageElement).currentSrc);
    expect(await worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [framedTab, outer] as const)).toMatchObject({ ok: true, images: 1 });
    const menuAfter = await spyOnMenu();
    await menuAfter(() => framed.mouse.move(48, 48, { steps: 5 }), true);
    // Straight across the edge, as a quick hand goes: the outer page's last move was on its image.
    await menuAfter(() => framed.mouse.move(96 + 24, 24), false);
    await framed.close();
  });

  it("a message over an image (a job's failure) starts no walk of the page: our own elements are no page change", async () => {
    writePng(join(dir, 'gone.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png')), 48, 48));
    // At its own size, so auto-enhance leaves it; the menu's job then finds the file gone from the server.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img id="gone" src="gone.png" style="width: 48px; height: 48px">'));
    await page.waitForFunction(() => (document.getElementById('gone') as HTMLImageElement).complete);
    // The rescan the new element brings (at most 3.2 s later) passes first.
    await page.waitForTimeout(3500);
    rmSync(join(dir, 'gone.png'));
    // Counted from before the job: its overlay goes in as it starts.
    const walks = await countTreeWalks();
    const outcome = await worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [tabId, `${site.origin}/gone.png`] as const);
    expect(outcome.ok).toBe(false);
    expect(await overlayTexts(page)).toEqual([expect.stringContaining('could not download')]);
    // The message shows for 5 s, then goes: a rescan for any of it would come within 3.2 s.
    await expect.poll(() => overlayTexts(page), { timeout: 15_000 }).toEqual([]);
    await page.waitForTimeout(3500);
    expect(await walks.rescans()).toBe(0);
    await walks.stop();
    await page.evaluate(() => document.getElementById('gone')?.remove());
  });

  it("a 'resize' that changes no size (scripts send them to lay widgets out again) starts no walk of the page; a real one does", async () => {
    const walks = await countTreeWalks();
    await page.evaluate(() => {
      for (let i = 0; i < 3; i++) window.dispatchEvent(new Event('resize'));
    });
    await page.waitForTimeout(1000);
    expect(await walks.count()).toBe(0);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width - 100, height: size.height });
    await expect.poll(walks.count).toBeGreaterThan(0);
    // Back to its size, and the look that follows over before the next test counts.
    const afterFirst = await walks.count();
    await page.setViewportSize(size);
    await expect.poll(walks.count).toBeGreaterThan(afterFirst);
    await page.waitForTimeout(500);
    await walks.stop();
  });

  it("a background tab's changes start no walk of the whole page, which is walked once the tab shows", async () => {
    const walks = await countTreeWalks();
    await walks.run(`Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange'))`);
    // What a chat does in the background: elements added, with no image (each added tree is walked alone, once).
    for (let i = 0; i < 4; i++) {
      await page.evaluate(() => document.body.append(document.createElement('p')));
      await page.waitForTimeout(1000);
    }
    expect(await walks.count()).toBe(4);
    await walks.run(`delete document.hidden; document.dispatchEvent(new Event('visibilitychange'))`);
    // The rescan that came due meanwhile: the document and every root in it.
    await expect.poll(walks.count, { timeout: 10_000 }).toBeGreaterThan(4);
    await walks.stop();
  });

  it('switching the site off puts every shadow-root image back, walking the page once for all of them', async () => {
    const walks = await countTreeWalks();
    await worker.evaluate(() => chrome.storage.sync.set({ autoSites: {} }));
    await expect.poll(enhancedKeys).toEqual([]);
    await expect.poll(tabCounts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
    // One walk of the page: the document and the four cards' roots (open, closed, late, inserted), not that for each of the four images.
    expect(await walks.count()).toBe(5);
    await walks.stop();
  });

  it('then, with nothing of ours left and the site off, stops watching the page', async () => {
    const walks = await countTreeWalks();
    // What a feed does: a new card with an image in its shadow root, twice, a rescan's delay apart.
    for (const key of ['feed-1', 'feed-2']) {
      await page.evaluate((k) => document.getElementById('feed')?.insertAdjacentHTML('beforeend', `<photo-card key="${k}" file="bird.png"></photo-card>`), key);
      await page.waitForTimeout(400);
    }
    expect(await walks.count()).toBe(0);
    await walks.stop();
  });

  it("notices the page's change to an image in a root that appeared after the page was last walked", async () => {
    writeFileSync(
      join(dir, 'late-root.html'),
      `<!doctype html><img id="first" src="${FILES.open}.png" style="width: 96px; height: 96px"><img src="${FILES.inserted}.png" style="width: 48px; height: 48px"><div id="host"></div>
<script>
  // A root on an element already there (no mutation record), its image from the memory cache (no load timed).
  window.attachLate = () => {
    const root = document.getElementById('host').attachShadow({ mode: 'open' });
    root.innerHTML = '<img src="${FILES.inserted}.png" style="width: 96px; height: 96px">';
    window.lateImage = root.querySelector('img');
  };
</script>`,
    );
    const late = await browser.context.newPage();
    watchPageProblems(late, pageProblems);
    await late.goto(`${site.origin}/late-root.html`);
    const lateTab = await tabIdOf(worker, late);
    const upscale = (file: string) => worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [lateTab, `${site.origin}/${file}`] as const);
    // The first swap starts the page watch, which finds no shadow root yet; the second puts the
    // later image's result in the cache, so that its own job ends before a rescan could find its root.
    expect(await upscale(`${FILES.open}.png`)).toMatchObject({ ok: true });
    expect(await upscale(`${FILES.inserted}.png`)).toMatchObject({ ok: true });
    // Page changes that bring no root make each rescan wait twice as long, up to 3.2 s.
    for (const wait of [300, 500, 900, 1700, 3300]) {
      await late.evaluate(() => document.body.append(document.createElement('span')));
      await late.waitForTimeout(wait);
    }
    await late.evaluate(() => (window as unknown as { attachLate(): void }).attachLate());
    await late.waitForFunction(() => (window as unknown as { lateImage: HTMLImageElement }).lateImage.complete);
    expect(await upscale(`${FILES.inserted}.png`)).toMatchObject({ ok: true });
    const lateShows = () => late.evaluate(() => (window as unknown as { lateImage: HTMLImageElement }).lateImage.currentSrc);
    expect(await lateShows()).toMatch(/^blob:/);
    // The page shows another file there: it wins over our result.
    await late.evaluate((file) => ((window as unknown as { lateImage: HTMLImageElement }).lateImage.src = file), `${FILES.closed}.png`);
    await expect.poll(lateShows).toBe(`${site.origin}/${FILES.closed}.png`);
    await late.close();
  });

  it('left no unhandled errors or Enhance console noise on the page', () => {
    expect(pageProblems).toEqual([]);
  });
});

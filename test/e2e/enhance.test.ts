/**
 * Issue 2, end to end: the built extension in real Chromium enhances real benchmark images in
 * place through `self.enhance` (what the context menu calls), with the real ONNX models.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFrames } from '../../src/core/discovery';
import type { RgbaImage } from '../../src/core/image';
import { cropTo, psnrY } from '../../src/core/metrics';
import { upscaleBicubic } from '../../src/core/resize';
import { pngChunk } from '../../src/node/colour-chunks';
import { encodePng, readPng } from '../../src/node/png';
import { evaluateInEngine } from './engine-document';
import { BENCH, GOOD, openFixtureSite, openIndexPage, type FixtureSession } from './fixtures';
import type { EnhanceOutcome } from '../../src/shared/protocol';
import { DIST, serveFolder, tabIdOf, type ExtensionBrowser } from './harness';
import { box, currentSrc, decodeDataUrlPng, enhanceById, imagesSettled, markup, overlayTexts, restoreById, shownPixels, toolbarAction, watchPageProblems } from './page-helpers';

let fixture: FixtureSession;
let dir: string;
let browser: ExtensionBrowser;
let page: Page;
let tabId: number;
const pageProblems: string[] = [];

beforeAll(async () => {
  fixture = await openFixtureSite();
  ({ dir, browser } = fixture);
  ({ page, tabId } = await openIndexPage(fixture, pageProblems));
});

afterAll(() => fixture?.close());

/** A page of `html`, written to the fixture site as `file`, opened with its images loaded. */
async function openWritten(file: string, html: string): Promise<Page> {
  writeFileSync(join(dir, file), html);
  const opened = await browser.context.newPage();
  watchPageProblems(opened, pageProblems);
  await opened.goto(`${fixture.origin}/${file}`);
  await imagesSettled(opened);
  return opened;
}

/** Where a PNG's first chunk after its header (IHDR) starts. */
const AFTER_PNG_HEADER = 8 + 8 + 13 + 4;

describe('Enhance x2 / x4 on good images', () => {
  const gains: Record<string, number> = {};

  it.each(GOOD)('$id (x$scale): result is scale x the pixels, in the same box, sharper than bicubic', async ({ id, scale, hr, lr: lrPath }) => {
    const lr = readPng(join(dir, lrPath));
    const before = await box(page, id);
    const outcome = await enhanceById(browser.worker, page, tabId, id, scale);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, backend: 'wasm' });

    const shown = await shownPixels(page, id);
    expect([shown.width, shown.height]).toEqual([lr.width * scale, lr.height * scale]);
    expect(await box(page, id)).toEqual(before);

    const original = readPng(hr);
    const truth = cropTo(original, shown.width, shown.height);
    gains[id] = psnrY(shown, truth, scale) - psnrY(upscaleBicubic(lr, scale), truth, scale);
  });

  it('beats bicubic by at least 1 dB on average', () => {
    const values = Object.values(gains);
    expect(values).toHaveLength(GOOD.length);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    console.info(`Y-PSNR gain over bicubic: ${JSON.stringify(gains)}; mean ${mean.toFixed(2)} dB`);
    expect(mean).toBeGreaterThanOrEqual(1);
  });

  it('keeps a transparent PNG transparent', async () => {
    const lr = readPng(join(dir, 'logo-alpha.png'));
    const outcome = await enhanceById(browser.worker, page, tabId, 'logo', 4);
    expect(outcome.ok).toBe(true);
    const shown = await shownPixels(page, 'logo');
    let transparentBefore = 0;
    let stillTransparent = 0;
    for (let y = 0; y < lr.height; y++) {
      for (let x = 0; x < lr.width; x++) {
        // Pixels whose whole 5x5 neighbourhood was transparent: away from the edge of the cut-out.
        let inside = true;
        for (let dy = -2; dy <= 2 && inside; dy++) for (let dx = -2; dx <= 2 && inside; dx++) inside = lr.data[((y + dy) * lr.width + x + dx) * 4 + 3] === 0;
        if (!inside) continue;
        transparentBefore++;
        const center = ((y * 4 + 2) * shown.width + x * 4 + 2) * 4;
        if (shown.data[center + 3] === 0) stillTransparent++;
      }
    }
    expect(transparentBefore).toBeGreaterThan(100);
    expect(stillTransparent).toBe(transparentBefore);
    // And the opaque rest stays opaque.
    expect(shown.data[3]).toBe(255);
  });

  it('respects EXIF orientation', async () => {
    const before = await box(page, 'exif');
    const outcome = await enhanceById(browser.worker, page, tabId, 'exif', 2);
    expect(outcome.ok).toBe(true);
    // Stored 86x57 and turned upright by its EXIF tag: the result is upright too, 57x86 doubled.
    expect([outcome.width, outcome.height]).toEqual([114, 172]);
    const shown = await shownPixels(page, 'exif');
    expect([shown.width, shown.height]).toEqual([114, 172]);
    expect(await box(page, 'exif')).toEqual(before);
  });

  it('lays an image out as the page did where its style leaves the EXIF orientation out (image-orientation: none)', async () => {
    // The same file: shown as stored (86x57) where the page may read it; turned upright all the same from another origin.
    await page.evaluate((second) => {
      for (const [id, src] of [['as-stored', 'exif-orientation-6.jpg?as-stored'], ['as-stored-elsewhere', `${second}/exif-orientation-6.jpg?as-stored`]]) {
        const img = Object.assign(new Image(), { id, src, alt: id });
        img.style.imageOrientation = 'none';
        document.body.append(img);
      }
    }, fixture.secondOrigin);
    await imagesSettled(page);
    const laidOut = { 'as-stored': await box(page, 'as-stored'), 'as-stored-elsewhere': await box(page, 'as-stored-elsewhere') };
    expect([laidOut['as-stored'].width, laidOut['as-stored'].height]).toEqual([86, 57]);
    expect([laidOut['as-stored-elsewhere'].width, laidOut['as-stored-elsewhere'].height]).toEqual([57, 86]);
    // 'exif', the same bytes, was enhanced x2 upright above: its cached result must not be served here.
    for (const [id, size] of [['as-stored', [172, 114]], ['as-stored-elsewhere', [114, 172]]] as const) {
      const outcome = await enhanceById(browser.worker, page, tabId, id, 2);
      expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, width: size[0], height: size[1] });
      const shown = await shownPixels(page, id);
      expect([shown.width, shown.height]).toEqual(size);
      expect(await box(page, id)).toEqual(laidOut[id]);
    }
    // Turned the right way: the result matches the file's stored pixels (its upright ones, as Chromium decodes it, turned back a quarter anticlockwise: EXIF 6), not those half-turned.
    const upright = decodeDataUrlPng(
      await page.evaluate(async () => {
        const bitmap = await createImageBitmap(await (await fetch('exif-orientation-6.jpg')).blob());
        const canvas = Object.assign(document.createElement('canvas'), { width: bitmap.width, height: bitmap.height });
        canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
        return canvas.toDataURL('image/png');
      }),
    );
    const stored = { width: upright.height, height: upright.width, data: new Uint8ClampedArray(upright.data.length) };
    const halfTurned = { ...stored, data: new Uint8ClampedArray(upright.data.length) };
    for (let y = 0; y < stored.height; y++) {
      for (let x = 0; x < stored.width; x++) {
        const from = (x * upright.width + (upright.width - 1 - y)) * 4;
        stored.data.set(upright.data.subarray(from, from + 4), (y * stored.width + x) * 4);
        halfTurned.data.set(upright.data.subarray(from, from + 4), ((stored.height - 1 - y) * stored.width + (stored.width - 1 - x)) * 4);
      }
    }
    // The same pixels as a PNG stored sideways, its eXIf chunk saying so (orientation 6, big-endian TIFF), which browsers honour too.
    const png = encodePng(stored);
    const tiff = Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    writeFileSync(join(dir, 'sideways.png'), Buffer.concat([png.subarray(0, AFTER_PNG_HEADER), pngChunk('eXIf', tiff), png.subarray(AFTER_PNG_HEADER)]));
    await page.evaluate(() => {
      const img = Object.assign(new Image(), { id: 'as-stored-png', src: 'sideways.png', alt: 'as stored, PNG' });
      img.style.imageOrientation = 'none';
      document.body.append(img);
    });
    await imagesSettled(page);
    const pngBox = await box(page, 'as-stored-png');
    expect([pngBox.width, pngBox.height]).toEqual([86, 57]);
    expect(await enhanceById(browser.worker, page, tabId, 'as-stored-png', 2)).toMatchObject({ ok: true, width: 172, height: 114 });
    expect(await box(page, 'as-stored-png')).toEqual(pngBox);
    for (const id of ['as-stored', 'as-stored-png']) {
      const result = await shownPixels(page, id);
      const psnr = (truth: RgbaImage) => psnrY(result, upscaleBicubic(truth, 2), 2);
      expect(psnr(stored), id).toBeGreaterThan(psnr(halfTurned) + 5);
    }
    // Another scale, asked while the image shows the first result: as stored again.
    expect(await enhanceById(browser.worker, page, tabId, 'as-stored', 4)).toMatchObject({ ok: true, width: 344, height: 228 });
    expect(await box(page, 'as-stored')).toEqual(laidOut['as-stored']);
    await page.evaluate(() => document.querySelectorAll('#as-stored, #as-stored-elsewhere, #as-stored-png').forEach((img) => img.remove()));
  });

  it('saves the enhanced image through the downloads API, named after the original file', async () => {
    // What the menu passes: the URL the image shows now, our blob.
    const src = await currentSrc(page, 'bird');
    expect(src).toMatch(/^blob:/);
    // A spy on the real API: the download still happens, and the test sees the name it was given.
    await browser.worker.evaluate(() => {
      const download = chrome.downloads.download.bind(chrome.downloads);
      chrome.downloads.download = ((options: chrome.downloads.DownloadOptions) => {
        (globalThis as unknown as { savedAs?: string }).savedAs = options.filename;
        return download(options);
      }) as typeof chrome.downloads.download;
    });
    expect(await browser.worker.evaluate(([tab, url]) => self.enhance.saveEnhanced(tab, url), [tabId, src] as const)).toBe(true);
    expect(await browser.worker.evaluate(() => (globalThis as unknown as { savedAs?: string }).savedAs)).toBe('birdx4-enhanced.png');
    // Playwright stores downloads under generated names, so the item is found by its content.
    const download = await browser.worker.evaluate(async () => {
      for (let tries = 0; tries < 100; tries++) {
        const [item] = await chrome.downloads.search({ mime: 'image/png', urlRegex: '^data:image/png' });
        if (item && item.state !== 'in_progress') return { state: item.state, bytes: item.fileSize };
        await new Promise((r) => setTimeout(r, 100));
      }
      return { state: 'not found', bytes: 0 };
    });
    expect(download.state).toBe('complete');
    expect(download.bytes).toBeGreaterThan(10_000);
  });

  // A private window's save: what the worker asks of the page there, asked here (Playwright opens no private window with an extension).
  it("saves from the page itself where the worker's downloads would land in the regular profile (a Chrome private window)", async () => {
    const src = await currentSrc(page, 'bird');
    const downloaded = page.waitForEvent('download');
    expect(await browser.worker.evaluate(([tab, url]) => chrome.tabs.sendMessage(tab, { type: 'save-here', srcUrl: url }, { frameId: 0 }), [tabId, src] as const)).toEqual({ saved: true });
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe('birdx4-enhanced.png');
    const bytes = readFileSync(await download.path());
    expect(bytes.length).toBe(await page.evaluate(async (url) => (await (await fetch(url)).blob()).size, src));
  });

  it('saves a large enhanced image whole (a PNG of megabytes, from the worker as a data: URL)', async () => {
    const saving = await browser.context.newPage();
    watchPageProblems(saving, pageProblems);
    await saving.goto(`${fixture.origin}/index.html?save-large`);
    await imagesSettled(saving);
    const savingTab = await tabIdOf(browser.worker, saving);
    expect(await enhanceById(browser.worker, saving, savingTab, 'barbara', 4)).toMatchObject({ ok: true, images: 1 });
    const result = await saving.evaluate(async () => (await (await fetch((document.getElementById('barbara') as HTMLImageElement).currentSrc)).blob()).size);
    expect(result).toBeGreaterThan(2 * 1024 * 1024);
    const src = await currentSrc(saving, 'barbara');
    expect(await browser.worker.evaluate(([tab, url]) => self.enhance.saveEnhanced(tab, url), [savingTab, src] as const)).toBe(true);
    const download = await browser.worker.evaluate(async () => {
      for (let tries = 0; tries < 300; tries++) {
        // Playwright stores downloads under generated names: the newest item is this one.
        const [item] = await chrome.downloads.search({ orderBy: ['-startTime'], limit: 1 });
        if (item && item.state !== 'in_progress') return { state: item.state, bytes: item.fileSize, error: item.error };
        await new Promise((r) => setTimeout(r, 100));
      }
      return { state: 'not found', bytes: 0 };
    });
    expect(download).toEqual({ state: 'complete', bytes: result, error: undefined });
    await saving.close();
  });

  it('restores the original src, srcset, sizes and <picture> sources exactly', async () => {
    const ids = ['butterfly', 'head', 'baby', 'woman'];
    const originals = new Map<string, string>();
    const fresh = await browser.context.newPage();
    await fresh.goto(`${fixture.origin}/index.html`);
    for (const id of ids) originals.set(id, await markup(fresh, id));
    await fresh.close();
    for (const id of ids) {
      expect(await markup(page, id)).not.toBe(originals.get(id));
      expect(await restoreById(browser.worker, page, tabId, id)).toBe(1);
      expect(await markup(page, id)).toBe(originals.get(id));
    }
  });
});

describe('copying enhanced images', () => {
  it("a copy of the selection carries the page's own markup, not our blob: URLs, and the images stay enhanced, in their boxes", async () => {
    // Unsized, so the density the browser gives each file lays it out: an <img> with nothing but
    // src, one with a srcset and sizes of its own, and one in a <picture>, whose <source> we change too.
    writeFileSync(
      join(dir, 'copying.html'),
      `<!doctype html><p>Above</p><img id="plain" src="lr/birdx4.png" alt="bird"><img id="head" srcset="lr/headx4.png 1x" sizes="280px" src="lr/headx4.png" alt="head">
<picture id="butterfly-picture"><source srcset="lr/butterflyx4.png" type="image/png"><img id="butterfly" src="lr/butterflyx4.png" alt="butterfly"></picture><p>Below</p>
<x-card></x-card><script>customElements.define('x-card', class extends HTMLElement { constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<img id="inner" src="lr/womanx4.png" alt="woman">'; } });</script>`,
    );
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.origin });
    const copying = await browser.context.newPage();
    watchPageProblems(copying, pageProblems);
    await copying.goto(`${fixture.origin}/copying.html`);
    await imagesSettled(copying);
    const copyingTab = await tabIdOf(browser.worker, copying);
    const ids = ['plain', 'head', 'butterfly'];
    const boxes = await Promise.all(ids.map((id) => box(copying, id)));
    for (const id of ids) expect(await enhanceById(browser.worker, copying, copyingTab, id, 2)).toMatchObject({ ok: true, images: 1 });
    // And one in a web component's shadow tree, which a copy takes along.
    const inner = () => copying.evaluate(() => document.querySelector('x-card')!.shadowRoot!.querySelector('img')!.outerHTML);
    const innerUrl = `${fixture.origin}/lr/womanx4.png`;
    expect(await browser.worker.evaluate(([t, u]) => self.enhance.upscale(t, u, 2), [copyingTab, innerUrl] as const)).toMatchObject({ ok: true, images: 1 });
    const innerEnhanced = await inner();
    expect(innerEnhanced).toContain('blob:');
    // And the page's copy of one (a carousel's cloned slide), at the end, which shows the result under our srcset.
    await copying.evaluate(() => document.body.append(Object.assign(document.getElementById('head')!.cloneNode() as HTMLImageElement, { id: 'head-copy' })));
    await expect.poll(() => currentSrc(copying, 'head-copy')).toMatch(/^blob:/);
    const copyEnhanced = await markup(copying, 'head-copy');
    const enhanced = await Promise.all(ids.map((id) => markup(copying, id)));
    for (const html of enhanced) expect(html).toContain('blob:');
    expect(await Promise.all(ids.map((id) => box(copying, id)))).toEqual(boxes);

    await copying.keyboard.press('Control+A');
    await copying.keyboard.press('Control+C');
    const copied = await copying.evaluate(async () => (await (await navigator.clipboard.read())[0].getType('text/html')).text());
    expect(copied.match(/<img[^>]*blob:[^>]*>/g) ?? []).toEqual([]);
    expect(copied).toMatch(/<img id="plain" src="[^"]*lr\/birdx4\.png" alt="bird"/);
    expect(copied).toMatch(/<img id="head" srcset="[^"]*lr\/headx4\.png 1x" sizes="280px"/);
    expect(copied).toMatch(/<img id="head-copy" srcset="[^"]*lr\/headx4\.png 1x" sizes="280px"/);
    expect(copied).toMatch(/<source srcset="[^"]*lr\/butterflyx4\.png" type="image\/png">/);
    expect(copied).toMatch(/<img id="inner" src="[^"]*lr\/womanx4\.png" alt="woman"/);
    // Back before the next frame: the same markup as before the copy, the result shown, nothing moved.
    await copying.evaluate(() => new Promise(requestAnimationFrame));
    expect(await Promise.all(ids.map((id) => markup(copying, id)))).toEqual(enhanced);
    expect(await inner()).toBe(innerEnhanced);
    expect(await markup(copying, 'head-copy')).toBe(copyEnhanced);
    for (const id of ids) expect(await currentSrc(copying, id)).toMatch(/^blob:/);
    await copying.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
    expect(await Promise.all(ids.map((id) => box(copying, id)))).toEqual(boxes);
    await copying.close();
  });

  it('a copy the page made of an enhanced image, unsized, is laid out at its own size again once restored', async () => {
    const page = await openWritten('copy-restored.html', '<!doctype html><img id="slide" src="lr/babyx4.png" alt="baby"><div id="track"></div>');
    const before = await box(page, 'slide');
    const tabId = await tabIdOf(browser.worker, page);
    expect(await enhanceById(browser.worker, page, tabId, 'slide', 2)).toMatchObject({ ok: true, images: 1 });
    // A carousel's clone of the slide, which shows the result under our srcset.
    await page.evaluate(() => document.getElementById('track')!.append(Object.assign(document.getElementById('slide')!.cloneNode() as HTMLImageElement, { id: 'slide-copy' })));
    await expect.poll(() => currentSrc(page, 'slide-copy')).toMatch(/^blob:/);
    expect(await restoreById(browser.worker, page, tabId, 'slide')).toBe(1);
    await expect.poll(() => currentSrc(page, 'slide-copy')).toBe(`${fixture.origin}/lr/babyx4.png`);
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 200)));
    const sizes = async (id: string) => ({ width: (await box(page, id)).width, height: (await box(page, id)).height });
    expect(await sizes('slide')).toEqual({ width: before.width, height: before.height });
    expect(await sizes('slide-copy')).toEqual({ width: before.width, height: before.height });
    await page.close();
  });

  it.each(['enhanced', 'put back by the user'])("lets go of an image %s that the page dropped, with the view around it (a single-page app's last page), for the garbage collector", async (state) => {
    // The app's own menu in place of the browser's (which would hold its target itself).
    const page = await openWritten(
      `dropped-view-${state.length}.html`,
      '<!doctype html><main><section id="view"><img id="shot" src="lr/babyx4.png" style="width: 256px"></section></main><script>document.addEventListener("contextmenu", (e) => e.preventDefault());</script>',
    );
    const tab = await tabIdOf(browser.worker, page);
    expect(await enhanceById(browser.worker, page, tab, 'shot', 2)).toMatchObject({ ok: true, images: 1 });
    // Put back, it keeps the page's file at hand, should its URL fail to load later.
    if (state !== 'enhanced') expect(await restoreById(browser.worker, page, tab, 'shot')).toBe(1);
    // The user's last right-click was on it (Firefox asks after that image once its menu shows).
    const shot = await box(page, 'shot');
    await page.mouse.click(shot.x + 20, shot.y + 20, { button: 'right' });
    await page.mouse.move(shot.x + shot.width + 40, shot.y);
    // The app moves to its next page: the view goes, and only a weak reference of the test's is left.
    await page.evaluate(() => {
      const view = document.getElementById('view')!;
      (window as unknown as { dropped: WeakRef<Element> }).dropped = new WeakRef(view);
      view.remove();
    });
    const cdp = await page.context().newCDPSession(page);
    const kept = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return page.evaluate(() => (window as unknown as { dropped: WeakRef<Element> }).dropped.deref() !== undefined);
    };
    await expect.poll(kept, { timeout: 10_000 }).toBe(false);
    await page.close();
  });

  it("a copy of one of two images that show the same file with markups of their own (a hero, a carousel's slide) keeps the markup of the one it copies", async () => {
    // One result goes into both, each with its own sizes: the hero's 560 px, the slide's 140 px.
    writeFileSync(
      join(dir, 'hero-slide.html'),
      `<!doctype html><img id="hero" src="lr/headx4.png" style="width: 560px; display: block"><img id="slide" srcset="lr/headx4.png 70w" sizes="140px" src="lr/headx4.png" alt="slide">`,
    );
    const shared = await browser.context.newPage();
    watchPageProblems(shared, pageProblems);
    await shared.goto(`${fixture.origin}/hero-slide.html`);
    await imagesSettled(shared);
    expect(await enhanceById(browser.worker, shared, await tabIdOf(browser.worker, shared), 'slide', 2)).toMatchObject({ ok: true, images: 2 });
    const slide = await box(shared, 'slide');
    // A loop carousel clones its slide; a lightbox, the hero.
    await shared.evaluate(() => {
      for (const [id, clone] of [['slide', 'clone'], ['hero', 'hero-clone']]) document.body.append(Object.assign(document.getElementById(id)!.cloneNode() as HTMLImageElement, { id: clone }));
    });
    await shared.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
    expect(await currentSrc(shared, 'clone')).toBe(await currentSrc(shared, 'slide'));
    expect((await box(shared, 'clone')).width).toBe(slide.width);
    // The page drops the hero first (let go of, its result still shown by the slide); then the
    // slide is restored and the result freed: each clone gets the markup of the image it copies back.
    await shared.evaluate(() => document.getElementById('hero')!.remove());
    await shared.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
    expect(await restoreById(browser.worker, shared, await tabIdOf(browser.worker, shared), 'slide')).toBe(1);
    expect(await markup(shared, 'clone')).toBe('<img id="clone" srcset="lr/headx4.png 70w" sizes="140px" src="lr/headx4.png" alt="slide">');
    expect(await markup(shared, 'hero-clone')).toBe('<img id="hero-clone" src="lr/headx4.png" style="width: 560px; display: block">');
    expect((await box(shared, 'clone')).width).toBe(slide.width);
    await shared.close();
  });
});

describe('dragging an enhanced image', () => {
  it("the drop gets the page's own file and markup, not our blob: URL, the page's own drag data too", async () => {
    writeFileSync(
      join(dir, 'dragging.html'),
      `<!doctype html><img id="dragged" src="lr/headx4.png" srcset="lr/headx4.png 1x" alt="head"><div id="target" contenteditable style="width: 300px; height: 100px">Drop here</div>
<script>
window.dropped = null;
// A gallery's own drag data: the URL the image shows.
document.getElementById('dragged').addEventListener('dragstart', (event) => event.dataTransfer.setData('text/plain', event.target.currentSrc));
const target = document.getElementById('target');
target.addEventListener('dragover', (event) => event.preventDefault());
target.addEventListener('drop', (event) => {
  event.preventDefault();
  window.dropped = { html: event.dataTransfer.getData('text/html'), uri: event.dataTransfer.getData('text/uri-list'), text: event.dataTransfer.getData('text/plain') };
});
</script>`,
    );
    const dragging = await browser.context.newPage();
    watchPageProblems(dragging, pageProblems);
    await dragging.goto(`${fixture.origin}/dragging.html`);
    await imagesSettled(dragging);
    expect(await enhanceById(browser.worker, dragging, await tabIdOf(browser.worker, dragging), 'dragged', 2)).toMatchObject({ ok: true, images: 1 });
    const enhanced = await markup(dragging, 'dragged');
    expect(enhanced).toContain('blob:');

    await dragging.dragAndDrop('#dragged', '#target');
    const dropped = await dragging.evaluate(() => (window as unknown as { dropped: { html: string; uri: string; text: string } | null }).dropped);
    expect(dropped?.uri).toBe(`${fixture.origin}/lr/headx4.png`);
    expect(dropped?.text).toBe(`${fixture.origin}/lr/headx4.png`);
    expect(dropped?.html).toMatch(/^<img id="dragged" src="[^"]*lr\/headx4\.png" srcset="lr\/headx4\.png 1x" alt="head"/);
    expect(dropped?.html).not.toContain('blob:');
    expect(await markup(dragging, 'dragged')).toBe(enhanced);
    await dragging.close();
  });

  it("the drop gets the page's own file where the page stops the drag's event at the image (a sortable list's handler)", async () => {
    writeFileSync(
      join(dir, 'dragging-stopped.html'),
      `<!doctype html><img id="dragged" src="lr/headx4.png" alt="head"><div id="target" contenteditable style="width: 300px; height: 100px">Drop here</div>
<script>
window.dropped = null;
document.getElementById('dragged').addEventListener('dragstart', (event) => event.stopPropagation());
const target = document.getElementById('target');
target.addEventListener('dragover', (event) => event.preventDefault());
target.addEventListener('drop', (event) => {
  event.preventDefault();
  window.dropped = { html: event.dataTransfer.getData('text/html'), uri: event.dataTransfer.getData('text/uri-list') };
});
</script>`,
    );
    const dragging = await browser.context.newPage();
    watchPageProblems(dragging, pageProblems);
    await dragging.goto(`${fixture.origin}/dragging-stopped.html`);
    await imagesSettled(dragging);
    expect(await enhanceById(browser.worker, dragging, await tabIdOf(browser.worker, dragging), 'dragged', 2)).toMatchObject({ ok: true, images: 1 });
    await dragging.dragAndDrop('#dragged', '#target');
    const dropped = await dragging.evaluate(() => (window as unknown as { dropped: { html: string; uri: string } | null }).dropped);
    expect(dropped?.uri).toBe(`${fixture.origin}/lr/headx4.png`);
    expect(dropped?.html).toMatch(/^<img id="dragged" src="[^"]*lr\/headx4\.png" alt="head"/);
    expect(dropped?.html).not.toContain('blob:');
    await dragging.close();
  });
});

describe('copies the page makes of an enhanced image', () => {
  it("a copy given a file of its own (a lightbox's full-size image) shows that file; a copy left on the same file keeps the result", async () => {
    writeFileSync(join(dir, 'lightbox.html'), '<!doctype html><img id="thumb" src="lr/headx4.png" style="width: 280px" alt="head"><div id="box"></div>');
    const lightbox = await browser.context.newPage();
    watchPageProblems(lightbox, pageProblems);
    await lightbox.goto(`${fixture.origin}/lightbox.html`);
    await imagesSettled(lightbox);
    expect(await enhanceById(browser.worker, lightbox, await tabIdOf(browser.worker, lightbox), 'thumb', 4)).toMatchObject({ ok: true, images: 1 });
    const full = `${fixture.origin}/lr/birdx4.png`;
    await lightbox.evaluate((fullUrl) => {
      const thumb = document.getElementById('thumb') as HTMLImageElement;
      const box = document.getElementById('box')!;
      // Given its file before it goes in, after it went in, and not at all.
      const before = Object.assign(thumb.cloneNode() as HTMLImageElement, { id: 'before' });
      before.src = fullUrl;
      box.append(before);
      const after = Object.assign(thumb.cloneNode() as HTMLImageElement, { id: 'after' });
      box.append(after);
      setTimeout(() => (after.src = fullUrl), 50);
      box.append(Object.assign(thumb.cloneNode() as HTMLImageElement, { id: 'same' }));
    }, full);
    await expect.poll(() => currentSrc(lightbox, 'before')).toBe(full);
    await expect.poll(() => currentSrc(lightbox, 'after')).toBe(full);
    expect(await lightbox.evaluate(() => document.getElementById('before')!.getAttribute('srcset'))).toBeNull();
    expect(await currentSrc(lightbox, 'same')).toBe(await currentSrc(lightbox, 'thumb'));
    expect(await currentSrc(lightbox, 'thumb')).toMatch(/^blob:/);
    await lightbox.close();
  });

  it("a copy given sizes of its own (a zoom that drops the thumbnail's sizes for the srcset's largest file) shows the page's pick, with the page's sizes kept", async () => {
    writeFileSync(
      join(dir, 'zoom.html'),
      '<!doctype html><img id="thumb" src="lr/headx4.png" srcset="lr/headx4.png 70w, lr/birdx4.png 2000w" sizes="70px" style="width: 280px" alt="head"><div id="box"></div>',
    );
    const zoom = await browser.context.newPage();
    watchPageProblems(zoom, pageProblems);
    await zoom.goto(`${fixture.origin}/zoom.html`);
    await imagesSettled(zoom);
    expect(await currentSrc(zoom, 'thumb')).toBe(`${fixture.origin}/lr/headx4.png`);
    expect(await enhanceById(browser.worker, zoom, await tabIdOf(browser.worker, zoom), 'thumb', 4)).toMatchObject({ ok: true, images: 1 });
    await zoom.evaluate(() => {
      const thumb = document.getElementById('thumb') as HTMLImageElement;
      const box = document.getElementById('box')!;
      // Its sizes dropped before it goes in, and after it went in: 100vw then picks the 2000w file.
      const before = Object.assign(thumb.cloneNode() as HTMLImageElement, { id: 'before' });
      before.removeAttribute('sizes');
      box.append(before);
      const after = Object.assign(thumb.cloneNode() as HTMLImageElement, { id: 'after' });
      box.append(after);
      setTimeout(() => after.removeAttribute('sizes'), 50);
    });
    const full = `${fixture.origin}/lr/birdx4.png`;
    await expect.poll(() => currentSrc(zoom, 'before')).toBe(full);
    await expect.poll(() => currentSrc(zoom, 'after')).toBe(full);
    for (const id of ['before', 'after']) {
      expect(await zoom.evaluate((copy) => [document.getElementById(copy)!.getAttribute('srcset'), document.getElementById(copy)!.getAttribute('sizes')], id)).toEqual([
        'lr/headx4.png 70w, lr/birdx4.png 2000w',
        null,
      ]);
    }
    expect(await currentSrc(zoom, 'thumb')).toMatch(/^blob:/);
    await zoom.close();
  });
});

describe('enhancing a copy of an enhanced image that comes before it in the page', () => {
  it("starts from the page's file, not from our result: the model never runs on its own output", async () => {
    writeFileSync(
      join(dir, 'copy-first.html'),
      `<!doctype html><div id="light"></div><photo-frame></photo-frame><script>
customElements.define('photo-frame', class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<img src="lr/headx4.png" style="width: 280px" alt="head">';
  }
});
</script>`,
    );
    const copying = await browser.context.newPage();
    watchPageProblems(copying, pageProblems);
    await copying.goto(`${fixture.origin}/copy-first.html`);
    const inShadow = () => copying.evaluate(() => document.querySelector('photo-frame')!.shadowRoot!.querySelector('img')!.currentSrc);
    await expect.poll(() => copying.evaluate(() => document.querySelector('photo-frame')!.shadowRoot!.querySelector('img')!.complete)).toBe(true);
    const tab = await tabIdOf(browser.worker, copying);
    const upscale = (url: string, scale: number) => browser.worker.evaluate(([t, u, s]) => self.enhance.upscale(t, u, s), [tab, url, scale] as const);
    expect(await upscale(await inShadow(), 2)).toMatchObject({ ok: true, images: 1 });
    // The page copies the enhanced image into its light tree, which a walk of the page meets first.
    await copying.evaluate(() => document.getElementById('light')!.append(document.querySelector('photo-frame')!.shadowRoot!.querySelector('img')!.cloneNode()));
    // Enhance x4 from the menu on the copy: its srcUrl is our result's blob: URL.
    const outcome = await upscale(await inShadow(), 4);
    // The page's 70 x 70 file at x4, not the 140 x 140 result at x4...
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, width: 280 });
    // ...shown by the copy the user asked for too, as by the image.
    const copy = () => copying.evaluate(() => (document.querySelector('#light img') as HTMLImageElement).currentSrc);
    await expect.poll(copy).toBe(await inShadow());
    expect(await copy()).toMatch(/^blob:/);
    await copying.close();
  });
});

describe('a page whose policy allows its own images only (CSP img-src)', () => {
  it('shows the result all the same: the browser lets an extension script put blob: images in (so no job need be refused up front)', async () => {
    writeFileSync(join(dir, 'strict-csp.html'), `<!doctype html><meta http-equiv="Content-Security-Policy" content="img-src 'self'"><img id="bird" src="lr/birdx4.png" style="width: 288px" alt="bird">`);
    const strict = await browser.context.newPage();
    watchPageProblems(strict, pageProblems);
    await strict.goto(`${fixture.origin}/strict-csp.html`);
    await imagesSettled(strict);
    const outcome = await enhanceById(browser.worker, strict, await tabIdOf(browser.worker, strict), 'bird', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    // Loaded (a refused load leaves no pixels: natural width 0), at the layout size the page's file had.
    // (The page's own scripts may not read the blob: the test cannot fetch its pixels here.)
    const shown = await strict.evaluate(() => {
      const img = document.getElementById('bird') as HTMLImageElement;
      return { src: img.currentSrc.slice(0, 5), complete: img.complete, naturalWidth: img.naturalWidth };
    });
    expect(shown).toEqual({ src: 'blob:', complete: true, naturalWidth: 72 });
    await strict.close();
  });
});

describe('other images naming the same file', () => {
  it('an image whose srcset shows another file keeps it, whatever its src says', async () => {
    writeFileSync(
      join(dir, 'same-src.html'),
      `<!doctype html><html><body>
<img id="plain" src="lr/headx4.png" style="width: 280px">
<img id="chosen" src="lr/headx4.png" srcset="lr/birdx4.png 1x" style="width: 280px">
</body></html>`,
    );
    const other = await browser.context.newPage();
    watchPageProblems(other, pageProblems);
    await other.goto(`${fixture.origin}/same-src.html`);
    await imagesSettled(other);
    // The premise: the second image shows the file its srcset names, not its src.
    expect(await currentSrc(other, 'chosen')).toMatch(/birdx4\.png$/);
    const before = await markup(other, 'chosen');
    const outcome = await enhanceById(browser.worker, other, await tabIdOf(browser.worker, other), 'plain', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect(await currentSrc(other, 'plain')).toMatch(/^blob:/);
    expect(await markup(other, 'chosen')).toBe(before);
    expect(await currentSrc(other, 'chosen')).toMatch(/birdx4\.png$/);
    await other.close();
  });
});

describe('images the page made itself', () => {
  // Chromium's engine can fetch the page's blob: URL itself; Firefox's cannot. Here its fetch is made to refuse, as Firefox's does.
  it('a blob: URL, which belongs to the page, is enhanced from the bytes its content script sends', async () => {
    writeFileSync(
      join(dir, 'blob.html'),
      `<!doctype html><html><body>
<img id="made" style="width: 280px">
<script>
  fetch('lr/headx4.png').then((r) => r.blob()).then((b) => { document.getElementById('made').src = URL.createObjectURL(b); });
</script>
</body></html>`,
    );
    const made = await browser.context.newPage();
    watchPageProblems(made, pageProblems);
    await made.goto(`${fixture.origin}/blob.html`);
    await made.waitForFunction(() => (document.getElementById('made') as HTMLImageElement).naturalWidth > 0);
    expect(await currentSrc(made, 'made')).toMatch(/^blob:/);
    const tab = await tabIdOf(browser.worker, made);
    // A first job starts the engine, whose document the refusal goes into.
    expect(await enhanceById(browser.worker, made, tab, 'made', 4)).toMatchObject({ ok: true });
    expect(await restoreById(browser.worker, made, tab, 'made')).toBe(1);
    const refusing = await evaluateInEngine(
      made,
      `(() => {
        self.ownFetch = fetch;
        self.fetch = (input, init) => (String(input instanceof Request ? input.url : input).startsWith('blob:') ? Promise.reject(new TypeError('Failed to fetch')) : self.ownFetch(input, init));
        return true;
      })()`,
    );
    expect(refusing).toBe(true);
    try {
      const outcome = await enhanceById(browser.worker, made, tab, 'made', 4);
      expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: 280 });
      expect((await shownPixels(made, 'made')).width).toBe(280);
    } finally {
      await evaluateInEngine(made, '(() => { self.fetch = self.ownFetch; return true; })()');
    }
    await made.close();
  });

  /**
   * A page showing a file from a blob: URL it revokes once the image has loaded it (an upload
   * preview): `always`, whatever URL the image loads later, ours too; else its own only.
   */
  async function openRevokingPage(id: string, always: boolean): Promise<Page> {
    writeFileSync(
      join(dir, `${id}.html`),
      `<!doctype html><html><body>
<img id="${id}" style="width: 280px">
<script>
  fetch('lr/headx4.png').then((r) => r.blob()).then((b) => {
    const img = document.getElementById('${id}');
    img.onload = () => { URL.revokeObjectURL(img.src); ${always ? '' : 'img.onload = null; '}img.dataset.revoked = 'yes'; };
    img.src = URL.createObjectURL(b);
  });
</script>
</body></html>`,
    );
    const made = await browser.context.newPage();
    watchPageProblems(made, pageProblems);
    await made.goto(`${fixture.origin}/${id}.html`);
    await made.waitForFunction((imgId) => (document.getElementById(imgId) as HTMLImageElement).dataset.revoked === 'yes', id);
    return made;
  }

  it("a copy the page made of such an image (a lightbox's clone of an upload preview) shows the page's pixels too once restored, not its revoked URL", async () => {
    const made = await openRevokingPage('revoked-copied', false);
    const tabId = await tabIdOf(browser.worker, made);
    expect(await enhanceById(browser.worker, made, tabId, 'revoked-copied', 2)).toMatchObject({ ok: true, images: 1 });
    await made.evaluate(() => document.body.append(Object.assign(document.getElementById('revoked-copied')!.cloneNode() as HTMLImageElement, { id: 'copy' })));
    await expect.poll(() => currentSrc(made, 'copy')).toMatch(/^blob:/);
    expect(await restoreById(browser.worker, made, tabId, 'revoked-copied')).toBe(1);
    const loaded = (id: string) =>
      made.evaluate(async (imgId) => {
        const img = document.getElementById(imgId) as HTMLImageElement;
        await img.decode().catch(() => undefined);
        return [img.naturalWidth, img.naturalHeight];
      }, id);
    const lr = readPng(join(dir, 'lr/headx4.png'));
    expect(await loaded('revoked-copied')).toEqual([lr.width, lr.height]);
    expect(await loaded('copy')).toEqual([lr.width, lr.height]);
    await made.close();
  });

  it("a drag of such a copy carries the page's own markup, not a URL of ours for the page's pixels", async () => {
    const made = await openRevokingPage('revoked-dragged', false);
    const pageUrl = await made.evaluate(() => (document.getElementById('revoked-dragged') as HTMLImageElement).src);
    expect(await enhanceById(browser.worker, made, await tabIdOf(browser.worker, made), 'revoked-dragged', 2)).toMatchObject({ ok: true, images: 1 });
    await made.evaluate(() => {
      document.body.append(Object.assign(document.getElementById('revoked-dragged')!.cloneNode() as HTMLImageElement, { id: 'copy' }));
      const target = Object.assign(document.createElement('div'), { id: 'target', contentEditable: 'true', textContent: 'Drop here' });
      target.style.cssText = 'width: 300px; height: 100px';
      target.addEventListener('dragover', (event) => event.preventDefault());
      target.addEventListener('drop', (event) => {
        event.preventDefault();
        (window as unknown as { dropped: string }).dropped = event.dataTransfer!.getData('text/html');
      });
      document.body.append(target);
    });
    await expect.poll(() => currentSrc(made, 'copy')).not.toBe(pageUrl);
    await made.dragAndDrop('#copy', '#target');
    const dropped = await made.evaluate(() => (window as unknown as { dropped?: string }).dropped);
    expect(dropped).toMatch(/^<img id="copy"/);
    expect(dropped).toContain(`src="${pageUrl}"`);
    expect(dropped?.match(/blob:[^"\s]*/g)).toEqual([pageUrl]);
    await made.close();
  });

  it('a blob: URL the page revoked once its image loaded is enhanced from the pixels the page shows, and restored to them', async () => {
    const made = await openRevokingPage('revoked', true);
    const deadLoads: string[] = [];
    made.on('console', (message) => {
      if (message.text().startsWith('Failed to load resource') && message.location().url.startsWith('blob:')) deadLoads.push(message.location().url);
    });
    const pageUrl = await made.evaluate((id) => (document.getElementById(id) as HTMLImageElement).src, 'revoked');
    // The control: the URL is dead for any new request, and the page's console says so.
    expect(await made.evaluate((url) => fetch(url).then(() => 'read', () => 'dead'), pageUrl)).toBe('dead');
    await expect.poll(() => deadLoads).toEqual([pageUrl]);
    // x2 first, then x4 over it: the second job starts from the page's pixels again, not from our x2.
    expect(await enhanceById(browser.worker, made, await tabIdOf(browser.worker, made), 'revoked', 2)).toMatchObject({ ok: true, images: 1 });
    const outcome = await enhanceById(browser.worker, made, await tabIdOf(browser.worker, made), 'revoked', 4);
    const lr = readPng(join(dir, 'lr/headx4.png'));
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: lr.width * 4 });
    expect((await shownPixels(made, 'revoked')).width).toBe(lr.width * 4);
    // Restored, it shows the page's pixels again: the page's own URL would load nothing now.
    const restoresToThePagesPixels = async () => {
      expect(await restoreById(browser.worker, made, await tabIdOf(browser.worker, made), 'revoked')).toBe(1);
      const restored = await made.evaluate(async (id) => {
        const img = document.getElementById(id) as HTMLImageElement;
        await img.decode().catch(() => undefined);
        if (img.naturalWidth === 0) return null;
        const canvas = document.createElement('canvas');
        [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
        canvas.getContext('2d')!.drawImage(img, 0, 0);
        return canvas.toDataURL('image/png');
      }, 'revoked');
      expect(restored, 'the restored image loads').not.toBeNull();
      const back = decodeDataUrlPng(restored!);
      expect([back.width, back.height]).toEqual([lr.width, lr.height]);
      expect(Buffer.from(back.data).equals(Buffer.from(lr.data))).toBe(true);
    };
    await restoresToThePagesPixels();
    // The page revokes whatever its image loads, our URL for its pixels too: enhanced and restored again, it still shows them.
    expect(await enhanceById(browser.worker, made, await tabIdOf(browser.worker, made), 'revoked', 2)).toMatchObject({ ok: true, images: 1 });
    await restoresToThePagesPixels();
    // The first job found the page's URL dead, once; no job asked for it again, nor for ours the page revoked.
    expect(deadLoads).toEqual([pageUrl, pageUrl]);
    await made.close();
  });

  it('a blob: URL the page revoked after the first job (a preview it let go of) is enhanced at another scale from the file that job kept, with no dead load', async () => {
    writeFileSync(
      join(dir, 'revoked-later.html'),
      `<!doctype html><img id="later" style="width: 280px">
<script>
  fetch('lr/headx4.png').then((r) => r.blob()).then((b) => { document.getElementById('later').src = URL.createObjectURL(b); });
</script>`,
    );
    const made = await browser.context.newPage();
    watchPageProblems(made, pageProblems);
    const deadLoads: string[] = [];
    made.on('console', (message) => {
      if (message.text().includes('Failed to load resource') || message.text().includes('ERR_FILE_NOT_FOUND')) deadLoads.push(message.text());
    });
    await made.goto(`${fixture.origin}/revoked-later.html`);
    await made.waitForFunction(() => (document.getElementById('later') as HTMLImageElement).naturalWidth > 0);
    const tab = await tabIdOf(browser.worker, made);
    expect(await enhanceById(browser.worker, made, tab, 'later', 2)).toMatchObject({ ok: true, images: 1 });
    const pageUrl = await made.evaluate(() => {
      const url = (document.getElementById('later') as HTMLImageElement).src;
      URL.revokeObjectURL(url);
      return url;
    });
    // The control: the page's URL loads nothing now.
    expect(await made.evaluate((url) => fetch(url).then(() => 'read', () => 'dead'), pageUrl)).toBe('dead');
    await expect.poll(() => deadLoads.length).toBe(1);
    const outcome = await enhanceById(browser.worker, made, tab, 'later', 4);
    const lr = readPng(join(dir, 'lr/headx4.png'));
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: lr.width * 4 });
    expect((await shownPixels(made, 'later')).width).toBe(lr.width * 4);
    expect(deadLoads).toHaveLength(1);
    await made.close();
  });

  it("lets go of an image the page took out (a virtual list) without asking again for the page's dead URL, and the image shows the page's pixels if it comes back", async () => {
    const made = await openRevokingPage('dropped', false);
    const deadLoads: string[] = [];
    made.on('console', (message) => {
      if (message.text().startsWith('Failed to load resource') && message.location().url.startsWith('blob:')) deadLoads.push(message.location().url);
    });
    const pageUrl = await made.evaluate(() => (document.getElementById('dropped') as HTMLImageElement).src);
    expect(await enhanceById(browser.worker, made, await tabIdOf(browser.worker, made), 'dropped', 2)).toMatchObject({ ok: true, images: 1 });
    // The job found the page's URL dead: the one request for it.
    await expect.poll(() => deadLoads).toEqual([pageUrl]);
    const loaded = await made.evaluate(async () => {
      const img = document.getElementById('dropped') as HTMLImageElement;
      img.remove();
      // Let go a task later; then the page puts it back, as a virtual list scrolled back does.
      await new Promise((resolve) => setTimeout(resolve, 500));
      document.body.append(img);
      await img.decode().catch(() => undefined);
      return { blobSrc: img.getAttribute('src') === img.src && img.src.startsWith('blob:'), width: img.naturalWidth };
    });
    expect(loaded).toEqual({ blobSrc: true, width: readPng(join(dir, 'lr/headx4.png')).width });
    await made.waitForTimeout(300);
    expect(deadLoads).toEqual([pageUrl]);
    await made.close();
  });

  it("frees the URL it shows the page's pixels from once they are shown again: a long feed would hold one file per restore", async () => {
    const made = await openRevokingPage('once', false);
    const madeTab = await tabIdOf(browser.worker, made);
    expect(await enhanceById(browser.worker, made, madeTab, 'once', 2)).toMatchObject({ ok: true, images: 1 });
    expect(await restoreById(browser.worker, made, madeTab, 'once')).toBe(1);
    const shownNow = () => made.evaluate(() => {
      const img = document.getElementById('once') as HTMLImageElement;
      return { blob: img.currentSrc.startsWith('blob:'), loaded: img.complete && img.naturalWidth > 0 };
    });
    await expect.poll(shownNow).toEqual({ blob: true, loaded: true });
    await expect.poll(() => made.evaluate(() => fetch((document.getElementById('once') as HTMLImageElement).src).then(() => 'read', () => 'freed'))).toBe('freed');
    await made.close();
  });
});

describe('jobs waiting their turn', () => {
  it("have their files downloaded while the job ahead is busy: the next one's request goes out before the first's answer comes", async () => {
    // The first's answer is held until the next one's request comes (a minute at most).
    const [first, next] = ['slow/lr/birdx4.png?until=/slow/lr/headx4.png', 'slow/lr/headx4.png?ms=0'];
    writeFileSync(join(dir, 'queued.html'), `<!doctype html><img id="first" src="${first}" style="width: 288px"><img id="next" src="${next}" style="width: 280px">`);
    const queued = await browser.context.newPage();
    watchPageProblems(queued, pageProblems);
    await queued.goto(`${fixture.origin}/queued.html`);
    await imagesSettled(queued);
    const tab = await tabIdOf(browser.worker, queued);
    const urls = [first, next].map((path) => `${fixture.origin}/${path}`);
    const arrivalOf = (path: string) => fixture.arrivals.find((arrival) => arrival.path === `/${path}`);
    // The first job's download is on its way, its answer held, before the next job is asked for.
    await browser.worker.evaluate(([t, url]) => {
      (self as unknown as { firstJob: Promise<unknown> }).firstJob = self.enhance.upscale(t, url, 4);
    }, [tab, urls[0]] as const);
    await expect.poll(() => arrivalOf(first), { timeout: 30_000 }).toBeDefined();
    const nextOutcome = await browser.worker.evaluate(([t, url]) => self.enhance.upscale(t, url, 4), [tab, urls[1]] as const);
    const firstOutcome = await browser.worker.evaluate(() => (self as unknown as { firstJob: Promise<EnhanceOutcome> }).firstJob);
    expect(firstOutcome, JSON.stringify(firstOutcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect(nextOutcome, JSON.stringify(nextOutcome.failure)).toMatchObject({ ok: true, images: 1 });
    // Asked for only once the first job was done, it would have come after the first's answer, a minute on.
    expect(arrivalOf(next)!.at).toBeLessThanOrEqual(arrivalOf(first)!.answeredAt!);
    await queued.close();
  });
});

describe('an image the engine may not download', () => {
  /** A page of one image of this origin, from a server that sends it to <img> requests alone; its console lines. */
  async function openImgOnly(file: string, width: number): Promise<{ page: Page; tabId: number; consoleLines: string[] }> {
    const html = `img-only-${file.replace(/\W/g, '-')}.html`;
    writeFileSync(join(dir, html), `<!doctype html><img id="only" src="img-only/${file}" style="width: ${width}px">`);
    const page = await browser.context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    watchPageProblems(page, pageProblems);
    await page.goto(`${fixture.origin}/${html}`);
    await imagesSettled(page);
    return { page, tabId: await tabIdOf(browser.worker, page), consoleLines };
  }

  it('is enhanced from the pixels the page shows, where the page may read them, with no line in its console', async () => {
    const { page, tabId, consoleLines } = await openImgOnly('lr/headx4.png', 280);
    // The control: the engine's kind of request is refused.
    expect(await browser.worker.evaluate((url) => fetch(url).then((r) => r.status), `${fixture.origin}/img-only/lr/headx4.png`)).toBe(403);
    const outcome = await enhanceById(browser.worker, page, tabId, 'only', 4);
    const width = readPng(join(dir, 'lr/headx4.png')).width * 4;
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width });
    expect((await shownPixels(page, 'only')).width).toBe(width);
    expect(consoleLines).toEqual([]);
    await page.close();
  });

  it("is left as it is when the page shows it as stored (image-orientation: none), with the site's refusal said: the pixels a page may read are upright", async () => {
    // A JPEG stored sideways (EXIF 6), 86 x 57 on the page; every way to read its pixels gives them turned upright (Chromium: measured).
    writeFileSync(join(dir, 'img-only-as-stored.html'), '<!doctype html><img id="only" src="img-only/exif-orientation-6.jpg" style="image-orientation: none">');
    const page = await browser.context.newPage();
    watchPageProblems(page, pageProblems);
    await page.goto(`${fixture.origin}/img-only-as-stored.html`);
    await imagesSettled(page);
    const [before, laidOut] = [await markup(page, 'only'), await box(page, 'only')];
    expect([laidOut.width, laidOut.height]).toEqual([86, 57]);
    const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'only', 2);
    expect(outcome.failure?.code).toBe('download-refused');
    expect(await markup(page, 'only')).toBe(before);
    expect(await box(page, 'only')).toEqual(laidOut);
    await page.close();
  });

  it("is left as it is when a GIF, with the site's refusal said: its pixels would be one frame of it", async () => {
    copyFileSync(join(import.meta.dirname, 'files/animated.gif'), join(dir, 'animated.gif'));
    const { page, tabId, consoleLines } = await openImgOnly('animated.gif', 192);
    const before = await markup(page, 'only');
    const outcome = await enhanceById(browser.worker, page, tabId, 'only', 2);
    expect(outcome.failure?.code).toBe('download-refused');
    expect(await markup(page, 'only')).toBe(before);
    expect(await overlayTexts(page)).toContain(outcome.failure?.message);
    expect(consoleLines).toEqual([]);
    await page.close();
  });
});

describe('an image whose signed link expires while it is enhanced', () => {
  const plain = (url: string) => `<img id="expiring" src="${url}" style="width: 280px">`;
  it.each([
    { how: 'the file the engine downloaded', file: 'lr/headx4.png', query: '', markup: plain },
    { how: 'the pixels the page showed, where the engine was refused', file: 'lr/birdx4.png', query: '?img-only', markup: plain },
    // The page's file picked by a srcset (a width descriptor: the image's size comes from sizes), or by a <picture>'s source.
    { how: 'the file the engine downloaded, picked by a srcset', file: 'lr/babyx4.png', query: '', markup: (url: string) => `<img id="expiring" src="lr/small.png" srcset="${url} 128w" sizes="300px">` },
    { how: "the file the engine downloaded, picked by a <picture>'s source", file: 'lr/womanx4.png', query: '', markup: (url: string) => `<picture><source srcset="${url}" type="image/png"><img id="expiring" src="lr/small.png" style="width: 280px"></picture>` },
  ])('is restored to $how, not broken', async ({ file, query, markup }) => {
    const path = `/expiring/${file}`;
    const html = `expiring-${file.replace(/\W/g, '-')}.html`;
    writeFileSync(join(dir, html), `<!doctype html>${markup(path.slice(1) + query)}`);
    const expiring = await browser.context.newPage();
    watchPageProblems(expiring, pageProblems);
    await expiring.goto(`${fixture.origin}/${html}`);
    await imagesSettled(expiring);
    const expiringTab = await tabIdOf(browser.worker, expiring);
    const before = await box(expiring, 'expiring');
    const lr = readPng(join(dir, file));
    const outcome = await enhanceById(browser.worker, expiring, expiringTab, 'expiring', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: lr.width * 2 });
    fixture.expired.add(path);
    // The control: the link loads nothing now.
    expect(await expiring.evaluate((url) => fetch(url).then((r) => r.status), `${fixture.origin}${path}${query}`)).toBe(403);
    expect(await restoreById(browser.worker, expiring, expiringTab, 'expiring')).toBe(1);
    await expiring.waitForFunction(() => {
      const img = document.getElementById('expiring') as HTMLImageElement;
      return img.complete && img.naturalWidth > 0 && !img.currentSrc.includes('/expiring/');
    });
    expect((await shownPixels(expiring, 'expiring')).data).toEqual(lr.data);
    expect(await box(expiring, 'expiring')).toEqual(before);
    await expiring.close();
  });
});

describe('a URL that gives another picture on every download', () => {
  it('is enhanced from the picture the page shows, not the one the engine downloads', async () => {
    writeFileSync(join(dir, 'changing.html'), '<!doctype html><img id="changing" src="changing.png" style="width: 280px">');
    const changing = await browser.context.newPage();
    watchPageProblems(changing, pageProblems);
    await changing.goto(`${fixture.origin}/changing.html`);
    await changing.waitForFunction(() => (document.getElementById('changing') as HTMLImageElement).naturalWidth > 0);
    const head = readPng(join(dir, 'lr/headx4.png'));
    const other = readPng(join(dir, 'lr/not-the-head.png'));
    // The control: a download by the extension gets the other picture.
    const downloaded = await browser.worker.evaluate((url) => fetch(url).then(async (r) => [...new Uint8Array(await r.arrayBuffer())]), `${fixture.origin}/changing.png`);
    expect(Buffer.from(downloaded).equals(readFileSync(join(dir, 'lr/not-the-head.png')))).toBe(true);

    const outcome = await enhanceById(browser.worker, changing, await tabIdOf(browser.worker, changing), 'changing', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: head.width * 4 });
    const shown = await shownPixels(changing, 'changing');
    const likeHead = psnrY(shown, upscaleBicubic(head, 4), 4);
    const likeOther = psnrY(shown, upscaleBicubic(other, 4), 4);
    console.info(`enhanced picture vs the page's: ${likeHead.toFixed(2)} dB; vs the download's: ${likeOther.toFixed(2)} dB`);
    expect(likeHead).toBeGreaterThan(likeOther + 10);

    // Another scale, asked while the image shows our result: the page's file is no longer there to
    // check a download against, yet the picture must stay the one the page showed.
    const again = await enhanceById(browser.worker, changing, await tabIdOf(browser.worker, changing), 'changing', 2);
    expect(again, JSON.stringify(again.failure)).toMatchObject({ ok: true, images: 1, width: head.width * 2 });
    const shownAgain = await shownPixels(changing, 'changing');
    const againLikeHead = psnrY(shownAgain, upscaleBicubic(head, 2), 2);
    const againLikeOther = psnrY(shownAgain, upscaleBicubic(other, 2), 2);
    console.info(`at x2, enhanced picture vs the page's: ${againLikeHead.toFixed(2)} dB; vs the download's: ${againLikeOther.toFixed(2)} dB`);
    expect(againLikeHead).toBeGreaterThan(againLikeOther + 10);
    await changing.close();
  });

  it('is checked against the page\'s picture where a srcset makes it look larger than the size limit, though its file is small', async () => {
    // A 70 px file picked from a srcset for 2,100 CSS px: its natural size reads about 2100 x 2100, over
    // the 4-megapixel default, yet the file and the engine's job are 70 x 70.
    writeFileSync(join(dir, 'changing-dense.html'), '<!doctype html><img id="changing" srcset="changing.png 70w" sizes="2100px" style="width: 280px">');
    const changing = await browser.context.newPage();
    watchPageProblems(changing, pageProblems);
    await changing.goto(`${fixture.origin}/changing-dense.html`);
    await changing.waitForFunction(() => (document.getElementById('changing') as HTMLImageElement).naturalWidth > 0);
    expect(await changing.evaluate(() => (document.getElementById('changing') as HTMLImageElement).naturalWidth)).toBeGreaterThan(2000);
    const head = readPng(join(dir, 'lr/headx4.png'));
    const other = readPng(join(dir, 'lr/not-the-head.png'));
    const outcome = await enhanceById(browser.worker, changing, await tabIdOf(browser.worker, changing), 'changing', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: head.width * 4 });
    const shown = await shownPixels(changing, 'changing');
    expect(psnrY(shown, upscaleBicubic(head, 4), 4)).toBeGreaterThan(psnrY(shown, upscaleBicubic(other, 4), 4) + 10);
    await changing.close();
  });
});

describe('a page after Enhance and Restore original from the menu', () => {
  it('is no longer watched: its changes cost it nothing once nothing of ours is left', async () => {
    writeFileSync(join(dir, 'undone.html'), '<!doctype html><img id="undone" src="lr/small.png" style="width: 96px">');
    const undone = await browser.context.newPage();
    watchPageProblems(undone, pageProblems);
    await undone.goto(`${fixture.origin}/undone.html`);
    await undone.waitForFunction(() => (document.getElementById('undone') as HTMLImageElement).naturalWidth > 0);
    const undoneTab = await tabIdOf(browser.worker, undone);
    const watching = () => browser.worker.evaluate((t) => chrome.tabs.sendMessage(t, { type: 'ping' }).then((answer) => answer.watching), undoneTab);
    // The script starts at document_idle, which the image's load does not wait for.
    await expect.poll(() => watching().catch(() => 'no script yet')).toBe(false);
    expect(await enhanceById(browser.worker, undone, undoneTab, 'undone', 4)).toMatchObject({ ok: true, images: 1 });
    // The control: a swapped result is watched (the page may change the image's source).
    expect(await watching()).toBe(true);
    expect(await restoreById(browser.worker, undone, undoneTab, 'undone')).toBe(1);
    expect(await watching()).toBe(false);
    await undone.close();
  });
});

describe('a page that moves to another path (history.pushState)', () => {
  let moving: Page;
  let movingTab: number;
  const shown = (id: string) =>
    moving.evaluate((imgId) => {
      const img = document.getElementById(imgId) as HTMLImageElement;
      return { src: img.currentSrc, width: img.naturalWidth };
    }, id);
  const moveTo = (path: string) => moving.evaluate((to) => history.pushState({}, '', to), path);

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'moving.html'),
      `<!doctype html><img id="plain" src="lr/small.png" style="width: 96px"><img id="listed" srcset="lr/small.png?listed 1x" style="width: 96px">
<img id="later" src="lr/small.png?later" style="width: 96px"><img id="back" src="lr/small.png?back" style="width: 96px">
<img id="chosen" srcset="lr/small.png?chosen 1x" style="width: 96px">
<picture><source media="(max-width: 700px)" srcset="lr/small.png?narrow"><img id="picked" src="lr/small.png?wide" style="width: 96px"></picture>`,
    );
    moving = await browser.context.newPage();
    watchPageProblems(moving, pageProblems);
    await moving.goto(`${fixture.origin}/moving.html`);
    await imagesSettled(moving);
    movingTab = await tabIdOf(browser.worker, moving);
  });

  afterAll(() => moving?.close());

  it('restores its images by relative URLs as they were, not resolved again against the new path', async () => {
    for (const id of ['plain', 'listed']) expect(await enhanceById(browser.worker, moving, movingTab, id, 4)).toMatchObject({ ok: true, images: 1 });
    // An app's router (or a feed naming the article in view) moves the page's URL deeper.
    await moveTo('articles/2026/12/story');
    // One enhanced after the move: its markup was still written for the URL the page loaded at.
    expect(await enhanceById(browser.worker, moving, movingTab, 'later', 4)).toMatchObject({ ok: true, images: 1 });
    for (const id of ['plain', 'listed', 'later']) expect(await restoreById(browser.worker, moving, movingTab, id)).toBe(1);
    await imagesSettled(moving);
    expect(await shown('plain')).toEqual({ src: `${fixture.origin}/lr/small.png`, width: 24 });
    expect(await shown('listed')).toEqual({ src: `${fixture.origin}/lr/small.png?listed`, width: 24 });
    expect(await shown('later')).toEqual({ src: `${fixture.origin}/lr/small.png?later`, width: 24 });
    expect(await moving.evaluate(() => document.getElementById('plain')!.getAttribute('src'))).toBe(`${fixture.origin}/lr/small.png`);
  });

  it('leaves the markup as the page wrote it once the page is back at the URL it was written for', async () => {
    expect(await enhanceById(browser.worker, moving, movingTab, 'back', 4)).toMatchObject({ ok: true, images: 1 });
    await moving.evaluate(() => new Promise((resolve) => {
      addEventListener('popstate', resolve, { once: true });
      history.back();
    }));
    expect(await moving.evaluate(() => location.pathname)).toBe('/moving.html');
    expect(await restoreById(browser.worker, moving, movingTab, 'back')).toBe(1);
    await imagesSettled(moving);
    expect(await shown('back')).toEqual({ src: `${fixture.origin}/lr/small.png?back`, width: 24 });
    expect(await moving.evaluate(() => document.getElementById('back')!.getAttribute('src'))).toBe('lr/small.png?back');
  });

  it('keeps a result through a resize where the markup still picks its file: read against the URL it was written for', async () => {
    // 'chosen' first, then the control: a resize reads the page's choice of each in that order.
    for (const id of ['chosen', 'picked']) expect(await enhanceById(browser.worker, moving, movingTab, id, 4)).toMatchObject({ ok: true, images: 1 });
    await moveTo('articles/2026/12/story');
    const pickedResult = (await shown('picked')).src;
    await moving.setViewportSize({ width: 600, height: 900 });
    // The control: its <source> answers the narrow window, so the page's choice wins there (and,
    // enhanced from the menu, the file it picks is enhanced at the same scale).
    await expect.poll(async () => (await shown('picked')).src, { timeout: 10_000 }).not.toBe(pickedResult);
    expect((await shown('chosen')).src).toMatch(/^blob:/);
  });

  it('restores an image the page added at a URL it has since left twice (a feed naming each article as it scrolls by)', async () => {
    mkdirSync(join(dir, 'p/b/lr'), { recursive: true });
    copyFileSync(join(dir, 'lr/small.png'), join(dir, 'p/b/lr/small.png'));
    await moveTo('/p/b/x');
    await moving.evaluate(() => document.body.append(Object.assign(new Image(), { id: 'mid', src: 'lr/small.png?mid', style: 'width: 96px' })));
    await imagesSettled(moving);
    expect(await shown('mid')).toEqual({ src: `${fixture.origin}/p/b/lr/small.png?mid`, width: 24 });
    await moveTo('/q/c/d');
    expect(await enhanceById(browser.worker, moving, movingTab, 'mid', 4)).toMatchObject({ ok: true, images: 1 });
    await moveTo('/r/x');
    expect(await restoreById(browser.worker, moving, movingTab, 'mid')).toBe(1);
    await imagesSettled(moving);
    expect(await shown('mid')).toEqual({ src: `${fixture.origin}/p/b/lr/small.png?mid`, width: 24 });
  });
});

describe('files too large for one extension message', () => {
  it('a blob: image of 56 MiB (metadata a decoder skips) reaches the engine whole, in parts under Chrome\'s 64 MiB message cap', async () => {
    // A small picture with a private chunk of 56 MiB: as a data: URL (base64) it is 75 MiB, which
    // Chrome refuses to send as one message.
    const plain = readFileSync(join(dir, 'lr/headx4.png'));
    const padding = pngChunk('enHc', Buffer.alloc(56 * 1024 * 1024, 7));
    writeFileSync(join(dir, 'padded.png'), Buffer.concat([plain.subarray(0, AFTER_PNG_HEADER), padding, plain.subarray(AFTER_PNG_HEADER)]));
    writeFileSync(
      join(dir, 'padded.html'),
      `<!doctype html><img id="padded" style="width: 280px">
<script>fetch('padded.png').then((r) => r.blob()).then((b) => { document.getElementById('padded').src = URL.createObjectURL(b); });</script>`,
    );
    const padded = await browser.context.newPage();
    watchPageProblems(padded, pageProblems);
    await padded.goto(`${fixture.origin}/padded.html`);
    await padded.waitForFunction(() => (document.getElementById('padded') as HTMLImageElement).naturalWidth > 0);
    const outcome = await enhanceById(browser.worker, padded, await tabIdOf(browser.worker, padded), 'padded', 4);
    const lr = readPng(join(dir, 'lr/headx4.png'));
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: lr.width * 4 });
    expect((await shownPixels(padded, 'padded')).width).toBe(lr.width * 4);
    await padded.close();
  });
});

describe('images a host guards against hotlinking', () => {
  // A fragment is the page's, never sent: the rule for the request must not name it.
  // Each its own file: the engine's HTTP cache, which does not key on the Referer, would answer for the second.
  // A query holding '*' and '^', which a rule's URL filter would read as wildcards: matched as a regular expression.
  it.each([
    ['', 'womanx4.png'],
    ['#zoom', 'birdx4.png'],
    ['?crop=a*b^c', 'babyx4.png'],
  ])("is enhanced: a host that refuses the engine is asked again with the page's Referer (URL ending '%s')", async (fragment, file) => {
    const guardedUrl = `${fixture.secondOrigin}/guarded/lr/${file}`;
    const page = `guarded${fragment ? '-fragment' : ''}.html`;
    writeFileSync(join(dir, page), `<!doctype html><img id="guarded" src="${guardedUrl}${fragment}" style="width: 228px">`);
    const guarded = await browser.context.newPage();
    watchPageProblems(guarded, pageProblems);
    await guarded.goto(`${fixture.origin}/${page}`);
    await guarded.waitForFunction(() => (document.getElementById('guarded') as HTMLImageElement).naturalWidth > 0);
    // The control: without the page's Referer the host refuses.
    expect(await browser.worker.evaluate((url) => fetch(url).then((r) => r.status), guardedUrl)).toBe(403);
    const outcome = await enhanceById(browser.worker, guarded, await tabIdOf(browser.worker, guarded), 'guarded', 2);
    const width = readPng(join(dir, `lr/${file}`)).width * 2;
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width });
    expect((await shownPixels(guarded, 'guarded')).width).toBe(width);
    // The rule went with the request.
    expect(await browser.worker.evaluate(() => chrome.declarativeNetRequest.getSessionRules())).toEqual([]);
    await guarded.close();
  });

  it("downloads an image the page may not read (another origin's, no CORS), or one of a frame another site embeds, without the user's cookies: its result goes into the page, whose script can read it", async () => {
    // A host that notes the cookies each of the engine's downloads carried (the page's <img> asks for an image).
    const carried: Array<string | null> = [];
    const host = await serveFolder(dir, 'localhost', {
      '/recorded/*': (url, headers) => {
        if (headers['sec-fetch-dest'] !== 'image') carried.push(headers.cookie ?? null);
        return { type: 'image/png', body: readFileSync(join(dir, 'lr', url.pathname.slice('/recorded/'.length))) };
      },
    });
    await browser.context.addCookies([{ name: 'login', value: 'user', domain: 'localhost', path: '/' }]);
    try {
      const image = (file: string) => `<img id="private" src="${host.origin}/recorded/${file}" style="width: 256px">`;
      writeFileSync(join(dir, 'embeds-private.html'), `<!doctype html>${image('babyx4.png')}`);
      // The control: the host's own page, which may read its image, and whose download carries the cookie.
      writeFileSync(join(dir, 'own-private.html'), `<!doctype html>${image('headx4.png')}`);
      for (const url of [`${fixture.origin}/embeds-private.html`, `${host.origin}/own-private.html`]) {
        const opened = await browser.context.newPage();
        await opened.goto(url);
        await opened.waitForFunction(() => (document.getElementById('private') as HTMLImageElement).naturalWidth > 0);
        const outcome = await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), 'private', 2);
        expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
        await opened.close();
      }
      // The host's page in a frame of another site (an embed): the image is the frame's own, but the
      // user's main cookies for the host would tie their account there to the site embedding it.
      writeFileSync(join(dir, 'frame-private.html'), `<!doctype html>${image('birdx4.png')}`);
      writeFileSync(join(dir, 'embeds-frame.html'), `<!doctype html><iframe src="${host.origin}/frame-private.html" width="300" height="300"></iframe>`);
      const framed = await browser.context.newPage();
      await framed.goto(`${fixture.origin}/embeds-frame.html`);
      await expect.poll(() => framed.frames()[1]?.evaluate(() => (document.getElementById('private') as HTMLImageElement | null)?.naturalWidth ?? 0)).toBeGreaterThan(0);
      const framedTab = await tabIdOf(browser.worker, framed);
      const frameId = await browser.worker.evaluate(async (tab) => (await chrome.scripting.executeScript({ target: { tabId: tab, allFrames: true }, func: () => true })).find((f) => f.frameId !== 0)!.frameId, framedTab);
      const outcome = await browser.worker.evaluate(([tab, src, id]) => self.enhance.upscale(tab, src, 2, id), [framedTab, `${host.origin}/recorded/birdx4.png`, frameId] as const);
      expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
      await framed.close();
      expect(carried).toEqual([null, 'login=user', null]);
    } finally {
      await browser.context.clearCookies();
      await host.close();
    }
  });

  it("nor an image the page's own URL redirects to another origin: that origin's cookies unlock nothing the page may read", async () => {
    // A host that gives its photo to the page's <img> (the user sees it) and to the engine with its login cookie alone.
    const other = await serveFolder(dir, '127.0.0.1', {
      '/recorded/*': (url, headers) => {
        if (headers['sec-fetch-dest'] !== 'image' && !headers.cookie?.includes('login=user')) return { type: 'text/plain', body: 'sign in first', status: 403 };
        return { type: 'image/png', body: readFileSync(join(dir, 'lr', url.pathname.slice('/recorded/'.length))) };
      },
    });
    // The page's own origin, whose URL sends any request on to that host.
    const host = await serveFolder(dir, 'localhost', {
      '/bounce/*': (url) => ({ type: 'text/plain', body: '', status: 302, headers: { location: `${other.origin}/recorded/${url.pathname.slice('/bounce/'.length)}` } }),
    });
    await browser.context.addCookies([{ name: 'login', value: 'user', domain: '127.0.0.1', path: '/' }]);
    try {
      writeFileSync(join(dir, 'bounces.html'), '<!doctype html><img id="bounced" src="bounce/babyx4.png" style="width: 256px">');
      const opened = await browser.context.newPage();
      await opened.goto(`${host.origin}/bounces.html`);
      await opened.waitForFunction(() => (document.getElementById('bounced') as HTMLImageElement).naturalWidth > 0);
      const before = await markup(opened, 'bounced');
      const outcome = await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), 'bounced', 2);
      expect(outcome.failure?.code).toBe('download-refused');
      expect(await markup(opened, 'bounced')).toBe(before);
      await opened.close();
    } finally {
      await browser.context.clearCookies();
      await host.close();
      await other.close();
    }
  });

  it("is not asked again with the page's Referer where the page sends none (referrerpolicy=\"no-referrer\"): the image is not enhanced, and the host learns nothing", async () => {
    // A host that gives the page its image (its request asks for an image) and refuses the engine without a Referer, noting each Referer the engine sent.
    const sent: Array<string | null> = [];
    const host = await serveFolder(dir, 'localhost', {
      '/recorded/*': (url, headers) => {
        const file = readFileSync(join(dir, 'lr', url.pathname.slice('/recorded/'.length)));
        if (headers['sec-fetch-dest'] === 'image') return { type: 'image/png', body: file };
        sent.push(headers.referer ?? null);
        return headers.referer ? { type: 'image/png', body: file } : { type: 'text/plain', body: 'no', status: 403 };
      },
    });
    try {
      for (const policy of ['no-referrer', 'strict-origin-when-cross-origin']) {
        sent.length = 0;
        const file = policy === 'no-referrer' ? 'babyx4.png' : 'headx4.png';
        writeFileSync(join(dir, 'referrer-policy.html'), `<!doctype html><img id="policy" referrerpolicy="${policy}" src="${host.origin}/recorded/${file}" style="width: 256px">`);
        const other = await browser.context.newPage();
        await other.goto(`${fixture.origin}/referrer-policy.html`);
        await other.waitForFunction(() => (document.getElementById('policy') as HTMLImageElement).naturalWidth > 0);
        const outcome = await enhanceById(browser.worker, other, await tabIdOf(browser.worker, other), 'policy', 2);
        if (policy === 'no-referrer') {
          expect(outcome.failure?.code).toBe('download-refused');
          expect(sent).toEqual([null]);
        } else {
          // The control: under the default policy the page sends its origin, and so does the engine's second request.
          expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true });
          expect(sent).toEqual([null, `${fixture.origin}/`]);
        }
        await other.close();
      }
      // A srcdoc frame (a webmail's message) takes its page's policy, here from the page's <meta name="referrer">.
      sent.length = 0;
      const url = `${host.origin}/recorded/butterflyx4.png`;
      const frame = `<img id="framed" src="${url}" style="width: 256px">`;
      writeFileSync(join(dir, 'referrer-meta.html'), `<!doctype html><meta name="referrer" content="no-referrer"><iframe srcdoc='${frame}' width="300" height="300"></iframe>`);
      const framed = await browser.context.newPage();
      await framed.goto(`${fixture.origin}/referrer-meta.html`);
      await expect.poll(() => framed.frames()[1]?.evaluate(() => (document.getElementById('framed') as HTMLImageElement | null)?.naturalWidth ?? 0)).toBeGreaterThan(0);
      const framedTab = await tabIdOf(browser.worker, framed);
      // The frame the menu would name: the srcdoc one.
      const frameId = await browser.worker.evaluate(async (tab) => (await chrome.scripting.executeScript({ target: { tabId: tab, allFrames: true }, func: () => true })).find((f) => f.frameId !== 0)!.frameId, framedTab);
      const outcome = await browser.worker.evaluate(([tab, src, id]) => self.enhance.upscale(tab, src, 2, id), [framedTab, url, frameId] as const);
      expect(outcome.failure?.code).toBe('download-refused');
      expect(sent).toEqual([null]);
      await framed.close();
    } finally {
      await host.close();
    }
  });

  /** A page of one image from the second origin (whose pixels the page may not read), under `path`. */
  async function openCrossOrigin(path: string): Promise<{ page: Page; url: string }> {
    const url = `${fixture.secondOrigin}/${path}`;
    writeFileSync(join(dir, 'placeholder-host.html'), `<!doctype html><img id="hosted" src="${url}" style="width: 280px">`);
    const page = await browser.context.newPage();
    watchPageProblems(page, pageProblems);
    await page.goto(`${fixture.origin}/placeholder-host.html`);
    await page.waitForFunction(() => (document.getElementById('hosted') as HTMLImageElement).naturalWidth > 0);
    return { page, url };
  }

  it("is enhanced: a host that sends the engine a placeholder is asked again with the page's Referer", async () => {
    const { page, url } = await openCrossOrigin('placeholder-guarded/lr/headx4.png');
    // The control: without the page's Referer the host sends its placeholder, 120 x 40.
    expect(await browser.worker.evaluate((u) => fetch(u).then(async (r) => (await createImageBitmap(await r.blob())).width), url)).toBe(120);
    const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'hosted', 4);
    const width = readPng(join(dir, 'lr/headx4.png')).width * 4;
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width });
    expect((await shownPixels(page, 'hosted')).width).toBe(width);
    await page.close();
  });

  it("is enhanced: a host whose placeholder for the engine is an animated banner, nothing (200 OK), or a picture over the size limits, is asked again with the page's Referer", async () => {
    const placeholders: Record<string, string | null> = { banner: 'banner.gif', empty: null, huge: 'huge.png' };
    for (const [kind, placeholder] of Object.entries(placeholders)) {
      const path = `${kind}-guarded/lr/headx4.png`;
      const { page, url } = await openCrossOrigin(path);
      try {
        // The control: without the page's Referer the host sends its placeholder, or no bytes.
        expect(await browser.worker.evaluate((u) => fetch(u).then(async (r) => (await r.arrayBuffer()).byteLength), url)).toBe(placeholder ? readFileSync(join(dir, placeholder)).length : 0);
        const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'hosted', 2);
        const width = readPng(join(dir, 'lr/headx4.png')).width * 2;
        expect(outcome, `${path}: ${JSON.stringify(outcome.failure)}`).toMatchObject({ ok: true, images: 1, width });
        expect((await shownPixels(page, 'hosted')).width).toBe(width);
      } finally {
        await page.close();
      }
    }
  });

  it("is enhanced: a host that sends the engine a web page in its place (a sign-in page, 200 OK) is asked again with the page's Referer", async () => {
    const { page, url } = await openCrossOrigin('page-guarded/lr/headx4.png');
    // The control: without the page's Referer the host sends its sign-in page.
    expect(await browser.worker.evaluate((u) => fetch(u).then((r) => [r.status, r.headers.get('content-type')]), url)).toEqual([200, 'text/html; charset=utf-8']);
    const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'hosted', 2);
    const width = readPng(join(dir, 'lr/headx4.png')).width * 2;
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width });
    expect((await shownPixels(page, 'hosted')).width).toBe(width);
    await page.close();
  });

  it('is enhanced from its bytes where the host labels its images as HTML (misconfigured), though the page may not read its pixels', async () => {
    const { page } = await openCrossOrigin('mislabelled/lr/babyx4.png');
    const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'hosted', 2);
    const width = readPng(join(dir, 'lr/babyx4.png')).width * 2;
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width });
    expect((await shownPixels(page, 'hosted')).width).toBe(width);
    await page.close();
  });

  it('is enhanced from the pixels the page shows where the host sends the engine its sign-in page however it asks', async () => {
    const opened = await openWritten('sign-in.html', '<!doctype html><img id="private" src="sign-in/lr/birdx4.png" style="width: 288px">');
    const outcome = await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), 'private', 2);
    const lr = readPng(join(dir, 'lr/birdx4.png'));
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: lr.width * 2 });
    expect((await shownPixels(opened, 'private')).width).toBe(lr.width * 2);
    await opened.close();
  });

  it('is left as the page shows it, with a message, where the host sends the engine a placeholder however it asks', async () => {
    const { page, url } = await openCrossOrigin('placeholder-always/lr/headx4.png');
    const outcome = await enhanceById(browser.worker, page, await tabIdOf(browser.worker, page), 'hosted', 4);
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'changed-on-server' } });
    expect(await currentSrc(page, 'hosted')).toBe(url);
    expect(await markup(page, 'hosted')).toBe(`<img id="hosted" src="${url}" style="width: 280px">`);
    expect(await overlayTexts(page)).toContain(outcome.failure?.message);
    await page.close();
  });
});

describe('an animated image', () => {
  it('is turned away once its first frames are in, not after the whole file (which the engine downloads again: it shares no cache with the page)', async () => {
    const gif = readFileSync(join(import.meta.dirname, 'files/animated.gif'));
    // The shortest head of the file that shows two frames.
    let head = 1;
    while (countFrames(gif.subarray(0, head)) < 2) head++;
    let releaseTail!: () => void;
    const tailHeld = new Promise<void>((ok) => (releaseTail = ok));
    let engineDownloads = 0;
    const held = await serveFolder(dir, '127.0.0.1', {
      '/held-tail.gif': (_url, headers) => {
        if (headers['sec-fetch-dest'] === 'image') return { type: 'image/gif', body: gif };
        engineDownloads++;
        return { type: 'image/gif', body: gif, tail: { from: head, heldUntil: tailHeld } };
      },
    });
    writeFileSync(join(dir, 'held-tail.html'), '<!doctype html><img id="moving" src="held-tail.gif" style="width: 192px">');
    const opened = await browser.context.newPage();
    watchPageProblems(opened, pageProblems);
    try {
      await opened.goto(`${held.origin}/held-tail.html`);
      await imagesSettled(opened);
      const outcome = await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), 'moving', 2);
      // The control: the engine's download was the one whose tail is held.
      expect(engineDownloads).toBe(1);
      expect(outcome.failure?.code).toBe('animated');
    } finally {
      releaseTail();
      await opened.close();
      await held.close();
    }
  });
});

describe('images with a colour profile', () => {
  it('keeps the colours the browser shows (a PNG stored with gamma 1.0)', async () => {
    // A real photo, its file tagged gAMA 1.0: the browser brightens it for display, as it does any profile.
    const raw = readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'));
    const plain = encodePng(raw);
    const gamma = Buffer.alloc(4);
    gamma.writeUInt32BE(100_000);
    writeFileSync(join(dir, 'linear.png'), Buffer.concat([plain.subarray(0, AFTER_PNG_HEADER), pngChunk('gAMA', gamma), plain.subarray(AFTER_PNG_HEADER)]));
    writeFileSync(join(dir, 'linear.html'), '<!doctype html><img id="linear" src="linear.png" style="width: 288px">');
    const other = await browser.context.newPage();
    watchPageProblems(other, pageProblems);
    await other.goto(`${fixture.origin}/linear.html`);
    await imagesSettled(other);
    /** Mean RGB of the image as the page draws it, at the file's size. */
    const meanColour = () =>
      other.evaluate(() => {
        const img = document.getElementById('linear') as HTMLImageElement;
        const canvas = new OffscreenCanvas(72, 72);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0, 72, 72);
        const { data } = ctx.getImageData(0, 0, 72, 72);
        const sum = [0, 0, 0];
        for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += data[i + c];
        return sum.map((s) => s / (data.length / 4));
      });
    const before = await meanColour();
    // The control: the browser shows other colours than the file's values (it applies the gamma).
    const rawMean = [0, 1, 2].map((c) => raw.data.reduce((sum, value, i) => (i % 4 === c ? sum + value : sum), 0) / (raw.width * raw.height));
    expect(Math.max(...[0, 1, 2].map((c) => Math.abs(before[c] - rawMean[c])))).toBeGreaterThan(10);
    const outcome = await enhanceById(browser.worker, other, await tabIdOf(browser.worker, other), 'linear', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    await expect.poll(() => currentSrc(other, 'linear')).toMatch(/^blob:/);
    const after = await meanColour();
    for (let c = 0; c < 3; c++) expect(Math.abs(after[c] - before[c]), `channel ${c}: ${before[c]} -> ${after[c]}`).toBeLessThan(3);
    await other.close();
  });
  it('keeps colours sRGB cannot show (a photo in Display P3): the enhanced image is as vivid as the page\'s', async () => {
    // A real photo's values, tagged Display P3 (a cICP chunk: P3 primaries, sRGB's curve): its most saturated colours lie outside sRGB.
    const plain = encodePng(readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png')));
    writeFileSync(join(dir, 'wide.png'), Buffer.concat([plain.subarray(0, AFTER_PNG_HEADER), pngChunk('cICP', Buffer.from([12, 13, 0, 1])), plain.subarray(AFTER_PNG_HEADER)]));
    writeFileSync(join(dir, 'wide.html'), '<!doctype html><img id="wide" src="wide.png" style="width: 288px">');
    const wide = await browser.context.newPage();
    watchPageProblems(wide, pageProblems);
    await wide.goto(`${fixture.origin}/wide.html`);
    await imagesSettled(wide);
    /**
     * Mean Display P3 values and mean chroma (max - min) of the image as the page draws it, at the
     * file's size; `throughSrgb`: drawn into an sRGB canvas first, as the picture clipped to sRGB.
     */
    const colours = (throughSrgb = false) =>
      wide.evaluate((clip) => {
        const img = document.getElementById('wide') as HTMLImageElement;
        const srgb = new OffscreenCanvas(72, 72);
        srgb.getContext('2d')!.drawImage(img, 0, 0, 72, 72);
        const ctx = new OffscreenCanvas(72, 72).getContext('2d', { colorSpace: 'display-p3' })!;
        ctx.drawImage(clip ? srgb : img, 0, 0, 72, 72);
        const { data } = ctx.getImageData(0, 0, 72, 72, { colorSpace: 'display-p3' });
        const sum = [0, 0, 0, 0];
        for (let i = 0; i < data.length; i += 4) {
          for (let c = 0; c < 3; c++) sum[c] += data[i + c];
          sum[3] += Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
        }
        return sum.map((s) => s / (data.length / 4));
      }, throughSrgb);
    const before = await colours();
    // The control: clipped to sRGB, the page's own picture loses colour.
    const clipped = await colours(true);
    expect(before[3] - clipped[3]).toBeGreaterThan(3);
    const outcome = await enhanceById(browser.worker, wide, await tabIdOf(browser.worker, wide), 'wide', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    await expect.poll(() => currentSrc(wide, 'wide')).toMatch(/^blob:/);
    const after = await colours();
    console.info(`Display P3 photo: mean chroma ${before[3].toFixed(2)} (page), ${after[3].toFixed(2)} (enhanced), ${clipped[3].toFixed(2)} (clipped to sRGB)`);
    for (let c = 0; c < 4; c++) expect(Math.abs(after[c] - before[c]), `${c < 3 ? `channel ${c}` : 'chroma'}: ${before[c]} -> ${after[c]}`).toBeLessThan(1.5);
    expect(await colourTags(wide, 'wide')).not.toEqual([]);
    await wide.close();
  });

  it('keeps an sRGB logo with soft edges in sRGB: its translucent edge pixels do not make it wide-gamut', async () => {
    // sRGB's most saturated green and an orange, on a transparent ground, their edges ramping over 6 px.
    const logo = new PNG({ width: 64, height: 64 });
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const d = Math.hypot(x + 0.5 - 32, y + 0.5 - 32);
        const i = (y * 64 + x) * 4;
        logo.data.set(x < 32 ? [0, 255, 0] : [230, 120, 30], i);
        logo.data[i + 3] = Math.round(255 * Math.min(1, Math.max(0, (26 - d) / 6)));
      }
    }
    writeFileSync(join(dir, 'soft-logo.png'), PNG.sync.write(logo));
    writeFileSync(join(dir, 'soft-logo.html'), '<!doctype html><img id="soft" src="soft-logo.png" style="width: 128px">');
    const other = await browser.context.newPage();
    watchPageProblems(other, pageProblems);
    await other.goto(`${fixture.origin}/soft-logo.html`);
    await imagesSettled(other);
    const outcome = await enhanceById(browser.worker, other, await tabIdOf(browser.worker, other), 'soft', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect(await colourTags(other, 'soft')).toEqual([]);
    await other.close();
  });
});

/** The colour-space chunks (iCCP, cICP, sRGB) of the PNG an image shows: a result enhanced in Display P3 is tagged so. */
async function colourTags(on: Page, id: string): Promise<string[]> {
  const types = await on.evaluate(async (imgId) => {
    const bytes = new Uint8Array(await (await fetch((document.getElementById(imgId) as HTMLImageElement).currentSrc)).arrayBuffer());
    const view = new DataView(bytes.buffer);
    const found: string[] = [];
    for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) found.push(String.fromCharCode(...bytes.subarray(at + 4, at + 8)));
    return found;
  }, id);
  return types.filter((type) => ['iCCP', 'cICP', 'sRGB'].includes(type));
}

describe('what pages can see of Enhance', () => {
  it('exposes no file to web pages, so none can tell it is installed by fetching one', async () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as { web_accessible_resources?: unknown; content_scripts: Array<{ js: string[] }> };
    expect(manifest.web_accessible_resources).toBeUndefined();
    // The content script itself, the file a page would guess first, does not load from the page either.
    const origin = new URL(browser.worker.url()).origin;
    const files = manifest.content_scripts.flatMap(({ js }) => js);
    expect(files).toEqual(['src/content/main.js']);
    // Chromium answers a page's request for an extension file it may not load as it answers for one that is not there: 404.
    const loads = await page.evaluate(async (urls) => Promise.all(urls.map((url) => fetch(url).then((r) => r.ok, () => false))), files.map((file) => `${origin}/${file}`));
    expect(loads).toEqual([false]);
  });
});

describe('bad input', () => {
  it.each([
    ['broken', 'fetch-failed'],
    ['text', 'not-an-image'],
    ['svg', 'svg'],
    // Its header declares 0 x 0 pixels: read before any decoding.
    ['empty', 'empty-image'],
    ['huge', 'too-large'],
  ])('%s: a clear message on the image, the page left as it was', async (id, code) => {
    // In view, as the user who right-clicked it sees it: a message is shown only there.
    await page.evaluate((imgId) => document.getElementById(imgId)!.scrollIntoView({ block: 'center' }), id);
    try {
      const before = await markup(page, id);
      const outcome = await enhanceById(browser.worker, page, tabId, id, 2);
      expect(outcome.ok).toBe(false);
      expect(outcome.failure?.code).toBe(code);
      expect(await markup(page, id)).toBe(before);
      const texts = await overlayTexts(page);
      expect(texts.some((text) => text === outcome.failure?.message)).toBe(true);
      // Shown, over the image's corner.
      const shownOnImage = await page.evaluate(
        ([imgId, message]) => {
          const host = [...document.querySelectorAll('enhance-overlay')].find((h) => h.shadowRoot?.querySelector('.box')?.textContent === message);
          if (!host?.checkVisibility()) return false;
          const box = host.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
          const img = document.getElementById(imgId)!.getBoundingClientRect();
          return box.left >= img.left && box.left < img.right && box.top >= img.top && box.top < img.bottom;
        },
        [id, outcome.failure?.message] as const,
      );
      expect(shownOnImage).toBe(true);
    } finally {
      await page.evaluate(() => scrollTo(0, 0));
    }
  });

  it("a new job on an image takes away the failure message an earlier one left there: the new ring would sit over it", async () => {
    // 9000 x 8: x4 would be wider than browsers draw, x2 is not.
    const long: RgbaImage = { width: 9000, height: 8, data: new Uint8ClampedArray(9000 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 251)) };
    writeFileSync(join(dir, 'long.png'), encodePng(long));
    writeFileSync(join(dir, 'long.html'), '<!doctype html><body><img id="long" src="long.png" style="width: 900px; height: 8px; display: block" alt="long"></body>');
    const made = await browser.context.newPage();
    watchPageProblems(made, pageProblems);
    await made.goto(`${fixture.origin}/long.html`);
    await imagesSettled(made);
    const madeTab = await tabIdOf(browser.worker, made);
    const failed = await enhanceById(browser.worker, made, madeTab, 'long', 4);
    expect(failed.failure?.code).toBe('too-long-for-scale');
    expect(await overlayTexts(made)).toEqual([failed.failure?.message]);
    const second = browser.worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [madeTab, await currentSrc(made, 'long')] as const);
    await expect.poll(() => overlayTexts(made)).toEqual([expect.stringMatching(/^Enhancing \d+%$/)]);
    expect(await second).toMatchObject({ ok: true, images: 1, width: 18000 });
    expect(await overlayTexts(made)).toEqual([]);
    await made.close();
  });

  it('a page the browser keeps extensions out of: the tab\'s badge and tooltip say why', async () => {
    const closed = await browser.context.newPage();
    await closed.goto(`${fixture.origin}/index.html?to-be-closed`);
    const closedTab = await tabIdOf(browser.worker, closed);
    // The same tab, now on one of the browser's own pages, which no extension may script.
    await closed.goto('chrome://version/');
    const outcome = await browser.worker.evaluate(([tab]) => self.enhance.upscale(tab, 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', 2), [closedTab] as const);
    expect(outcome.failure?.code).toBe('page-unreachable');
    expect(await toolbarAction(browser.worker, closedTab)).toEqual({ badge: '!', title: `Enhance: ${outcome.failure?.message}` });
    await closed.close();
  });

  /** The fixture page in a tab whose badge shows a failure: a menu job for a frame gone by the time it is sent, with no image to show its message on. */
  async function withFailureOnBadge(query: string): Promise<{ opened: Page; tab: number; action: () => Promise<{ badge: string; title: string }> }> {
    const opened = await browser.context.newPage();
    await opened.goto(`${fixture.origin}/index.html?${query}`);
    await imagesSettled(opened);
    const tab = await tabIdOf(browser.worker, opened);
    const action = () => toolbarAction(browser.worker, tab);
    const failed = await browser.worker.evaluate(([id, src]) => self.enhance.upscale(id, src, 2, 4242), [tab, await currentSrc(opened, 'small')] as const);
    expect(failed.failure?.code).toBe('image-gone');
    expect(await action()).toEqual({ badge: '!', title: `Enhance: ${failed.failure?.message}` });
    return { opened, tab, action };
  }

  it("a failure's badge and tooltip go once the page's counts move on", async () => {
    const { opened, tab, action } = await withFailureOnBadge('failure-then-success');
    expect(await enhanceById(browser.worker, opened, tab, 'small', 2)).toMatchObject({ ok: true });
    await expect.poll(action).toEqual({ badge: '1', title: 'Enhance' });
    await opened.close();
  });

  it("a failure's badge and tooltip go when a single-page app moves to another page (history.pushState)", async () => {
    const { opened, action } = await withFailureOnBadge('failure-then-route');
    // Another route of the app: the failure was about the page it left.
    await opened.evaluate(() => history.pushState(null, '', '/another-route'));
    await expect.poll(action).toEqual({ badge: '', title: 'Enhance' });
    await opened.close();
  });

  it('an image too large to decode safely is turned away by the size its header states', async () => {
    // 20000 x 20000: 1.6 GB of pixels once decoded, from a file of a few bytes (here, the header alone).
    const header = readFileSync(join(import.meta.dirname, '../../src/core/__fixtures__/size-13x7.png'));
    header.writeUInt32BE(20000, 16);
    header.writeUInt32BE(20000, 20);
    writeFileSync(join(dir, 'giant.png'), header);
    writeFileSync(join(dir, 'giant.html'), '<!doctype html><body><img id="giant" src="giant.png" width="400" height="400" alt="giant"></body>');
    const giant = await browser.context.newPage();
    watchPageProblems(giant, pageProblems);
    await giant.goto(`${fixture.origin}/giant.html`);
    await imagesSettled(giant);
    const outcome = await enhanceById(browser.worker, giant, await tabIdOf(browser.worker, giant), 'giant', 2);
    expect(outcome.failure).toEqual({ code: 'too-large', message: 'This image is larger than the size limit in Enhance settings. (20000x20000 is over 4,000,000 pixels)' });
    await giant.close();
  });

  it('responses with no end (a live camera, a file that never stops) fail with a message, and the next job runs', async () => {
    writeFileSync(
      join(dir, 'streams.html'),
      '<!doctype html><body><img id="camera" src="camera.mjpg" width="240" alt="camera"><img id="endless" src="endless.jpg" width="240" alt="endless"><img id="plain" src="lr/birdx4.png" width="288" alt="plain"></body>',
    );
    const streams = await browser.context.newPage();
    watchPageProblems(streams, pageProblems);
    await streams.goto(`${fixture.origin}/streams.html`);
    await streams.waitForFunction(() => ['endless', 'plain'].every((id) => (document.getElementById(id) as HTMLImageElement).complete));
    const streamsTab = await tabIdOf(browser.worker, streams);
    const camera = await enhanceById(browser.worker, streams, streamsTab, 'camera', 2);
    expect(camera.failure?.code).toBe('animated');
    const endless = await enhanceById(browser.worker, streams, streamsTab, 'endless', 2);
    expect(endless.failure).toEqual({ code: 'fetch-failed', message: 'Enhance could not download this image. (the file is over 64 MB)' });
    expect(await enhanceById(browser.worker, streams, streamsTab, 'plain', 2)).toMatchObject({ ok: true, images: 1 });
    await streams.close();
  });

  it('leaving the page while its image is enhanced puts no failure on the next page', async () => {
    const leaving = await browser.context.newPage();
    await leaving.goto(`${fixture.origin}/index.html?left-mid-job`);
    await imagesSettled(leaving);
    const leavingTab = await tabIdOf(browser.worker, leaving);
    const src = await currentSrc(leaving, 'barbara');
    // Not awaited here: the menu's job is still running when the user follows a link.
    await browser.worker.evaluate(([tab, url]) => {
      (self as unknown as { pending: Promise<unknown> }).pending = self.enhance.upscale(tab, url, 4);
    }, [leavingTab, src] as const);
    await expect.poll(() => overlayTexts(leaving), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
    await leaving.goto(`${fixture.origin}/index.html?next-page`);
    const outcome = (await browser.worker.evaluate(() => (self as unknown as { pending: Promise<unknown> }).pending)) as EnhanceOutcome;
    expect(outcome.failure?.code).toBe('image-gone');
    expect(await toolbarAction(browser.worker, leavingTab)).toEqual({ badge: '', title: 'Enhance' });
    await leaving.close();
  });

  it('Restore original or Restore all while the image is enhanced: the job stops, and no result lands after', async () => {
    const stopping = await browser.context.newPage();
    watchPageProblems(stopping, pageProblems);
    await stopping.goto(`${fixture.origin}/index.html?restore-mid-job`);
    await imagesSettled(stopping);
    const stoppingTab = await tabIdOf(browser.worker, stopping);
    const original = await markup(stopping, 'barbara');
    const startX4 = (src: string) =>
      browser.worker.evaluate(([tab, url]) => {
        (self as unknown as { pending: Promise<unknown> }).pending = self.enhance.upscale(tab, url, 4);
      }, [stoppingTab, src] as const);
    const landed = () => browser.worker.evaluate(() => (self as unknown as { pending: Promise<unknown> }).pending) as Promise<EnhanceOutcome>;
    const ringShown = () => expect.poll(() => overlayTexts(stopping), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
    // The engine runs one job at a time: a job on another image ends after the stopped one would
    // have, and is its only work (one inference or one cache hit) if that one really stopped.
    const jobsDone = async () => {
      const { inferences, cacheHits } = await browser.worker.evaluate(() => self.enhance.status());
      return inferences + cacheHits;
    };
    const onlyTheNextJobRuns = async () => {
      const before = await jobsDone();
      expect(await enhanceById(browser.worker, stopping, stoppingTab, 'small', 2)).toMatchObject({ ok: true });
      expect(await jobsDone()).toBe(before + 1);
      expect(await markup(stopping, 'barbara')).toBe(original);
      expect(await restoreById(browser.worker, stopping, stoppingTab, 'small')).toBe(1);
    };

    // Enhanced at x2, then x4 asked for (from the menu on the enhanced image), then Restore original.
    expect(await enhanceById(browser.worker, stopping, stoppingTab, 'barbara', 2)).toMatchObject({ ok: true, images: 1 });
    await startX4(await currentSrc(stopping, 'barbara'));
    await ringShown();
    expect(await restoreById(browser.worker, stopping, stoppingTab, 'barbara')).toBe(1);
    expect((await landed()).failure?.code).toBe('restored');
    expect(await markup(stopping, 'barbara')).toBe(original);
    await onlyTheNextJobRuns();

    // The popup's Restore all while the menu's job runs.
    await startX4(await currentSrc(stopping, 'barbara'));
    await ringShown();
    const restoreAll = browser.worker.evaluate((tab) => chrome.tabs.sendMessage(tab, { type: 'restore-all' }, { frameId: 0 }), stoppingTab);
    expect(await restoreAll).toEqual({ restored: 0 });
    expect((await landed()).failure?.code).toBe('restored');
    expect(await markup(stopping, 'barbara')).toBe(original);
    await onlyTheNextJobRuns();
    expect(await overlayTexts(stopping)).toEqual([]);
    const counts = () => browser.worker.evaluate(async (tab) => (await self.enhance.status(tab)).counts, stoppingTab);
    await expect.poll(counts).toEqual({ enhanced: 0, queued: 0, failed: 0 });
    await stopping.close();
  });

  it("Enhance x4 asked while the image's x2 from the menu still runs: the x2 job stops, and x4's ring alone shows until its result lands (x2 asked again lets the first land)", async () => {
    // Each job runs the model: a cached result would end it before the next is asked for.
    await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:cacheLimitBytes': 0 }));
    const rescaled = await browser.context.newPage();
    watchPageProblems(rescaled, pageProblems);
    await rescaled.goto(`${fixture.origin}/index.html?rescaled`);
    await imagesSettled(rescaled);
    const tab = await tabIdOf(browser.worker, rescaled);
    const src = await currentSrc(rescaled, 'barbara');
    type Pending = { jobs: Record<string, Promise<EnhanceOutcome>> };
    const start = (name: string, scale: 2 | 4) =>
      browser.worker.evaluate(([t, url, s, key]) => {
        const pending = self as unknown as Pending;
        pending.jobs = { ...pending.jobs, [key]: self.enhance.upscale(t, url, s) };
      }, [tab, src, scale, name] as const);
    const landed = (name: string) => browser.worker.evaluate((key) => (self as unknown as Pending).jobs[key], name);
    const ringShown = () => expect.poll(() => overlayTexts(rescaled), { timeout: 30_000 }).toContainEqual(expect.stringMatching(/Enhancing/));
    // The same scale asked for twice: the first job lands, and the second follows it.
    await start('x2', 2);
    await ringShown();
    await start('x2 again', 2);
    expect(await landed('x2')).toMatchObject({ ok: true, images: 1, width: 720 });
    expect(await landed('x2 again')).toMatchObject({ ok: true, images: 1, width: 720 });
    expect(await restoreById(browser.worker, rescaled, tab, 'barbara')).toBe(1);
    await start('x2', 2);
    await ringShown();
    await start('x4', 4);
    expect((await landed('x2')).failure?.code).toBe('restored');
    await expect.poll(() => overlayTexts(rescaled)).toEqual([expect.stringMatching(/Enhancing/)]);
    expect(await landed('x4')).toMatchObject({ ok: true, images: 1, width: 1440 });
    expect(await overlayTexts(rescaled)).toEqual([]);
    expect((await shownPixels(rescaled, 'barbara')).width).toBe(1440);
    await browser.worker.evaluate(() => chrome.storage.sync.remove('setting:cacheLimitBytes'));
    await rescaled.close();
  });

  it('a local file, where file access is on (as here): its images are enhanced too', async () => {
    const tabIds = () => browser.worker.evaluate(async () => (await chrome.tabs.query({})).map((tab) => tab.id));
    const before = await tabIds();
    const local = await browser.context.newPage();
    watchPageProblems(local, pageProblems);
    await local.goto(`file://${join(dir, 'index.html')}`);
    await imagesSettled(local);
    expect(await browser.worker.evaluate(() => chrome.extension.isAllowedFileSchemeAccess())).toBe(true);
    const localTab = (await tabIds()).find((id) => !before.includes(id));
    expect(await enhanceById(browser.worker, local, localTab!, 'small', 2)).toMatchObject({ ok: true, images: 1 });
    await local.close();
  });

  it("a message on an image at the viewport's right edge does not widen the page", async () => {
    // A carousel's next slide, mostly off screen to the right and clipped: the page has no horizontal scroll.
    writeFileSync(
      join(dir, 'edge.html'),
      `<!doctype html><html><body style="margin: 0">
<div style="overflow: hidden; width: 100vw; height: 120px; position: relative">
  <img id="edge" src="missing.png" style="position: absolute; left: calc(100vw - 40px); width: 200px; height: 100px">
</div>
</body></html>`,
    );
    const edge = await browser.context.newPage();
    watchPageProblems(edge, pageProblems);
    await edge.goto(`${fixture.origin}/edge.html`);
    await imagesSettled(edge);
    const widths = () => edge.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    const [scroll, client] = await widths();
    expect(scroll).toBe(client);
    const outcome = await enhanceById(browser.worker, edge, await tabIdOf(browser.worker, edge), 'edge', 2);
    expect(outcome.failure?.code).toBe('fetch-failed');
    expect(await overlayTexts(edge)).toContain(outcome.failure?.message);
    expect(await widths()).toEqual([client, client]);
    await edge.close();
  });

  /** A page of `html`, written as `file`, whose SVG image `id` the menu is asked to enhance: it says why it will not. */
  async function openWithSvgMessage(file: string, html: string, id: string): Promise<{ opened: Page; outcome: EnhanceOutcome }> {
    writeFileSync(join(dir, file), html);
    const opened = await browser.context.newPage();
    watchPageProblems(opened, pageProblems);
    await opened.goto(`${fixture.origin}/${file}`);
    await imagesSettled(opened);
    const outcome = await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), id, 2);
    expect(outcome.failure?.code).toBe('svg');
    return { opened, outcome };
  }

  /** How far the message's top left corner is from the image's, and where the image is. */
  function messageOffset(opened: Page, id: string): Promise<{ x: number; y: number; imageLeft: number }> {
    return opened.evaluate((imgId) => {
      const box = document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
      const img = document.getElementById(imgId)!.getBoundingClientRect();
      return { x: Math.round(box.left - img.left), y: Math.round(box.top - img.top), imageLeft: Math.round(img.left) };
    }, id);
  }

  it('a message follows its image when the page moves it, with no scroll or resize (a banner loaded above it)', async () => {
    const { opened: shifting } = await openWithSvgMessage(
      'shifted.html',
      `<!doctype html><html><body style="margin: 0"><div id="banner"></div><div><img id="shifted" src="logo.svg" width="240" height="160"></div></body></html>`,
      'shifted',
    );
    const offset = () => messageOffset(shifting, 'shifted');
    const before = await offset();
    await shifting.evaluate(() => (document.getElementById('banner')!.style.height = '200px'));
    await expect.poll(offset).toEqual(before);
    await shifting.close();
  });

  it('a message sits at its image\'s corner on a page zoomed by its own CSS (zoom on <html>), scrolled', async () => {
    const { opened: zoomed } = await openWithSvgMessage(
      'css-zoom.html',
      `<!doctype html><html style="zoom: 1.25"><body style="margin: 0"><div style="height: 400px"></div><img id="zoomed" src="logo.svg" width="240" height="160" style="margin-left: 100px"><div style="height: 2000px"></div></body></html>`,
      'zoomed',
    );
    await zoomed.evaluate(() => window.scrollTo(0, 300));
    // 6 px in from the corner, as on a page with no zoom of its own; drawn 1.25 times as far before.
    await expect.poll(() => messageOffset(zoomed, 'zoomed')).toEqual({ x: 6, y: 6, imageLeft: 125 });
    await zoomed.close();
  });

  it("a message follows its image as a carousel slides it within its fixed-size track (a transform: no scroll, and no box changes size)", async () => {
    const { opened: sliding } = await openWithSvgMessage(
      'sliding.html',
      `<!doctype html><html><body style="margin: 0"><div style="width: 600px; height: 200px; overflow: hidden"><div id="track" style="width: 1200px; height: 200px"><img id="slid" src="logo.svg" width="240" height="160"></div></div></body></html>`,
      'slid',
    );
    const offset = () => messageOffset(sliding, 'slid');
    const before = await offset();
    await sliding.evaluate(() => (document.getElementById('track')!.style.transform = 'translateX(300px)'));
    await expect.poll(offset).toEqual({ ...before, imageLeft: before.imageLeft + 300 });
    await sliding.close();
  });

  it("a message on an image scrolled up under the page's sticky header shows below the header, not over it", async () => {
    const { opened: news } = await openWithSvgMessage(
      'sticky.html',
      `<!doctype html><html><body style="margin: 0"><header style="position: sticky; top: 0; height: 80px; background: #036; z-index: 1"></header>
<div style="height: 300px"></div><img id="tall" src="logo.svg" width="240" height="600"><div style="height: 2000px"></div></body></html>`,
      'tall',
    );
    // The image's top 100 px scrolled under the header.
    await news.evaluate(() => window.scrollTo(0, 480));
    const placed = () =>
      news.evaluate(() => ({
        message: Math.round(document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect().top),
        image: Math.round(document.getElementById('tall')!.getBoundingClientRect().top),
      }));
    await expect.poll(placed).toEqual({ message: 86, image: -100 });
    // Scrolled back, the image's top is clear of the header again: the message sits at its corner.
    await news.evaluate(() => window.scrollTo(0, 0));
    await expect.poll(placed).toEqual({ message: 386, image: 380 });
    await news.close();
  });

  /** The message's dark red, not a dialog's white or the picture, on the screen at its place: nothing covers it. */
  async function expectMessageOnScreen(opened: Page): Promise<void> {
    const box = await opened.evaluate(() => {
      const rect = document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
      return { x: Math.round(rect.left + 4), y: Math.round(rect.top + rect.height / 2) };
    });
    const shot = PNG.sync.read(await opened.screenshot({ clip: { ...box, width: 1, height: 1 } }));
    const [r, g, b] = shot.data;
    expect(r - Math.max(g, b), `rgb(${r}, ${g}, ${b})`).toBeGreaterThan(80);
  }

  it('a message on an image in a modal dialog shows above the dialog, as the user sees the screen, and a screen reader reads it', async () => {
    const { opened: viewer, outcome } = await openWithSvgMessage(
      'dialog.html',
      `<!doctype html><html><body><dialog id="viewer"><img id="in-dialog" src="logo.svg" width="240" height="160"></dialog>
<script>document.getElementById('viewer').showModal();</script></body></html>`,
      'in-dialog',
    );
    await expectMessageOnScreen(viewer);
    // And heard: a screen reader reads what the accessibility tree holds, which leaves out all a modal dialog does not (inert).
    const cdp = await viewer.context().newCDPSession(viewer);
    const heard = async () => {
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string }; ignored: boolean }> };
      return nodes.filter((node) => !node.ignored && ['status', 'StaticText'].includes(node.role?.value ?? '')).map((node) => `${node.role?.value}: ${node.name?.value ?? ''}`);
    };
    expect(await heard()).toEqual(['status: ', `StaticText: ${outcome.failure?.message}`]);
    await viewer.close();
  });

  it('a message on an image at the bottom of the window does not lengthen a page that fits it (an app whose list scrolls inside)', async () => {
    const { opened: app } = await openWithSvgMessage(
      'app-list.html',
      `<!doctype html><html><body style="margin: 0"><div style="height: 100vh; overflow: auto"><div style="height: calc(100vh - 20px)"></div><img id="last" src="logo.svg" width="240" height="160"></div></body></html>`,
      'last',
    );
    const shown = await app.evaluate(() => ({ message: document.querySelector('enhance-overlay')!.checkVisibility(), scrollable: document.documentElement.scrollHeight - innerHeight }));
    expect(shown).toEqual({ message: true, scrollable: 0 });
    await app.close();
  });

  it('a message on an image shows above a modal dialog opened after it, that takes the image in (a lightbox)', async () => {
    const { opened: lightbox } = await openWithSvgMessage(
      'dialog-later.html',
      `<!doctype html><html><body><dialog id="viewer"></dialog><img id="later" src="logo.svg" width="240" height="160"></body></html>`,
      'later',
    );
    await lightbox.evaluate(async () => {
      const viewer = document.getElementById('viewer') as HTMLDialogElement;
      viewer.append(document.getElementById('later')!);
      viewer.showModal();
      // The message follows the image into the dialog at the next frame.
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    });
    await expectMessageOnScreen(lightbox);
    // Closed and opened again (a lightbox that keeps one dialog): the dialog enters the top layer
    // anew, over the message, which enters again after it; with frames between, and in one go.
    for (const framesBetween of [true, false]) {
      await lightbox.evaluate(async (waits) => {
        const frames = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const viewer = document.getElementById('viewer') as HTMLDialogElement;
        viewer.close();
        if (waits) await frames();
        viewer.showModal();
        await frames();
      }, framesBetween);
      await expectMessageOnScreen(lightbox);
    }
    await lightbox.close();
  });

  it('a message goes on the copy of the file the user pointed at, or on one in view: not on the first copy in the page, scrolled away', async () => {
    const copies = '<img id="first" src="logo.svg" width="120" height="80"><img id="beside" src="logo.svg" width="120" height="80"><div style="height: 3000px"></div><img id="below" src="logo.svg" width="120" height="80">';
    writeFileSync(join(dir, 'copies.html'), `<!doctype html><html><body style="margin: 0">${copies}</body></html>`);
    const opened = await browser.context.newPage();
    watchPageProblems(opened, pageProblems);
    await opened.goto(`${fixture.origin}/copies.html`);
    await imagesSettled(opened);
    const tab = await tabIdOf(browser.worker, opened);
    /** The image whose box holds the message's top left corner, if one does and the message shows. */
    const messageOn = () =>
      opened.evaluate(() => {
        const host = document.querySelector('enhance-overlay')!;
        if (!host.checkVisibility()) return 'hidden';
        const box = host.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
        const under = [...document.images].find((img) => {
          const r = img.getBoundingClientRect();
          return box.left >= r.left && box.left < r.right && box.top >= r.top && box.top < r.bottom;
        });
        return under?.id ?? null;
      });
    const messageGone = () => opened.waitForFunction(() => document.querySelector('enhance-overlay') === null, undefined, { timeout: 20_000 });

    // Right-clicked (the native menu itself cannot be clicked here): the second of two side by side.
    const beside = await box(opened, 'beside');
    await opened.mouse.click(beside.x + 20, beside.y + 20, { button: 'right' });
    // The pointer goes on to the other copy as the job is sent: the menu was about this one.
    const first = await box(opened, 'first');
    await opened.mouse.move(first.x + 20, first.y + 20);
    expect((await enhanceById(browser.worker, opened, tab, 'beside', 2)).failure?.code).toBe('svg');
    expect(await messageOn()).toBe('beside');
    await messageGone();

    // Scrolled to the last copy, the pointer off every image.
    await opened.mouse.move(600, 10);
    await opened.evaluate(() => document.getElementById('below')!.scrollIntoView());
    await opened.mouse.move(600, 12);
    expect((await enhanceById(browser.worker, opened, tab, 'below', 2)).failure?.code).toBe('svg');
    expect(await messageOn()).toBe('below');
    await opened.close();
  });

  it('a message on an image behind a modal dialog hides while the dialog is open, and shows once it closes', async () => {
    const { opened: covered, outcome } = await openWithSvgMessage(
      'behind.html',
      `<!doctype html><html><body><img id="behind" src="logo.svg" width="240" height="160">
<dialog id="consent"><p>We use cookies.</p></dialog>
<script>document.getElementById('consent').showModal();</script></body></html>`,
      'behind',
    );
    const overlayShown = () => covered.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null);
    expect(await overlayTexts(covered)).toEqual([outcome.failure?.message]);
    expect(await overlayShown()).toBe(false);
    await covered.evaluate(() => (document.getElementById('consent') as HTMLDialogElement).close());
    await expect.poll(overlayShown).toBe(true);
    await covered.close();
  });

  it("a message on an image behind the page's own lightbox (a fixed box, not a dialog) hides while it is open, and shows once it closes, below a fixed header; one on an image in the lightbox shows", async () => {
    const { opened, outcome } = await openWithSvgMessage(
      'fixed-lightbox.html',
      `<!doctype html><html><body style="margin: 0"><header style="position: fixed; top: 0; left: 0; right: 0; height: 40px; background: #222"></header>
<img id="thumb" src="logo.svg" width="240" height="160" style="display: block; margin-top: 20px">
<div id="lightbox" style="position: fixed; inset: 0; background: rgba(0, 0, 0, 0.85)"><img id="large" src="logo.svg?large" width="320" height="200" style="display: block; margin: 220px 0 0 40px"></div></body></html>`,
      'thumb',
    );
    const shownOn = () =>
      opened.evaluate(() =>
        [...document.querySelectorAll('enhance-overlay')]
          .filter((host) => host.checkVisibility())
          .map((host) => [...document.images].find((img) => {
            const [box, r] = [host.getBoundingClientRect(), img.getBoundingClientRect()];
            return box.left >= r.left && box.left < r.right && box.top >= r.top && box.top < r.bottom;
          })?.id ?? 'elsewhere'),
      );
    expect(await overlayTexts(opened)).toEqual([outcome.failure?.message]);
    expect(await shownOn()).toEqual([]);
    await opened.evaluate(() => (document.getElementById('lightbox')!.style.display = 'none'));
    await expect.poll(shownOn).toEqual(['thumb']);
    // Below the header, which covers the image's top 20 px.
    expect((await messageOffset(opened, 'thumb')).y).toBeGreaterThanOrEqual(20);
    await opened.evaluate(() => (document.getElementById('lightbox')!.style.display = 'block'));
    expect((await enhanceById(browser.worker, opened, await tabIdOf(browser.worker, opened), 'large', 2)).failure?.code).toBe('svg');
    await expect.poll(shownOn).toEqual(['large']);
    await opened.close();
  });

  it("a message on an image is not part of what the user selects and copies (Select all)", async () => {
    const { opened, outcome } = await openWithSvgMessage('select-all.html', '<!doctype html><html><body><p>Caption.</p><img id="logo" src="logo.svg" width="240" height="160"></body></html>', 'logo');
    expect(await overlayTexts(opened)).toEqual([outcome.failure?.message]);
    await opened.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fixture.origin });
    await opened.keyboard.press('ControlOrMeta+A');
    await opened.keyboard.press('ControlOrMeta+C');
    const copied = await opened.evaluate(async () => ({ selected: getSelection()?.toString() ?? '', text: await navigator.clipboard.readText(), html: await (await (await navigator.clipboard.read())[0].getType('text/html')).text() }));
    expect(copied.text).toContain('Caption.');
    expect(copied.text).not.toContain(outcome.failure?.message);
    expect(copied.html).not.toContain('enhance-overlay');
    await opened.close();
  });

  it('a message on an image is left out of the printed page', async () => {
    const { opened } = await openWithSvgMessage('printed.html', '<!doctype html><html><body><img id="logo" src="logo.svg" width="240" height="160"></body></html>', 'logo');
    const overlayShown = () => opened.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null);
    expect(await overlayShown()).toBe(true);
    await opened.emulateMedia({ media: 'print' });
    expect(await overlayShown()).toBe(false);
    await opened.emulateMedia({ media: 'screen' });
    expect(await overlayShown()).toBe(true);
    await opened.close();
  });

  it('a message on an image scrolled out of the box that clips it (a chat list) hides, though the image is still inside the window, and shows once it is back', async () => {
    const { opened: chat } = await openWithSvgMessage(
      'clipped.html',
      `<!doctype html><html><body style="margin: 0"><div style="height: 300px"></div>
<div id="list" style="height: 200px; overflow: auto"><img id="in-list" src="logo.svg" width="120" height="80"><div style="height: 1000px"></div></div></body></html>`,
      'in-list',
    );
    const overlayShown = () => chat.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null);
    const scrollListTo = (top: number) => chat.evaluate((y) => (document.getElementById('list')!.scrollTop = y), top);
    expect(await overlayShown()).toBe(true);
    await scrollListTo(300);
    // Above the list's visible part, and still inside the window.
    expect(await chat.evaluate(() => document.getElementById('in-list')!.getBoundingClientRect().bottom)).toBe(80);
    await expect.poll(overlayShown).toBe(false);
    await scrollListTo(0);
    await expect.poll(overlayShown).toBe(true);
    await chat.close();
  });

  it('a message on an image partly scrolled or clipped out of its box (a chat list, a carousel card peeking in) shows over the part in view, not over the page beside the box', async () => {
    /** The image's, the message's and the clipping box's top left corners. */
    const corners = (opened: Page, imgId: string, clipId: string) =>
      opened.evaluate(
        ([image, clip]) => {
          const corner = (rect: DOMRect) => ({ left: Math.round(rect.left), top: Math.round(rect.top) });
          return {
            image: corner(document.getElementById(image)!.getBoundingClientRect()),
            message: corner(document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect()),
            clip: corner(document.getElementById(clip)!.getBoundingClientRect()),
          };
        },
        [imgId, clipId],
      );
    const { opened: chat } = await openWithSvgMessage(
      'half-clipped.html',
      `<!doctype html><html><body style="margin: 0"><div style="height: 300px"></div>
<div id="list" style="height: 200px; overflow: auto"><img id="tall" src="logo.svg" width="120" height="400"><div style="height: 1000px"></div></div></body></html>`,
      'tall',
    );
    // Scrolled 250 px into a 400 px image: its top is 250 px above the list's, over the page's own content there.
    await chat.evaluate(() => (document.getElementById('list')!.scrollTop = 250));
    await expect.poll(async () => (await corners(chat, 'tall', 'list')).image.top).toBe(50);
    await expect.poll(async () => ((await corners(chat, 'tall', 'list')).message.top >= 300 ? 'in the list' : 'above it')).toBe('in the list');
    await chat.close();

    const { opened: carousel } = await openWithSvgMessage(
      'peeking.html',
      `<!doctype html><html><body style="margin: 0"><div id="track" style="margin: 40px 0 0 300px; width: 400px; overflow: hidden"><img id="card" src="logo.svg" width="240" height="160" style="display: block; margin-left: -150px"></div></body></html>`,
      'card',
    );
    const { image, message, clip } = await corners(carousel, 'card', 'track');
    expect({ image: image.left, track: clip.left }).toEqual({ image: 150, track: 300 });
    expect(message.left).toBeGreaterThanOrEqual(300);
    await carousel.close();

    // The same card in a link that says overflow: hidden (an inline box, which clips nothing), on a
    // track scaled to half by a transform above it: the track's own pixels are half the window's.
    const { opened: scaled } = await openWithSvgMessage(
      'peeking-scaled.html',
      `<!doctype html><html><body style="margin: 0"><div style="transform: scale(0.5); transform-origin: 0 0"><div id="track" style="margin: 80px 0 0 600px; width: 800px; overflow: hidden"><a href="#" style="overflow: hidden"><img id="card" src="logo.svg" width="480" height="320" style="margin-left: -300px; vertical-align: top"></a><div style="display: inline-block; width: 700px"></div></div></div></body></html>`,
      'card',
    );
    const inScaled = await corners(scaled, 'card', 'track');
    expect({ image: inScaled.image.left, track: inScaled.clip.left }).toEqual({ image: 150, track: 300 });
    expect(inScaled.message.left).toBeGreaterThanOrEqual(300);
    await scaled.close();
  });

  it("the same behind a web component's own modal dialog, in its shadow root (the page's :modal does not reach it)", async () => {
    const { opened: covered, outcome } = await openWithSvgMessage(
      'behind-component.html',
      `<!doctype html><html><body><img id="behind" src="logo.svg" width="240" height="160">
<consent-box></consent-box>
<script>
customElements.define('consent-box', class extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<dialog><p>We use cookies.</p><button>OK</button></dialog>'; }
});
document.querySelector('consent-box').shadowRoot.querySelector('dialog').showModal();
</script></body></html>`,
      'behind',
    );
    const overlayShown = () => covered.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null);
    expect(await overlayTexts(covered)).toEqual([outcome.failure?.message]);
    expect(await overlayShown()).toBe(false);
    await covered.evaluate(() => document.querySelector('consent-box')!.shadowRoot!.querySelector('dialog')!.close());
    await expect.poll(overlayShown).toBe(true);
    await covered.close();
  });

  it("a message on an image in a web component's own viewer put in fullscreen shows over it (the document names the component's host as fullscreen)", async () => {
    writeFileSync(
      join(dir, 'fullscreen-component.html'),
      `<!doctype html><html><body><photo-viewer></photo-viewer>
<script>
customElements.define('photo-viewer', class extends HTMLElement {
  constructor() { super(); this.attachShadow({ mode: 'open' }).innerHTML = '<div id="stage" style="background: #000"><img src="logo.svg?viewer" width="240" height="160"></div>'; }
});
</script></body></html>`,
    );
    const viewer = await browser.context.newPage();
    watchPageProblems(viewer, pageProblems);
    await viewer.goto(`${fixture.origin}/fullscreen-component.html`);
    // Fullscreen needs a user's gesture: CDP gives its evaluation one.
    const cdp = await viewer.context().newCDPSession(viewer);
    await cdp.send('Runtime.evaluate', { expression: "document.querySelector('photo-viewer').shadowRoot.getElementById('stage').requestFullscreen()", userGesture: true, awaitPromise: true });
    expect(await viewer.evaluate(() => document.fullscreenElement?.localName)).toBe('photo-viewer');
    const outcome = await browser.worker.evaluate(([tab, url]) => self.enhance.upscale(tab, url, 2), [await tabIdOf(browser.worker, viewer), `${fixture.origin}/logo.svg?viewer`] as const);
    expect(outcome.failure?.code).toBe('svg');
    await expect.poll(() => viewer.evaluate(() => [...document.querySelectorAll('enhance-overlay')].map((host) => host.checkVisibility()))).toEqual([true]);
    await viewer.close();
  });

  it('shows again when the page takes the modal dialog that hid it out of the document (no close event)', async () => {
    const { opened: covered } = await openWithSvgMessage(
      'dialog-removed.html',
      `<!doctype html><html><body><img id="uncovered" src="logo.svg" width="240" height="160"><dialog id="modal"><p>Sign in</p></dialog>
<script>document.getElementById('modal').showModal();</script></body></html>`,
      'uncovered',
    );
    const overlayShown = () => covered.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null);
    expect(await overlayShown()).toBe(false);
    await covered.evaluate(() => document.getElementById('modal')!.remove());
    await expect.poll(overlayShown).toBe(true);
    await covered.close();
  });

  it.each(['open', 'closed'])("shows on an image the page slots into a web component's own modal dialog (a lightbox whose dialog is in its %s shadow root)", async (mode) => {
    const { opened: boxed, outcome } = await openWithSvgMessage(
      `slotted-dialog-${mode}.html`,
      `<!doctype html><html><body><light-box><img id="slotted" src="logo.svg" width="240" height="160"></light-box>
<script>
customElements.define('light-box', class extends HTMLElement {
  constructor() { super(); this.root = this.attachShadow({ mode: '${mode}' }); this.root.innerHTML = '<dialog><slot></slot></dialog>'; }
  connectedCallback() { this.root.querySelector('dialog').showModal(); }
});
</script></body></html>`,
      'slotted',
    );
    expect(await overlayTexts(boxed)).toEqual([outcome.failure?.message]);
    await expect.poll(() => boxed.evaluate(() => document.querySelector('enhance-overlay')?.checkVisibility() ?? null)).toBe(true);
    await boxed.close();
  });

  it("a message shows on a page whose styles hide undefined custom elements and dim popovers' backdrops", async () => {
    // Component libraries hide elements until defined (FOUC); sites dim behind their own popovers.
    const { opened: styled } = await openWithSvgMessage(
      'page-styles.html',
      `<!doctype html><html><head><style>:not(:defined) { visibility: hidden; display: none; } ::backdrop { background: rgb(0 0 0 / 0.6); }</style></head>
<body style="margin: 0; background: #fff"><img id="styled" src="logo.svg" width="240" height="160"></body></html>`,
      'styled',
    );
    const box = await styled.evaluate(() => {
      const rect = document.querySelector('enhance-overlay')!.shadowRoot!.querySelector('.box')!.getBoundingClientRect();
      return { x: Math.round(rect.left + 4), y: Math.round(rect.top + rect.height / 2) };
    });
    const pixel = async (x: number, y: number) => [...PNG.sync.read(await styled.screenshot({ clip: { x, y, width: 1, height: 1 } })).data.subarray(0, 3)];
    // The message's dark red where it is, and the page's white, undimmed, below the image.
    const [r, g, b] = await pixel(box.x, box.y);
    expect(r - Math.max(g, b), `rgb(${r}, ${g}, ${b})`).toBeGreaterThan(80);
    expect(await pixel(20, 400)).toEqual([255, 255, 255]);
    await styled.close();
  });

  it('left no unhandled errors or Enhance console noise on the page', () => {
    expect(pageProblems).toEqual([]);
  });
});

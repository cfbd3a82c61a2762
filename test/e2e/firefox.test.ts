/**
 * The Firefox package end to end, in Debian's Firefox ESR: its background page hosts the engine's
 * page in a frame (Firefox has no offscreen documents), and page images are enhanced in place with the real
 * models, from a second origin too, and restored; a site switched to auto-enhance gets its
 * low-res images swapped as it loads; the popup shows the tab; nothing is printed on the page.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/core/image';
import { cropTo, psnrY } from '../../src/core/metrics';
import { upscaleBicubic } from '../../src/core/resize';
import { readPng, writePng } from '../../src/node/png';
import type { CacheUsage, EngineInfo, EnhanceOutcome, TabStatus } from '../../src/shared/protocol';
import { BENCH, serveFixtureSite, type FixtureSite } from './fixtures';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox-harness';
import { serveFolder } from './harness';
import { decodeDataUrlPng, shownPixelsInPage } from './page-helpers';

/**
 * Three 48x48 crops shown at 96 CSS px, for auto-enhance (served on the second origin only), one of
 * them inside a component's closed shadow root; the page keeps that <img> where a test can read it.
 */
function buildAutoPage(folder: string): void {
  for (const name of ['bird', 'head', 'baby', 'butterfly']) writePng(join(folder, `auto-${name}.png`), cropTo(readPng(join(BENCH, `Set5/LR_bicubic/X4/${name}x4.png`)), 48, 48));
  const img = (name: string) => `<img id="${name}" src="auto-${name}.png" style="width: 96px; height: 96px" alt="${name}">`;
  const closedComponent = `<closed-gallery></closed-gallery><script>
customElements.define('closed-gallery', class extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'closed' });
    root.innerHTML = ${JSON.stringify(img('baby'))};
    window.closedImage = root.querySelector('img');
  }
});
</script>`;
  // Pixel art in the legacy spelling older pages use, which Firefox alone draws as blocks.
  const sprite = img('butterfly').replace('style="', 'style="image-rendering: optimizeSpeed; ');
  writeFileSync(join(folder, 'auto.html'), `<!doctype html><html><head><meta charset="utf-8"><title>auto</title></head><body>${img('bird')}${img('head')}${closedComponent}${sprite}</body></html>`);
}

let dir: string;
let site: FixtureSite;
let firefox: FirefoxWithExtension;
let tab: string;
let tabId: number;
/** The web pages the tests open: what Enhance prints there, or any error there, is a problem. */
const webTabs = new Set<string>();
const pageProblems: string[] = [];

beforeAll(async () => {
  site = await serveFixtureSite();
  dir = site.dir;
  buildAutoPage(dir);
  copyFileSync(join(import.meta.dirname, 'files/animated.gif'), join(dir, 'animated.gif'));
  // The clipboard readable without a prompt, for the copy test; a quarantined host, for the popup's test there.
  firefox = await launchFirefoxWithExtension({
    'dom.events.testing.asyncClipboard': true,
    'extensions.quarantinedDomains.enabled': true,
    'extensions.quarantinedDomains.list': '127.0.0.2',
    // permissions.request grants without its doorhanger, for the test of site access for some sites only.
    'extensions.webextOptionalPermissionPrompts': false,
  });
  await firefox.bidi.send('session.subscribe', { events: ['log.entryAdded'] });
  firefox.bidi.onEvent(({ method, params }) => {
    const source = params.source as { context?: string } | undefined;
    if (method !== 'log.entryAdded' || !webTabs.has(source?.context ?? '')) return;
    const text = String(params.text);
    if (params.level === 'error' || text.includes('Enhance')) pageProblems.push(`${String(params.level)}: ${text}`);
  });
  const url = `${site.origin}/index.html`;
  tab = await firefox.openTab(url);
  webTabs.add(tab);
  tabId = await firefox.tabIdOf(url);
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
});

const currentSrc = (id: string) => firefox.bidi.evaluate<string>(tab, 'return document.getElementById(args[0]).currentSrc;', [id]);

/** The pixels the <img> shows now, at its source's resolution (the Chromium tests' helper, sent as source). */
async function shownPixels(id: string, context = tab): Promise<RgbaImage> {
  return decodeDataUrlPng(await firefox.bidi.evaluate<string>(context, `return (${shownPixelsInPage.toString()})(args[0]);`, [id]));
}

const upscale = async (id: string, scale: number) =>
  firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], args[2]);', [tabId, await currentSrc(id), scale]);

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('Firefox', () => {
  it('enhances an image in place, x4, sharper than bicubic', async () => {
    const lr = readPng(join(dir, 'lr/birdx4.png'));
    const outcome = await upscale('bird', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });

    const shown = await shownPixels('bird');
    expect([shown.width, shown.height]).toEqual([lr.width * 4, lr.height * 4]);
    const truth = cropTo(readPng(join(BENCH, 'Set5/HR/bird.png')), shown.width, shown.height);
    const gain = psnrY(shown, truth, 4) - psnrY(upscaleBicubic(lr, 4), truth, 4);
    console.info(`Firefox, bird x4: ${gain.toFixed(2)} dB over bicubic (backend ${outcome.backend})`);
    expect(gain).toBeGreaterThanOrEqual(1);
  });

  it('enhances an image from another origin (the engine fetches it)', async () => {
    const outcome = await upscale('woman', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect((await shownPixels('woman')).width).toBe(readPng(join(dir, 'lr/womanx4.png')).width * 4);
  });

  it('lays a JPEG out as the page did where its style leaves the EXIF orientation out (image-orientation: none)', async () => {
    const box = () => firefox.bidi.evaluate<[number, number]>(tab, "const r = document.getElementById('as-stored').getBoundingClientRect(); return [r.width, r.height];");
    await firefox.bidi.evaluate(
      tab,
      "const img = Object.assign(new Image(), { id: 'as-stored', src: 'exif-orientation-6.jpg?as-stored', alt: 'as stored' }); img.style.imageOrientation = 'none'; document.body.append(img); await img.decode();",
    );
    // Stored 86x57, EXIF orientation 6: laid out as stored.
    expect(await box()).toEqual([86, 57]);
    const outcome = await upscale('as-stored', 2);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, width: 172, height: 114 });
    expect(await box()).toEqual([86, 57]);
    await firefox.bidi.evaluate(tab, "document.getElementById('as-stored').remove();");
  });

  it("downloads a container tab's image without the main cookies (the default tab's go with it)", async () => {
    const asked: Array<string | null> = [];
    // The engine's fetch() asks for no destination; the page's <img> asks for an image.
    const recorded = await serveFolder(dir, '127.0.0.1', {
      '/recorded/*': (_url, headers) => {
        if (headers['sec-fetch-dest'] === 'empty') asked.push(headers.cookie ?? null);
        return { type: 'image/png', body: readFileSync(join(dir, 'lr/birdx4.png')) };
      },
    });
    try {
      writeFileSync(join(dir, 'cookies.html'), '<!doctype html><img id="rec" src="recorded/bird.png" style="width: 288px" alt="bird">');
      const enhanceIn = async (context: string, url: string, file: string) => {
        await firefox.bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
        webTabs.add(context);
        await firefox.bidi.evaluate(context, `document.getElementById('rec').src = ${JSON.stringify(file)}; await document.getElementById('rec').decode();`);
        const id = await firefox.tabIdOf(url);
        const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [id, `${recorded.origin}/${file}`]);
        expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
      };
      const main = await firefox.openTab('about:blank');
      await enhanceIn(main, `${recorded.origin}/cookies.html?main`, 'recorded/main.png');
      await firefox.bidi.evaluate(main, "document.cookie = 'login=main; path=/';");
      await enhanceIn(main, `${recorded.origin}/cookies.html?main-again`, 'recorded/main-again.png');
      const { userContext } = await firefox.bidi.send<{ userContext: string }>('browser.createUserContext', {});
      const { context: contained } = await firefox.bidi.send<{ context: string }>('browsingContext.create', { type: 'tab', userContext });
      await enhanceIn(contained, `${recorded.origin}/cookies.html?container`, 'recorded/container.png');
      // Before the cookie, with it (the control: the test would see one), and from the container: none.
      expect(asked).toEqual([null, 'login=main', null]);
    } finally {
      await recorded.close();
    }
  });

  it('the menu on an enhanced image offers Restore and Save, and the page names the image each menu opened on (real right-clicks)', async () => {
    // Headless Firefox builds the context menu on a right-click and fires menus.onShown with the
    // items shown; the menu then stays open, so later right-clicks reach the page but show none.
    await firefox.inExtension('bg.shownMenus = []; browser.contextMenus.onShown.addListener((info) => bg.shownMenus.push(info.menuIds));');
    // What the background last made of Restore's visibility: the pointer's word, landed.
    await firefox.inExtension(
      "const update = bg.browser.contextMenus.update.bind(bg.browser.contextMenus); bg.restoreVisible = null; bg.browser.contextMenus.update = (id, change) => { if (id === 'restore-original') bg.restoreVisible = change.visible; return update(id, change); };",
    );
    await firefox.bidi.evaluate(tab, "window.menuClicks = 0; document.addEventListener('contextmenu', () => window.menuClicks++);");
    const rightClick = async (id: string, menuSays: boolean) => {
      const { x, y } = await firefox.bidi.evaluate<{ x: number; y: number }>(
        tab,
        "const img = document.getElementById(args[0]); img.scrollIntoView({ block: 'center' }); const r = img.getBoundingClientRect(); return { x: Math.round(r.x + r.width / 2), y: Math.round(r.y + r.height / 2) };",
        [id],
      );
      const pointer = (actions: object[]) => firefox.bidi.send('input.performActions', { context: tab, actions: [{ type: 'pointer', id: 'mouse', actions }] });
      // The pointer rests on the image before the click, as a hand's does, until the page's word reached the menu.
      await pointer([{ type: 'pointerMove', x, y }]);
      await expect.poll(() => firefox.inExtension<boolean | null>('return bg.restoreVisible;')).toBe(menuSays);
      const clicks = await firefox.bidi.evaluate<number>(tab, 'return window.menuClicks;');
      await pointer([{ type: 'pointerDown', button: 2 }, { type: 'pointerUp', button: 2 }]);
      await expect.poll(() => firefox.bidi.evaluate<number>(tab, 'return window.menuClicks;')).toBe(clicks + 1);
      // Asked as the background asks once a menu shows (background/context-menu.ts).
      return firefox.inExtension<{ enhanced: boolean }>("return browser.tabs.sendMessage(args[0], { type: 'menu-target' }, { frameId: 0 });", [tabId]);
    };
    expect(await rightClick('woman', true)).toEqual({ enhanced: true });
    await expect.poll(() => firefox.inExtension<string[][]>('return bg.shownMenus;')).toEqual([['enhance-x2', 'enhance-x4', 'restore-original', 'save-enhanced']]);
    expect(await rightClick('baby', false)).toEqual({ enhanced: false });
    expect(await rightClick('bird', true)).toEqual({ enhanced: true });
  });

  it('restores the original', async () => {
    const restored = await firefox.inExtension<{ restored: number }>('return bg.enhance.restore(args[0], args[1]);', [tabId, await currentSrc('bird')]);
    expect(restored.restored).toBe(1);
    expect(await currentSrc('bird')).toBe(`${site.origin}/lr/birdx4.png`);
  });

  it('enhances an image the page made from a blob: URL, which only the page can read', async () => {
    await firefox.bidi.evaluate(
      tab,
      `const blob = await (await fetch('lr/headx4.png')).blob();
       const img = Object.assign(document.createElement('img'), { id: 'made', src: URL.createObjectURL(blob) });
       img.style.width = '280px';
       document.body.append(img);
       await img.decode();`,
    );
    expect(await currentSrc('made')).toMatch(/^blob:/);
    const outcome = await upscale('made', 4);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: 280 });
  });

  it("enhances an image whose host refuses the engine, asked again with the page's Referer", async () => {
    const guardedUrl = `${site.secondOrigin}/guarded/lr/womanx4.png`;
    writeFileSync(join(dir, 'guarded.html'), `<!doctype html><img id="guarded" src="${guardedUrl}" style="width: 228px">`);
    const pageUrl = `${site.origin}/guarded.html`;
    const guardedTab = await firefox.openTab(pageUrl);
    webTabs.add(guardedTab);
    const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [await firefox.tabIdOf(pageUrl), guardedUrl]);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
  });

  it("a message sits at its image's corner on a page with its own CSS zoom, and goes into the modal dialog that holds its image", async () => {
    writeFileSync(
      join(dir, 'zoomed-dialog.html'),
      `<!doctype html><html style="zoom: 1.25"><body style="margin: 0"><div style="height: 400px"></div><img id="zoomed" src="logo.svg?zoomed" width="240" height="160" style="margin-left: 100px"><div style="height: 2000px"></div>
<dialog id="viewer"><img id="in-dialog" src="logo.svg?dialog" width="240" height="160"></dialog></body></html>`,
    );
    const url = `${site.origin}/zoomed-dialog.html`;
    const zoomedTab = await firefox.openTab(url);
    webTabs.add(zoomedTab);
    const zoomedTabId = await firefox.tabIdOf(url);
    await firefox.bidi.evaluate(zoomedTab, 'window.scrollTo(0, 300);');
    const svgMessage = async (file: string) => {
      const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [zoomedTabId, `${site.origin}/${file}`]);
      expect(outcome.failure?.code).toBe('svg');
    };
    await svgMessage('logo.svg?zoomed');
    const offset = () =>
      firefox.bidi.evaluate<{ x: number; y: number } | null>(
        zoomedTab,
        "const host = document.querySelector('enhance-overlay'); if (!host || !host.checkVisibility()) return null; const box = host.shadowRoot.querySelector('.box').getBoundingClientRect(); const img = document.getElementById('zoomed').getBoundingClientRect(); return { x: Math.round(box.left - img.left), y: Math.round(box.top - img.top) };",
      );
    await expect.poll(offset).toEqual({ x: 6, y: 6 });
    await firefox.bidi.evaluate(zoomedTab, "document.querySelector('enhance-overlay').remove(); document.getElementById('viewer').showModal();");
    await svgMessage('logo.svg?dialog');
    await expect.poll(() => firefox.bidi.evaluate<string | null>(zoomedTab, "return document.querySelector('enhance-overlay')?.parentElement?.id ?? null;")).toBe('viewer');
  });

  it('auto-enhances a site switched on: its low-res images, one in a closed shadow root, are found and swapped as the page loads; pixel art drawn as blocks is not', async () => {
    await firefox.inExtension('return bg.enhance.setSiteAuto(args[0], true);', [site.secondOrigin]);
    const url = `${site.secondOrigin}/auto.html`;
    const autoTab = await firefox.openTab(url);
    webTabs.add(autoTab);
    const swapped = () =>
      firefox.bidi.evaluate<string[]>(autoTab, "return [...document.images, window.closedImage].filter((img) => img.currentSrc.startsWith('blob:')).map((img) => img.id);");
    const tabId = await firefox.tabIdOf(url);
    const counts = () => firefox.inExtension<TabStatus['counts']>('return (await bg.enhance.status(args[0])).counts;', [tabId]);
    // Bounded only by the test's timeout: how long inference takes is the benchmark's business.
    for (let c = await counts(); c.queued > 0 || c.enhanced < 3; c = await counts()) await sleep(250);
    expect((await swapped()).sort()).toEqual(['baby', 'bird', 'head']);
    for (const id of ['bird', 'head']) expect((await shownPixels(id, autoTab)).width).toBe(96);
  });

  it('a local file, which Firefox keeps extensions out of: the message says so (no switch to name), and the popup offers nothing', async () => {
    const fileUrl = `file://${join(dir, 'index.html')}`;
    await firefox.openTab(fileUrl);
    const fileTabId = await firefox.inExtension<number>('return (await browser.tabs.query({})).find((t) => t.url === args[0]).id;', [fileUrl]);
    const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [fileTabId, `file://${join(dir, 'lr/headx4.png')}`]);
    expect(outcome.failure?.code).toBe('file-closed');
    const popup = await firefox.openPopup(fileTabId);
    const read = () =>
      firefox.bidi.evaluate<{ origin: string; note: string; enhanceAll: boolean }>(
        popup,
        "return { origin: document.getElementById('origin').textContent, note: document.getElementById('unavailable').textContent, enhanceAll: document.getElementById('enhance-all').matches(':disabled') };",
      );
    await expect.poll(read).toEqual({ origin: 'Local file', note: 'This browser does not let extensions into files on this computer: Enhance works on web pages here.', enhanceAll: true });
  });

  it('saves an enhanced image through the downloads API', async () => {
    const saved = await firefox.inExtension<boolean>('return bg.enhance.saveEnhanced(args[0], args[1]);', [tabId, await currentSrc('made')]);
    expect(saved).toBe(true);
    const download = await firefox.inExtension<{ state: string; bytes: number; name: string }>(
      `for (let tries = 0; tries < 100; tries++) {
         const [item] = await browser.downloads.search({ filenameRegex: 'enhanced' });
         if (item && item.state !== 'in_progress') return { state: item.state, bytes: item.fileSize, name: item.filename.split('/').pop() };
         await new Promise((r) => setTimeout(r, 100));
       }
       return { state: 'not found', bytes: 0, name: '' };`,
    );
    expect(download).toMatchObject({ state: 'complete', name: expect.stringMatching(/-enhanced\.png$/) });
    expect(download.bytes).toBeGreaterThan(10_000);
  });

  it("runs the engine in the background page's frame, which answers engine questions", async () => {
    const status = await firefox.inExtension<{ engine: EngineInfo | null; inferences: number }>('return bg.enhance.status(args[0]);', [tabId]);
    // The jobs above: 8, and the cookie test's 3 (one picture: one inference and then the cache in
    // the main tab, one more in the container, whose results are kept apart).
    expect(status.engine).toMatchObject({ jobsRun: 11, crossOriginIsolated: false, wasmThreads: 1, wasmInWorker: true });
    expect(status.inferences).toBeGreaterThanOrEqual(10);
    // An extension page's question goes through the router, which asks the engine's frame.
    const usage = await firefox.inExtension<CacheUsage>("return browser.runtime.sendMessage({ type: 'cache-usage' });");
    expect(usage.entries).toBe(10);
  });

  it("shows the popup for the tab: its site, its counts and the engine's backend", async () => {
    const popup = await firefox.openPopup(tabId);
    const read = () =>
      firefox.bidi.evaluate<{ origin: string; enhanced: string; backend: string }>(
        popup,
        "const text = (id) => document.getElementById(id).textContent; return { origin: text('origin'), enhanced: text('enhanced'), backend: text('backend') };",
      );
    while ((await read()).origin !== site.origin) await sleep(100);
    // bird was enhanced and restored; woman and the page's blob image stay enhanced.
    expect(await read()).toEqual({ origin: site.origin, enhanced: '2', backend: expect.stringMatching(/^WASM: /) });
  });

  it('the popup names the shortcut with the keys the user gave it (Firefox lets an extension change them)', async () => {
    await firefox.inExtension("await browser.commands.update({ name: 'toggle-auto', shortcut: 'Alt+Shift+U' });");
    try {
      const popup = await firefox.openPopup(tabId);
      const read = () => firefox.bidi.evaluate<string>(popup, "return document.getElementById('shortcut').textContent;");
      await expect.poll(read).toBe('Alt+Shift+U switches auto-enhance for the site.');
      await firefox.bidi.send('browsingContext.close', { context: popup });
    } finally {
      await firefox.inExtension("await browser.commands.reset('toggle-auto');");
    }
  });

  it("the keyboard shortcut's answer shows over the page too, at its top right, as a status", async () => {
    // A site of its own: switched on, it has no images to enhance, and no other tab's site turns.
    const plain = mkdtempSync(join(tmpdir(), 'enhance-firefox-plain-'));
    writeFileSync(join(plain, 'plain.html'), '<!doctype html><title>Plain</title><p>Text only.</p>');
    const server = await serveFolder(plain);
    let plainTab: string | undefined;
    try {
      const url = `${server.origin}/plain.html`;
      const context = await firefox.openTab(url);
      plainTab = context;
      webTabs.add(context);
      const plainTabId = await firefox.tabIdOf(url);
      const notice = () =>
        firefox.bidi.evaluate<{ role: string | null; text: string; open: boolean; top: number; fromRight: number } | null>(
          context,
          "const host = document.querySelector('enhance-overlay'); if (!host) return null; const box = host.shadowRoot.querySelector('.box').getBoundingClientRect(); return { role: host.getAttribute('role'), text: host.shadowRoot.querySelector('.box').textContent, open: host.matches(':popover-open'), top: box.top, fromRight: document.documentElement.clientWidth - box.right };",
        );
      expect(await firefox.inExtension<boolean | null>('return bg.enhance.toggleSiteAuto(args[0]);', [plainTabId])).toBe(true);
      await expect.poll(async () => (await notice())?.text, { timeout: 5_000 }).toBe(`Enhance: auto-enhance on for ${new URL(server.origin).host}`);
      const shown = (await notice())!;
      expect(shown).toMatchObject({ role: 'status', open: true });
      expect([shown.top, shown.fromRight].every((gap) => gap > 0 && gap < 40)).toBe(true);
      expect(await firefox.inExtension<boolean | null>('return bg.enhance.toggleSiteAuto(args[0]);', [plainTabId])).toBe(false);
      await expect.poll(async () => (await notice())?.text, { timeout: 5_000 }).toBe(`Enhance: auto-enhance off for ${new URL(server.origin).host}`);
      await expect.poll(notice, { timeout: 15_000 }).toBeNull();
    } finally {
      if (plainTab !== undefined) await firefox.bidi.send('browsingContext.close', { context: plainTab });
      await server.close();
      rmSync(plain, { recursive: true, force: true });
    }
  });

  it("a copy of the selection carries the page's own markup, not our blob: URL, and the image stays enhanced", async () => {
    writeFileSync(join(dir, 'copying.html'), '<!doctype html><p>Above</p><img id="plain" src="lr/birdx4.png" alt="bird"><p>Below</p>');
    const pageUrl = `${site.origin}/copying.html`;
    const copyingTab = await firefox.openTab(pageUrl);
    webTabs.add(copyingTab);
    const shows = () => firefox.bidi.evaluate<{ markup: string; src: string; width: number }>(copyingTab, "const img = document.getElementById('plain'); return { markup: img.outerHTML, src: img.currentSrc, width: img.getBoundingClientRect().width };");
    const before = await shows();
    const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [await firefox.tabIdOf(pageUrl), before.src]);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    const enhanced = await shows();
    expect(enhanced.markup).toContain('blob:');
    expect(enhanced.width).toBe(before.width);
    // Ctrl+A, Ctrl+C as keys (WebDriver's Control is U+E009).
    const keys = ['a', 'c'].flatMap((key) => [{ type: 'keyDown', value: key }, { type: 'keyUp', value: key }]);
    await firefox.bidi.send('input.performActions', { context: copyingTab, actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: '\uE009' }, ...keys, { type: 'keyUp', value: '\uE009' }] }] });
    const copied = await firefox.bidi.evaluate<string>(copyingTab, "const [item] = await navigator.clipboard.read(); return await (await item.getType('text/html')).text();");
    expect(copied).toContain('birdx4.png');
    expect(copied).not.toContain('blob:');
    await firefox.bidi.evaluate(copyingTab, 'await new Promise(requestAnimationFrame);');
    expect(await shows()).toEqual(enhanced);
  });

  it("drops a frame's counts from the tab's when the page removes the frame, and the tab's when it shows another page", async () => {
    writeFileSync(join(dir, 'post.html'), '<!doctype html><img id="in-post" src="auto-head.png" style="width: 96px; height: 96px">');
    writeFileSync(join(dir, 'feed.html'), '<!doctype html><img id="top" src="auto-bird.png" style="width: 96px; height: 96px"><iframe id="post" src="post.html" style="width: 200px; height: 200px"></iframe>');
    await firefox.inExtension('return bg.enhance.setSiteAuto(args[0], true);', [site.secondOrigin]);
    const url = `${site.secondOrigin}/feed.html`;
    const feed = await firefox.openTab(url);
    webTabs.add(feed);
    const feedTabId = await firefox.tabIdOf(url);
    const enhanced = () => firefox.inExtension<number>('return (await bg.enhance.status(args[0])).counts.enhanced;', [feedTabId]);
    while ((await enhanced()) < 2) await sleep(250);
    await firefox.bidi.evaluate(feed, "document.getElementById('post').remove();");
    await expect.poll(enhanced).toBe(1);
    // Another page in the tab: its counts go (tabs.onUpdated, which Firefox sends only for a new URL or status here).
    writeFileSync(join(dir, 'no-images.html'), '<!doctype html><p>No images</p>');
    await firefox.bidi.send('browsingContext.navigate', { context: feed, url: `${site.secondOrigin}/no-images.html`, wait: 'complete' });
    await expect.poll(enhanced).toBe(0);
  });

  it("a quarantined domain (Mozilla keeps add-ons off it): the popup says the browser keeps extensions out, and offers no switch", async () => {
    const quarantined = await serveFolder(dir, '127.0.0.2');
    try {
      const url = `${quarantined.origin}/index.html`;
      await firefox.openTab(url);
      const quarantinedTab = await firefox.inExtension<number>('return (await browser.tabs.query({})).find((t) => t.url === args[0]).id;', [url]);
      const popup = await firefox.openPopup(quarantinedTab);
      const read = () =>
        firefox.bidi.evaluate<{ origin: string; note: string; switchOff: boolean }>(
          popup,
          "return { origin: document.getElementById('origin').textContent, note: document.getElementById('unavailable').textContent, switchOff: document.getElementById('auto').matches(':disabled') };",
        );
      // A page with no icon (this one has none) is given 1.5 s to show one before it is taken for no error page.
      await expect.poll(read, { timeout: 5000 }).toEqual({ origin: quarantined.origin, note: 'The browser keeps extensions out of this page, so Enhance cannot change its images.', switchOff: true });
      // The shortcut agrees: it turns no switch there, and the badge says why.
      expect(await firefox.inExtension<boolean | null>('return bg.enhance.toggleSiteAuto(args[0]);', [quarantinedTab])).toBeNull();
      expect(await firefox.inExtension<Record<string, unknown>>('return browser.storage.sync.get(args[0]);', [`autoSite:${quarantined.origin}`])).toEqual({});
      expect(await firefox.inExtension<string>('return browser.action.getBadgeText({ tabId: args[0] });', [quarantinedTab])).toBe('!');
    } finally {
      await quarantined.close();
    }
  });

  it("a page that did not load (Firefox's error page: the site refused, a certificate warning): the popup says so, and the site's switch still works", async () => {
    // Firefox refuses our script there as on a quarantined domain, with the same words.
    const refused = createServer();
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const { port } = refused.address() as AddressInfo;
    await new Promise((resolve) => refused.close(resolve));
    // TLS to the fixture's plain HTTP port: the certificate warning's page.
    for (const url of [`http://127.0.0.1:${port}/`, `https://127.0.0.1:${new URL(site.origin).port}/`]) {
      const origin = new URL(url).origin;
      const { context } = await firefox.bidi.send<{ context: string }>('browsingContext.create', { type: 'tab' });
      // Asked what the page is the moment its tab reads "complete": before Firefox gives the error
      // page its icon, 0.3-0.6 s later (measured), as by a user quick to the toolbar button.
      await firefox.inExtension(
        `globalThis.askedAtLoad = new Promise((resolve) => {
           const listener = (tabId, change, tab) => {
             if (change.status !== 'complete' || tab.url !== args[0]) return;
             browser.tabs.onUpdated.removeListener(listener);
             resolve(browser.runtime.sendMessage({ type: 'tab-status', tabId }));
           };
           browser.tabs.onUpdated.addListener(listener);
         });`,
        [url],
      );
      // The driver reports the failed load as an error; the tab shows the error page.
      await firefox.bidi.send('browsingContext.navigate', { context, url, wait: 'complete' }).catch(() => undefined);
      const loaded = () => firefox.inExtension<number | null>('return (await browser.tabs.query({ status: "complete" })).find((t) => t.url === args[0])?.id ?? null;', [url]);
      await expect.poll(loaded).not.toBeNull();
      const failedTab = (await loaded())!;
      const askedAtLoad = 'return Promise.race([globalThis.askedAtLoad, new Promise((_, reject) => setTimeout(() => reject(new Error("no complete event for " + args[0])), 10000))]);';
      expect(await firefox.inExtension<{ page: string }>(askedAtLoad, [url])).toMatchObject({ origin, page: 'error-page' });
      const popup = await firefox.openPopup(failedTab);
      const read = () =>
        firefox.bidi.evaluate<{ origin: string; note: string; switchOff: boolean }>(
          popup,
          "return { origin: document.getElementById('origin').textContent, note: document.getElementById('unavailable').textContent, switchOff: document.getElementById('auto').matches(':disabled') };",
        );
      await expect.poll(read).toEqual({ origin, note: 'This page did not load. Reload it to enhance its images.', switchOff: false });
      // The shortcut turns the site's switch on and off again.
      expect(await firefox.inExtension<boolean | null>('return bg.enhance.toggleSiteAuto(args[0]);', [failedTab])).toBe(true);
      expect(await firefox.inExtension<Record<string, unknown>>('return browser.storage.sync.get(args[0]);', [`autoSite:${origin}`])).toEqual({ [`autoSite:${origin}`]: true });
      expect(await firefox.inExtension<boolean | null>('return bg.enhance.toggleSiteAuto(args[0]);', [failedTab])).toBe(false);
      await firefox.bidi.send('browsingContext.close', { context: popup });
      await firefox.bidi.send('browsingContext.close', { context });
    }
  });

  it('a site the user withheld from Enhance (site access taken back): the menu and the popup say how to allow it', async () => {
    // Last: no page is Enhance's after this.
    await firefox.inExtension("await browser.permissions.remove({ origins: ['<all_urls>'] });");
    const url = `${site.origin}/index.html?withheld`;
    await firefox.openTab(url);
    // Its URL and title are hidden from Enhance now: it is the tab opened last.
    const withheldTab = await firefox.inExtension<number>('return Math.max(...(await browser.tabs.query({})).map((t) => t.id));');
    const outcome = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [withheldTab, `${site.origin}/lr/headx4.png`]);
    expect(outcome.failure?.code).toBe('site-withheld');
    const popup = await firefox.openPopup(withheldTab);
    const read = () =>
      firefox.bidi.evaluate<{ origin: string; note: string }>(popup, "return { origin: document.getElementById('origin').textContent, note: document.getElementById('unavailable').textContent };");
    await expect.poll(read).toEqual({ origin: 'A page Enhance may not read', note: expect.stringMatching(/^Enhance may not read this page\. If it is a web site, allow Enhance there in the browser's Extensions menu/) });
  });

  it("an image from a site Enhance may not read, on a page it may (site access for some sites only): the image names the site to allow", async () => {
    // After the test above no site is allowed; the user allows this page's site alone (a click: permissions.request wants one).
    const popup = await firefox.openPopup(tabId);
    await firefox.bidi.evaluate(
      popup,
      "const b = document.createElement('button'); b.id = 'grant'; b.textContent = 'grant'; b.style.cssText = 'position: fixed; left: 0; top: 0; width: 80px; height: 40px; z-index: 9'; b.onclick = () => browser.permissions.request({ origins: [args[0]] }).then((granted) => (window.granted = granted)); document.body.append(b);",
      [`http://${new URL(site.origin).hostname}/*`],
    );
    await firefox.bidi.send('input.performActions', { context: popup, actions: [{ type: 'pointer', id: 'mouse', actions: [{ type: 'pointerMove', x: 20, y: 20 }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }] }] });
    await expect.poll(() => firefox.bidi.evaluate<boolean | null>(popup, 'return window.granted ?? null;')).toBe(true);
    const url = `${site.origin}/index.html?some-sites`;
    const partialTab = await firefox.openTab(url);
    webTabs.add(partialTab);
    const partialTabId = await firefox.tabIdOf(url);
    // The page's own image still works; the second origin's (localhost, not allowed) says so, and stays as it was.
    const own = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [partialTabId, `${site.origin}/lr/headx4.png`]);
    expect(own, JSON.stringify(own.failure)).toMatchObject({ ok: true, images: 1 });
    const other = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [partialTabId, `${site.secondOrigin}/lr/womanx4.png`]);
    expect(other.failure).toEqual({
      code: 'image-site-withheld',
      message: "Enhance may not read images from the site this one comes from: add that site to Enhance's site access in the browser's extension settings. (localhost)",
    });
    expect(await firefox.bidi.evaluate<string>(partialTab, "return document.getElementById('woman').currentSrc;")).toBe(`${site.secondOrigin}/lr/womanx4.png`);
    // Pixels the page may read (its origin has CORS there) but Enhance, refused by CORS, may not
    // download: what the page shows is enhanced, but not a GIF's, whose one frame a swap would freeze.
    const readable = `${site.secondOrigin}/shared-with-pages/lr/headx4.png`;
    const readableGif = `${site.secondOrigin}/shared-with-pages/animated.gif`;
    await firefox.bidi.evaluate(
      partialTab,
      "const imgs = args.map((src) => Object.assign(new Image(), { crossOrigin: 'anonymous', src, style: 'display: block; width: 192px' })); document.body.prepend(...imgs); await Promise.all(imgs.map((img) => img.decode()));",
      [readable, readableGif],
    );
    const fromPixels = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [partialTabId, readable]);
    expect(fromPixels, JSON.stringify(fromPixels.failure)).toMatchObject({ ok: true, images: 1 });
    const gif = await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [partialTabId, readableGif]);
    expect(gif.failure?.code).toBe('image-site-withheld');
    expect(await firefox.bidi.evaluate<string[]>(partialTab, 'return [...document.images].slice(0, 2).map((img) => img.currentSrc);')).toEqual([expect.stringMatching(/^blob:/), readableGif]);
  });

  it('printed nothing on the pages it worked on', async () => {
    // The control: a line in Enhance's format, printed by the page itself, must be seen.
    const probe = '[Enhance] probe';
    await firefox.bidi.evaluate(tab, `console.warn(${JSON.stringify(probe)});`);
    while (!pageProblems.some((line) => line.includes(probe))) await sleep(50);
    expect(pageProblems.filter((line) => !line.includes(probe))).toEqual([]);
  });
});


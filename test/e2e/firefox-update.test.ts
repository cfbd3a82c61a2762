/**
 * Firefox unloads an add-on's content scripts when it updates, leaving their pages as they are.
 * Enhance holds the update back (background/update.ts) and asks each tab to hand its page back,
 * then reloads; here the reload is runtime.reload(), which applies an update the same way. A tab
 * asked to retire shows the page's own markup again, with no message of ours left on it, takes no
 * result until the reload, and gets the new script; a control tab that was not asked keeps our result, which nothing can restore any
 * more: what an update did before. (That the update event sends the request and reloads is
 * src/background/update.test.ts: Firefox fires onUpdateAvailable only for a real update.)
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EnhanceOutcome } from '../../src/shared/protocol';
import { serveFixtureSite, type FixtureSite } from './fixtures';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox-harness';

let site: FixtureSite;
let firefox: FirefoxWithExtension;
const pages = { handedBack: '', kept: '' };
const tabs = { handedBack: '', kept: '' };
const tabIds = { handedBack: 0, kept: 0 };

beforeAll(async () => {
  site = await serveFixtureSite();
  firefox = await launchFirefoxWithExtension();
  for (const name of ['handedBack', 'kept'] as const) {
    pages[name] = `${site.origin}/index.html?${name}`;
    tabs[name] = await firefox.openTab(pages[name]);
    tabIds[name] = await firefox.tabIdOf(pages[name]);
  }
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
});

const bird = (name: keyof typeof tabs) => firefox.bidi.evaluate<{ markup: string; src: string }>(tabs[name], "const img = document.getElementById('bird'); return { markup: img.outerHTML, src: img.currentSrc };");
const upscaleBird = async (name: keyof typeof tabs) =>
  firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [tabIds[name], (await bird(name)).src]);

it('a page asked to retire before the reload is the page again, and the new script enhances it', async () => {
  const original = await bird('handedBack');
  for (const name of ['handedBack', 'kept'] as const) {
    const outcome = await upscaleBird(name);
    expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1 });
    expect((await bird(name)).src).toMatch(/^blob:/);
  }

  // A message on the page (an SVG it will not enhance), there for seconds yet.
  const overlays = () => firefox.bidi.evaluate<number>(tabs.handedBack, "return document.querySelectorAll('enhance-overlay').length;");
  const svg = await firefox.bidi.evaluate<string>(tabs.handedBack, "const svg = document.getElementById('svg'); svg.scrollIntoView(); return svg.currentSrc;");
  expect(await firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [tabIds.handedBack, svg])).toMatchObject({ ok: false, failure: { code: 'svg' } });
  expect(await overlays()).toBe(1);

  await firefox.inExtension("await browser.tabs.sendMessage(args[0], { type: 'retire' });", [tabIds.handedBack]);
  expect(await bird('handedBack')).toEqual(original);
  // Its timer goes with the script Firefox unloads: the message goes now.
  expect(await overlays()).toBe(0);
  // Until the reload, the menu puts nothing on the page handed back: it would be left behind.
  expect(await upscaleBird('handedBack')).toMatchObject({ ok: false, failure: { code: 'engine-unavailable' } });
  expect(await bird('handedBack')).toEqual(original);
  // Nor does the shortcut's notice (the switch pressed meanwhile), whose timer the reload would take.
  await firefox.inExtension("await browser.tabs.sendMessage(args[0], { type: 'notice', text: 'Auto-enhance on' }, { frameId: 0 });", [tabIds.handedBack]);
  expect(await overlays()).toBe(0);
  await firefox.reloadExtension();

  // The control: a page the old script could not hand back keeps a result nothing can restore.
  expect((await bird('kept')).src).toMatch(/^blob:/);
  expect(await bird('handedBack')).toEqual(original);
  // Firefox put the new script into the open tab: it answers, and enhances the image again.
  expect(await firefox.tabIdOf(pages.handedBack)).toBe(tabIds.handedBack);
  const again = await upscaleBird('handedBack');
  expect(again, JSON.stringify(again.failure)).toMatchObject({ ok: true, images: 1 });
});

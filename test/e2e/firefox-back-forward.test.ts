/**
 * Back to a page from Firefox's back/forward cache. A kept page hears no storage change (Chromium
 * delivers them when it comes back; Firefox drops them), so a site switched while the page was
 * kept would have it follow the old switch: auto-enhancing a site switched off, or not one switched on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cropTo } from '../../src/core/metrics';
import { readPng, writePng } from '../../src/node/png';
import { BENCH } from './fixtures';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox-harness';
import { serveFolder, type FixtureServer } from './harness';

let dir: string;
let site: FixtureServer;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'enhance-back-forward-'));
  writePng(join(dir, 'bird.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png')), 48, 48));
  writeFileSync(join(dir, 'page.html'), '<!doctype html><html><head><meta charset="utf-8"><title>page</title></head><body><img id="bird" src="bird.png" style="width: 96px; height: 96px" alt="bird"></body></html>');
  writeFileSync(join(dir, 'other.html'), '<!doctype html><html><head><meta charset="utf-8"><title>other</title></head><body><p>Text only.</p></body></html>');
  site = await serveFolder(dir);
  firefox = await launchFirefoxWithExtension();
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('Back to a page whose site was switched while it was kept: it follows the switch', async () => {
  const url = `${site.origin}/page.html`;
  const tab = await firefox.openTab(url);
  const tabId = await firefox.tabIdOf(url);
  const watching = () => firefox.inExtension<boolean>("return (await browser.tabs.sendMessage(args[0], { type: 'ping' }, { frameId: 0 })).watching;", [tabId]);
  const keepAndSwitch = async (on: boolean) => {
    await firefox.bidi.evaluate(tab, 'window.keptWhole = true;');
    await firefox.bidi.send('browsingContext.navigate', { context: tab, url: `${site.origin}/other.html`, wait: 'complete' });
    await firefox.inExtension('return bg.enhance.setSiteAuto(args[0], args[1]);', [site.origin, on]);
    await firefox.bidi.send('browsingContext.traverseHistory', { context: tab, delta: -1 });
    // The same document, from the cache, not a reload.
    await expect.poll(() => firefox.bidi.evaluate<string>(tab, 'return location.pathname + " " + window.keptWhole;'), { timeout: 10_000 }).toBe('/page.html true');
  };
  expect(await watching()).toBe(false);
  await keepAndSwitch(true);
  await expect.poll(watching).toBe(true);
  await expect.poll(() => firefox.bidi.evaluate<string>(tab, "return document.getElementById('bird').currentSrc;"), { timeout: 60_000 }).toMatch(/^blob:/);
  await keepAndSwitch(false);
  await expect.poll(watching).toBe(false);
  // Switched off, the automatic result goes, as it does in a page that hears the switch.
  await expect.poll(() => firefox.bidi.evaluate<string>(tab, "return document.getElementById('bird').currentSrc;")).toMatch(/\/bird\.png$/);
});

/**
 * Auto-enhance holds its queue in a tab the user leaves: a page in the background starts no new
 * job (the one running lands) and goes on when shown again. In Firefox, since headless Chromium
 * keeps every tab visible; the content script is the same in both. The engine runs jobs in the
 * order they come, one at a time, and each page sends one at a time, so while the visible tab's
 * jobs run, a hidden page that kept sending would get every other turn: here it gets at most one.
 * Nor does a page opened behind start the engine, to sit idle until it is shown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cropTo } from '../../src/core/metrics';
import { readPng, writePng } from '../../src/node/png';
import type { TabStatus } from '../../src/shared/protocol';
import { BENCH } from './fixtures';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox-harness';
import { serveFolder, type FixtureServer } from './harness';

const LEFT_PAGE = ['baboon', 'bridge', 'coastguard', 'comic', 'face', 'flowers', 'foreman', 'lenna', 'man', 'monarch'];
const SHOWN_PAGE = ['pepper', 'ppt3', 'zebra', 'barbara'];

/** side x side crops of Set14 inputs shown at twice that in CSS px, so auto-enhance takes each (at x2, quickly). */
function writePage(dir: string, file: string, names: string[], side = 48): void {
  for (const name of names) writePng(join(dir, `${name}${side}.png`), cropTo(readPng(join(BENCH, `Set14/LR_bicubic/X4/${name}x4.png`)), side, side));
  const images = names.map((name) => `<img id="${name}" src="${name}${side}.png" style="width: ${2 * side}px; height: ${2 * side}px" alt="${name}">`).join('');
  writeFileSync(join(dir, file), `<!doctype html><html><head><meta charset="utf-8"><title>${file}</title></head><body>${images}</body></html>`);
}

let dir: string;
let site: FixtureServer;
let firefox: FirefoxWithExtension;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'enhance-hidden-tab-'));
  writePage(dir, 'left.html', LEFT_PAGE);
  writePage(dir, 'shown.html', SHOWN_PAGE);
  // Other files than the pages above (their results are in the engine's cache).
  writePage(dir, 'opened-behind.html', SHOWN_PAGE, 40);
  site = await serveFolder(dir);
  firefox = await launchFirefoxWithExtension();
  await firefox.inExtension("return browser.storage.sync.set({ 'setting:profile': 'fast' });");
  await firefox.inExtension('return bg.enhance.setSiteAuto(args[0], true);', [site.origin]);
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const enhanced = (tab: string) => firefox.bidi.evaluate<number>(tab, "return [...document.images].filter((img) => img.currentSrc.startsWith('blob:')).length;");

it('starts no automatic job in a tab the user left, and goes on when it is shown again', async () => {
  const leftUrl = `${site.origin}/left.html`;
  const left = await firefox.openTab(leftUrl);
  const leftId = await firefox.tabIdOf(leftUrl);
  // Every image found and waiting (or done) before the user moves on.
  const counts = () => firefox.inExtension<TabStatus['counts']>('return (await bg.enhance.status(args[0])).counts;', [leftId]);
  for (let c = await counts(); c.enhanced + c.queued < LEFT_PAGE.length; c = await counts()) await sleep(100);

  const shown = await firefox.openTab(`${site.origin}/shown.html`);
  expect(await firefox.bidi.evaluate<string>(left, 'return document.visibilityState;')).toBe('hidden');
  const whenLeft = await enhanced(left);
  expect(whenLeft).toBeLessThan(LEFT_PAGE.length - 2);
  // Bounded only by the test's timeout: how long inference takes is the benchmark's business.
  while ((await enhanced(shown)) < SHOWN_PAGE.length) await sleep(250);
  // The job running when the tab was left may land; no other starts.
  expect(await enhanced(left)).toBeLessThanOrEqual(whenLeft + 1);
  expect((await counts()).queued).toBeGreaterThan(0);

  await firefox.bidi.send('browsingContext.activate', { context: left });
  while ((await enhanced(left)) < LEFT_PAGE.length) await sleep(250);
});

it('starts no engine for a page opened in a tab behind the one shown, until it is shown', async () => {
  const engine = () => firefox.inExtension<unknown>('return (await bg.enhance.status()).engine;');
  // The engine the test above used goes once idle for 3 s.
  await firefox.inExtension("return browser.storage.sync.set({ 'setting:engineIdleMinutes': 0.05 });");
  await expect.poll(engine, { timeout: 30_000 }).toBeNull();
  const url = `${site.origin}/opened-behind.html`;
  // As a link opened with a middle click: loaded in a new tab, which stays behind.
  const { context: behind } = await firefox.bidi.send<{ context: string }>('browsingContext.create', { type: 'tab', background: true });
  await firefox.bidi.send('browsingContext.navigate', { context: behind, url, wait: 'complete' });
  expect(await firefox.bidi.evaluate<string>(behind, 'return document.visibilityState;')).toBe('hidden');
  const tabId = await firefox.tabIdOf(url);
  const counts = () => firefox.inExtension<TabStatus['counts']>('return (await bg.enhance.status(args[0])).counts;', [tabId]);
  await expect.poll(async () => (await counts()).queued, { timeout: 30_000 }).toBe(SHOWN_PAGE.length);
  // The worker heard the queue (the count above) and would have started the engine on hearing it.
  await sleep(2000);
  expect(await engine()).toBeNull();

  await firefox.bidi.send('browsingContext.activate', { context: behind });
  while ((await enhanced(behind)) < SHOWN_PAGE.length) await sleep(250);
});

/**
 * Firefox suspends an event page that shows no extension activity for a while (30 s by default),
 * even while it computes. Here that limit is cut to 3 s: a job that runs longer must still finish
 * (ORT's worker computes, the background page stays awake meanwhile), and the control shows the
 * limit is real: the same page, idle afterwards, is suspended and started again. The engine's
 * idle minutes are cut to 3 s too: its page (a frame of the background page) goes first, which
 * lets the background page go.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineInfo, EnhanceOutcome } from '../../src/shared/protocol';
import { serveFixtureSite, type FixtureSite } from './fixtures';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './firefox-harness';

const IDLE_TIMEOUT_MS = 3_000;

let site: FixtureSite;
let firefox: FirefoxWithExtension;
let tab: string;
let tabId: number;

beforeAll(async () => {
  site = await serveFixtureSite();
  firefox = await launchFirefoxWithExtension({ 'extensions.background.idle.timeout': IDLE_TIMEOUT_MS });
  const url = `${site.origin}/index.html`;
  tab = await firefox.openTab(url);
  tabId = await firefox.tabIdOf(url);
  // The slow model, so the job outlasts the limit by far (one WASM thread here: no cross-origin isolation).
  await firefox.inExtension("return browser.storage.sync.set({ 'setting:profile': 'quality', 'setting:engineIdleMinutes': 0.05 });");
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
});

/** When the background page now running started: a new value means Firefox started it again. */
const backgroundStart = () => firefox.inExtension<number>('return bg.performance.timeOrigin;');
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

it('finishes a job that runs longer than the idle limit, then lets the idle page be suspended', async () => {
  const src = await firefox.bidi.evaluate<string>(tab, "return document.getElementById('barbara').currentSrc;");
  const before = await backgroundStart();
  let done = false;
  const job = firefox.inExtension<EnhanceOutcome>('return bg.enhance.upscale(args[0], args[1], 2);', [tabId, src]).finally(() => {
    done = true;
  });
  // A page suspended mid-job never answers the call above: watch for its restart instead of waiting forever.
  const restarted = (async () => {
    while (!done) {
      if ((await backgroundStart()) !== before) throw new Error('Firefox suspended the background page in the middle of the job');
      await sleep(500);
    }
  })();
  const [outcome] = await Promise.all([job, restarted]);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, images: 1, width: 720, height: 576 });
  // What makes the check worth anything: the job outlived the limit (on any machine x2 quality at one thread does).
  expect(outcome.ms).toBeGreaterThan(IDLE_TIMEOUT_MS);
  const engine = await firefox.inExtension<EngineInfo | null>('return (await bg.enhance.status(args[0])).engine;', [tabId]);
  expect(engine).toMatchObject({ wasmInWorker: true, wasmThreads: 1, jobsRun: 1 });

  // The control: with nothing to do, the engine's page goes (its memory with it), then the background page, and the next question starts a new one.
  await expect.poll(() => firefox.inExtension<EngineInfo | null>('return (await bg.enhance.status(args[0])).engine;', [tabId]), { timeout: 20_000 }).toBeNull();
  const started = await backgroundStart();
  while ((await backgroundStart()) === started) await sleep(500);
});

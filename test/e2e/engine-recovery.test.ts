/**
 * An engine whose WebAssembly runtime breaks (ORT's worker hangs, or its start fails, which ORT
 * keeps for the document's life) is replaced by a fresh one: jobs go on, and the page stays as it
 * was. Breakages within minutes of a replacement are not replaced again: each job then fails at once.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineMeta, evaluateInEngine, putEngineMeta } from './engine-document';
import { openFixtureSite, openIndexPage, type FixtureSession } from './fixtures';
import type { ExtensionBrowser } from './harness';
import { currentSrc, enhanceById, restoreById } from './page-helpers';

let fixture: FixtureSession;
let browser: ExtensionBrowser;
let page: Page;
let tabId: number;
const pageProblems: string[] = [];

beforeAll(async () => {
  fixture = await openFixtureSite();
  ({ browser } = fixture);
  // The fast model, and no cache: every job runs the model.
  await browser.worker.evaluate(() => chrome.storage.sync.set({ 'setting:profile': 'fast', 'setting:cacheLimitBytes': 0 }));
  ({ page, tabId } = await openIndexPage(fixture, pageProblems));
});

afterAll(() => fixture?.close());

/** 'small' enhanced at x2, then given back: the engine works. */
async function enhanceSmall(): Promise<void> {
  const outcome = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(outcome, JSON.stringify(outcome.failure)).toMatchObject({ ok: true, backend: 'wasm' });
  expect(await restoreById(browser.worker, page, tabId, 'small')).toBe(1);
}

/** From now on in this engine document, ORT's proxy worker never hears of a run or a session to make: as a worker that died or deadlocked after it started. */
async function hangRunsInEngine(): Promise<void> {
  const armed = await evaluateInEngine(
    page,
    `(() => {
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (message?.type === 'run' || message?.type === 'create') return;
        return post.call(this, message, ...rest);
      };
      return true;
    })()`,
  );
  expect(armed).toBe(true);
}

function noteReplacedAt(at: number | null): Promise<void> {
  return putEngineMeta(page, 'engine-replaced-at', JSON.stringify(at));
}

it('a run the WASM worker never answers fails its job with a message, leaves the image as it was, and the next job runs on a fresh engine', async () => {
  await enhanceSmall();
  await noteReplacedAt(null);
  await hangRunsInEngine();
  const hungAt = Date.now();
  const stalled = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(stalled.failure).toEqual({ code: 'engine-unavailable', message: 'The Enhance engine stopped before the image was done.' });
  expect(await currentSrc(page, 'small')).toBe(`${fixture.origin}/lr/small.png`);
  await enhanceSmall();
  expect(await engineMeta(page, 'engine-replaced-at')).toBeGreaterThanOrEqual(hungAt);
});

it("a WASM runtime that could not start (ORT keeps that failure for the document's life) is started in a fresh engine, and the job runs", async () => {
  await browser.worker.evaluate(async () => {
    await chrome.offscreen.closeDocument().catch(() => undefined);
    // The engine's document, before its first job: ORT is not loaded yet.
    await chrome.offscreen.createDocument({ url: 'src/offscreen/offscreen.html', reasons: [chrome.offscreen.Reason.WORKERS], justification: 'test' });
  });
  await noteReplacedAt(null);
  // The first worker this document starts (ORT's proxy) cannot be created.
  const armed = await evaluateInEngine(
    page,
    `(() => {
      const Shipped = Worker;
      globalThis.Worker = function () {
        globalThis.Worker = Shipped;
        throw new Error('no worker for now');
      };
      return true;
    })()`,
  );
  expect(armed).toBe(true);
  const armedAt = Date.now();
  await enhanceSmall();
  // The job ran in another document than the one that could not start its runtime.
  expect(await engineMeta(page, 'engine-replaced-at')).toBeGreaterThanOrEqual(armedAt);
});

it('an engine broken again within minutes of its replacement fails each job at once with a message, and is not replaced again', async () => {
  await enhanceSmall();
  await noteReplacedAt(Date.now() - 60_000);
  await hangRunsInEngine();
  const stalled = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(stalled.failure).toEqual({ code: 'engine-unavailable', message: 'The Enhance engine is not working right now: try again in a few minutes.' });
  const next = await enhanceById(browser.worker, page, tabId, 'small', 2);
  expect(next.failure).toEqual({ code: 'engine-unavailable', message: 'The Enhance engine is not working right now: try again in a few minutes.' });
  // Another scale needs a session of its own, which the dead worker would never make: no wait either.
  const otherScale = await enhanceById(browser.worker, page, tabId, 'small', 4);
  expect(otherScale.failure).toEqual({ code: 'engine-unavailable', message: 'The Enhance engine is not working right now: try again in a few minutes.' });
  expect(await currentSrc(page, 'small')).toBe(`${fixture.origin}/lr/small.png`);
  expect(await browser.worker.evaluate(() => chrome.offscreen.hasDocument())).toBe(true);
});

it('left no unhandled errors or Enhance console noise on the page', () => {
  expect(pageProblems).toEqual([]);
});

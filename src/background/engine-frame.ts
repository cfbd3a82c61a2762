/**
 * Firefox's engine page: the page Chrome opens as its offscreen document, in a frame of the
 * background page (Firefox has no offscreen documents). Removed when the engine has been idle for
 * the set minutes, which gives its memory back (the models' sessions, ORT's WebAssembly heap,
 * which never shrinks, and its workers): Firefox suspends an idle background page by itself, but
 * any tab's navigation wakes it, so on a browsing day it seldom goes.
 */
import browser from 'webextension-polyfill';
import type { EngineRequest } from '../shared/protocol';
import type { EngineHost } from './engine-client';
import { dropRulesLeftBehind } from './page-referer';
import { holdAwake } from './stay-awake';

const PATH = 'src/offscreen/offscreen.html';

let frame: HTMLIFrameElement | undefined;
/** The frame being added, until its engine answers. */
let loading: Promise<void> | undefined;
/** The page is held awake while the frame is there (stay-awake.ts): its jobs, and its models between them, last. */
let releaseAwake: (() => void) | undefined;

/** Adds the frame and resolves once its engine answers; a frame that loads no engine is taken out again. */
async function start(): Promise<void> {
  await dropRulesLeftBehind();
  const created = document.createElement('iframe');
  frame = created;
  releaseAwake ??= holdAwake();
  try {
    await new Promise<void>((resolve, reject) => {
      created.addEventListener('load', () => resolve(), { once: true });
      created.addEventListener('error', () => reject(new Error('the engine page did not load')), { once: true });
      created.src = browser.runtime.getURL(PATH);
      document.body.append(created);
    });
    // Loaded is not listening: a module that failed to run leaves a page with no engine, which every job would meet.
    await browser.runtime.sendMessage({ target: 'offscreen', type: 'engine-info' } satisfies EngineRequest);
  } catch (error) {
    remove();
    throw error;
  }
}

async function ensure(): Promise<void> {
  if (frame && !loading) return;
  loading ??= start().finally(() => {
    loading = undefined;
  });
  await loading;
}

function remove(): void {
  frame?.remove();
  frame = undefined;
  releaseAwake?.();
  releaseAwake = undefined;
}

/** After a frame still loading has settled: one taken out mid-load would never fire its load, and every job would wait on it. */
async function close(): Promise<void> {
  if (loading) await loading.catch(() => undefined);
  remove();
}

/** Only a frame whose engine answers exists: questions sent to one still loading would find no one. */
export const engineFrame: EngineHost = { ensure, close, exists: () => Promise.resolve(frame !== undefined && loading === undefined) };

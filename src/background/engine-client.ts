/**
 * Questions for the engine, typed with their answers, wherever its page runs: Chrome's offscreen
 * document, or, in Firefox, a frame of the background page (engine-frame.ts). Both are started on
 * demand, and closed when the engine has been idle for the set minutes.
 */
import browser from 'webextension-polyfill';
import { logError } from '../shared/log';
import type { CacheUsage, EngineInfo, EngineRequest, EngineResponses, EngineSettings, EngineSettingsNotice } from '../shared/protocol';
import { loadSettings } from '../shared/settings-store';
import type { Settings } from '../shared/settings';
import { closeOffscreenDocument, ensureOffscreenDocument, offscreenDocumentExists } from './offscreen-document';

/** Where the engine's page runs, and how to start and close it. */
export interface EngineHost {
  ensure(): Promise<void>;
  exists(): Promise<boolean>;
  close(): Promise<void>;
}

let host: EngineHost = { ensure: ensureOffscreenDocument, exists: offscreenDocumentExists, close: closeOffscreenDocument };

/** Called by a background that hosts the engine's page another way (the Firefox build). */
export function hostEngineIn(other: EngineHost): void {
  host = other;
}

/**
 * Set once an update hands the pages back (update.ts, Firefox): a result made from then on, for a
 * page that loaded meanwhile, would stay on it with no script of ours left to put its file back.
 */
let closedForUpdate = false;

/** The update is applied next: the engine's page goes, and no job starts it again before the reload. */
export async function closeEngineForUpdate(): Promise<void> {
  closedForUpdate = true;
  await host.close();
}

/** Starts the engine's page: content scripts open job ports to it next. */
export function ensureEngine(): Promise<void> {
  if (closedForUpdate) return Promise.reject(new Error('Enhance is updating'));
  return host.ensure();
}

function send<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  return browser.runtime.sendMessage(request) as Promise<EngineResponses[T['type']]>;
}

/** The engine found itself idle: its page goes, and its memory with it. */
export function releaseEngine(): Promise<void> {
  return host.close();
}

/**
 * Settings saved: a running engine page counts down with the new idle minutes now, runs its next
 * job on the backend they allow, and keeps results within the new cache limit, not after its next
 * job's settings (the jobs in its line read theirs before).
 */
export async function tellEngineSettings(settings: Settings): Promise<void> {
  if (!(await host.exists())) return;
  await browser.runtime.sendMessage({ target: 'offscreen', type: 'engine-settings', ...engineSettingsOf(settings) } satisfies EngineSettingsNotice);
}

export function engineSettingsOf({ engineIdleMinutes, allowWebGPU, cacheLimitBytes }: Settings): EngineSettings {
  return { idleMinutes: engineIdleMinutes, allowWebGPU, cacheLimitBytes };
}

/**
 * Trims the results cache to a lowered limit, then tells the engine the settings as saved now: a
 * raise saved while this trim started the engine went unheard (no engine to tell yet), and the
 * older, lower limit of the trim would otherwise bind the cache until the engine's page closes.
 */
export async function trimEngineCache(limitBytes: number): Promise<CacheUsage> {
  const usage = await askEngine({ target: 'offscreen', type: 'trim-cache', limitBytes });
  await tellEngineSettings(await loadSettings()).catch((error: unknown) => logError('engine settings', error));
  if (usage === null) throw new Error("the browser's storage could not be read, or refused the change (it may be full or damaged)");
  return usage;
}

/** Empties the results cache; a refusal of the browser's storage is the options page's error to show. */
export async function clearEngineCache(): Promise<CacheUsage> {
  const usage = await askEngine({ target: 'offscreen', type: 'clear-cache' });
  if (usage === null) throw new Error("the browser's storage refused (it may be full or damaged), and the results are still there. Try again, or restart the browser.");
  return usage;
}

/** The cache's figures, starting the engine to ask; storage that cannot be read is the options page's "unknown". */
export async function engineCacheUsage(): Promise<CacheUsage> {
  const usage = await askEngine({ target: 'offscreen', type: 'cache-usage' });
  if (usage === null) throw new Error("the browser's storage could not be read");
  return usage;
}

/** The cache lives with the engine, so only the engine can answer for it. */
export async function askEngine<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  await ensureEngine();
  return send(request);
}

/**
 * The engine's answer, or null when its page is not running (asking must not start it). A page
 * still starting, or closing while idle, exists but may not answer: null too, the error logged.
 */
export async function askRunningEngine<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']] | null> {
  if (!(await host.exists())) return null;
  return send(request).catch((error: unknown) => {
    logError(request.type, error);
    return null;
  });
}

/** The engine's state, or null when its page is not running or not answering (see askRunningEngine). */
export function runningEngineInfo(): Promise<EngineInfo | null> {
  return askRunningEngine({ target: 'offscreen', type: 'engine-info' } as const);
}

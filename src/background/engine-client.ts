/** Questions for the offscreen engine, typed with their answers; only the offscreen page answers them. */
import browser from 'webextension-polyfill';
import type { EngineInfo, EngineRequest, EngineResponses } from '../shared/protocol';
import { ensureOffscreenDocument, offscreenDocumentExists } from './offscreen-document';

function send<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  return browser.runtime.sendMessage(request) as Promise<EngineResponses[T['type']]>;
}

/** Starts the engine's document when needed: the cache lives there, so only the engine can see it. */
export async function askEngine<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  await ensureOffscreenDocument();
  return send(request);
}

/** The engine's state, or null when its document is not running (asking must not start it). */
export async function runningEngineInfo(): Promise<EngineInfo | null> {
  if (!(await offscreenDocumentExists())) return null;
  return send({ target: 'offscreen', type: 'engine-info' });
}

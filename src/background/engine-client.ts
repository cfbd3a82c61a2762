/**
 * Questions for the engine, typed with their answers, wherever it runs: in Chrome's offscreen
 * document (started on demand), or in Firefox's background page itself, which has a DOM and no
 * offscreen API. A page does not receive its own runtime messages, so there the answer is a call.
 */
import browser from 'webextension-polyfill';
import type { EngineInfo, EngineRequest, EngineResponses, IdleMinutesNotice } from '../shared/protocol';
import { closeOffscreenDocument, ensureOffscreenDocument, offscreenDocumentExists } from './offscreen-document';

type Answer = <T extends EngineRequest>(request: T) => Promise<EngineResponses[T['type']]>;

let answerHere: Answer | undefined;

/** Called by a background page that runs the engine itself (the Firefox build). */
export function hostEngineHere(answer: Answer): void {
  answerHere = answer;
}

/** Starts the engine's document when it has one: content scripts open job ports to it next. */
export async function ensureEngine(): Promise<void> {
  if (!answerHere) await ensureOffscreenDocument();
}

function send<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  return browser.runtime.sendMessage(request) as Promise<EngineResponses[T['type']]>;
}

/** The engine found itself idle (Chrome only: Firefox suspends an idle background page itself). */
export async function releaseEngine(): Promise<void> {
  if (!answerHere) await closeOffscreenDocument();
}

/** New idle minutes saved: a running engine page counts down with them now, not after its next job. */
export async function tellEngineIdleMinutes(minutes: number): Promise<void> {
  if (answerHere || !(await offscreenDocumentExists())) return;
  await browser.runtime.sendMessage({ target: 'offscreen', type: 'idle-minutes', minutes } satisfies IdleMinutesNotice);
}

/** The cache lives with the engine, so only the engine can answer for it. */
export async function askEngine<T extends EngineRequest>(request: T): Promise<EngineResponses[T['type']]> {
  if (answerHere) return answerHere(request);
  await ensureOffscreenDocument();
  return send(request);
}

/** The engine's state, or null when its document is not running (asking must not start it; in Firefox it always runs). */
export async function runningEngineInfo(): Promise<EngineInfo | null> {
  const info = { target: 'offscreen', type: 'engine-info' } as const;
  if (answerHere) return answerHere(info);
  if (!(await offscreenDocumentExists())) return null;
  return send(info);
}

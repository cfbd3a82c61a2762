/**
 * Every message between the extension's parts, typed per direction, with the response type of
 * each request, so both ends are checked by the compiler.
 *
 * Data flow of a job: the service worker asks the content script to enhance an image; the
 * content script opens a port straight to the offscreen engine and gets progress and the result
 * on it. The encoded result crosses JSON once, and a job outlives a service worker that Chrome
 * stops while idle.
 */
import type { Failure } from '../core/errors';
import type { Profile } from '../core/models';
import type { Backend } from '../core/scale-choice';
import type { Settings } from './settings';

export type { Backend };

/**
 * The settings a job needs: the content script forwards them, since offscreen pages have no
 * storage API. The profile is resolved ('auto' decided) before it is sent: the engine picks a model.
 */
export type JobSettings = Pick<Settings, 'maxInputPixels' | 'maxTile' | 'allowWebGPU'> & { profile: Profile };

export interface EngineInfo {
  /** Backend of the last session created, or null before the first job. */
  backend: Backend | null;
  /** Why this backend: e.g. "WASM: no WebGPU adapter". */
  reason: string;
  crossOriginIsolated: boolean;
  wasmThreads: number;
  jobsRun: number;
}

// ---- service worker -> content script (tabs.sendMessage) ----
export type ContentRequest =
  | { type: 'enhance'; srcUrl: string; scale: number; settings: JobSettings }
  | { type: 'restore'; srcUrl: string }
  | { type: 'enhanced-data-url'; srcUrl: string };

export interface EnhanceOutcome {
  ok: boolean;
  /** Images on the page that showed `srcUrl` and now show the result. */
  images: number;
  failure?: Failure;
  width?: number;
  height?: number;
  backend?: Backend;
  ms?: number;
}

export interface ContentResponses {
  enhance: EnhanceOutcome;
  restore: { restored: number };
  'enhanced-data-url': { dataUrl: string | null };
}

// ---- content script -> service worker (runtime.sendMessage) ----
/** Sent on right-click so the menu shows "Restore" and "Save" only on enhanced images. */
export type BackgroundRequest = { type: 'menu-context'; enhanced: boolean };

export function isBackgroundRequest(message: unknown): message is BackgroundRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { type, enhanced } = message as Partial<BackgroundRequest>;
  return type === 'menu-context' && typeof enhanced === 'boolean';
}

// ---- content script <-> offscreen engine (runtime.connect port named JOB_PORT) ----
export const JOB_PORT = 'enhance-job';

export interface JobRequest {
  type: 'job';
  srcUrl: string;
  scale: number;
  settings: JobSettings;
}

export type JobEvent =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; dataUrl: string; width: number; height: number; backend: Backend; ms: number }
  | { type: 'failed'; failure: Failure };

// ---- anyone -> offscreen engine (runtime.sendMessage, answered only by the offscreen page) ----
export type EngineRequest = { target: 'offscreen'; type: 'engine-info' };

export interface EngineResponses {
  'engine-info': EngineInfo;
}

export function isEngineRequest(message: unknown): message is EngineRequest {
  return typeof message === 'object' && message !== null && (message as { target?: unknown }).target === 'offscreen';
}

function isJobSettings(value: unknown): value is JobSettings {
  if (typeof value !== 'object' || value === null) return false;
  const { profile, maxInputPixels, maxTile, allowWebGPU } = value as Partial<JobSettings>;
  return (profile === 'quality' || profile === 'fast') && typeof maxInputPixels === 'number' && typeof maxTile === 'number' && typeof allowWebGPU === 'boolean';
}

export function isContentRequest(message: unknown): message is ContentRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { type, srcUrl } = message as { type?: unknown; srcUrl?: unknown };
  if (typeof srcUrl !== 'string') return false;
  if (type === 'enhance') {
    const { scale, settings } = message as { scale?: unknown; settings?: unknown };
    return typeof scale === 'number' && isJobSettings(settings);
  }
  return type === 'restore' || type === 'enhanced-data-url';
}

export function isJobRequest(message: unknown): message is JobRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { type, srcUrl, scale, settings } = message as Partial<JobRequest>;
  return type === 'job' && typeof srcUrl === 'string' && typeof scale === 'number' && isJobSettings(settings);
}

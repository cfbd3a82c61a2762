/**
 * The one module that owns onnxruntime-web in the extension: backend choice (WebGPU when an
 * adapter exists, else WASM with SIMD and threads), the ORT build each loads from the package,
 * and one session per model and backend, created once per document and reused for every tile and
 * job.
 */
import type * as Ort from 'onnxruntime-web';
import { EnhanceError, isOutOfMemory, textOf } from '../core/errors';
import { tileForBufferLimit } from '../core/limits';
import type { ModelEntry } from '../core/models';
import { OrtTileRunner, type GpuErrorScope } from '../core/ort-runner';
import type { Precision } from '../core/precision';
import { timedOut, within } from '../core/time-limit';
import { afterFailure, parseFailures, waitText, webgpuWaitMs, type WebGPUFailures } from '../core/webgpu-backoff';
import { logError } from '../shared/log';
import type { Backend } from '../shared/protocol';
import { readMeta, writeMeta } from './engine-db';

export interface BackendChoice {
  backend: Backend;
  reason: string;
  /** 'wasm', or the WebGPU adapter's own words for itself and whether it runs f16: what the 'auto' benchmark timed. */
  device: string;
  /** Largest tile side the backend's buffers allow (Infinity on WASM). */
  maxTile: number;
  /** The adapter runs f16 shaders (ORT asks for the feature whenever the adapter has it). */
  shaderF16: boolean;
}

type OrtBuild = typeof Ort;

/**
 * Each backend loads its own build of ORT, on first use. The WebGPU build's runtime (JSEP) is a
 * 28 MB WASM module; the plain one is 14 MB. V8 compiles a module in the background while it
 * starts running it, and on two cores that compilation fought the first job for the CPU: a fresh
 * engine's first job (the 'auto' device benchmark, two sessions, a 72x72 image at x4) took
 * 19.5-21.4 s on WASM with the JSEP runtime and 10.1-11.5 s with the plain one; the next jobs took
 * the same time with either (Chromium, this machine). So WASM never pays for WebGPU code.
 */
const BUILDS: Record<Backend, string> = {
  wasm: 'ort.wasm.min.mjs',
  // WASM plus the JSEP WebGPU backend: the one the WebGPU tests and fp16 checks cover.
  webgpu: 'ort.min.mjs',
};

/** The number of WASM threads: ORT's pool needs SharedArrayBuffer, which needs cross-origin isolation. */
let threads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

export function wasmThreads(): number {
  return threads;
}

/** For the benchmark, which compares thread counts; takes effect for builds not loaded yet. */
export function setWasmThreads(count: number): void {
  threads = count;
}

let adapterInUse: GPUAdapter | undefined;
const builds = new Map<Backend, Promise<OrtBuild>>();

/**
 * ORT's WASM inference is one synchronous call per tile, and the tiles of a job follow each other
 * without a turn of the event loop: on the page's own thread it would hold the engine's page for a
 * whole job (12.7 s for a quality x2 job here), and with it the popup's status, the options page's
 * cache figures, and in Firefox the menus and the timer that keeps the event page awake. ORT's
 * proxy worker runs it off that thread instead (measured: the longest status answer during that
 * job fell to 0.15 s, the job took as long). ORT reads the flag at each call, so it is set once,
 * before the build's first session, and never changed; WebGPU sessions cannot run behind the
 * proxy, and need no worker: they wait on the GPU, not on the thread.
 */
function ortFor(backend: Backend): Promise<OrtBuild> {
  let build = builds.get(backend);
  if (!build) {
    // ORT's own files, shipped in the package (scripts/ort-files.ts), not bundled: see there why.
    build = (import(/* @vite-ignore */ chrome.runtime.getURL(`ort/${BUILDS[backend]}`)) as Promise<OrtBuild>).then((ort) => {
      // ORT must load its WASM from the package itself: MV3 forbids remote code.
      ort.env.wasm.wasmPaths = chrome.runtime.getURL('ort/');
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = backend === 'wasm';
      ort.env.logLevel = 'error';
      if (backend === 'webgpu' && adapterInUse) ort.env.webgpu.adapter = adapterInUse;
      return ort;
    });
    build.catch(() => builds.delete(backend));
    builds.set(backend, build);
  }
  return build;
}

/** The version of the ORT build a backend runs on, for the benchmark's table. */
export async function ortVersion(backend: Backend): Promise<string> {
  return (await ortFor(backend)).env.versions.web ?? 'unknown';
}

/** WASM inference runs in ORT's proxy worker (see ortFor) once the WASM build is loaded. */
export function wasmInWorker(): boolean {
  return builds.has('wasm');
}

let choice: Promise<BackendChoice> | undefined;
/** When the choice is WASM only for WebGPU's failures before (see core/webgpu-backoff): the time it may be tried again. */
let webgpuWaitEnds: number | undefined;
let webgpuAllowed = true;

/** The adapter's vendor and kind: `GPUAdapter.info` came in Chrome 127; Chrome 116-126 answer requestAdapterInfo() instead. */
async function adapterInfo(adapter: GPUAdapter): Promise<Partial<GPUAdapterInfo>> {
  // Typed as always there, which Chrome before 127 does not hold to.
  const either = adapter as { info?: GPUAdapterInfo; requestAdapterInfo?: () => Promise<GPUAdapterInfo> };
  return either.info ?? (await either.requestAdapterInfo?.()) ?? {};
}

const wasmBecause = (reason: string): BackendChoice => ({ backend: 'wasm', reason: `WASM: ${reason}`, device: 'wasm', maxTile: Infinity, shaderF16: false });

/**
 * ORT made a GPU device in this document (a WebGPU session was created), and whether WebGPU failed
 * on it. ORT keeps that device, and a pool of the GPU buffers its runs freed, for the document's
 * life: releasing the sessions gives back their weights alone, and a lost device stays lost.
 */
let gpuDeviceMade = false;
let gpuFailedHere = false;

async function probeWebGPU(): Promise<BackendChoice> {
  if (!webgpuAllowed) return wasmBecause('WebGPU is off in settings');
  // Switched off and on again after a failure: the device here is the broken one (see fallBackToWasm).
  if (gpuFailedHere) return wasmBecause('WebGPU failed in this engine page; a new one tries it again');
  if (!('gpu' in navigator) || !navigator.gpu) return wasmBecause('this browser has no WebGPU');
  const failures = await readFailures();
  const now = Date.now();
  const wait = webgpuWaitMs(failures, now);
  if (failures && wait > 0) {
    // This document made no GPU device: it may try WebGPU itself once the wait is over.
    webgpuWaitEnds = now + wait;
    return wasmBecause(`WebGPU failed ${failures.streak} times in a row; will be tried again in ${waitText(wait)}`);
  }
  // The choice is kept for every later job: a probe that throws, or never answers, must leave WASM chosen.
  try {
    const found = await within(webgpuAdapter(), ADAPTER_LIMIT_MS, timedOut('no answer from WebGPU', ADAPTER_LIMIT_MS));
    if (!found) return wasmBecause('no WebGPU adapter');
    adapterInUse = found.adapter;
    return found.choice;
  } catch (error) {
    return wasmBecause(`WebGPU adapter could not be read (${String(error)})`);
  }
}

/**
 * How long the adapter and its facts may take. Every job waits on the backend choice, and the spec
 * lets requestAdapter take its time: one that never answered would hold every job, in every tab,
 * for the document's life. A GPU woken from sleep answers within a second or two.
 */
const ADAPTER_LIMIT_MS = 10_000;

async function webgpuAdapter(): Promise<{ adapter: GPUAdapter; choice: BackendChoice } | null> {
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const info = await adapterInfo(adapter);
  const software = /swiftshader/i.test([info.vendor, info.architecture, info.description].join(' '));
  const shaderF16 = adapter.features.has('shader-f16');
  return {
    adapter,
    choice: {
      backend: 'webgpu',
      reason: `WebGPU: ${info.vendor || 'adapter'} ${info.architecture || ''}${software ? ' (software)' : ''}`.trim(),
      device: ['webgpu', info.vendor, info.architecture, info.description, shaderF16 ? 'f16' : 'f32'].join('|'),
      maxTile: tileForBufferLimit(adapter.limits.maxStorageBufferBindingSize, Infinity),
      shaderF16,
    },
  };
}

/**
 * WebGPU allowed or not as the settings were last saved (the worker tells each save): newer than
 * what the jobs waiting in line carry, read when each was sent. Switched off, the GPU must not
 * take them: it may be why the user switched it off.
 */
let savedAllowWebGPU: boolean | undefined;

/** `idle`: no job runs now, so a GPU switched off gives its memory back at once, not at the next job. */
export function webgpuSettingSaved(allow: boolean, idle: boolean): void {
  savedAllowWebGPU = allow;
  // Switched on, nothing to do before a job: asking for an adapter now could wake a laptop's discrete GPU for nothing.
  if (idle && !allow) void chooseBackend(allow);
}

/** `jobAllows`: the job's own settings, which the last saved ones override. */
export function chooseBackend(jobAllows: boolean): Promise<BackendChoice> {
  const allowWebGPU = savedAllowWebGPU ?? jobAllows;
  if (!choice || allowWebGPU !== webgpuAllowed || (webgpuWaitEnds !== undefined && Date.now() >= webgpuWaitEnds)) {
    webgpuAllowed = allowWebGPU;
    webgpuWaitEnds = undefined;
    choice = probeWebGPU();
    // Switched off, often to give the GPU's memory back to something else: it goes now.
    if (!allowWebGPU) releaseWebGPUSessions();
  }
  return choice;
}

/** Their GPU buffers would stay allocated until the document closes. */
function releaseWebGPUSessions(): void {
  for (const runner of sessions.webgpu.values()) runner.then((r) => r.release()).catch(() => undefined);
  sessions.webgpu.clear();
}

/**
 * After WebGPU fails mid-run (device lost, out of memory), every later job of this document runs
 * on WASM: ORT keeps the device it made for the document's life. A fresh document makes a new one,
 * so this one is replaced as a busy spell ends (see releaseWhenIdle): the first after a first
 * failure in a row; after more, the first to end once the wait of core/webgpu-backoff is over.
 */
export function fallBackToWasm(reason: string): void {
  gpuFailedHere = true;
  choice = Promise.resolve(wasmBecause(`WebGPU failed (${reason})`));
  releaseWebGPUSessions();
  void noteWebGPUFailure().catch((error: unknown) => logError('WebGPU failure: not noted', error));
}

/** The failures in a row, kept across documents and restarts. */
const WEBGPU_FAILURES = 'webgpu-failures';
/** WebGPU's failures in a row as this document noted its own (see fallBackToWasm). */
let failuresNotedHere: WebGPUFailures | undefined;
/** No failure is on record since this document last looked: a job done on WebGPU need not write. */
let noFailureKnown = false;

async function readFailures(): Promise<WebGPUFailures | null> {
  const failures = parseFailures(await readMeta(WEBGPU_FAILURES).catch(() => null));
  noFailureKnown = failures === null;
  return failures;
}

async function noteWebGPUFailure(): Promise<void> {
  const failures = afterFailure(await readFailures(), Date.now());
  noFailureKnown = false;
  failuresNotedHere = failures;
  await writeMeta(WEBGPU_FAILURES, failures);
}

/** A job done on WebGPU: the failures in a row, if any, are over. */
export function webgpuWorked(): void {
  if (noFailureKnown) return;
  noFailureKnown = true;
  writeMeta(WEBGPU_FAILURES, null).catch((error: unknown) => logError('WebGPU success: not noted', error));
}

/**
 * Whether this document fell back to WASM and a fresh one should try WebGPU again: asked as each
 * busy spell ends, so a document kept open (idle minutes 0, or jobs all the time) is replaced too.
 */
export function webgpuWorthRetrying(): boolean {
  return failuresNotedHere !== undefined && webgpuWaitMs(failuresNotedHere, Date.now()) === 0 && webgpuAllowed;
}

/**
 * Whether WebGPU is switched off in the settings while this document holds a GPU device: only
 * closing the document gives the GPU's memory back (see gpuDeviceMade), which the user may have
 * switched it off for.
 */
export function gpuHeldSwitchedOff(): boolean {
  return gpuDeviceMade && savedAllowWebGPU === false;
}

/**
 * Why this document's WASM engine can run nothing more, once it cannot: a run stalled (ORT's proxy
 * worker died or hung: see RunnerOptions.stalled) or a WASM session could not be created (see
 * runnerFor). Only a fresh document mends it: see replaceBrokenEngine.
 */
let broken: string | undefined;

function breakEngine(reason: string): void {
  if (broken !== undefined) return;
  broken = reason;
  logError('engine broken', reason);
}

export function engineBroken(): boolean {
  return broken !== undefined;
}

const ENGINE_REPLACED_AT = 'engine-replaced-at';
/**
 * A broken engine's document is replaced at most this often: a runtime that breaks the same way
 * in every document would otherwise cost each job a new document and a new start of the runtime
 * (a 14 MB WebAssembly module compiled), a CPU kept busy for failures.
 */
const ENGINE_REPLACE_GAP_MS = 10 * 60_000;
let replacing = false;

/** Whether this broken document goes now, for a fresh one: once a gap, noted for the documents after it. */
export async function replaceBrokenEngine(): Promise<boolean> {
  if (broken === undefined) return false;
  if (replacing) return true;
  const before = await readMeta(ENGINE_REPLACED_AT).catch(() => undefined);
  const now = Date.now();
  if (typeof before === 'number' && now - before < ENGINE_REPLACE_GAP_MS) return false;
  replacing = true;
  // Unnoted, the next document is replaced as readily: more starts of the runtime, never a job lost.
  await writeMeta(ENGINE_REPLACED_AT, now).catch((error: unknown) => logError('engine replacement: not noted', error));
  return true;
}

const modelBytes = new Map<string, Promise<ArrayBuffer>>();
/** Per backend, by model and precision. */
const sessions: Record<Backend, Map<string, Promise<OrtTileRunner>>> = { webgpu: new Map(), wasm: new Map() };

function loadModelBytes(file: string): Promise<ArrayBuffer> {
  let bytes = modelBytes.get(file);
  if (!bytes) {
    bytes = fetch(chrome.runtime.getURL(`models/${file}`))
      .then((r) => {
        if (!r.ok) throw new Error(`model file ${file}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })
      .catch((error: unknown) => {
        // The package's own file, not read: memory short, or an install damaged. Not the backend's
        // failure, so the job does not move to WASM for it, nor is WebGPU counted as failed (runnerFor).
        throw EnhanceError.wrapping(isOutOfMemory(error) ? 'out-of-memory' : 'engine-unavailable', error);
      });
    modelBytes.set(file, bytes);
    // A read that failed once (memory short) is tried again by the next job, not failed for the document's life.
    bytes.catch(() => {
      if (modelBytes.get(file) === bytes) modelBytes.delete(file);
    });
  }
  return bytes;
}

/**
 * The device's out-of-memory and validation errors during a run (see GpuErrorScope). Jobs run one
 * at a time and ORT is the device's only user, so a run's scope holds that run's errors.
 */
function errorScopeOn(device: GPUDevice): GpuErrorScope {
  return {
    open: () => {
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
    },
    close: async () => {
      // Last pushed, first popped: both are popped before either is awaited.
      const scopes = [device.popErrorScope(), device.popErrorScope()];
      const errors = await Promise.all(scopes);
      return errors.find((error) => error !== null)?.message;
    },
  };
}

/** Frees a session's memory (GPU buffers on WebGPU): a variant that will not run again here. */
export function releaseRunner(model: ModelEntry, backend: Backend, precision: Precision): void {
  const key = `${model.id}:${precision}`;
  sessions[backend].get(key)?.then((runner) => runner.release()).catch(() => undefined);
  sessions[backend].delete(key);
}

/**
 * A WASM session not made in this long counts as made by a dead worker, as a stalled run does
 * (RunnerOptions.stalled): ORT would wait for its answer for good. Sessions take a second or two here.
 * A WebGPU one, as a GPU that never answers ORT's request for a device: the job moves to WASM.
 */
const SESSION_LIMIT_MS = 2 * 60_000;

/**
 * A WebGPU session not made within SESSION_LIMIT_MS, until it is made late: the GPU has not
 * answered, and another session would wait for the same answer. So the next ones (the fp16 check's
 * other variant, its fp32 fallback, the device benchmark's) fail at once, and the job moves to WASM
 * after one wait, not one per session.
 */
let gpuUnanswered: EnhanceError | undefined;

export function runnerFor(model: ModelEntry, backend: Backend, precision: Precision = 'fp32'): Promise<OrtTileRunner> {
  const file = precision === 'fp16' ? model.fp16File : model.file;
  if (!file) return Promise.reject(new Error(`${model.id} has no ${precision} file`));
  if (backend === 'webgpu' && gpuUnanswered) return Promise.reject(gpuUnanswered);
  const key = `${model.id}:${precision}`;
  const existing = sessions[backend].get(key);
  if (existing) return existing;
  const inWorker = backend === 'wasm';
  const loaded = loadModelBytes(file);
  const runner = Promise.all([ortFor(backend), loaded]).then(async ([ort, bytes]) => {
    // The proxy transfers the model's buffer to its worker: it gets a copy, the cache keeps the original.
    const data = new Uint8Array(inWorker ? bytes.slice(0) : bytes);
    const creating = ort.InferenceSession.create(data, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
    let late = false;
    const session = await within(creating, SESSION_LIMIT_MS, () => {
      late = true;
      return timedOut('no session', SESSION_LIMIT_MS)();
    }).catch((error: unknown) => {
      // Made after the limit, on a GPU that answered late: its weights go, the device counts as held (see gpuHeldSwitchedOff), and the next session may be made.
      if (backend === 'webgpu') {
        const unanswered = late ? EnhanceError.wrapping('model-failed', error) : undefined;
        if (unanswered) gpuUnanswered = unanswered;
        creating.then((made) => {
          gpuDeviceMade = true;
          if (unanswered && gpuUnanswered === unanswered) gpuUnanswered = undefined;
          return made.release();
        }).catch(() => undefined);
      }
      // ORT keeps a failed start of its WASM runtime (a worker that would not start, memory it
      // could not reserve) for the document's life: every later session would fail the same way.
      if (backend === 'wasm') breakEngine(textOf(error));
      throw error;
    });
    if (backend !== 'webgpu') return new OrtTileRunner(session, model, ort.Tensor, { transfersInputs: inWorker, stalled: breakEngine });
    gpuDeviceMade = true;
    // After the first WebGPU session, the device ORT runs on.
    const device = await ort.env.webgpu.device;
    const lost = device.lost.then((info) => info.message || info.reason);
    // A stalled run fails its job, which then moves to WASM (engine.ts), as a lost device's does.
    return new OrtTileRunner(session, model, ort.Tensor, { lost, gpuErrors: errorScopeOn(device), stalled: () => undefined });
  }).catch((error: unknown) => {
    // The backend's failure (its build would not load, a GPU short of memory, a shader it cannot compile): on WebGPU the job moves to WASM.
    throw error instanceof EnhanceError ? error : EnhanceError.wrapping('model-failed', error);
  });
  const settled = () => {
    // The session holds the weights now, or none will: the file is read again only for a session
    // made anew. Kept after a failure, an fp16 file that WebGPU would not take stayed in memory
    // for the document's life.
    if (modelBytes.get(file) === loaded) modelBytes.delete(file);
  };
  runner.then(settled, () => {
    settled();
    // Released meanwhile and asked for again, the key holds a new session: its own failure takes it out.
    if (sessions[backend].get(key) === runner) sessions[backend].delete(key);
  });
  sessions[backend].set(key, runner);
  return runner;
}

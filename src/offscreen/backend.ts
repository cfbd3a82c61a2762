/**
 * The one module that owns onnxruntime-web in the extension: backend choice (WebGPU when an
 * adapter exists, else WASM with SIMD and threads), the bundled WASM files, and one session per
 * model and backend, created once per document and reused for every tile and job.
 */
import * as ort from 'onnxruntime-web';
import { tileForBufferLimit } from '../core/limits';
import type { ModelEntry } from '../core/models';
import { OrtTileRunner } from '../core/ort-runner';
import type { Precision } from '../core/precision';
import type { Backend } from '../shared/protocol';

export interface BackendChoice {
  backend: Backend;
  reason: string;
  /** Largest tile side the backend's buffers allow (Infinity on WASM). */
  maxTile: number;
  /** The adapter runs f16 shaders (ORT asks for the feature whenever the adapter has it). */
  shaderF16: boolean;
}

// ORT must load its WASM from the package itself: MV3 forbids remote code, and letting the
// bundler guess the worker chunk's URL made threaded sessions hang.
ort.env.wasm.wasmPaths = chrome.runtime.getURL('ort/');
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
ort.env.logLevel = 'error';

export function wasmThreads(): number {
  return ort.env.wasm.numThreads ?? 1;
}

/**
 * ORT's WASM inference is one synchronous call per tile, and the tiles of a job follow each other
 * without a turn of the event loop: on the page's own thread it would hold the engine's page for a
 * whole job (12.7 s for a quality x2 job here), and with it the popup's status, the options page's
 * cache figures, and in Firefox the menus and the timer that keeps the event page awake. ORT's
 * proxy worker runs it off that thread instead (measured: the longest status answer during that
 * job fell to 0.15 s, the job took as long). ORT reads the flag at each call, so it is set once,
 * before its first session, and never changed; WebGPU sessions cannot run behind the proxy, and
 * need no worker: they wait on the GPU, not on the thread.
 */
let ortStarted = false;
function startOrt(backend: Backend): void {
  if (ortStarted) return;
  ortStarted = true;
  ort.env.wasm.proxy = backend === 'wasm';
}

/** WASM inference runs in ORT's proxy worker (see startOrt). */
export function wasmInWorker(): boolean {
  return ort.env.wasm.proxy === true;
}

let choice: Promise<BackendChoice> | undefined;
let webgpuAllowed = true;

async function probeWebGPU(): Promise<BackendChoice> {
  const wasm = (reason: string): BackendChoice => ({ backend: 'wasm', reason: `WASM: ${reason}`, maxTile: Infinity, shaderF16: false });
  if (!webgpuAllowed) return wasm('WebGPU is off in settings');
  if (!('gpu' in navigator) || !navigator.gpu) return wasm('this browser has no WebGPU');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return wasm(`WebGPU adapter request failed (${String(error)})`);
  }
  if (!adapter) return wasm('no WebGPU adapter');
  ort.env.webgpu.adapter = adapter;
  const info = adapter.info;
  const software = /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
  return {
    backend: 'webgpu',
    reason: `WebGPU: ${info.vendor || 'adapter'} ${info.architecture || ''}${software ? ' (software)' : ''}`.trim(),
    maxTile: tileForBufferLimit(adapter.limits.maxStorageBufferBindingSize, Infinity),
    shaderF16: adapter.features.has('shader-f16'),
  };
}

export function chooseBackend(allowWebGPU: boolean): Promise<BackendChoice> {
  if (!choice || allowWebGPU !== webgpuAllowed) {
    webgpuAllowed = allowWebGPU;
    choice = probeWebGPU();
  }
  return choice;
}

/** After WebGPU fails mid-run (device lost, out of memory), every later job runs on WASM. */
export function fallBackToWasm(reason: string): void {
  choice = Promise.resolve({ backend: 'wasm', reason: `WASM: WebGPU failed (${reason})`, maxTile: Infinity, shaderF16: false });
  sessions.clear();
}

const modelBytes = new Map<string, Promise<ArrayBuffer>>();
const sessions = new Map<string, Promise<OrtTileRunner>>();

function loadModelBytes(file: string): Promise<ArrayBuffer> {
  let bytes = modelBytes.get(file);
  if (!bytes) {
    bytes = fetch(chrome.runtime.getURL(`models/${file}`)).then((r) => {
      if (!r.ok) throw new Error(`model file ${file}: HTTP ${r.status}`);
      return r.arrayBuffer();
    });
    modelBytes.set(file, bytes);
  }
  return bytes;
}

export function runnerFor(model: ModelEntry, backend: Backend, precision: Precision = 'fp32'): Promise<OrtTileRunner> {
  const file = precision === 'fp16' ? model.fp16File : model.file;
  if (!file) return Promise.reject(new Error(`${model.id} has no ${precision} file`));
  const key = `${model.id}:${backend}:${precision}`;
  let runner = sessions.get(key);
  if (!runner) {
    startOrt(backend);
    runner = loadModelBytes(file).then(async (bytes) => {
      // The proxy transfers the model's buffer to its worker: it gets a copy, the cache keeps the original.
      const data = new Uint8Array(wasmInWorker() ? bytes.slice(0) : bytes);
      const session = await ort.InferenceSession.create(data, {
        executionProviders: [backend],
        graphOptimizationLevel: 'all',
      });
      return new OrtTileRunner(session, model, ort.Tensor, wasmInWorker());
    });
    runner.catch(() => sessions.delete(key));
    sessions.set(key, runner);
  }
  return runner;
}

/**
 * The bench page: `window.bench` runs one method per page (bench/run.ts opens a fresh browser
 * context for each, so memory figures are the method's own). The method's code is loaded on
 * setup, after the WASM memory and GPU buffer trackers are in place.
 */
import { gpuBufferPeakBytes, trackGpuBuffers } from './gpu-memory';
import { trackWasmMemory, wasmMemoryBytes } from './wasm-memory';
import { decodeRaw, scoreQuality, timeUpscale, type LoadImage, type Upscale } from '../lib/measure';
import type { Method, MethodRunner, SetupResult } from '../lib/protocol';

trackWasmMemory();
trackGpuBuffers();

let upscale: Upscale | undefined;

const load: LoadImage = async (key) => {
  const response = await fetch(`/raw/${key}`);
  if (!response.ok) throw new Error(`${key}: HTTP ${response.status}`);
  return decodeRaw(await response.arrayBuffer());
};

async function createMethod(method: Method): Promise<{ upscale: Upscale } & Pick<SetupResult, 'backend' | 'precision'>> {
  switch (method.kind) {
    case 'ort-web':
      return (await import('./ort-web')).createOrtWeb(method);
    case 'upscalerjs':
      return (await import('./upscalerjs')).createUpscalerJs(method);
    case 'canvas':
      return (await import('./canvas')).createCanvas(method);
    case 'ort-node':
      throw new Error('onnxruntime-node runs in bench/node-runner.ts, not in the page');
  }
}

function ready(): Upscale {
  if (!upscale) throw new Error('setup() first');
  return upscale;
}

interface MemoryApi {
  measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>;
  memory?: { usedJSHeapSize: number };
}

async function userAgentBytes(): Promise<number | null> {
  const api = performance as unknown as MemoryApi;
  if (!self.crossOriginIsolated || !api.measureUserAgentSpecificMemory) return null;
  const timeout = new Promise<null>((ok) => setTimeout(() => ok(null), 5_000));
  return Promise.race([api.measureUserAgentSpecificMemory().then((r) => r.bytes), timeout]);
}

const bench: MethodRunner = {
  async setup(method) {
    const t0 = performance.now();
    const created = await createMethod(method);
    const setupMs = performance.now() - t0;
    upscale = created.upscale;
    return { setupMs, backend: created.backend, precision: created.precision, crossOriginIsolated: self.crossOriginIsolated };
  },
  time: (request) => timeUpscale(ready(), load, request),
  quality: (request) => scoreQuality(ready(), load, request),
  async memory() {
    const api = performance as unknown as MemoryApi;
    return { userAgentBytes: await userAgentBytes(), jsHeapBytes: api.memory?.usedJSHeapSize ?? null, wasmBytes: await wasmMemoryBytes(), gpuBufferBytes: gpuBufferPeakBytes(), peakRssBytes: null };
  },
};

(globalThis as { bench?: MethodRunner }).bench = bench;

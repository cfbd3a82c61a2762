/**
 * onnxruntime-node (native CPU) behind the same MethodRunner interface as the bench page, in a
 * child process of bench/run.ts so its thread setting and peak RSS are its own. It reads one JSON
 * request per line on stdin ({ id, op, arg }) and answers one JSON line on stdout ({ id, result } or
 * { id, error }). It runs our models through src/node/engine.ts and src/core/upscale.ts.
 */
import { createInterface } from 'node:readline';
import type { RgbaImage } from '../src/core/image';
import { DEFAULT_OVERLAP, upscaleImage } from '../src/core/upscale';
import { createRunner } from '../src/node/engine';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { loadImage } from './lib/images';
import { scoreQuality, timeUpscale, type LoadImage, type Upscale } from './lib/measure';
import type { MethodRunner } from './lib/protocol';

let upscale: Upscale | undefined;
const load: LoadImage = async (key) => loadImage(key);

function ready(): Upscale {
  if (!upscale) throw new Error('setup() first');
  return upscale;
}

const runner: MethodRunner = {
  async setup(method) {
    if (method.kind !== 'ort-node') throw new Error(`the Node runner runs ort-node, not ${method.kind}`);
    const t0 = performance.now();
    const session = await createRunner(method.model, undefined, method.threads);
    const setupMs = performance.now() - t0;
    upscale = (image: RgbaImage) => upscaleImage(image, session, { maxTile: DEFAULT_SETTINGS.maxTile, overlap: DEFAULT_OVERLAP });
    return { setupMs, backend: `onnxruntime-node CPU, ${method.threads} intra-op thread(s)`, crossOriginIsolated: false };
  },
  time: (request) => timeUpscale(ready(), load, request),
  quality: (request) => scoreQuality(ready(), load, request),
  async memory() {
    return { userAgentBytes: null, jsHeapBytes: process.memoryUsage().heapUsed, wasmBytes: null, gpuBufferBytes: null, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  },
};

type Op = keyof MethodRunner;

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const { id, op, arg } = JSON.parse(line) as { id: number; op: Op; arg: never };
  try {
    const result = await (runner[op] as (arg: never) => Promise<unknown>)(arg);
    process.stdout.write(`${JSON.stringify({ id, result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id, error: error instanceof Error ? error.stack ?? error.message : String(error) })}\n`);
  }
}

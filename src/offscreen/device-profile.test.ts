import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parseRegistry } from '../core/models';
import type { BackendChoice } from './backend';

/** The engine's store of facts, in memory, shared by every "document" (module instance) below; and the runs each benchmark made. */
const stored = vi.hoisted(() => new Map<string, unknown>());
const runs = vi.hoisted(() => ({ count: 0 }));
vi.mock('./engine-db', () => ({ readMeta: async (key: string) => stored.get(key) ?? null, writeMeta: async (key: string, value: unknown) => void stored.set(key, value) }));
vi.mock('./precision-check', () => ({
  runnerForJob: async () => ({
    runner: {
      run: async () => {
        runs.count++;
        return new Float32Array(0);
      },
    },
  }),
}));

const registry = parseRegistry(JSON.parse(readFileSync(new URL('../../models/models.json', import.meta.url), 'utf8')));
const gpu = { backend: 'webgpu', device: 'webgpu|acme|rdna|card|f16', reason: 'WebGPU: acme', maxTile: 1024, shaderF16: true } as BackendChoice;
const wasm = { backend: 'wasm', device: 'wasm', reason: 'WASM: WebGPU failed', maxTile: Infinity, shaderF16: false } as BackendChoice;

/** A fresh engine document: the module anew, the store as the documents before it left it. */
async function inNewDocument() {
  vi.resetModules();
  return import('./device-profile');
}

describe('decideProfile', () => {
  it("keeps the GPU's benchmark through a document that fell back to WASM: the next document on the GPU measures nothing", async () => {
    await (await inNewDocument()).decideProfile('auto', registry, gpu);
    const afterGpu = runs.count;
    expect(afterGpu).toBeGreaterThan(0);
    // The GPU lost in the next document: WASM is measured once, for itself.
    await (await inNewDocument()).decideProfile('auto', registry, wasm);
    const afterWasm = runs.count;
    expect(afterWasm).toBeGreaterThan(afterGpu);
    // Back on the GPU, and on WASM again: both known.
    const back = await inNewDocument();
    await back.decideProfile('auto', registry, gpu);
    await back.decideProfile('auto', registry, wasm);
    expect(runs.count).toBe(afterWasm);
    expect(back.benchmarkInUse()).toMatchObject({ backend: 'wasm', device: 'wasm' });
  });
});

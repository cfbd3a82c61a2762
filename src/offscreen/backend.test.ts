import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ModelEntry } from '../core/models';

// The engine's database holds WebGPU's failures in a row: none here.
vi.mock('./engine-db', () => ({ readMeta: async () => null, writeMeta: async () => undefined }));

/** The module fresh, in a document whose navigator.gpu answers requestAdapter with `adapter`. */
async function backendWith(adapter: () => Promise<unknown>) {
  vi.resetModules();
  vi.stubGlobal('self', { crossOriginIsolated: false });
  vi.stubGlobal('navigator', { gpu: { requestAdapter: adapter }, hardwareConcurrency: 2 });
  return import('./backend');
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('chooseBackend', () => {
  it('chooses WASM, and says why, when the adapter never answers (the spec lets it wait): jobs wait seconds, not for good', async () => {
    vi.useFakeTimers();
    const { chooseBackend } = await backendWith(() => new Promise(() => undefined));
    const choosing = chooseBackend(true);
    await vi.advanceTimersByTimeAsync(10_000);
    // Settled by now, or the race says so at once.
    expect(await Promise.race([choosing, Promise.resolve('still waiting')])).toMatchObject({ backend: 'wasm', reason: 'WASM: WebGPU adapter could not be read (Error: no answer from WebGPU in 10 s)' });
  });

  it('chooses WebGPU when the adapter answers, and names it', async () => {
    const adapter = { info: { vendor: 'acme', architecture: 'rdna' }, features: new Set(['shader-f16']), limits: { maxStorageBufferBindingSize: 2 ** 30 } };
    const { chooseBackend } = await backendWith(async () => adapter);
    await expect(chooseBackend(true)).resolves.toMatchObject({ backend: 'webgpu', reason: 'WebGPU: acme rdna', shaderF16: true });
  });

  it('chooses WASM where there is no adapter', async () => {
    const { chooseBackend } = await backendWith(async () => null);
    await expect(chooseBackend(true)).resolves.toMatchObject({ backend: 'wasm', reason: 'WASM: no WebGPU adapter' });
  });
});

/**
 * The module fresh, with a stand-in for ORT's WebGPU build (a file of its own, as the package ships
 * ORT) whose InferenceSession.create is `create`; model files read as a few bytes.
 */
async function backendWithOrt(create: () => Promise<unknown>) {
  const folder = mkdtempSync(join(tmpdir(), 'fake-ort-'));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  mkdirSync(join(folder, 'ort'));
  writeFileSync(
    join(folder, 'ort', 'ort.min.mjs'),
    'export const env = { wasm: {}, webgpu: {}, versions: {} };\nexport class Tensor {}\nexport const InferenceSession = { create: () => globalThis.fakeOrtCreate() };\n',
  );
  vi.stubGlobal('fakeOrtCreate', create);
  vi.stubGlobal('chrome', { runtime: { getURL: (path: string) => pathToFileURL(join(folder, path)).href } });
  vi.stubGlobal('fetch', async () => ({ ok: true, arrayBuffer: async () => new ArrayBuffer(8) }));
  return backendWith(async () => null);
}

describe('runnerFor', () => {
  const model = { id: 'plksr-tiny-x2', file: 'plksr-tiny-x2.onnx' } as ModelEntry;

  it('fails the next WebGPU sessions at once after one was not made in time (a GPU that never answers), until that one is made', async () => {
    vi.useFakeTimers();
    let answer: (session: { release: () => Promise<void> }) => void = () => undefined;
    const create = vi.fn(() => new Promise((resolve) => (answer = resolve)));
    const { runnerFor } = await backendWithOrt(create);
    const first = runnerFor(model, 'webgpu').catch((error: unknown) => error);
    // Once the build is imported (a file read, not a timer) and the session asked for.
    await vi.waitFor(() => expect(create).toHaveBeenCalled());
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    expect(await first).toMatchObject({ code: 'model-failed' });
    // The fp16 check's fp32 fallback, the device benchmark's session: no second wait of minutes.
    let next: unknown = 'still waiting';
    runnerFor(model, 'webgpu').catch((error: unknown) => (next = error));
    await vi.advanceTimersByTimeAsync(1000);
    expect(next).toMatchObject({ code: 'model-failed' });
    expect(create).toHaveBeenCalledTimes(1);
    // The GPU answers at last: the late session is let go, and the next one is made.
    const late = { release: vi.fn(async () => undefined) };
    answer(late);
    await vi.advanceTimersByTimeAsync(0);
    expect(late.release).toHaveBeenCalled();
    void runnerFor(model, 'webgpu').catch(() => undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(create).toHaveBeenCalledTimes(2);
  });

  it("lets go of a model file's bytes when its session could not be made (an fp16 file WebGPU would not take)", async () => {
    const { runnerFor } = await backendWithOrt(async () => {
      throw new Error('shader compilation failed');
    });
    const read = vi.fn(async () => ({ ok: true, arrayBuffer: async () => new ArrayBuffer(8) }));
    vi.stubGlobal('fetch', read);
    await expect(runnerFor(model, 'webgpu')).rejects.toMatchObject({ code: 'model-failed' });
    // Not held for the document's life: a later session reads the file again.
    await expect(runnerFor(model, 'webgpu')).rejects.toMatchObject({ code: 'model-failed' });
    expect(read).toHaveBeenCalledTimes(2);
  });
});

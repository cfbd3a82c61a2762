import { afterEach, describe, expect, it, vi } from 'vitest';

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

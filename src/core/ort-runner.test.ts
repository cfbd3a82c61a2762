import type { InferenceSession } from 'onnxruntime-common';
import { Tensor } from 'onnxruntime-common';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelEntry } from './models';
import { NonFiniteOutput, OrtTileRunner, stallLimitMs } from './ort-runner';

const model = { id: 'm', input: 'input', output: 'output', scale: 1 } as ModelEntry;

/** A session that moves its input to another thread, as onnxruntime-web's proxy does, and echoes it. */
function transferringSession(): InferenceSession {
  return {
    run: async (feeds: Record<string, Tensor>) => {
      const input = feeds.input.data as Float32Array;
      const moved = structuredClone(input, { transfer: [input.buffer] });
      return { output: new Tensor('float32', moved, feeds.input.dims) };
    },
  } as unknown as InferenceSession;
}

describe('OrtTileRunner', () => {
  it("keeps the caller's buffer when the session transfers its inputs", async () => {
    const runner = new OrtTileRunner(transferringSession(), model, Tensor, { transfersInputs: true });
    const buffer = new Float32Array(3 * 2 * 2).fill(0.5);
    for (let run = 0; run < 2; run++) {
      expect(Array.from(await runner.run(buffer, 2, 2))).toEqual(Array.from(buffer));
      expect(buffer.length).toBe(12);
    }
  });

  it('hands the buffer itself to a session that does not transfer (the case it must not copy for)', async () => {
    const runner = new OrtTileRunner(transferringSession(), model, Tensor);
    const buffer = new Float32Array(12);
    await runner.run(buffer, 2, 2);
    expect(buffer.length).toBe(0);
  });

  it('keeps no finished tile alive while the GPU device stays up (its loss is awaited for the whole session)', async () => {
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const echoing = { run: async (feeds: Record<string, Tensor>) => ({ output: new Tensor('float32', new Float32Array(feeds.input.data as Float32Array), feeds.input.dims) }) } as unknown as InferenceSession;
    const deviceUp = new Promise<string>(() => undefined);
    const runner = new OrtTileRunner(echoing, model, Tensor, { lost: deviceUp });
    const first = new WeakRef(await runner.run(new Float32Array(3 * 64 * 64), 64, 64));
    for (let run = 0; run < 3; run++) await runner.run(new Float32Array(12), 2, 2);
    await new Promise((ok) => setTimeout(ok, 0));
    collect();
    expect(first.deref()).toBeUndefined();
  });

  it("starts a run at once when the session is free, so the GPU or ORT's worker runs the next tile while the caller blends the last", async () => {
    const run = vi.fn(async (feeds: Record<string, Tensor>) => ({ output: new Tensor('float32', new Float32Array(feeds.input.data as Float32Array), feeds.input.dims) }));
    const runner = new OrtTileRunner({ run } as unknown as InferenceSession, model, Tensor);
    await runner.run(new Float32Array(12), 2, 2);
    const next = runner.run(new Float32Array(12), 2, 2);
    // Before any await: what upscaleImage does next is blend, synchronously.
    expect(run).toHaveBeenCalledTimes(2);
    // A run asked for while one runs still waits for it (ORT rejects concurrent runs on a session).
    const after = runner.run(new Float32Array(12), 2, 2);
    expect(run).toHaveBeenCalledTimes(2);
    await Promise.all([next, after]);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it('fails a run, pending or new, once the device is lost', async () => {
    let lose!: (reason: string) => void;
    const hanging = { run: () => new Promise(() => undefined) } as unknown as InferenceSession;
    const runner = new OrtTileRunner(hanging, model, Tensor, { lost: new Promise<string>((ok) => (lose = ok)) });
    const pending = runner.run(new Float32Array(12), 2, 2);
    lose('destroyed');
    await expect(pending).rejects.toMatchObject({ code: 'model-failed', underlying: 'the WebGPU device was lost (destroyed)' });
    await expect(runner.run(new Float32Array(12), 2, 2)).rejects.toMatchObject({ code: 'model-failed' });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('fails a run whose output holds %s (it would be drawn black), not a finite one', async (bad) => {
    const output = new Float32Array(12).fill(0.5);
    const session = { run: async () => ({ output: new Tensor('float32', output, [1, 3, 2, 2]) }) } as unknown as InferenceSession;
    const runner = new OrtTileRunner(session, model, Tensor);
    expect(Array.from(await runner.run(new Float32Array(12), 2, 2))).toEqual(Array.from(output));
    output[11] = bad;
    const failed = runner.run(new Float32Array(12), 2, 2);
    await expect(failed).rejects.toBeInstanceOf(NonFiniteOutput);
    await expect(failed).rejects.toMatchObject({ code: 'model-failed', underlying: 'the model gave NaN or infinite values' });
  });

  it("fails a run during which the GPU reported an error (no memory for a buffer: the output read back is finite, and wrong), and opens and closes the device's scope around each run", async () => {
    const session = { run: async () => ({ output: new Tensor('float32', new Float32Array(12).fill(0.5), [1, 3, 2, 2]) }) } as unknown as InferenceSession;
    const scopes: string[] = [];
    let reported: string | undefined;
    const gpuErrors = {
      open: () => void scopes.push('open'),
      close: async () => {
        scopes.push('close');
        return reported;
      },
    };
    const runner = new OrtTileRunner(session, model, Tensor, { gpuErrors });
    await expect(runner.run(new Float32Array(12), 2, 2)).resolves.toHaveLength(12);
    reported = 'Not enough memory left.';
    await expect(runner.run(new Float32Array(12), 2, 2)).rejects.toMatchObject({
      code: 'model-failed',
      underlying: 'the GPU reported an error during the run (Not enough memory left.)',
    });
    const failing = { run: async () => Promise.reject(new Error('kernel failed')) } as unknown as InferenceSession;
    await expect(new OrtTileRunner(failing, model, Tensor, { gpuErrors }).run(new Float32Array(12), 2, 2)).rejects.toMatchObject({ underlying: 'kernel failed' });
    expect(scopes).toEqual(['open', 'close', 'open', 'close', 'open', 'close']);
  });

  describe('a run that never answers (a proxy worker that died or hung)', () => {
    afterEach(() => vi.useRealTimers());

    it('fails after its limit, says so once, and fails every later run at once', async () => {
      vi.useFakeTimers();
      const hanging = { run: () => new Promise(() => undefined) } as unknown as InferenceSession;
      const stalled = vi.fn();
      const runner = new OrtTileRunner(hanging, model, Tensor, { stalled });
      const pending = runner.run(new Float32Array(12), 2, 2);
      const failed = expect(pending).rejects.toMatchObject({ code: 'model-failed', underlying: "the model's run gave no answer in 300 s" });
      await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
      expect(stalled).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      await failed;
      expect(stalled).toHaveBeenCalledWith("the model's run gave no answer in 300 s");
      await expect(runner.run(new Float32Array(12), 2, 2)).rejects.toMatchObject({ underlying: "the model's run gave no answer in 300 s" });
      expect(stalled).toHaveBeenCalledTimes(1);
    });

    it('leaves a run that answers in time alone, and keeps no timer after it', async () => {
      vi.useFakeTimers();
      const echoing = { run: async (feeds: Record<string, Tensor>) => ({ output: new Tensor('float32', new Float32Array(12).fill(0.5), feeds.input.dims) }) } as unknown as InferenceSession;
      const stalled = vi.fn();
      const runner = new OrtTileRunner(echoing, model, Tensor, { stalled });
      await expect(runner.run(new Float32Array(12), 2, 2)).resolves.toHaveLength(12);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(stalled).not.toHaveBeenCalled();
    });
  });

  it("gives a session's first run minutes (more for a tile over 512x512), then twenty times its slowest pace for the run's pixels, never under 20 s nor over four times the first run's", () => {
    expect(stallLimitMs(undefined, 64)).toBe(5 * 60_000);
    expect(stallLimitMs(undefined, 512 * 512)).toBe(5 * 60_000);
    // The largest tile the settings allow: four times the pixels, four times the time.
    expect(stallLimitMs(undefined, 1024 * 1024)).toBe(20 * 60_000);
    // 0.02 ms per pixel: a 512x512 tile would be 5.2 s; twenty times that is 105 s.
    expect(stallLimitMs(0.02, 512 * 512)).toBeCloseTo(20 * 0.02 * 512 * 512);
    expect(stallLimitMs(0.02, 24 * 24)).toBe(20_000);
    // 0.2 ms per pixel (the slowest measured): 1,049 s for a 512x512 tile, under the 20 minutes four first runs get.
    expect(stallLimitMs(0.2, 512 * 512)).toBeCloseTo(20 * 0.2 * 512 * 512);
    // 2 s for one pixel (a 1x1 first image, shaders compiling): 2.6e9 ms for a 256x256 tile uncapped.
    expect(stallLimitMs(2000, 256 * 256)).toBe(20 * 60_000);
    expect(stallLimitMs(2000, 1024 * 1024)).toBe(80 * 60_000);
  });

  it("keeps a first run's limit after a run the clock timed at 0 ms (a coarse clock: Firefox's resistFingerprinting rounds it to tens of ms)", async () => {
    vi.useFakeTimers();
    try {
      const tile = 512 * 512;
      // The 1x1 run answers at once, on the fake clock at 0 ms; the tile takes 60 s, as a quality tile does on one Firefox thread.
      const session = {
        run: (feeds: Record<string, Tensor>) => {
          const output = { output: new Tensor('float32', new Float32Array(feeds.input.dims.reduce((a, b) => a * b)).fill(0.5), feeds.input.dims) };
          return feeds.input.dims[2] === 1 ? Promise.resolve(output) : new Promise((done) => setTimeout(() => done(output), 60_000));
        },
      } as unknown as InferenceSession;
      const stalled = vi.fn();
      const runner = new OrtTileRunner(session, model, Tensor, { stalled });
      await expect(runner.run(new Float32Array(3), 1, 1)).resolves.toHaveLength(3);
      const running = runner.run(new Float32Array(3 * tile), 512, 512);
      await vi.advanceTimersByTimeAsync(60_000);
      await expect(running).resolves.toHaveLength(3 * tile);
      expect(stalled).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers a tile after a session's first run was one slow pixel (the pace it set must not wrap the stall timer)", async () => {
    vi.useFakeTimers();
    try {
      const answersIn = (ms: number) => ({ run: (feeds: Record<string, Tensor>) => new Promise((done) => setTimeout(() => done({ output: new Tensor('float32', new Float32Array(feeds.input.dims.reduce((a, b) => a * b)).fill(0.5), feeds.input.dims) }), ms)) });
      const session = { run: (feeds: Record<string, Tensor>) => answersIn(feeds.input.dims[2] === 1 ? 2000 : 1000).run(feeds) } as unknown as InferenceSession;
      const stalled = vi.fn();
      const runner = new OrtTileRunner(session, model, Tensor, { stalled });
      const first = runner.run(new Float32Array(3), 1, 1);
      await vi.advanceTimersByTimeAsync(2000);
      await expect(first).resolves.toHaveLength(3);
      const tile = runner.run(new Float32Array(3 * 256 * 256), 256, 256);
      await vi.advanceTimersByTimeAsync(1000);
      await expect(tile).resolves.toHaveLength(3 * 256 * 256);
      expect(stalled).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});

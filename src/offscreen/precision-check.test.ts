import { describe, expect, it, vi } from 'vitest';
import type { ModelEntry } from '../core/models';
import { NonFiniteOutput } from '../core/ort-runner';
import type { BackendChoice } from './backend';

/**
 * Runners by precision, which echo their input, so the probe passes and fp16 is chosen (but for a
 * model named 'fp16-fails', whose fp16 run throws); released variants are listed.
 */
const released = vi.hoisted(() => [] as string[]);
vi.mock('./backend', () => ({
  runnerFor: async (model: ModelEntry, _backend: string, precision = 'fp32') => ({
    precision,
    run: async (input: Float32Array) => {
      if (model.id === 'fp16-fails' && precision === 'fp16') throw new Error('a shader this GPU cannot run');
      return input;
    },
  }),
  releaseRunner: (model: ModelEntry, backend: string, precision: string) => released.push(`${model.id} ${backend} ${precision}`),
}));

const { runnerForJob, withJobRunner } = await import('./precision-check');

const model = { id: 'tiny-x2', fp16File: 'tiny-x2.fp16.onnx', set14Psnr: 33 } as ModelEntry;
const gpu = { backend: 'webgpu', shaderF16: true, reason: 'WebGPU (some GPU)' } as BackendChoice;
const otherGpu = { ...gpu, reason: 'WebGPU (another GPU)' };

describe('withJobRunner', () => {
  it('runs the work again in fp32 when fp16 overflows on an image, and keeps the model in fp32 on that GPU', async () => {
    expect(await runnerForJob(model, gpu)).toMatchObject({ precision: 'fp16', precisionNote: 'fp16 (same output as fp32)' });
    const ran: string[] = [];
    const result = await withJobRunner(model, gpu, async ({ runner, precision, precisionNote }) => {
      ran.push(`${precision} on ${(runner as unknown as { precision: string }).precision}`);
      if (precision === 'fp16') throw new NonFiniteOutput();
      return precisionNote;
    });
    expect(ran).toEqual(['fp16 on fp16', 'fp32 on fp32']);
    expect(result).toBe('fp32 (fp16 overflowed on an image)');
    // The check's loser first (fp32, whose GPU memory fp16 jobs would not use), then fp16 after its overflow.
    expect(released).toEqual(['tiny-x2 webgpu fp32', 'tiny-x2 webgpu fp16']);
    expect(await runnerForJob(model, gpu)).toMatchObject({ precision: 'fp32' });
    // Another adapter keeps its own verdict.
    expect(await runnerForJob(model, otherGpu)).toMatchObject({ precision: 'fp16' });
  });

  it('passes any other failure on, and an fp32 overflow too (the engine then falls back to WASM)', async () => {
    const failing = (error: Error) => withJobRunner(model, otherGpu, async () => Promise.reject(error));
    await expect(failing(new Error('device lost'))).rejects.toThrow('device lost');
    expect(await runnerForJob(model, otherGpu)).toMatchObject({ precision: 'fp16' });
    const fp32 = { ...gpu, shaderF16: false, reason: 'WebGPU (no f16)' };
    await expect(withJobRunner(model, fp32, async () => Promise.reject(new NonFiniteOutput()))).rejects.toBeInstanceOf(NonFiniteOutput);
  });

  it('gives back the fp16 session whose check failed: it would hold GPU memory no job uses', async () => {
    released.length = 0;
    const failing = { ...model, id: 'fp16-fails' };
    expect(await runnerForJob(failing, gpu)).toMatchObject({ precision: 'fp32', precisionNote: 'fp32 (the fp16 check failed)' });
    expect(released).toEqual(['fp16-fails webgpu fp16']);
  });
});

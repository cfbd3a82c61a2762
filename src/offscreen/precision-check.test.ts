import { describe, expect, it, vi } from 'vitest';
import type { ModelEntry } from '../core/models';
import type { BackendChoice } from './backend';

/** Runners by precision: both give the same output, so the probe passes and fp16 is chosen. */
vi.mock('./backend', () => ({
  runnerFor: async (_model: ModelEntry, _backend: string, precision = 'fp32') => ({ precision, run: async (input: Float32Array) => input }),
}));

const { giveUpFp16, runnerForJob } = await import('./precision-check');

const model = { id: 'tiny-x2', fp16File: 'tiny-x2.fp16.onnx', set14Psnr: 33 } as ModelEntry;
const gpu = { backend: 'webgpu', shaderF16: true, reason: 'WebGPU (some GPU)' } as BackendChoice;
const otherGpu = { ...gpu, reason: 'WebGPU (another GPU)' };

describe('runnerForJob after fp16 overflowed on an image', () => {
  it('runs the model in fp32 on that GPU from then on, and says why', async () => {
    expect(await runnerForJob(model, gpu)).toMatchObject({ precision: 'fp16', runner: { precision: 'fp16' }, precisionNote: 'fp16 (same output as fp32)' });
    giveUpFp16(model, gpu);
    expect(await runnerForJob(model, gpu)).toMatchObject({ precision: 'fp32', runner: { precision: 'fp32' }, precisionNote: 'fp32 (fp16 overflowed on an image)' });
    // Another adapter keeps its own verdict.
    expect(await runnerForJob(model, otherGpu)).toMatchObject({ precision: 'fp16' });
  });
});

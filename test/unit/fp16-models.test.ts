/**
 * The shipped fp16 variants pass the check the engine runs on a user's GPU before it uses one
 * (src/core/precision.ts), here on onnxruntime-node's CPU: on the synthetic probe the engine uses,
 * and on a real image. The CPU has no float16 kernels for these operators and runs the activations
 * in float32, so this measures the weights' rounding alone: whether the probe asks as much as a
 * photograph of a GPU's f16 arithmetic is not shown here (no f16 GPU on these machines).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agreementPsnr, checkFp16, requiredAgreementDb } from '../../src/core/precision';
import { rgbaToTensor } from '../../src/core/tensor';
import { createRunner, loadRegistry, MODELS_DIR } from '../../src/node/engine';
import { readPng } from '../../src/node/png';

const BENCH = join(import.meta.dirname, '../../../shared/data/bench');
const withFp16 = loadRegistry().models.filter((m) => m.fp16File !== undefined);

it('the registry lists fp16 variants', () => {
  expect(withFp16.length).toBeGreaterThan(0);
});

describe.each(withFp16.map((model) => [model.id, model] as const))('fp16 variant of %s', (_, model) => {
  it('passes the engine check on the probe and agrees as closely on Set14 comic', async () => {
    const fp32 = await createRunner(model, join(MODELS_DIR, model.file), 1);
    const fp16 = await createRunner(model, join(MODELS_DIR, model.fp16File!), 1);
    const check = await checkFp16(model.set14Psnr!, fp32, fp16);
    expect(check.ok, JSON.stringify(check)).toBe(true);

    const image = readPng(join(BENCH, `Set14/LR_bicubic/X${model.scale}/comicx${model.scale}.png`));
    const input = rgbaToTensor(image, { x: 0, y: 0, width: 64, height: 64 });
    const real = agreementPsnr(await fp32.run(input, 64, 64), await fp16.run(input, 64, 64));
    expect(real).toBeGreaterThanOrEqual(requiredAgreementDb(model.set14Psnr!));
  });
});

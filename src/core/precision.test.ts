import { describe, expect, it } from 'vitest';
import type { ModelEntry } from './models';
import { agreementPsnr, checkFp16, describePrecision, fp16Candidate, precisionProbe, requiredAgreementDb } from './precision';
import type { TileRunner } from './upscale';

describe('requiredAgreementDb', () => {
  it.each([28, 33, 38])('lets an independent fp16 error cost exactly 0.02 dB at %s dB', (psnr) => {
    const fp32Mse = 10 ** (-psnr / 10);
    const fp16Mse = 10 ** (-requiredAgreementDb(psnr) / 10);
    expect(10 * Math.log10((fp32Mse + fp16Mse) / fp32Mse)).toBeCloseTo(0.02, 9);
  });

  it('asks for more agreement from a better model', () => {
    expect(requiredAgreementDb(28)).toBeCloseTo(51.36, 2);
    expect(requiredAgreementDb(33)).toBeGreaterThan(requiredAgreementDb(28));
  });
});

describe('agreementPsnr', () => {
  it('is the PSNR of one output against the other', () => {
    expect(agreementPsnr(new Float32Array(12).fill(0.5), new Float32Array(12).fill(0.6))).toBeCloseTo(20, 4);
  });

  it('compares the values the image will hold (clamped to 0..1)', () => {
    expect(agreementPsnr(Float32Array.of(1.3, -0.2), Float32Array.of(1, 0))).toBe(Infinity);
  });

  it('fails an output with an overflow', () => {
    expect(agreementPsnr(Float32Array.of(0.5, 0.5), Float32Array.of(0.5, Number.NaN))).toBe(-Infinity);
    expect(agreementPsnr(Float32Array.of(0.5, 0.5), Float32Array.of(Infinity, 0.5))).toBe(-Infinity);
  });

  it('refuses outputs of different sizes', () => {
    expect(() => agreementPsnr(new Float32Array(3), new Float32Array(4))).toThrow(RangeError);
  });
});

describe('precisionProbe', () => {
  it('is a deterministic RGB image in 0..1 with edges and texture in every channel', () => {
    const probe = precisionProbe(32);
    expect(probe).toHaveLength(3 * 32 * 32);
    expect(precisionProbe(32)).toEqual(probe);
    for (let c = 0; c < 3; c++) {
      const plane = probe.subarray(c * 1024, (c + 1) * 1024);
      expect(Math.min(...plane)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...plane)).toBeLessThanOrEqual(1);
      expect(Math.max(...plane) - Math.min(...plane)).toBeGreaterThan(0.5);
    }
  });
});

describe('fp16Candidate', () => {
  const model: ModelEntry = { id: 'm', name: 'M', profile: 'quality', scale: 2, file: 'm.onnx', input: 'input', output: 'output', params: 1, sha256: 'ab12', set14Psnr: 33, fp16File: 'm.fp16.onnx' };

  it('probes only WebGPU with shader-f16, an fp16 file and a measured PSNR', () => {
    expect(fp16Candidate(model, 'webgpu', true)).toBe(true);
    expect(fp16Candidate(model, 'webgpu', false)).toBe(false);
    expect(fp16Candidate(model, 'wasm', true)).toBe(false);
    expect(fp16Candidate({ ...model, fp16File: undefined }, 'webgpu', true)).toBe(false);
    expect(fp16Candidate({ ...model, set14Psnr: undefined }, 'webgpu', true)).toBe(false);
  });
});

/** A runner that answers every tile with one value: enough to drive the comparison. */
function constantRunner(value: number): TileRunner {
  return { scale: 2, run: async (_input, width, height) => new Float32Array(3 * width * height * 4).fill(value) };
}

describe('checkFp16', () => {
  it('keeps fp16 when it agrees closely enough', async () => {
    const check = await checkFp16(28, constantRunner(0.5), constantRunner(0.5 + 1e-3), 8);
    expect(check.agreementDb).toBeCloseTo(60, 1);
    expect(check.ok).toBe(true);
    expect(describePrecision(check)).toBe('fp16 (agrees with fp32 to 60.0 dB)');
  });

  it('drops fp16 when it does not', async () => {
    const check = await checkFp16(28, constantRunner(0.5), constantRunner(0.51), 8);
    expect(check.ok).toBe(false);
    expect(describePrecision(check)).toBe('fp32 (fp16 agreed to 40.0 dB, needs 51.4 dB)');
  });

  it('drops fp16 that overflows', async () => {
    const check = await checkFp16(28, constantRunner(0.5), constantRunner(Number.NaN), 8);
    expect(check.ok).toBe(false);
    expect(describePrecision(check)).toBe('fp32 (fp16 overflowed)');
  });
});

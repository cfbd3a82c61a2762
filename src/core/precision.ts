/**
 * Whether a model's float16 variant may stand in for it. GPUs with shader-f16 run it in half the
 * memory and faster, but ORT's WebGPU kernels then also accumulate in f16, and drivers differ; so
 * the engine runs one probe through both variants on the user's own GPU and keeps fp16 only if
 * the two agree closely enough to lose at most MAX_FP16_LOSS_DB of the model's measured PSNR.
 */
import type { ModelEntry } from './models';
import type { Backend } from './scale-choice';
import type { TileRunner } from './upscale';

export type Precision = 'fp32' | 'fp16';

/** The PSNR the fp16 variant may cost, the same bound the model card holds it to on the benchmarks. */
export const MAX_FP16_LOSS_DB = 0.02;

/** Side of the probe image in input pixels: a few milliseconds on a GPU, yet every layer sees edges and texture. */
export const PROBE_SIZE = 48;

/**
 * How closely fp16 must agree with fp32 (PSNR of one against the other, peak 1) for a model that
 * scores `referencePsnr`. An error d that fp16 adds, independent of fp32's own error e against the
 * truth, makes the MSE e^2 + d^2; losing at most L dB allows d^2 <= e^2 (10^(L/10) - 1), which is
 * referencePsnr + 23.4 dB at L = 0.02.
 */
export function requiredAgreementDb(referencePsnr: number, maxLossDb: number = MAX_FP16_LOSS_DB): number {
  return referencePsnr - 10 * Math.log10(10 ** (maxLossDb / 10) - 1);
}

/**
 * PSNR of `b` against `a`, both model outputs in 0..1 (clamped, as the image will be). On RGB,
 * stricter than the benchmarks' Y channel for errors the channels share. -Infinity if `b` holds a
 * value that is not finite (an f16 overflow), Infinity if the two are equal.
 */
export function agreementPsnr(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`outputs differ in length: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i])) return -Infinity;
    const d = Math.min(1, Math.max(0, a[i])) - Math.min(1, Math.max(0, b[i]));
    sum += d * d;
  }
  return sum === 0 ? Infinity : -10 * Math.log10(sum / a.length);
}

/**
 * A deterministic planar RGB probe (CHW, 0..1): smooth ramps, hard edges, a disc and fine
 * stripes, the structures that drive a super-resolution network's activations hardest.
 */
export function precisionProbe(size: number = PROBE_SIZE): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  const centre = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const inDisc = (x - centre) ** 2 + (y - centre) ** 2 < (size / 4) ** 2;
      const checker = ((x >> 3) + (y >> 3)) % 2;
      const stripes = 0.5 + 0.5 * Math.sin((x * x + y) / 5);
      out[i] = inDisc ? 0.95 : x / (size - 1);
      out[plane + i] = y < centre ? checker : stripes;
      out[2 * plane + i] = inDisc ? 0.1 : 0.5 + 0.4 * Math.cos((x + 2 * y) / 3);
    }
  }
  return out;
}

/** Worth probing at all: a WebGPU adapter with f16 shaders, an fp16 file and a measured PSNR to hold it to. */
export function fp16Candidate(model: ModelEntry, backend: Backend, shaderF16: boolean): model is ModelEntry & { fp16File: string; set14Psnr: number } {
  return backend === 'webgpu' && shaderF16 && model.fp16File !== undefined && model.set14Psnr !== undefined;
}

export interface Fp16Check {
  agreementDb: number;
  requiredDb: number;
  ok: boolean;
}

/** Runs the probe through both variants and compares: the fp16 variant passes or it is not used. */
export async function checkFp16(referencePsnr: number, fp32: TileRunner, fp16: TileRunner, size: number = PROBE_SIZE): Promise<Fp16Check> {
  const input = precisionProbe(size);
  const reference = await fp32.run(input, size, size);
  const candidate = await fp16.run(input, size, size);
  const agreementDb = agreementPsnr(reference, candidate);
  const requiredDb = requiredAgreementDb(referencePsnr);
  return { agreementDb, requiredDb, ok: agreementDb >= requiredDb };
}

/** For the popup's "why this backend" line. */
export function describePrecision(check: Fp16Check): string {
  if (check.agreementDb === Infinity) return 'fp16 (same output as fp32)';
  if (check.agreementDb === -Infinity) return 'fp32 (fp16 overflowed)';
  const agreement = `${check.agreementDb.toFixed(1)} dB`;
  return check.ok ? `fp16 (agrees with fp32 to ${agreement})` : `fp32 (fp16 agreed to ${agreement}, needs ${check.requiredDb.toFixed(1)} dB)`;
}

/**
 * Which variant of a model a job runs: fp16 on a WebGPU adapter with shader-f16 once it has
 * matched fp32 on this GPU (core/precision.ts), fp32 everywhere else. The check runs once per
 * model and adapter in each offscreen document: two sessions and one small probe.
 */
import { EnhanceError } from '../core/errors';
import type { ModelEntry } from '../core/models';
import { NonFiniteOutput, type OrtTileRunner } from '../core/ort-runner';
import { checkFp16, describePrecision, fp16Candidate, type Precision } from '../core/precision';
import { logError } from '../shared/log';
import { releaseRunner, runnerFor, type BackendChoice } from './backend';

export interface JobRunner {
  runner: OrtTileRunner;
  precision: Precision;
  /** How the precision was chosen, for the popup; empty where fp16 was never in question. */
  precisionNote: string;
}

interface Verdict {
  precision: Precision;
  note: string;
}

const verdicts = new Map<string, Promise<Verdict>>();

const verdictKey = (model: ModelEntry, choice: BackendChoice) => `${model.id}:${choice.reason}`;

function fp16Verdict(model: ModelEntry & { fp16File: string; set14Psnr: number }, choice: BackendChoice): Promise<Verdict> {
  const key = verdictKey(model, choice);
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = (async (): Promise<Verdict> => {
      const check = await checkFp16(model.set14Psnr, await runnerFor(model, 'webgpu', 'fp32'), await runnerFor(model, 'webgpu', 'fp16'));
      // The variant that lost holds GPU memory it will not use (fp32 comes back if fp16 overflows on an image).
      releaseRunner(model, 'webgpu', check.ok ? 'fp32' : 'fp16');
      return { precision: check.ok ? 'fp16' : 'fp32', note: describePrecision(check) };
    })().catch((error: unknown): Verdict => {
      // fp16 will not run here: its session, where one was made, holds GPU memory for nothing.
      releaseRunner(model, 'webgpu', 'fp16');
      // A model file not read (memory short: see runnerFor) says nothing of fp16: the job fails, and the next one checks again.
      if (error instanceof EnhanceError && error.code !== 'model-failed') {
        verdicts.delete(key);
        throw error;
      }
      if (error instanceof NonFiniteOutput) return { precision: 'fp32', note: 'fp32 (fp16 overflowed)' };
      // An fp16 session this GPU cannot create or run: fp32 does the work.
      logError(`fp16 check for ${model.id}`, error);
      return { precision: 'fp32', note: 'fp32 (the fp16 check failed)' };
    });
    verdicts.set(key, verdict);
  }
  return verdict;
}

export async function runnerForJob(model: ModelEntry, choice: BackendChoice): Promise<JobRunner> {
  if (!fp16Candidate(model, choice.backend, choice.shaderF16)) return { runner: await runnerFor(model, choice.backend), precision: 'fp32', precisionNote: '' };
  const { precision, note } = await fp16Verdict(model, choice);
  return { runner: await runnerFor(model, 'webgpu', precision), precision, precisionNote: note };
}

/**
 * Runs `work` on the model's runner for this job. fp16 giving NaN or infinite values on a real
 * image (the probe passed: it overflows only on some pictures) runs the work again in fp32 on the
 * same GPU, whose device is fine, and the model stays in fp32 there for the document's life.
 */
export async function withJobRunner<T>(model: ModelEntry, choice: BackendChoice, work: (job: JobRunner) => Promise<T>): Promise<T> {
  const job = await runnerForJob(model, choice);
  try {
    return await work(job);
  } catch (error) {
    if (job.precision !== 'fp16' || !(error instanceof NonFiniteOutput)) throw error;
    verdicts.set(verdictKey(model, choice), Promise.resolve({ precision: 'fp32', note: 'fp32 (fp16 overflowed on an image)' }));
    releaseRunner(model, 'webgpu', 'fp16');
    return work(await runnerForJob(model, choice));
  }
}

/**
 * The training pipeline's smoke test, as CI runs it: a few training steps on small crops, ONNX
 * export, then the exported file run in onnxruntime-web (WASM, in Node: the runtime the
 * extension ships) on a fixed input must match PyTorch's output within 1e-4.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'enhance-parity-'));

function python(...args: string[]): void {
  const run = spawnSync('/usr/bin/python3', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python ${args.join(' ')} failed:\n${run.stderr}`);
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each([2, 4])('x%i: train a few steps, export, run in onnxruntime-web', (scale) => {
  it('matches PyTorch within 1e-4', async () => {
    const run = join(work, `run-x${scale}`);
    python('-m', 'training.train', '--run', run, '--scale', String(scale), '--preset', 'fast', '--max-steps', '3', '--batch', '2', '--patch', '16', '--eval-every', '1000000');
    const onnx = join(work, `x${scale}.onnx`);
    const parity = join(work, `x${scale}.json`);
    python('-m', 'training.export', join(run, 'last.pt'), onnx, '--parity', parity);

    const expected = JSON.parse(readFileSync(parity, 'utf8')) as { input_shape: number[]; input: number[]; output_shape: number[]; output: number[] };
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(onnx), { executionProviders: ['wasm'] });
    const feed = new ort.Tensor('float32', Float32Array.from(expected.input), expected.input_shape);
    const { output } = await session.run({ input: feed });
    expect(output.dims).toEqual(expected.output_shape);
    const data = output.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i] - expected.output[i]));
    expect(worst).toBeLessThanOrEqual(1e-4);
    await session.release();
  });
});

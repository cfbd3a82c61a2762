/**
 * A TileRunner over an ONNX Runtime session: the same code for onnxruntime-web (the extension,
 * the benchmark) and onnxruntime-node (the CLI), which share the onnxruntime-common API.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { EnhanceError } from './errors';
import type { ModelEntry } from './models';
import type { TileRunner } from './upscale';

type TensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

/**
 * The errors a GPU reports apart from the call that caused them (WebGPU error scopes): a buffer it
 * had no memory for, a command it refused. The commands that needed them are skipped, and the
 * output read back is zeros or an earlier tile's pixels, finite and wrong; ORT does not ask.
 */
export interface GpuErrorScope {
  /** Starts collecting the device's errors. */
  open(): void;
  /** Stops collecting; resolves the first error's message, or undefined when there was none. */
  close(): Promise<string | undefined>;
}

export class OrtTileRunner implements TileRunner {
  readonly scale: number;
  /** ORT rejects concurrent run() calls on one session: runs are chained. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Why the device was lost, once it was. */
  private lostReason: string | undefined;
  /** Fail the runs in progress. Each run's own entry, not a reaction on `lost`: see unlessLost. */
  private readonly failOnLoss = new Set<(error: Error) => void>();

  /**
   * `transfersInputs`: the session hands input buffers to another thread (onnxruntime-web's proxy
   * worker transfers them, which empties them here). The runner then sends a copy, since callers
   * reuse their buffer from tile to tile; a copy is a tile's 0.8 MB, next to seconds of inference.
   *
   * `lost`: settles with a reason when the session's GPU device is lost (driver reset, GPU process
   * crash). ORT's run then never settles: measured, a job waited forever on a destroyed device, and
   * every job queued behind it. A run fails instead, and the engine goes on on WASM.
   *
   * `gpuErrors`: the device's error scope, opened around each run; a run during which the GPU
   * reported an error fails, as a lost device's does.
   */
  constructor(
    private readonly session: InferenceSession,
    private readonly model: ModelEntry,
    private readonly TensorClass: TensorConstructor,
    private readonly transfersInputs = false,
    private readonly lost?: Promise<string>,
    private readonly gpuErrors?: GpuErrorScope,
  ) {
    this.scale = model.scale;
    lost?.then((reason) => {
      this.lostReason = reason;
      for (const fail of this.failOnLoss) fail(deviceLost(reason));
    });
  }

  /** Frees the session's memory (GPU buffers on WebGPU); the runner is not used after. */
  release(): Promise<void> {
    return this.session.release();
  }

  run(input: Float32Array, width: number, height: number): Promise<Float32Array> {
    const result = this.tail.then(() => this.runNow(input, width, height));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNow(input: Float32Array, width: number, height: number): Promise<Float32Array> {
    const feed = new this.TensorClass('float32', this.transfersInputs ? input.slice() : input, [1, 3, height, width]);
    let outputs: InferenceSession.OnnxValueMapType;
    this.gpuErrors?.open();
    try {
      const running = this.session.run({ [this.model.input]: feed });
      // Left behind when the device is lost first: it must not surface as an unhandled rejection.
      running.catch(() => undefined);
      outputs = await this.unlessLost(running);
    } catch (error) {
      // Closed, not awaited: the run has its failure, and a lost device's scope need not answer.
      this.gpuErrors?.close().catch(() => undefined);
      throw EnhanceError.wrapping('model-failed', error);
    } finally {
      feed.dispose();
    }
    const gpuError = await this.gpuErrors?.close();
    if (gpuError !== undefined) throw new EnhanceError('model-failed', undefined, `the GPU reported an error during the run (${gpuError})`);
    const out = outputs[this.model.output];
    if (!out) throw new EnhanceError('model-failed', undefined, `no output named ${this.model.output}`);
    const expected = 3 * height * width * this.scale * this.scale;
    const data = out.data;
    if (!(data instanceof Float32Array) || data.length !== expected) {
      throw new EnhanceError('model-failed', undefined, `output has ${data.length} values, expected ${expected}`);
    }
    if (!allFinite(data)) throw new NonFiniteOutput();
    return data;
  }

  /**
   * `running`, or a failure as soon as the device is lost. Not a race with `lost` itself: that
   * promise stays pending for the session's life, and each race would leave a reaction on it that
   * holds the race's result, so every tile's output would stay in memory (seen in a unit test).
   */
  private unlessLost<T>(running: Promise<T>): Promise<T> {
    if (!this.lost) return running;
    if (this.lostReason !== undefined) return Promise.reject(deviceLost(this.lostReason));
    let fail!: (error: Error) => void;
    const lostMeanwhile = new Promise<never>((_, reject) => (fail = reject));
    this.failOnLoss.add(fail);
    return Promise.race([running, lostMeanwhile]).finally(() => this.failOnLoss.delete(fail));
  }
}

function deviceLost(reason: string): Error {
  return new Error(`the WebGPU device was lost (${reason})`);
}

/**
 * The model gave NaN or infinite values: fp16 past its range (65504) on some image, or a broken
 * GPU. Drawn, they would be black pixels in the result (a NaN byte is 0): the job fails instead,
 * and the engine runs it again in fp32 or on WASM.
 */
export class NonFiniteOutput extends EnhanceError {
  constructor() {
    super('model-failed', undefined, 'the model gave NaN or infinite values');
  }
}

/** A loop, not `every`: a 1024 x 1024 x 3 output is three million values, checked in a few ms. */
function allFinite(data: Float32Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  return true;
}

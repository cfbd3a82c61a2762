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

/**
 * How long a run may go unanswered before it counts as stalled. A session's first run, before any
 * pace is known: 5 minutes for a tile of up to 512x512 input pixels, and as much more per pixel for
 * a larger one (the settings allow 1024x1024). The slowest pace measured here is about 200 s per
 * input megapixel (quality model, one WASM thread, as Firefox runs it: bench/results.md), so a
 * 512x512 tile takes about 52 s: room for a device five times slower at any tile size. After it,
 * this many times the slowest pace the session has run at, per pixel, and never less than the
 * floor (a CPU busy with other work), nor more than four times what a first run gets: a first
 * run over a few pixels (a 1x1 placeholder, while WebGPU compiles its shaders for seconds) sets a
 * pace thousands of times too slow, and a limit past 2^31 ms, which timers wrap to a moment, would
 * call a healthy run stalled. Four times: a device as slow as the first run's limit allows still
 * has that much room on a busy CPU.
 */
const FIRST_RUN_LIMIT_MS = 5 * 60_000;
const FIRST_RUN_LIMIT_PIXELS = 512 * 512;
const TIMES_SLOWEST_PACE = 20;
const LIMIT_FLOOR_MS = 20_000;
const TIMES_FIRST_RUN_LIMIT = 4;

/** The stall limit of a run over `pixels` input pixels, given the slowest ms per pixel seen so far (undefined: none yet). */
export function stallLimitMs(slowestMsPerPixel: number | undefined, pixels: number): number {
  const firstRun = FIRST_RUN_LIMIT_MS * Math.max(1, pixels / FIRST_RUN_LIMIT_PIXELS);
  if (slowestMsPerPixel === undefined) return firstRun;
  return Math.min(TIMES_FIRST_RUN_LIMIT * firstRun, Math.max(LIMIT_FLOOR_MS, TIMES_SLOWEST_PACE * slowestMsPerPixel * pixels));
}

export interface RunnerOptions {
  /**
   * The session hands input buffers to another thread (onnxruntime-web's proxy worker transfers
   * them, which empties them here). The runner then sends a copy, since callers reuse their buffer
   * from tile to tile; a copy is a tile's 0.8 MB, next to seconds of inference.
   */
  transfersInputs?: boolean;
  /**
   * Settles with a reason when the session's GPU device is lost (driver reset, GPU process
   * crash). ORT's run then never settles: measured, a job waited forever on a destroyed device,
   * and every job queued behind it. A run fails instead, and the engine goes on on WASM.
   */
  lost?: Promise<string>;
  /** The device's error scope, opened around each run; a run during which the GPU reported an error fails, as a lost device's does. */
  gpuErrors?: GpuErrorScope;
  /**
   * Told once a run went unanswered past its stall limit (`stallLimitMs`): ORT's proxy worker
   * hears worker errors only while it starts, so a worker that died or hung later leaves its run
   * pending for good, and every job queued behind it. That run fails, and so does every later one.
   */
  stalled?: (reason: string) => void;
}

export class OrtTileRunner implements TileRunner {
  readonly scale: number;
  /** ORT rejects concurrent run() calls on one session: runs are chained. */
  private tail: Promise<void> = Promise.resolve();
  /** No run in progress or waiting: the next one starts at once, not a microtask later (see run). */
  private idle = true;
  /** Why the runner can run no more: its device was lost, or a run stalled. */
  private brokenReason: string | undefined;
  /** Fail the runs in progress. Each run's own entry, not a reaction on `lost`: see unlessBroken. */
  private readonly failOnBreak = new Set<(error: Error) => void>();
  /** The slowest the session has run, in ms per input pixel: what a stall is measured against. */
  private slowestMsPerPixel: number | undefined;

  constructor(
    private readonly session: InferenceSession,
    private readonly model: ModelEntry,
    private readonly TensorClass: TensorConstructor,
    private readonly options: RunnerOptions = {},
  ) {
    this.scale = model.scale;
    options.lost?.then((reason) => this.breakWith(deviceLost(reason)));
  }

  private breakWith(error: Error): void {
    this.brokenReason ??= error.message;
    for (const fail of this.failOnBreak) fail(error);
  }

  /** Frees the session's memory (GPU buffers on WebGPU); the runner is not used after. */
  release(): Promise<void> {
    return this.session.release();
  }

  run(input: Float32Array, width: number, height: number): Promise<Float32Array> {
    // A free session starts now: chained, the run would start only once the caller awaits, after
    // it blends the tile before (upscaleImage), and the GPU or ORT's worker would wait for that.
    const result = this.idle ? this.runNow(input, width, height) : this.tail.then(() => this.runNow(input, width, height));
    this.idle = false;
    // Settled to nothing: the runner lives as long as its document, and the last tile's output (up
    // to hundreds of MB at a large tile) must not live with it. Free again before the caller hears
    // of the result, its reaction being the first on it.
    const free = () => {
      if (this.tail === settled) this.idle = true;
    };
    const settled: Promise<void> = result.then(free, free);
    this.tail = settled;
    return result;
  }

  private async runNow(input: Float32Array, width: number, height: number): Promise<Float32Array> {
    const { transfersInputs, gpuErrors } = this.options;
    const feed = new this.TensorClass('float32', transfersInputs ? input.slice() : input, [1, 3, height, width]);
    let outputs: InferenceSession.OnnxValueMapType;
    gpuErrors?.open();
    const started = performance.now();
    try {
      const running = this.session.run({ [this.model.input]: feed });
      // Left behind when the device is lost or the run stalls first: it must not surface as an unhandled rejection.
      running.catch(() => undefined);
      outputs = await this.unlessBroken(running, width * height);
    } catch (error) {
      // Closed, not awaited: the run has its failure, and a lost device's scope need not answer.
      gpuErrors?.close().catch(() => undefined);
      throw EnhanceError.wrapping('model-failed', error);
    } finally {
      feed.dispose();
    }
    // A run the clock saw take no time (a coarse clock, as Firefox's resistFingerprinting makes it,
    // over a tiny image) tells no pace: taken as 0, it would hold the next large tile to the floor.
    const elapsed = performance.now() - started;
    if (elapsed > 0) this.slowestMsPerPixel = Math.max(this.slowestMsPerPixel ?? 0, elapsed / (width * height));
    const gpuError = await gpuErrors?.close();
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
   * `running`, or a failure as soon as the device is lost or the run stalls. Not a race with
   * `lost` itself: that promise stays pending for the session's life, and each race would leave a
   * reaction on it that holds the race's result, so every tile's output would stay in memory (seen
   * in a unit test).
   */
  private unlessBroken<T>(running: Promise<T>, pixels: number): Promise<T> {
    if (this.brokenReason !== undefined) return Promise.reject(new Error(this.brokenReason));
    const { stalled } = this.options;
    if (!this.options.lost && !stalled) return running;
    let fail!: (error: Error) => void;
    const brokenMeanwhile = new Promise<never>((_, reject) => (fail = reject));
    this.failOnBreak.add(fail);
    const limit = stallLimitMs(this.slowestMsPerPixel, pixels);
    const watch = stalled
      ? setTimeout(() => {
          const error = new Error(`the model's run gave no answer in ${Math.round(limit / 1000)} s`);
          this.breakWith(error);
          stalled(error.message);
        }, limit)
      : undefined;
    return Promise.race([running, brokenMeanwhile]).finally(() => {
      clearTimeout(watch);
      this.failOnBreak.delete(fail);
    });
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

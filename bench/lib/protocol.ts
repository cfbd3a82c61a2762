/**
 * What the benchmark's orchestrator (bench/run.ts) asks of a method, wherever the method runs:
 * in the bench page in Chromium (bench/page) or in a Node child process (bench/node-runner.ts).
 */
import type { ModelEntry } from '../../src/core/models';
import type { Precision } from '../../src/core/precision';

export type PeerModel = 'esrgan-slim' | 'esrgan-medium' | 'esrgan-thick';

export type Method =
  /** Our ONNX model through the extension's own backend module and upscale loop. */
  | { kind: 'ort-web'; model: ModelEntry; backend: 'wasm' | 'webgpu'; threads: number }
  /** UpscalerJS with TensorFlow.js on its WASM backend. */
  | { kind: 'upscalerjs'; model: PeerModel; scale: number; threads: number }
  /** The browser's own resampling: canvas drawImage with imageSmoothingQuality 'high'. */
  | { kind: 'canvas'; scale: number }
  /** Our ONNX model in onnxruntime-node (native CPU): the ceiling for the same file. */
  | { kind: 'ort-node'; model: ModelEntry; threads: number };

export interface SetupResult {
  /** From nothing loaded to ready to run: runtime init, model fetch (localhost) and session creation. */
  setupMs: number;
  /** The backend as the method reports it, e.g. "WASM, 2 threads" or the WebGPU adapter. */
  backend: string;
  /** Our models: what the runs take, fp16 where the adapter has shader-f16 and the variant passes the engine's check. */
  precision?: Precision;
  crossOriginIsolated: boolean;
}

export interface TimingRequest {
  /** An image key served at /raw/<key> and known to bench/lib/images.ts. */
  input: string;
  warmup: number;
  runs: number;
}

export interface TimingResult {
  input: string;
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  warmup: number;
  /** One wall-clock time per timed run, bytes in to bytes out. */
  ms: number[];
}

export interface QualityRequest {
  scale: number;
  images: Array<{ name: string; lr: string; hr: string }>;
}

export interface QualityResult {
  scale: number;
  images: Array<{ name: string; psnr: number; ssim: number }>;
  psnr: number;
  ssim: number;
}

export interface MemoryReport {
  /** performance.measureUserAgentSpecificMemory() after the runs (needs crossOriginIsolated). */
  userAgentBytes: number | null;
  /** performance.memory.usedJSHeapSize (Chromium only, coarse). */
  jsHeapBytes: number | null;
  /** Sum of every WebAssembly.Memory the page made. Memories only grow, so this is their peak. */
  wasmBytes: number | null;
  /** Peak bytes of WebGPU buffers alive at once (bench/page/gpu-memory.ts); null without WebGPU. Absent in older results. */
  gpuBufferBytes?: number | null;
  /** Peak resident set of the process that ran the method (Linux VmHWM / Node maxRSS). */
  peakRssBytes: number | null;
}

/** Every method answers these, in the page (window.bench) or the Node runner. */
export interface MethodRunner {
  setup(method: Method): Promise<SetupResult>;
  time(request: TimingRequest): Promise<TimingResult>;
  quality(request: QualityRequest): Promise<QualityResult>;
  memory(): Promise<MemoryReport>;
}

/**
 * What the benchmark runs, and how often. The whole command must fit a time budget (default
 * 14 minutes, on two cores that may be busy), so it runs in two passes:
 *
 * 1. every config: session creation, one warm-up run and RUNS timed runs on 128x128 (this also
 *    measures its speed); our WASM configs also score one Set14 image, the cross-check that the
 *    browser computes what onnxruntime-node computes;
 * 2. with the speeds known, `allocate` spends the time left: Set14 for every quality config first
 *    (fewer images for the slowest only when all 14 cannot fit), then 256x256 cells of the
 *    comparisons the issue asks for, then the 1024x768 image that goes through tiling for the
 *    fastest of our 2-thread models, then its native twin's (`tilingShowcase`), then 256x256 cells of
 *    the 1-thread configs, then the other 1024x768 cells in the same order. A cell
 *    gets one untimed run (a new input shape is slower once) and RUNS timed runs, or nothing: a
 *    median of fewer runs is not reported.
 */
import type { ModelEntry, ModelRegistry } from '../../src/core/models';
import { planTiles } from '../../src/core/tiling';
import { DEFAULT_OVERLAP } from '../../src/core/upscale';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import type { Method, PeerModel } from './protocol';

export interface WebGpuAdapter {
  name: string;
  software: boolean;
}

export type Group = 'ours' | 'native' | 'peer' | 'floor';

export interface Config {
  /** Unique and stable, e.g. plksr-tiny-x4/wasm-2t. */
  id: string;
  label: string;
  group: Group;
  scale: number;
  method: Method;
  /** The first timing input (pass 1). */
  firstInput: string;
  /** Inputs pass 2 may time, if the budget allows. */
  laterInputs: string[];
  /** Score all of Set14 at `scale` (pass 2). */
  scoreSet14: boolean;
  /** Score the Set14 cross-check image in pass 1 (our WASM configs; native scores all of Set14). */
  checkAgainstNative: boolean;
  /** Runs on a software device (SwiftShader WebGPU): never compared with hardware. */
  software?: boolean;
  /** The model entry, for ours and native. */
  model?: ModelEntry;
}

export const PEERS: readonly PeerModel[] = ['esrgan-slim', 'esrgan-medium', 'esrgan-thick'];
/** Timed runs per input, after one untimed run (the warm-up on the first input). */
export const RUNS = 5;
/** The smallest Set14 image (62x90 at x4): cheap enough to score on every WASM config. */
export const CROSS_CHECK_IMAGE = 'comic';
/** The pixels the network computes on a width x height input, overlaps included, as the engine tiles it. */
function computedPixels(width: number, height: number): number {
  return planTiles(width, height, DEFAULT_SETTINGS.maxTile, DEFAULT_OVERLAP).reduce((sum, { input }) => sum + input.width * input.height, 0);
}
/** Input pixels of each timing input, relative to 128x128: 1024x768 with its tile overlap (20 tiles of 229x215 at overlap 30). */
export const INPUT_UNITS: Record<string, number> = { '256': 4, '1024x768': computedPixels(1024, 768) / (128 * 128) };
const UNIT_PIXELS = 128 * 128;

export function planConfigs(registry: ModelRegistry, webgpu: WebGpuAdapter | null, quick: boolean): Config[] {
  const later = quick ? [] : ['256', '1024x768'];
  const models = [...registry.models].sort((a, b) => b.scale - a.scale || a.profile.localeCompare(b.profile));
  const scales = [...new Set([4, ...models.map((m) => m.scale)])].sort((a, b) => b - a);
  const base = { firstInput: '128', laterInputs: later, checkAgainstNative: false };
  const configs: Config[] = [];
  for (const model of models) {
    for (const threads of [2, 1]) {
      const method: Method = { kind: 'ort-web', model, backend: 'wasm', threads };
      configs.push({ ...base, id: `${model.id}/wasm-${threads}t`, label: `${model.name} (${model.profile})`, group: 'ours', scale: model.scale, method, scoreSet14: false, checkAgainstNative: threads === 2, model });
    }
  }
  for (const model of models) {
    for (const threads of [2, 1]) {
      const method: Method = { kind: 'ort-node', model, threads };
      configs.push({ ...base, id: `${model.id}/node-${threads}t`, label: `${model.name} (${model.profile})`, group: 'native', scale: model.scale, method, scoreSet14: threads === 2, model });
    }
  }
  for (const model of PEERS) {
    const method: Method = { kind: 'upscalerjs', model, scale: 4, threads: 2 };
    configs.push({ ...base, id: `${model}/wasm-2t`, label: `UpscalerJS ${model}`, group: 'peer', scale: 4, method, scoreSet14: true });
  }
  for (const scale of scales) {
    configs.push({ ...base, id: `canvas-x${scale}`, label: "canvas drawImage 'high'", group: 'floor', scale, method: { kind: 'canvas', scale }, scoreSet14: true });
  }
  if (webgpu) {
    // Software WebGPU: the first model, once, on 32x32 (128x128 at x4 takes minutes on SwiftShader).
    for (const model of webgpu.software ? models.slice(0, 1) : models) {
      const method: Method = { kind: 'ort-web', model, backend: 'webgpu', threads: 1 };
      const software = webgpu.software;
      configs.push({ ...base, id: `${model.id}/webgpu`, label: `${model.name} (${model.profile})`, group: 'ours', scale: model.scale, method, firstInput: software ? '32' : '128', laterInputs: software ? [] : later, scoreSet14: false, checkAgainstNative: !software, software, model });
    }
  }
  return configs;
}

/** Pass 1's runs: one warm-up and RUNS timed runs; one run without warm-up for --quick and software devices. */
export function firstRuns(config: Config, quick: boolean): { warmup: number; runs: number } {
  return quick || config.software ? { warmup: 0, runs: 1 } : { warmup: 1, runs: RUNS };
}

/**
 * Who gets runs first when the budget is short: tier 0 holds the comparisons (our
 * 2-thread and WebGPU configs, native 2 threads, the peers, the floor), tier 1 the 1-thread
 * configs. Within a tier: ours, native, peers, floor.
 */
function tier(config: Config): number {
  return singleThreaded(config) ? 1 : 0;
}

/** A CPU config limited to one thread (the WebGPU config's thread count means nothing). */
export function singleThreaded(config: Config): boolean {
  const { method } = config;
  return (method.kind === 'ort-node' || method.kind === 'upscalerjs' || (method.kind === 'ort-web' && method.backend === 'wasm')) && method.threads === 1;
}

function rank(config: Config): number {
  const order: Record<Group, number> = { ours: 0, native: 1, peer: 2, floor: 3 };
  return order[config.group];
}

export interface Estimate {
  config: Config;
  /** Median ms of one 128x128 run, from pass 1. */
  unitMs: number;
  /** LR pixels of each Set14 image at the config's scale. */
  set14Pixels: number[];
}

export interface Allowance {
  /** Set14 images to score (the first N); 0 for none. */
  set14Images: number;
  /** The later inputs to time (RUNS runs each, after one untimed run), with their estimated cost in ms. */
  cells: Record<string, number>;
}

/** Inputs our engine tiles: its tiles of one input share one shape, so only a run's first tile meets a new one. */
const TILED_INPUTS: ReadonlySet<string> = new Set(['1024x768']);

/**
 * The cost of one later-input cell at the speed of pass 1: RUNS timed runs and the untimed one
 * before them, counted twice where the whole run is one new input shape (the first run at a new
 * size was 1.2 to 2 times slower), once where our engine tiles the input (in the browser or in
 * Node): there the slower start is its first tile of 20. UpscalerJS's patches (padded at the
 * image's edges) come in several shapes, and the canvas does not tile.
 */
export function cellCost(estimate: Estimate, input: string): number {
  const { kind } = estimate.config.method;
  const ourTiles = TILED_INPUTS.has(input) && (kind === 'ort-web' || kind === 'ort-node');
  return INPUT_UNITS[input] * estimate.unitMs * (RUNS + (ourTiles ? 1 : 2));
}

/** Spends `budgetMs` of pass 2 as the header says; costs are extrapolated from pass 1's speed. */
export function allocate(estimates: readonly Estimate[], budgetMs: number): Map<string, Allowance> {
  let left = budgetMs;
  const plan = new Map<string, Allowance>(estimates.map((e) => [e.config.id, { set14Images: e.config.scoreSet14 ? e.set14Pixels.length : 0, cells: {} }]));
  const set14Cost = (e: Estimate, images: number): number => (e.set14Pixels.slice(0, images).reduce((s, p) => s + p, 0) / UNIT_PIXELS) * e.unitMs;
  const scored = estimates.filter((e) => e.config.scoreSet14);
  const total = (): number => scored.reduce((s, e) => s + set14Cost(e, plan.get(e.config.id)!.set14Images), 0);
  // Too little time for every Set14 image: the most expensive config gives up images first, down to 3.
  while (total() > left) {
    const costliest = scored.filter((e) => plan.get(e.config.id)!.set14Images > 3).sort((a, b) => set14Cost(b, plan.get(b.config.id)!.set14Images) - set14Cost(a, plan.get(a.config.id)!.set14Images))[0];
    if (!costliest) break;
    plan.get(costliest.config.id)!.set14Images--;
  }
  left -= total();
  const ordered = [...estimates].sort((a, b) => tier(a.config) - tier(b.config) || rank(a.config) - rank(b.config));
  /** Whether the cell is given now. */
  const give = (e: Estimate, input: string): boolean => {
    const cells = plan.get(e.config.id)!.cells;
    const cost = cellCost(e, input);
    if (!e.config.laterInputs.includes(input) || cells[input] !== undefined || cost > left) return false;
    cells[input] = cost;
    left -= cost;
    return true;
  };
  for (const e of ordered) if (tier(e.config) === 0) give(e, '256');
  // Ours, then its native twin where room remains: the twin's cell alone would show none of ours through tiling.
  const [showcase, twin] = tilingShowcase(estimates);
  if (showcase && give(showcase, '1024x768') && twin) give(twin, '1024x768');
  for (const e of ordered) if (tier(e.config) === 1) give(e, '256');
  for (const e of ordered) give(e, '1024x768');
  return plan;
}

/**
 * The fastest of our 2-thread WASM configs at the largest scale, and the same model on
 * onnxruntime-node at 2 threads: on two cores the budget never reaches every config's 1024x768
 * cell, and without these the table would show no model of ours through tiling at all.
 */
function tilingShowcase(estimates: readonly Estimate[]): [] | [Estimate] | [Estimate, Estimate] {
  const ours = estimates.filter(({ config }) => config.group === 'ours' && config.method.kind === 'ort-web' && config.method.backend === 'wasm' && !singleThreaded(config) && config.laterInputs.includes('1024x768'));
  const largest = Math.max(...ours.map(({ config }) => config.scale));
  const fastest = ours.filter(({ config }) => config.scale === largest).sort((a, b) => a.unitMs - b.unitMs)[0];
  if (!fastest) return [];
  const twin = estimates.find(({ config }) => config.group === 'native' && !singleThreaded(config) && config.model?.id === fastest.config.model?.id);
  return twin ? [fastest, twin] : [fastest];
}

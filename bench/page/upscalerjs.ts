/**
 * The peers: UpscalerJS ESRGAN models on TensorFlow.js's WASM backend, every file served by the
 * bench server (the runtime's .wasm under /tfjs/, the weights under /peers/): no remote loads.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import esrganMedium4x from '@upscalerjs/esrgan-medium/4x';
import esrganSlim4x from '@upscalerjs/esrgan-slim/4x';
import esrganThick4x from '@upscalerjs/esrgan-thick/4x';
import Upscaler from 'upscaler';
import type { Upscale } from '../lib/measure';
import type { Method, PeerModel } from '../lib/protocol';

const DEFINITIONS: Record<PeerModel, Record<number, typeof esrganSlim4x>> = {
  'esrgan-slim': { 4: esrganSlim4x },
  'esrgan-medium': { 4: esrganMedium4x },
  'esrgan-thick': { 4: esrganThick4x },
};

/** The same tiling budget as ours: patches of at most 256 input pixels with 16 pixels of context. */
const PATCH_SIZE = 256;
const PADDING = 16;

/**
 * tfjs's WASM backend caps its thread pool at navigator.hardwareConcurrency / 2 (it assumes two
 * hyperthreads per core), so on a 2-core machine it runs 1 thread whatever setThreadsCount says.
 * The benchmark compares at equal thread counts, so this page reports enough cores for `threads`.
 */
function allowThreads(threads: number): void {
  if (navigator.hardwareConcurrency >= threads * 2) return;
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
}

export async function createUpscalerJs(method: Extract<Method, { kind: 'upscalerjs' }>): Promise<{ upscale: Upscale; backend: string }> {
  const definition = DEFINITIONS[method.model][method.scale];
  if (!definition) throw new Error(`no x${method.scale} ${method.model}`);
  setWasmPaths(new URL('/tfjs/', location.origin).href);
  allowThreads(method.threads);
  setThreadsCount(method.threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs WASM backend failed to start');
  await tf.ready();
  const upscaler = new Upscaler({ model: { ...definition, path: `/peers/${method.model}/x${method.scale}/model.json` } });
  await upscaler.ready;

  const upscale: Upscale = async ({ width, height, data }) => {
    const rgb = new Float32Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      rgb[p * 3] = data[p * 4];
      rgb[p * 3 + 1] = data[p * 4 + 1];
      rgb[p * 3 + 2] = data[p * 4 + 2];
    }
    const input = tf.tensor3d(rgb, [height, width, 3]);
    const output = (await upscaler.execute(input, { output: 'tensor', patchSize: PATCH_SIZE, padding: PADDING })) as tf.Tensor3D;
    input.dispose();
    const bytes = tf.tidy(() => tf.clipByValue(tf.round(output), 0, 255).toInt());
    output.dispose();
    const values = await bytes.data();
    bytes.dispose();
    const [outHeight, outWidth] = bytes.shape;
    const out = new Uint8ClampedArray(outWidth * outHeight * 4);
    for (let p = 0; p < outWidth * outHeight; p++) {
      out[p * 4] = values[p * 3];
      out[p * 4 + 1] = values[p * 3 + 1];
      out[p * 4 + 2] = values[p * 3 + 2];
      out[p * 4 + 3] = 255;
    }
    return { width: outWidth, height: outHeight, data: out };
  };
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? ' SIMD' : '';
  return { upscale, backend: `tfjs ${tf.version_core} WASM${simd}, ${getThreadsCount()} thread(s)` };
}

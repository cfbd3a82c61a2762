/** Installed versions of what the benchmark runs, read from node_modules. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGES = ['onnxruntime-web', 'onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'upscaler', '@upscalerjs/esrgan-thick'];

export function versions(): Record<string, string> {
  const found: Record<string, string> = { node: process.versions.node };
  for (const name of PACKAGES) {
    try {
      found[name] = (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      found[name] = 'not installed';
    }
  }
  return found;
}

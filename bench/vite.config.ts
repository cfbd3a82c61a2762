/**
 * Builds the bench page (bench/page) into bench/dist. Like the extension's vite.config.ts it
 * ships ORT's files (scripts/ort-files.ts) beside the page, so ORT loads exactly what the
 * extension loads; tfjs's WASM binaries go to tfjs/. Models are served by
 * bench/run.ts from models/ and node_modules/@upscalerjs/<name>/models.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { ORT_FILES } from '../scripts/ort-files';

const ROOT = resolve(import.meta.dirname, '..');
const RUNTIME_FILES: Record<string, string[]> = {
  ort: ORT_FILES,
  tfjs: ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`),
};

function runtimeFiles(): Plugin {
  return {
    name: 'bench-runtime-files',
    apply: 'build',
    generateBundle() {
      for (const [folder, files] of Object.entries(RUNTIME_FILES)) {
        for (const file of files) this.emitFile({ type: 'asset', fileName: `${folder}/${file.split('/').pop()}`, source: readFileSync(join(ROOT, file)) });
      }
    },
  };
}

export default defineConfig({
  root: join(ROOT, 'bench/page'),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: join(ROOT, 'bench/dist'),
    emptyOutDir: true,
    target: 'chrome116',
    chunkSizeWarningLimit: 4000,
    minify: false,
  },
  plugins: [runtimeFiles()],
});

/**
 * The ORT files both packages (the extension's, the bench page's) ship in `ort/`, as they are in
 * onnxruntime-web's dist folder: the two builds src/offscreen/backend.ts loads at run time, and the
 * WASM runtimes they load in turn. The builds stay outside the bundle because ORT's proxy worker
 * starts the module ORT lives in as its script: a bundled chunk imports the bundler's helpers from
 * chunks that hold page code (the Firefox build put them beside webextension-polyfill, which
 * cannot load in a worker), while ORT's own files import nothing.
 */
export const ORT_FILES = [
  // WASM with the WebGPU (JSEP) backend, and its runtime.
  'ort.min.mjs',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
  // WASM only, and its runtime: half the size.
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
].map((file) => `node_modules/onnxruntime-web/dist/${file}`);

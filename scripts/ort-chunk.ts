/**
 * The build rule both bundles (the extension's, the bench page's) need for ORT's proxy worker
 * (src/offscreen/backend.ts): the worker starts the module ORT lives in as its script, so that
 * module must hold ORT alone, not the page code that imports it.
 */
export const ORT_CHUNK = { name: 'ort', test: /node_modules[\\/]onnxruntime-(web|common)[\\/]/ };

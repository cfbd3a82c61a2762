/**
 * Records every WebAssembly.Memory the page makes, whether JS creates it (Emscripten's threaded
 * builds: ORT, tfjs threaded) or a module exports it (tfjs single-threaded). Imported first, so the
 * runtimes see the wrapped constructors. A memory only grows, so its size at the end is its peak.
 */
const memories = new Set<WebAssembly.Memory>();

function collectExports(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.add(value);
}

export function trackWasmMemory(): void {
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const NativeMemory = WebAssembly.Memory;
  wasm.Memory = new Proxy(NativeMemory, {
    construct(target, args: [WebAssembly.MemoryDescriptor]) {
      const memory = Reflect.construct(target, args) as WebAssembly.Memory;
      memories.add(memory);
      return memory;
    },
  });
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (...args: unknown[]) => Promise<unknown>;
  wasm.instantiate = async (...args: unknown[]) => {
    const result = await instantiate(...args);
    collectExports(result instanceof WebAssembly.Instance ? result : (result as WebAssembly.WebAssemblyInstantiatedSource).instance);
    return result;
  };
  const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly) as (...args: unknown[]) => Promise<WebAssembly.WebAssemblyInstantiatedSource>;
  wasm.instantiateStreaming = async (...args: unknown[]) => {
    const result = await streaming(...args);
    collectExports(result.instance);
    return result;
  };
}

/** Bytes of every tracked memory, or null when the page made none. */
export function wasmMemoryBytes(): number | null {
  if (memories.size === 0) return null;
  let bytes = 0;
  for (const memory of memories) bytes += memory.buffer.byteLength;
  return bytes;
}

/**
 * Records every WebAssembly.Memory the page makes, whether JS creates it (Emscripten's threaded
 * builds: ORT, tfjs threaded) or a module exports it (tfjs single-threaded). Imported first, so the
 * runtimes see the wrapped constructors. A memory only grows, so its size at the end is its peak.
 * ORT runs behind its proxy worker, as in the extension (src/offscreen/backend.ts), so its memory
 * is made there: that worker gets the same tracker, and answers on a broadcast channel.
 */
const memories = new Set<WebAssembly.Memory>();

function collectExports(instance: WebAssembly.Instance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.add(value);
}

const CHANNEL = 'bench-wasm-memory';
/** The name ORT gives its proxy worker. */
const ORT_PROXY_WORKER = 'ort-wasm-proxy-worker';

/** Runs in ORT's proxy worker, sent there as source: so it names nothing outside itself. */
function trackInWorker(channelName: string): void {
  const made: WebAssembly.Memory[] = [];
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  wasm.Memory = new Proxy(WebAssembly.Memory, {
    construct(target, args: [WebAssembly.MemoryDescriptor]) {
      const memory = Reflect.construct(target, args) as WebAssembly.Memory;
      made.push(memory);
      return memory;
    },
  });
  const channel = new BroadcastChannel(channelName);
  channel.onmessage = () => channel.postMessage(made.reduce((sum, memory) => sum + memory.buffer.byteLength, 0));
}

let proxyWorkers = 0;

/** ORT's proxy worker starts from a module that loads ORT's own, then installs the tracker before any message arrives. */
function trackProxyWorkers(): void {
  const scope = globalThis as unknown as { Worker: typeof Worker };
  scope.Worker = new Proxy(Worker, {
    construct(target, [url, options]: [string | URL, WorkerOptions | undefined]) {
      if (options?.name !== ORT_PROXY_WORKER) return Reflect.construct(target, [url, options]) as Worker;
      proxyWorkers++;
      const source = `import ${JSON.stringify(new URL(url, location.href).href)};\n(${trackInWorker.toString()})(${JSON.stringify(CHANNEL)});\n`;
      return Reflect.construct(target, [URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), options]) as Worker;
    },
  });
}

async function proxyWorkerBytes(): Promise<number> {
  if (proxyWorkers === 0) return 0;
  const channel = new BroadcastChannel(CHANNEL);
  try {
    return await new Promise<number>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error("ORT's proxy worker did not report its WASM memory")), 5_000);
      channel.onmessage = (event: MessageEvent<number>) => {
        clearTimeout(timer);
        ok(event.data);
      };
      channel.postMessage('ask');
    });
  } finally {
    channel.close();
  }
}

export function trackWasmMemory(): void {
  trackProxyWorkers();
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

/** Bytes of every tracked memory, in the page and in ORT's proxy worker, or null when none was made. */
export async function wasmMemoryBytes(): Promise<number | null> {
  let bytes = await proxyWorkerBytes();
  for (const memory of memories) bytes += memory.buffer.byteLength;
  return memories.size === 0 && proxyWorkers === 0 ? null : bytes;
}

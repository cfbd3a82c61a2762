/**
 * The bench page's origin: cross-origin isolated (COOP/COEP), so ORT and tfjs get
 * SharedArrayBuffer for threads and measureUserAgentSpecificMemory works. Serves the built page
 * (bench/dist: page, ORT and tfjs runtimes), our models, the UpscalerJS weights from
 * node_modules, and the benchmark images as raw RGBA (/raw/<key>). Nothing is fetched from elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { encodeRaw } from './measure';
import { loadImage } from './images';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** URL prefix -> folder. The longest matching prefix wins; the page is the fallback. */
function folders(): Array<[string, string]> {
  return [
    ['/models/', join(ROOT, 'models')],
    ['/peers/', join(ROOT, 'node_modules/@upscalerjs')],
    ['/', join(ROOT, 'bench/dist')],
  ];
}

function fileFor(pathname: string): string | undefined {
  for (const [prefix, folder] of folders()) {
    if (!pathname.startsWith(prefix)) continue;
    let rest = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    // /peers/<name>/x4/model.json -> @upscalerjs/<name>/models/x4/model.json
    if (prefix === '/peers/') rest = rest.replace(/^([^/]+)\//, '$1/models/');
    const path = normalize(join(folder, rest));
    return path.startsWith(folder) ? path : undefined;
  }
  return undefined;
}

export interface BenchServer {
  origin: string;
  close(): Promise<void>;
}

export async function serveBench(): Promise<BenchServer> {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    try {
      if (pathname.startsWith('/raw/')) {
        const body = encodeRaw(loadImage(decodeURIComponent(pathname.slice(5))));
        res.writeHead(200, { ...ISOLATION, 'content-type': 'application/octet-stream' }).end(body);
        return;
      }
      const path = fileFor(pathname);
      if (!path) {
        res.writeHead(403, ISOLATION).end();
        return;
      }
      const body = await readFile(path);
      res.writeHead(200, { ...ISOLATION, 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch (error) {
      res.writeHead(404, { ...ISOLATION, 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

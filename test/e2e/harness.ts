/**
 * Real Chromium with the built extension loaded, and local fixture servers: what the end-to-end
 * tests (and the demo) drive. The service worker's `self.enhance` is the automation surface,
 * since native context menus cannot be clicked headless.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.js': 'text/javascript',
};

export interface FixtureServer {
  origin: string;
  close(): Promise<void>;
}

export type Route = (
  url: URL,
  headers: IncomingHttpHeaders,
) => {
  type: string;
  body: Buffer | string;
  status?: number;
  /** More response headers (e.g. Cache-Control). */
  headers?: Record<string, string>;
  /** Sends `body` again every so many ms (0: as fast as the client reads) until the client hangs up: a camera's live stream, a server that never ends. */
  repeatEveryMs?: number;
  /** Answers only after so many ms: a slow server. */
  delayMs?: number;
  /** Answers only once this settles: a server held until the test's next event. */
  heldUntil?: Promise<unknown>;
  /** Sends `body` up to `from` at once, and the rest once `heldUntil` settles: a large file still coming. */
  tail?: { from: number; heldUntil: Promise<unknown> };
};

/** Serves `folder` on 127.0.0.1 (or `host`) at a free port; `routes` answer before files do, by path or by the prefix before `/*`. */
export async function serveFolder(folder: string, host = '127.0.0.1', routes: Record<string, Route> = {}): Promise<FixtureServer> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const prefix = Object.keys(routes).find((key) => key.endsWith('/*') && url.pathname.startsWith(key.slice(0, -1)));
    const route = routes[url.pathname] ?? (prefix === undefined ? undefined : routes[prefix]);
    if (route) {
      const { type, body, status, headers, repeatEveryMs, delayMs, heldUntil, tail } = route(url, req.headers);
      if (delayMs !== undefined) await new Promise((ok) => setTimeout(ok, delayMs));
      await heldUntil;
      res.writeHead(status ?? 200, { ...headers, 'content-type': type });
      if (tail) {
        const bytes = Buffer.from(body);
        res.write(bytes.subarray(0, tail.from));
        await tail.heldUntil;
        if (!res.destroyed) res.end(bytes.subarray(tail.from));
        return;
      }
      if (repeatEveryMs === undefined) {
        res.end(body);
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        if (res.write(body)) setTimeout(send, repeatEveryMs);
        else res.once('drain', send);
      };
      send();
      return;
    }
    const path = normalize(join(folder, decodeURIComponent(url.pathname)));
    if (!path.startsWith(folder)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(path.endsWith('/') ? join(path, 'index.html') : path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, host, ok));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('server has no address');
  return {
    origin: `http://${host}:${address.port}`,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        // The browser keeps connections open for reuse; close() alone would wait for them to time out (~100 s here).
        server.closeAllConnections();
      }),
  };
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  close(): Promise<void>;
}

export interface LaunchOptions {
  webgpu?: boolean;
  headless?: boolean;
  userDataDir?: string;
  /** Unpacked extensions loaded beside Enhance (a test's helper). */
  alsoLoad?: string[];
  /** Keep pages left by a link for Back, as browsers do (Playwright switches that off by default). */
  backForwardCache?: boolean;
}

export async function launchWithExtension(options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const dir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'enhance-profile-'));
  const extensions = [DIST, ...(options.alsoLoad ?? [])].join(',');
  const args = [
    `--disable-extensions-except=${extensions}`,
    `--load-extension=${extensions}`,
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
  ];
  if (options.headless !== false) args.unshift('--headless=new');
  if (options.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader');
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions', ...(options.backForwardCache ? ['--disable-back-forward-cache'] : [])],
    args,
    viewport: { width: 1280, height: 900 },
  });
  const worker = await enhanceWorker(context);
  return {
    context,
    worker,
    close: async () => {
      await context.close();
      if (!options.userDataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Enhance's service worker is the bundler's loader for it (other extensions may run beside it). */
export const isEnhanceWorker = (worker: Worker) => worker.url().endsWith('/service-worker-loader.js');

async function enhanceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers().find(isEnhanceWorker) ?? (await context.waitForEvent('serviceworker', { predicate: isEnhanceWorker }));
}

/** The tab id of a page, as the extension sees it. */
export async function tabIdOf(worker: Worker, page: Page): Promise<number> {
  const url = page.url();
  return worker.evaluate(async (pageUrl) => {
    const tabs = await chrome.tabs.query({});
    const tab = tabs.find((t) => t.url === pageUrl);
    if (tab?.id === undefined) throw new Error(`no tab for ${pageUrl}`);
    return tab.id;
  }, url);
}

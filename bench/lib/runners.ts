/**
 * The two places a method runs, behind one MethodRunner: a fresh Chromium browser context on the
 * bench page (one renderer process per method, so its peak RSS is the method's own), or a Node
 * child process running bench/node-runner.ts.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { MemoryReport, MethodRunner } from './protocol';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ClosableRunner extends MethodRunner {
  close(): Promise<void>;
}

type Bench = MethodRunner;

async function rendererPids(cdp: CDPSession): Promise<Map<number, number>> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number; cpuTime: number }> };
  return new Map(processInfo.filter((p) => p.type === 'renderer').map((p) => [p.id, p.cpuTime]));
}

/** VmHWM: the peak resident set of a Linux process. */
function peakRss(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Renderer processes already attributed to a page runner. */
const claimed = new Set<number>();

export async function openPageRunner(browser: Browser, origin: string, log: (line: string) => void): Promise<ClosableRunner> {
  const cdp = await browser.newBrowserCDPSession();
  const before = await rendererPids(cdp);
  const context: BrowserContext = await browser.newContext();
  const page: Page = await context.newPage();
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log(`page ${message.type()}: ${message.text().slice(0, 300)}`);
  });
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => 'bench' in globalThis);
  const call = <T>(op: keyof Bench, arg?: unknown): Promise<T> =>
    page.evaluate(([o, a]) => (globalThis as unknown as { bench: Record<string, (x: unknown) => Promise<unknown>> }).bench[o as string](a), [op, arg] as const) as Promise<T>;
  // The page's renderer: the process that appeared with it and did its first run (a spare
  // renderer Chromium keeps ready has no CPU time). Runners open one at a time, so this is unambiguous.
  let pid: number | undefined;
  const findRenderer = async (): Promise<void> => {
    if (pid !== undefined) return;
    const after = await rendererPids(cdp);
    pid = [...after].filter(([id]) => !before.has(id) && !claimed.has(id)).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (pid !== undefined) claimed.add(pid);
  };
  return {
    setup: (method) => call('setup', method),
    async time(request) {
      const result = await call<Awaited<ReturnType<MethodRunner['time']>>>('time', request);
      await findRenderer();
      return result;
    },
    quality: (request) => call('quality', request),
    async memory(): Promise<MemoryReport> {
      const report = await call<MemoryReport>('memory');
      await findRenderer();
      return { ...report, peakRssBytes: pid === undefined ? null : peakRss(pid) };
    },
    async close() {
      await context.close();
      await cdp.detach();
    },
  };
}

export function openNodeRunner(log: (line: string) => void): ClosableRunner {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const child: ChildProcessWithoutNullStreams = spawn(tsx, [join(ROOT, 'bench/node-runner.ts')], { cwd: ROOT, stdio: 'pipe' });
  const pending = new Map<number, { ok: (value: unknown) => void; fail: (error: Error) => void }>();
  let nextId = 1;
  let exited: Error | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{"id"')) return log(`node runner: ${line}`);
    const { id, result, error } = JSON.parse(line) as { id: number; result?: unknown; error?: string };
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter?.fail(new Error(error));
    else waiter?.ok(result);
  });
  createInterface({ input: child.stderr }).on('line', (line) => log(`node runner: ${line}`));
  child.on('exit', (code) => {
    exited = new Error(`node runner exited with ${code}`);
    for (const waiter of pending.values()) waiter.fail(exited);
    pending.clear();
  });
  const call = <T>(op: keyof Bench, arg?: unknown): Promise<T> =>
    new Promise<T>((ok, fail) => {
      if (exited) return fail(exited);
      const id = nextId++;
      pending.set(id, { ok: ok as (value: unknown) => void, fail });
      child.stdin.write(`${JSON.stringify({ id, op, arg })}\n`);
    });
  return {
    setup: (method) => call('setup', method),
    time: (request) => call('time', request),
    quality: (request) => call('quality', request),
    memory: () => call('memory'),
    async close() {
      child.stdin.end();
      if (!exited) await new Promise((ok) => child.once('exit', ok));
    },
  };
}

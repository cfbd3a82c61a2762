import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFailure } from '../core/errors';
import { decodeFailure, fetchImageBlob, refererHook } from './image-io';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends `chunks` bytes, one every `everyMs`, then ends, or, with `stallAfter`, stops sending after that many. */
async function trickle(res: ServerResponse, { chunks, everyMs, stallAfter }: { chunks: number; everyMs: number; stallAfter?: number }): Promise<void> {
  res.writeHead(200, { 'content-type': 'image/png' });
  for (let i = 0; i < chunks; i++) {
    if (i === stallAfter) return;
    res.write(Buffer.alloc(10, i));
    await wait(everyMs);
  }
  res.end();
}

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/slow') void trickle(res, { chunks: 15, everyMs: 100 });
    else if (req.url === '/stalls') void trickle(res, { chunks: 6, everyMs: 50, stallAfter: 2 });
    else if (req.url === '/refused') res.writeHead(403).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('fetchImageBlob', () => {
  it('goes on with a download that keeps sending, however long it takes in all', async () => {
    // 15 chunks 100 ms apart: 1.5 s in all, never 1 s without a byte (wide margins: timers on two busy cores run late).
    const blob = await fetchImageBlob(`${origin}/slow`, { stallMs: 1000 });
    expect(blob.size).toBe(150);
  });

  it('stops a download that stopped sending, and says so', async () => {
    await expect(fetchImageBlob(`${origin}/stalls`, { stallMs: 1000 })).rejects.toMatchObject({ code: 'fetch-failed', message: expect.stringMatching(/nothing came for 1 s/) });
  });

  it("does not count the wait for the page's Referer (another job's download of the URL holds the turn) as a stall", async () => {
    const withReferer = async <T>(_url: string, _referer: string, request: () => Promise<T>, onTurn?: () => void): Promise<T> => {
      await wait(1500);
      onTurn?.();
      return request();
    };
    const blob = await fetchImageBlob(`${origin}/slow`, { page: { referer: 'https://page.example/', withReferer }, asPage: true, stallMs: 1000 });
    expect(blob.size).toBe(150);
  });

  it("counts a Referer rule the worker could not add as the download's failure", async () => {
    const withReferer = refererHook(
      () => Promise.reject(new Error('the worker restarted')),
      () => Promise.resolve(),
    );
    await expect(fetchImageBlob(`${origin}/refused`, { page: { referer: 'https://page.example/', withReferer } })).rejects.toMatchObject({
      code: 'fetch-failed',
      underlying: expect.stringMatching(/the worker restarted/),
    });
  });
});

describe('refererHook', () => {
  it("keeps the request's answer when the rule cannot be dropped after it", async () => {
    const withReferer = refererHook(
      () => Promise.resolve(7),
      () => Promise.reject(new Error('the worker restarted')),
    );
    await expect(withReferer('https://img.example/a.png', 'https://page.example/', () => Promise.resolve('bytes'))).resolves.toBe('bytes');
  });

  /** The background's rules as a table: what a request for a URL would carry while it runs. */
  function ruleTable() {
    const rules = new Map<number, { url: string; referer: string }>();
    let next = 0;
    const withReferer = refererHook(
      (url, referer) => {
        rules.set(++next, { url, referer });
        return Promise.resolve(next);
      },
      (id) => {
        rules.delete(id);
        return Promise.resolve();
      },
    );
    const referersFor = (url: string) => [...rules.values()].filter((rule) => rule.url === url).map((rule) => rule.referer);
    return { withReferer, referersFor };
  }

  it('lets requests for one URL take turns, so each carries only its own Referer', async () => {
    const { withReferer, referersFor } = ruleTable();
    const url = 'https://img.example/a.png';
    const seen = (referer: string) => withReferer(url, referer, async () => {
      await wait(20);
      return referersFor(url);
    });
    const [first, second] = await Promise.all([seen('https://one.example/'), seen('https://two.example/')]);
    expect(first).toEqual(['https://one.example/']);
    expect(second).toEqual(['https://two.example/']);
    expect(referersFor(url)).toEqual([]);
  });

  it("says when a request's turn comes (the previous one for the URL done), before its rule is added", async () => {
    const { withReferer, referersFor } = ruleTable();
    const url = 'https://img.example/a.png';
    const said: string[] = [];
    let release = () => {};
    const held = withReferer(url, 'https://one.example/', () => new Promise<void>((resolve) => (release = resolve)), () => said.push('first'));
    const second = withReferer(url, 'https://two.example/', () => Promise.resolve(), () => said.push(`second, rules: ${referersFor(url).length}`));
    await wait(20);
    expect(said).toEqual(['first']);
    release();
    await Promise.all([held, second]);
    expect(said).toEqual(['first', 'second, rules: 0']);
  });

  it('does not hold up other URLs, and a failed request hands the turn on', async () => {
    const { withReferer, referersFor } = ruleTable();
    const url = 'https://img.example/a.png';
    let release = () => {};
    const held = withReferer(url, 'https://one.example/', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(withReferer('https://img.example/b.png', 'https://two.example/', () => Promise.resolve('other'))).resolves.toBe('other');
    release();
    await held;
    await expect(withReferer(url, 'https://one.example/', () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(withReferer(url, 'https://two.example/', () => Promise.resolve(referersFor(url)))).resolves.toEqual(['https://two.example/']);
  });
});

describe('decodeFailure', () => {
  it("names a bitmap Chromium could not allocate for memory, not for the file", () => {
    expect(toFailure(decodeFailure(new DOMException('The ImageBitmap could not be allocated.', 'InvalidStateError'), 'image/png')).code).toBe('out-of-memory');
  });

  it('names a file the browser could not decode as not an image, with its type', () => {
    const failure = toFailure(decodeFailure(new DOMException('The source image could not be decoded.', 'InvalidStateError'), 'image/webp'));
    expect(failure).toEqual({ code: 'not-an-image', message: 'Enhance could not read this file as an image. (image/webp)' });
    expect(decodeFailure(new DOMException('The source image could not be decoded.', 'InvalidStateError'), '').message).toContain('(unknown type)');
  });
});

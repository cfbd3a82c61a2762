/**
 * The fixture site for the end-to-end tests: benchmark LR images shown at their HR size, plus the
 * awkward cases (cross-origin, transparent, <picture>, srcset, broken, non-image, SVG, empty, huge).
 * Built into a temporary folder from ../shared/data at test time.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { cropTo } from '../../src/core/metrics';
import { readPng, writePng } from '../../src/node/png';
import { launchWithExtension, serveFolder, tabIdOf, type ExtensionBrowser, type LaunchOptions, type Route } from './harness';
import { imagesSettled, watchPageProblems } from './page-helpers';

export const BENCH = join(import.meta.dirname, '../../../shared/data/bench');

export interface GoodImage {
  id: string;
  scale: number;
  /** The HR original, for scoring. */
  hr: string;
  /** Served path of the LR image. */
  lr: string;
}

export const GOOD: GoodImage[] = [
  ...['baby', 'bird', 'butterfly', 'head', 'woman'].map((name) => ({
    id: name,
    scale: 4,
    hr: join(BENCH, `Set5/HR/${name}.png`),
    lr: `lr/${name}x4.png`,
  })),
  // 360x288 at x2: more than one 256-pixel tile, so the seams are blended for real.
  { id: 'barbara', scale: 2, hr: join(BENCH, 'Set14/HR/barbara.png'), lr: 'lr/barbarax2.png' },
];

/** An LR image with a transparent disc cut out of it, and its mask. */
function transparentLogo(out: string): void {
  const image = readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png'));
  const cx = image.width / 2;
  const cy = image.height / 2;
  const r = image.width / 4;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r) image.data[(y * image.width + x) * 4 + 3] = 0;
    }
  }
  writePng(out, image);
}

function hugePng(out: string, width: number, height: number): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) {
    const p = i / 4;
    png.data[i] = p % 251;
    png.data[i + 1] = (p >> 8) % 253;
    png.data[i + 2] = 128;
    png.data[i + 3] = 255;
  }
  writeFileSync(out, PNG.sync.write(png));
}

/** A PNG signature and an IHDR chunk that declares a 0x0 image. */
function emptyPng(out: string): void {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr[16] = 8;
  ihdr[17] = 6;
  writeFileSync(out, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]));
}

export function buildFixtureSite(dir: string, secondOrigin: string): void {
  mkdirSync(join(dir, 'lr'), { recursive: true });
  for (const name of ['baby', 'bird', 'butterfly', 'head', 'woman']) {
    writeFileSync(join(dir, `lr/${name}x4.png`), readFileSync(join(BENCH, `Set5/LR_bicubic/X4/${name}x4.png`)));
  }
  writeFileSync(join(dir, 'lr/barbarax2.png'), readFileSync(join(BENCH, 'Set14/LR_bicubic/X2/barbarax2.png')));
  transparentLogo(join(dir, 'logo-alpha.png'));
  // Woman from Set5 (x4 LR), stored sideways with EXIF orientation 6: it displays upright.
  writeFileSync(join(dir, 'exif-orientation-6.jpg'), readFileSync(join(import.meta.dirname, 'files/exif-orientation-6.jpg')));
  writePng(join(dir, 'lr/small.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X4/birdx4.png')), 24, 24));
  // Another picture of the head's size, for a URL that gives a different one on every download.
  const head = readPng(join(dir, 'lr/headx4.png'));
  writePng(join(dir, 'lr/not-the-head.png'), cropTo(readPng(join(dir, 'lr/babyx4.png')), head.width, head.height));
  // What a host sends other sites' requests in place of its files: a "no hotlinking" banner.
  writePng(join(dir, 'placeholder.png'), cropTo(readPng(join(dir, 'lr/babyx4.png')), 120, 40));
  // An animated "no hotlinking" banner, 88 x 31 (made by PIL).
  writeFileSync(join(dir, 'banner.gif'), readFileSync(join(import.meta.dirname, 'files/banner.gif')));
  hugePng(join(dir, 'huge.png'), 2100, 2000);
  emptyPng(join(dir, 'empty.png'));
  writeFileSync(join(dir, 'not-an-image.png'), 'this is text, not pixels\n');
  writeFileSync(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="teal"/></svg>');
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>
<html><head><meta charset="utf-8"><title>Enhance fixtures</title>
<style>body { margin: 8px; font: 14px sans-serif; } img { display: block; margin: 4px; background: #eee; }</style></head>
<body>
<h1>Low-resolution images shown large</h1>
<img id="baby" src="lr/babyx4.png" width="512" height="512" alt="baby">
<img id="bird" src="lr/birdx4.png" style="width: 288px; height: 288px" alt="bird">
<picture id="butterfly-picture"><source srcset="lr/butterflyx4.png" type="image/png"><img id="butterfly" src="lr/butterflyx4.png" style="width: 256px" alt="butterfly"></picture>
<img id="head" srcset="lr/headx4.png 1x" sizes="280px" src="lr/headx4.png" style="width: 280px" alt="head">
<img id="woman" src="${secondOrigin}/lr/womanx4.png" style="width: 228px" alt="woman (second origin)">
<img id="barbara" src="lr/barbarax2.png" style="width: 720px" alt="barbara">
<img id="small" src="lr/small.png" style="width: 96px" alt="small crop, for the WebGPU check">
<img id="exif" src="exif-orientation-6.jpg" style="width: 114px" alt="JPEG with EXIF orientation">
<img id="logo" src="logo-alpha.png" style="width: 288px" alt="transparent logo">
<img id="broken" src="missing.png" width="64" height="64" alt="broken">
<img id="text" src="not-an-image.png" width="64" height="64" alt="not an image">
<img id="svg" src="logo.svg" width="120" height="120" alt="svg">
<img id="empty" src="empty.png" width="64" height="64" alt="empty">
<img id="huge" src="huge.png" width="210" height="200" alt="huge">
</body></html>
`,
  );
}

export interface FixtureSite {
  dir: string;
  origin: string;
  /** The same folder on a second origin (localhost), for cross-origin images. */
  secondOrigin: string;
  /** The engine's requests under /slow/, as they came. */
  arrivals: Arrival[];
  /** Paths under /expiring/ whose link has expired. */
  expired: Set<string>;
  close(): Promise<void>;
}

export interface Arrival {
  /** Path and query. */
  path: string;
  /** Date.now() on arrival. */
  at: number;
  /** Date.now() when the answer went out; undefined until then. */
  answeredAt?: number;
}

/** The fixture site, built into a temporary folder and served on two local origins. */
export async function serveFixtureSite(): Promise<FixtureSite> {
  const dir = mkdtempSync(join(tmpdir(), 'enhance-site-'));
  let pagesOrigin = '';
  // Hotlink protection, as image hosts do it: /guarded/<file> only for requests from the first origin's pages.
  const guarded: Route = (url, headers) =>
    headers.referer?.startsWith(`${pagesOrigin}/`)
      ? { type: 'image/png', body: readFileSync(join(dir, url.pathname.slice('/guarded/'.length))) }
      : { type: 'text/plain', body: 'hotlinking not allowed', status: 403 };
  const file = (path: string) => ({ type: 'image/png', body: readFileSync(join(dir, path)) });
  // The same with a placeholder, not a refusal, for other requests; and a host that sends its file to <img> requests alone.
  const placeholderGuarded: Route = (url, headers) => file(headers.referer?.startsWith(`${pagesOrigin}/`) ? url.pathname.slice('/placeholder-guarded/'.length) : 'placeholder.png');
  // Hosts whose placeholder is no still picture: an animated banner, or nothing at all (200 OK, no body).
  const bannerGuarded: Route = (url, headers) =>
    headers.referer?.startsWith(`${pagesOrigin}/`) ? file(url.pathname.slice('/banner-guarded/'.length)) : { type: 'image/gif', body: readFileSync(join(dir, 'banner.gif')) };
  // And a host whose placeholder is over Enhance's size limits (2100 x 2000 pixels): another shape all the same.
  const hugeGuarded: Route = (url, headers) => file(headers.referer?.startsWith(`${pagesOrigin}/`) ? url.pathname.slice('/huge-guarded/'.length) : 'huge.png');
  const emptyGuarded: Route = (url, headers) => (headers.referer?.startsWith(`${pagesOrigin}/`) ? file(url.pathname.slice('/empty-guarded/'.length)) : { type: 'image/png', body: Buffer.alloc(0) });
  const placeholderAlways: Route = (url, headers) => file(headers['sec-fetch-dest'] === 'image' ? url.pathname.slice('/placeholder-always/'.length) : 'placeholder.png');
  // A sign-in page (200 OK, HTML) for requests from elsewhere, as hosts of private or hotlink-guarded files answer.
  const signIn = { type: 'text/html; charset=utf-8', body: '<!doctype html><title>Sign in</title><form><input name="user"></form>' };
  const pageGuarded: Route = (url, headers) => (headers.referer?.startsWith(`${pagesOrigin}/`) ? file(url.pathname.slice('/page-guarded/'.length)) : signIn);
  // A misconfigured host that labels its images as HTML: browsers go by the bytes.
  const mislabelled: Route = (url) => ({ type: 'text/html', body: readFileSync(join(dir, url.pathname.slice('/mislabelled/'.length))) });
  // Files the first origin's pages may read (CORS for that origin alone): pixels a page may read that Enhance, refused by CORS, may not download.
  const sharedWithPages: Route = (url, headers) => {
    const path = url.pathname.slice('/shared-with-pages/'.length);
    const cors = headers.origin === pagesOrigin ? { 'access-control-allow-origin': pagesOrigin } : undefined;
    return { type: path.endsWith('.gif') ? 'image/gif' : 'image/png', body: readFileSync(join(dir, path)), headers: cors };
  };
  const second = await serveFolder(dir, 'localhost', { '/shared-with-pages/*': sharedWithPages, '/banner-guarded/*': bannerGuarded, '/huge-guarded/*': hugeGuarded, '/empty-guarded/*': emptyGuarded, '/guarded/*': guarded, '/placeholder-guarded/*': placeholderGuarded, '/placeholder-always/*': placeholderAlways, '/page-guarded/*': pageGuarded, '/mislabelled/*': mislabelled });
  buildFixtureSite(dir, second.origin);
  // Responses with no end: a camera's live picture (Motion JPEG, 10 frames a second), and a file
  // that never stops coming to the engine (the page's <img> gets the photo, so the page stays calm).
  const frame = readFileSync(join(dir, 'exif-orientation-6.jpg'));
  const multipart = Buffer.concat([Buffer.from('--frame\r\nContent-Type: image/jpeg\r\n\r\n'), frame, Buffer.from('\r\n')]);
  const camera: Route = () => ({ type: 'multipart/x-mixed-replace; boundary=frame', body: multipart, repeatEveryMs: 100 });
  const endless: Route = (_, headers) =>
    headers['sec-fetch-dest'] === 'image' ? { type: 'image/jpeg', body: frame } : { type: 'image/jpeg', body: Buffer.alloc(1 << 20, 0xff), repeatEveryMs: 0 };
  // A URL that gives another picture on every download (a random avatar, a webcam's still): here
  // the page's <img> gets the head, any other request a picture of the same size that is not it.
  const changing: Route = (_, headers) => ({ type: 'image/png', body: readFileSync(join(dir, headers['sec-fetch-dest'] === 'image' ? 'lr/headx4.png' : 'lr/not-the-head.png')) });
  // A slow server for the engine, `?ms=` late, or held `?until=` the engine asks for another path
  // (a minute at most), that notes when each of the engine's requests came and was answered.
  const arrivals: Arrival[] = [];
  const slow: Route = (url, headers) => {
    const body = readFileSync(join(dir, url.pathname.slice('/slow/'.length)));
    if (headers['sec-fetch-dest'] === 'image') return { type: 'image/png', body };
    const arrival: Arrival = { path: `${url.pathname}${url.search}`, at: Date.now() };
    arrivals.push(arrival);
    const until = url.searchParams.get('until');
    const heldUntil = (until === null ? Promise.resolve() : firstArrival(until)).then(() => {
      arrival.answeredAt = Date.now();
    });
    return { type: 'image/png', body, delayMs: Number(url.searchParams.get('ms')), heldUntil };
  };
  const firstArrival = async (pathname: string) => {
    for (let waited = 0; waited < 60_000 && !arrivals.some(({ path }) => path.split('?')[0] === pathname); waited += 50) await new Promise((ok) => setTimeout(ok, 50));
  };
  // A server that sends its images to <img> requests alone (a check of Sec-Fetch-Dest, or of cookies the engine cannot carry).
  const imgOnly: Route = (url, headers) =>
    headers['sec-fetch-dest'] === 'image'
      ? { type: url.pathname.endsWith('.gif') ? 'image/gif' : 'image/png', body: readFileSync(join(dir, url.pathname.slice('/img-only/'.length))) }
      : { type: 'text/plain', body: 'forbidden', status: 403 };
  // A host that sends its files to <img> requests alone, and its sign-in page (200 OK) to any other.
  const signInElse: Route = (url, headers) => (headers['sec-fetch-dest'] === 'image' ? file(url.pathname.slice('/sign-in/'.length)) : signIn);
  // Signed links (never from a cache) that stop working once the test says so: refused from then
  // on. With `?img-only`, refused to the engine from the start.
  const expired = new Set<string>();
  const expiring: Route = (url, headers) =>
    expired.has(url.pathname) || (url.searchParams.has('img-only') && headers['sec-fetch-dest'] !== 'image')
      ? { type: 'text/plain', body: 'link expired', status: 403 }
      : { type: 'image/png', body: readFileSync(join(dir, url.pathname.slice('/expiring/'.length))), headers: { 'cache-control': 'no-store' } };
  const site = await serveFolder(dir, '127.0.0.1', { '/camera.mjpg': camera, '/endless.jpg': endless, '/changing.png': changing, '/slow/*': slow, '/img-only/*': imgOnly, '/sign-in/*': signInElse, '/expiring/*': expiring });
  pagesOrigin = site.origin;
  return {
    dir,
    origin: site.origin,
    secondOrigin: second.origin,
    arrivals,
    expired,
    close: async () => {
      await site.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface FixtureSession {
  dir: string;
  origin: string;
  secondOrigin: string;
  arrivals: Arrival[];
  expired: Set<string>;
  browser: ExtensionBrowser;
  close(): Promise<void>;
}

/** The fixture site and Chromium with the built extension: each Chromium e2e file's setup. */
export async function openFixtureSite(options: Pick<LaunchOptions, 'webgpu' | 'headless' | 'backForwardCache'> = {}): Promise<FixtureSession> {
  const site = await serveFixtureSite();
  const browser = await launchWithExtension(options);
  return {
    dir: site.dir,
    origin: site.origin,
    secondOrigin: site.secondOrigin,
    arrivals: site.arrivals,
    expired: site.expired,
    browser,
    close: async () => {
      await browser.close();
      await site.close();
    },
  };
}

/** The fixture's index page in a new tab, its images loaded; `problems` collects its errors and Enhance's lines in its console. */
export async function openIndexPage(session: FixtureSession, problems?: string[]): Promise<{ page: Page; tabId: number }> {
  const page = await session.browser.context.newPage();
  if (problems) watchPageProblems(page, problems);
  await page.goto(`${session.origin}/index.html`);
  await imagesSettled(page);
  return { page, tabId: await tabIdOf(session.browser.worker, page) };
}

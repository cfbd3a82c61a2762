import { describe, expect, it } from 'vitest';
import { cachePartitionOf, pageOriginOf, separateCookies, type JobSender } from './job-sender';

const tab = (url: string | undefined, more: Partial<NonNullable<JobSender['tab']>> = {}) => ({ tab: { url, incognito: false, ...more } });

describe('pageOriginOf', () => {
  it("takes the origin the browser names, then the frame's URL (Firefox before 126 sent none)", () => {
    expect(pageOriginOf({ origin: 'https://a.example', url: 'https://a.example/page' })).toBe('https://a.example');
    expect(pageOriginOf({ url: 'https://a.example/page' })).toBe('https://a.example');
  });

  it('has none for a sandboxed frame (origin "null"), a local file or no sender', () => {
    expect(pageOriginOf({ origin: 'null', url: 'https://a.example/frame' })).toBeUndefined();
    expect(pageOriginOf({ origin: 'file://', url: 'file:///home/me/page.html' })).toBeUndefined();
    expect(pageOriginOf(undefined)).toBeUndefined();
  });
});

describe('cachePartitionOf', () => {
  const on = (site: string, frame: JobSender) => cachePartitionOf({ ...frame, ...tab(site) });
  const tracker = { origin: 'https://tracker.example', url: 'https://tracker.example/frame' };

  it("gives a page its own part, apart from another site's", () => {
    const a = on('https://a.example/', { origin: 'https://a.example', url: 'https://a.example/' });
    const b = on('https://b.example/', { origin: 'https://b.example', url: 'https://b.example/' });
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(a).not.toBe(b);
  });

  it('gives a frame embedded on two sites a part on each', () => {
    expect(on('https://a.example/', tracker)).not.toBe(on('https://b.example/', tracker));
    expect(on('https://a.example/news', tracker)).toBe(on('https://a.example/', tracker));
  });

  it('keeps Firefox containers apart', () => {
    const page = { origin: 'https://a.example', url: 'https://a.example/' };
    const work = cachePartitionOf({ ...page, ...tab('https://a.example/', { cookieStoreId: 'firefox-container-1' }) });
    const main = cachePartitionOf({ ...page, ...tab('https://a.example/', { cookieStoreId: 'firefox-default' }) });
    expect(work).toBeDefined();
    expect(work).not.toBe(main);
  });

  it("gives local files one part, whatever origin the browser names for them (Chrome's file://, Firefox's null)", () => {
    const chrome = cachePartitionOf({ origin: 'file://', url: 'file:///home/me/a.html', ...tab('file:///home/me/a.html') });
    const firefox = cachePartitionOf({ origin: 'null', url: 'file:///home/me/b.html', ...tab('file:///home/me/b.html') });
    expect(chrome).toBeDefined();
    expect(firefox).toBe(chrome);
  });

  it('keeps out a private window, a sandboxed frame and a tab of no origin', () => {
    expect(cachePartitionOf({ ...tracker, tab: { url: 'https://a.example/', incognito: true } })).toBeUndefined();
    expect(on('https://a.example/', { origin: 'null', url: 'https://a.example/sandboxed' })).toBeUndefined();
    expect(on('about:blank', tracker)).toBeUndefined();
    expect(cachePartitionOf({ ...tracker, ...tab(undefined) })).toBeUndefined();
  });
});

describe('separateCookies', () => {
  const top = (more: Partial<NonNullable<JobSender['tab']>> = {}): JobSender => ({ origin: 'https://a.example', frameId: 0, ...tab('https://a.example/', more) });

  it("is on for a private window and a Firefox container, off for the main store and Chrome's tabs", () => {
    expect(separateCookies(top({ incognito: true }))).toBe(true);
    expect(separateCookies(top({ cookieStoreId: 'firefox-container-2' }))).toBe(true);
    expect(separateCookies(top({ cookieStoreId: 'firefox-default' }))).toBe(false);
    expect(separateCookies(top())).toBe(false);
    expect(separateCookies(undefined)).toBe(true);
  });

  it("is on for a frame another site embeds, whose own cookies there are partitioned or blocked: the main ones would tie the user's account to that site", () => {
    const embedded = { origin: 'https://b.example', url: 'https://b.example/embed', frameId: 3, ...tab('https://a.example/') };
    expect(separateCookies(embedded)).toBe(true);
    // A frame of the tab's own origin, or the top frame of a tab whose URL is not known (withheld), is the page's own.
    expect(separateCookies({ origin: 'https://a.example', url: 'https://a.example/comments', frameId: 3, ...tab('https://a.example/post') })).toBe(false);
    expect(separateCookies({ origin: 'https://a.example', frameId: 0, ...tab(undefined) })).toBe(false);
    expect(separateCookies({ origin: 'https://b.example', frameId: 3, ...tab(undefined) })).toBe(true);
  });
});

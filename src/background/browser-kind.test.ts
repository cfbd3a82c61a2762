import { beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The sites the user allowed, as the browser's own match patterns, and which browser it is. Each
 * browser's rules, as its documentation gives them: Chrome's patterns may name a port, and one
 * without matches every port; Firefox's may not name one (an invalid pattern) and match every port.
 */
const world = vi.hoisted(() => ({ granted: [] as string[], firefox: false }));

vi.mock('webextension-polyfill', () => {
  const parse = (pattern: string) => {
    const match = /^(https?):\/\/([^/:]+)(?::(\d+))?\/\*$/.exec(pattern);
    if (!match) throw new Error(`Invalid pattern: ${pattern}`);
    return { scheme: match[1], host: match[2], port: match[3] };
  };
  const covers = (grant: string, asked: string) => {
    const [g, a] = [parse(grant), parse(asked)];
    return g.scheme === a.scheme && g.host === a.host && (g.port === undefined || g.port === a.port);
  };
  return {
    default: {
      runtime: { get getBrowserInfo() { return world.firefox ? async () => ({ name: 'Firefox' }) : undefined; } },
      permissions: {
        contains: async ({ origins }: { origins: string[] }) => {
          if (world.firefox && origins.some((pattern) => parse(pattern).port !== undefined)) throw new Error('Invalid host permission');
          return origins.every((asked) => world.granted.some((grant) => covers(grant, asked)));
        },
      },
    },
  };
});
const { maySiteBeRead } = await import('./browser-kind');

describe('maySiteBeRead, for a user who allows Enhance on some sites only', () => {
  beforeEach(() => {
    world.granted = [];
    world.firefox = false;
  });

  it("in Chrome, reads a site allowed on its port alone (a dev server's localhost:3000)", async () => {
    world.granted = ['http://localhost:3000/*'];
    expect(await maySiteBeRead('http://localhost:3000/photo.png')).toBe(true);
    expect(await maySiteBeRead('http://localhost:8080/photo.png')).toBe(false);
  });

  it('in Chrome, reads an allowed host on any port, and no other host', async () => {
    world.granted = ['https://example.com/*'];
    expect(await maySiteBeRead('https://example.com/photo.png')).toBe(true);
    expect(await maySiteBeRead('https://example.com:8443/photo.png')).toBe(true);
    expect(await maySiteBeRead('https://cdn.example.net/photo.png')).toBe(false);
  });

  it('in Firefox, whose patterns name no port, reads an allowed host on any port', async () => {
    world.firefox = true;
    world.granted = ['http://localhost/*'];
    expect(await maySiteBeRead('http://localhost:3000/photo.png')).toBe(true);
    expect(await maySiteBeRead('http://example.org/photo.png')).toBe(false);
  });

  it('has nothing to ask for pages that are not on the web', async () => {
    expect(await maySiteBeRead('data:image/png;base64,AAAA')).toBe(true);
  });
});

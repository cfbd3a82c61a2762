import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** What the tab's frame answers (undefined: it stayed silent; an Error: it cannot be reached), and the engine page's state. */
const world = vi.hoisted(() => ({
  answer: undefined as unknown,
  readableSites: new Set<string>(),
  badge: [] as string[],
  enginePage: false,
  incognito: true,
  /** Whether Chrome's runtime.lastError was read. */
  portErrorRead: false,
  engineAnswer: (): Promise<unknown> => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')),
}));
vi.mock('webextension-polyfill', () => ({
  default: {
    tabs: {
      get: async (tabId: number) => ({ id: tabId, incognito: world.incognito, url: 'https://example.com/' }),
      // A frame gone before the port reached it: Chrome closes the port at once, with lastError set.
      connect: () => {
        let onDisconnect = (_port: unknown) => {};
        const port = {
          onMessage: { addListener: () => undefined },
          onDisconnect: { addListener: (listener: (port: unknown) => void) => (onDisconnect = listener) },
          postMessage: () => setTimeout(() => onDisconnect(port)),
          disconnect: () => undefined,
        };
        return port;
      },
      sendMessage: async () => {
        if (world.answer instanceof Error) throw world.answer;
        return world.answer;
      },
    },
    scripting: { executeScript: async () => Promise.reject(new Error('Cannot access contents of the page. Extension manifest must request permission to access the respective host.')) },
    runtime: { sendMessage: () => world.engineAnswer(), getManifest: () => ({}) },
  },
}));
vi.mock('./offscreen-document', () => ({
  ensureOffscreenDocument: vi.fn(),
  offscreenDocumentExists: async () => world.enginePage,
  closeOffscreenDocument: vi.fn(),
}));
vi.mock('./browser-kind', () => ({
  inFirefox: () => false,
  fileAccess: async () => 'off',
  siteWithheld: async () => false,
  maySiteBeRead: async (url: string) => world.readableSites.has(new URL(url).hostname),
}));
vi.mock('./badge', () => ({ showFailure: async (_tabId: number, text: string) => void world.badge.push(text) }));
vi.mock('../shared/settings-store', () => ({ loadSettings: async () => ({}) }));
vi.mock('./tab-counts-store', () => ({ tabCounts: async () => ({ enhanced: 0, queued: 0, failed: 0 }), allTabsCounts: async () => ({ enhanced: 0, queued: 0, failed: 0 }) }));
vi.mock('../shared/log', () => ({ logError: vi.fn() }));

const { restore, saveEnhanced, status, upscale } = await import('./enhance-api');

beforeEach(() => {
  world.answer = undefined;
  world.incognito = true;
  world.portErrorRead = false;
  world.enginePage = false;
  world.readableSites = new Set(['example.com']);
  world.badge = [];
});

describe('a frame where the image shows its original again stays silent', () => {
  it("Save in Chrome's private window says it was not saved (it threw on the silence)", async () => {
    await expect(saveEnhanced(1, 'blob:https://example.com/gone', 0)).resolves.toBe(false);
    world.answer = { saved: true };
    await expect(saveEnhanced(1, 'blob:https://example.com/shown', 0)).resolves.toBe(true);
  });

  it('Restore says it put back none', async () => {
    await expect(restore(1, 'https://example.com/a.png')).resolves.toEqual({ restored: 0 });
    world.answer = { restored: 2 };
    await expect(restore(1, 'https://example.com/a.png')).resolves.toEqual({ restored: 2 });
  });
});

describe('Save from a frame that is gone', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("Save from a frame gone before the port reached it says why, and reads Chrome's lastError (unread, Chrome logs it as unchecked)", async () => {
    world.incognito = false;
    vi.stubGlobal('chrome', {
      runtime: {
        get lastError() {
          world.portErrorRead = true;
          return { message: 'Could not establish connection. Receiving end does not exist.' };
        },
      },
    });
    await expect(saveEnhanced(1, 'blob:https://example.com/shown', 3)).rejects.toThrow('the frame that showed it is gone (reloaded or closed)');
    expect(world.portErrorRead).toBe(true);
  });
});

describe('status', () => {
  it('reads an engine page that exists but does not answer yet (starting, or closing) as none running', async () => {
    world.enginePage = true;
    await expect(status(1)).resolves.toMatchObject({ offscreen: false, engine: null, inferences: 0 });
  });
});

describe('Enhance on an image in a frame whose script cannot be reached', () => {
  const unreachable = new Error('Could not establish connection. Receiving end does not exist.');

  it("names the frame's site when Enhance may not read it (site access for some sites only), on the badge", async () => {
    world.answer = unreachable;
    const outcome = await upscale(1, 'https://gallery.example/a.png', 2, 7, 'https://gallery.example/embed');
    expect(outcome.failure?.code).toBe('frame-site-withheld');
    expect(world.badge).toEqual([`${outcome.failure?.message}`]);
    expect(outcome.failure?.message).toMatch(/\(gallery\.example\)$/);
  });

  it("says the image is gone when the frame's site may be read (the frame went since the right-click)", async () => {
    world.answer = unreachable;
    world.readableSites.add('gallery.example');
    expect((await upscale(1, 'https://gallery.example/a.png', 2, 7, 'https://gallery.example/embed')).failure?.code).toBe('image-gone');
  });
});

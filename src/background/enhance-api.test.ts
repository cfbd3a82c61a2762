import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What the tab's frame answers (undefined: it stayed silent), and the engine page's state. */
const world = vi.hoisted(() => ({
  answer: undefined as unknown,
  enginePage: false,
  engineAnswer: (): Promise<unknown> => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')),
}));
vi.mock('webextension-polyfill', () => ({
  default: {
    tabs: {
      get: async (tabId: number) => ({ id: tabId, incognito: true, url: 'https://example.com/' }),
      sendMessage: async () => world.answer,
    },
    runtime: { sendMessage: () => world.engineAnswer(), getManifest: () => ({}) },
  },
}));
vi.mock('./offscreen-document', () => ({
  ensureOffscreenDocument: vi.fn(),
  offscreenDocumentExists: async () => world.enginePage,
  closeOffscreenDocument: vi.fn(),
}));
vi.mock('./browser-kind', () => ({ inFirefox: () => false, fileAccess: vi.fn(), siteWithheld: vi.fn() }));
vi.mock('./tab-counts-store', () => ({ tabCounts: async () => ({ enhanced: 0, queued: 0, failed: 0 }), allTabsCounts: async () => ({ enhanced: 0, queued: 0, failed: 0 }) }));
vi.mock('../shared/log', () => ({ logError: vi.fn() }));

const { restore, saveEnhanced, status } = await import('./enhance-api');

beforeEach(() => {
  world.answer = undefined;
  world.enginePage = false;
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

describe('status', () => {
  it('reads an engine page that exists but does not answer yet (starting, or closing) as none running', async () => {
    world.enginePage = true;
    await expect(status(1)).resolves.toMatchObject({ offscreen: false, engine: null, inferences: 0 });
  });
});

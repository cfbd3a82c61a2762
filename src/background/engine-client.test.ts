import { expect, it, vi } from 'vitest';

/** What the worker sent the engine, in order, and the settings as saved now. */
const world = vi.hoisted(() => ({ sent: [] as Array<Record<string, unknown>>, savedLimit: 0, storageRefuses: false }));
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      sendMessage: async (message: Record<string, unknown>) => {
        world.sent.push(message);
        if (message.type !== 'trim-cache' && message.type !== 'cache-usage') return undefined;
        return world.storageRefuses ? null : { entries: 0, bytes: 0 };
      },
    },
  },
}));
vi.mock('./offscreen-document', () => ({ ensureOffscreenDocument: async () => undefined, offscreenDocumentExists: async () => true, closeOffscreenDocument: async () => undefined }));
vi.mock('../shared/settings-store', () => ({ loadSettings: async () => ({ engineIdleMinutes: 5, allowWebGPU: true, cacheLimitBytes: world.savedLimit }) }));

const { closeEngineForUpdate, engineCacheUsage, ensureEngine, trimEngineCache } = await import('./engine-client');

it('follows a trim with the settings as saved now: a raise saved while the trim started the engine binds, not the older limit', async () => {
  // The user saved 0 (this trim), then 100 MB again before the engine was up to hear it.
  world.savedLimit = 100_000_000;
  expect(await trimEngineCache(0)).toEqual({ entries: 0, bytes: 0 });
  expect(world.sent.map(({ type, limitBytes, cacheLimitBytes }) => ({ type, limit: limitBytes ?? cacheLimitBytes }))).toEqual([
    { type: 'trim-cache', limit: 0 },
    { type: 'engine-settings', limit: 100_000_000 },
  ]);
});

it("rejects a trim or a reading of the figures the browser's storage refused: the options page says so, rather than show figures of nothing", async () => {
  world.storageRefuses = true;
  await expect(trimEngineCache(0)).rejects.toThrow("the browser's storage could not be read, or refused the change");
  await expect(engineCacheUsage()).rejects.toThrow("the browser's storage could not be read");
  world.storageRefuses = false;
  await expect(engineCacheUsage()).resolves.toEqual({ entries: 0, bytes: 0 });
});

it('starts no engine once an update hands the pages back: a result then would be left behind by the reload', async () => {
  await expect(ensureEngine()).resolves.toBeUndefined();
  await closeEngineForUpdate();
  await expect(ensureEngine()).rejects.toThrow('Enhance is updating');
});

import { beforeEach, describe, expect, it, vi } from 'vitest';

/** A browser with session storage, a badge, and the tab events' listeners kept to fire by hand. */
const fake = vi.hoisted(() => ({
  session: new Map<string, unknown>(),
  listeners: {} as Record<string, (...args: never[]) => void>,
  asked: [] as number[],
  badges: new Map<number, string>(),
  /** The document each tab's top frame holds now; a tab missing here refuses scripts. */
  topDocuments: new Map<number, string>(),
  /** Tabs whose page never runs a script (busy, or hung). */
  hung: new Set<number>(),
  /** The URL each tab shows. */
  urls: new Map<number, string>(),
}));
vi.mock('webextension-polyfill', () => {
  const event = (name: string) => ({ addListener: (listener: (...args: never[]) => void) => (fake.listeners[name] = listener) });
  return {
    default: {
      runtime: { getManifest: () => ({ action: { default_title: 'Enhance' } }) },
      action: {
        setBadgeText: async ({ tabId, text }: { tabId: number; text: string }) => void fake.badges.set(tabId, text),
        getBadgeText: async ({ tabId }: { tabId: number }) => fake.badges.get(tabId) ?? '',
        setTitle: async () => undefined,
      },
      storage: {
        session: {
          get: async (key: string | null) =>
            key === null ? Object.fromEntries(fake.session) : fake.session.has(key) ? { [key]: fake.session.get(key) } : {},
          set: async (items: Record<string, unknown>) => Object.entries(items).forEach(([key, value]) => fake.session.set(key, value)),
          remove: async (key: string) => void fake.session.delete(key),
        },
      },
      scripting: {
        executeScript: async ({ target }: { target: { tabId: number } }) => {
          if (fake.hung.has(target.tabId)) return new Promise(() => undefined);
          const documentId = fake.topDocuments.get(target.tabId);
          if (documentId === undefined) throw new Error('Cannot access contents of the page');
          return [{ frameId: 0, documentId, result: true }];
        },
      },
      tabs: {
        onRemoved: event('removed'),
        onReplaced: event('replaced'),
        onUpdated: event('updated'),
        sendMessage: async (tabId: number) => void fake.asked.push(tabId),
        get: async (tabId: number) => ({ id: tabId, url: fake.urls.get(tabId) }),
      },
    },
  };
});

const { followTabs } = await import('./tab-life');
const { allTabsCounts, recordFrameCounts, tabCounts } = await import('./tab-counts-store');

const counted = (tabId: number, enhanced: number) =>
  recordFrameCounts(tabId, { frameId: 0, documentId: `doc-${tabId}`, tabUrl: `https://site.example/${tabId}`, counts: { enhanced, queued: 0, failed: 0 } });
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

followTabs();

beforeEach(() => {
  fake.session.clear();
  fake.asked.length = 0;
  fake.badges.clear();
  fake.topDocuments.clear();
  fake.hung.clear();
  fake.urls.clear();
});

describe('followTabs', () => {
  it("a tab whose page is slow to say which document it holds holds up no other tab's counts", async () => {
    await counted(1, 3);
    await counted(2, 2);
    vi.useFakeTimers();
    try {
      fake.hung.add(1);
      fake.listeners.updated(1 as never, { status: 'complete' } as never);
      let answered = false;
      void tabCounts(2).then(() => (answered = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(answered).toBe(true);
    } finally {
      // The slow one's second is up: it is forgotten (no document named in time).
      await vi.advanceTimersByTimeAsync(1000);
      vi.useRealTimers();
    }
    expect(await tabCounts(1)).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  });

  it("drops a replaced tab's counts from the totals and asks the tab that took its place to count", async () => {
    await counted(1, 3);
    await counted(2, 2);
    fake.listeners.replaced(5 as never, 1 as never);
    await settled();
    expect(await allTabsCounts()).toEqual({ enhanced: 2, queued: 0, failed: 0 });
    expect(fake.asked).toEqual([5]);
    expect(fake.badges.get(5)).toBe('');
  });

  it("drops a closed tab's counts", async () => {
    await counted(1, 3);
    fake.listeners.removed(1 as never);
    await settled();
    expect(await allTabsCounts()).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  });

  it('recounts a tab that shows another page, and leaves one that stayed on its page alone', async () => {
    await counted(1, 3);
    fake.listeners.updated(1 as never, { url: 'https://site.example/1#part' } as never);
    await settled();
    expect(fake.asked).toEqual([]);
    fake.listeners.updated(1 as never, { url: 'https://site.example/other' } as never);
    await settled();
    expect(fake.asked).toEqual([1]);
    expect(await allTabsCounts()).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  });

  it('takes a failure\'s "!" off a tab that shows another page (a single-page app\'s, whose badge the browser keeps): it was about the page left', async () => {
    const { showFailure } = await import('./badge');
    await counted(4, 0);
    await showFailure(4, 'The frame this image was in is gone.');
    expect(fake.badges.get(4)).toBe('!');
    fake.listeners.updated(4 as never, { url: 'https://site.example/elsewhere' } as never);
    await settled();
    expect(fake.badges.get(4)).toBe('');
  });

  it('takes the "!" off where the page left had reported no counts, but not for an in-page link (the same page)', async () => {
    const { showFailure } = await import('./badge');
    fake.urls.set(5, 'https://app.example/inbox');
    await showFailure(5, 'The Enhance engine is not working right now: try again in a few minutes.');
    // Kept where a fresh worker finds it: Chrome stops an idle one within a minute.
    expect(fake.session.get('badge-failure:5')).toEqual({ over: '', page: 'https://app.example/inbox' });
    fake.listeners.updated(5 as never, { url: 'https://app.example/inbox#message-3' } as never);
    await settled();
    expect(fake.badges.get(5)).toBe('!');
    fake.listeners.updated(5 as never, { url: 'https://app.example/settings' } as never);
    await settled();
    expect(fake.badges.get(5)).toBe('');
  });

  it('keeps the counts when a load completes and the top frame holds the document that reported (only a frame in it loaded)', async () => {
    await counted(1, 3);
    fake.topDocuments.set(1, 'doc-1');
    fake.listeners.updated(1 as never, { status: 'complete' } as never);
    await settled();
    expect(fake.asked).toEqual([]);
    expect(await allTabsCounts()).toEqual({ enhanced: 3, queued: 0, failed: 0 });
  });

  it('forgets and recounts a reloaded tab: a new document in its top frame, or one no script may reach', async () => {
    await counted(1, 3);
    await counted(2, 2);
    fake.topDocuments.set(1, 'doc-1-reloaded');
    fake.listeners.updated(1 as never, { status: 'complete' } as never);
    fake.listeners.updated(2 as never, { status: 'complete' } as never);
    await settled();
    await allTabsCounts();
    expect(fake.asked.sort()).toEqual([1, 2]);
    expect(await allTabsCounts()).toEqual({ enhanced: 0, queued: 0, failed: 0 });
  });
});

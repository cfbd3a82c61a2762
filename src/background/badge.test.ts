import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The toolbar button's state per tab, and storage.session, as the browser would keep them (both outlive a worker). */
const shown = vi.hoisted(() => new Map<number, { text: string; title: string }>());
const session = vi.hoisted(() => new Map<string, unknown>());
/** Tabs closed, and an answer of getBadgeText's held back until the test lets it go (read when asked, as the browser would). */
const browserState = vi.hoisted(() => ({ closed: new Set<number>(), badgeTextHeld: undefined as Promise<void> | undefined }));
vi.mock('webextension-polyfill', () => {
  const state = (tabId: number) => shown.get(tabId) ?? { text: '', title: 'Enhance' };
  return {
    default: {
      runtime: { getManifest: () => ({ action: { default_title: 'Enhance' } }) },
      action: {
        setBadgeText: async ({ tabId, text }: { tabId: number; text: string }) => void shown.set(tabId, { ...state(tabId), text }),
        setTitle: async ({ tabId, title }: { tabId: number; title: string }) => void shown.set(tabId, { ...state(tabId), title }),
        getBadgeText: async ({ tabId }: { tabId: number }) => {
          const { text } = state(tabId);
          await browserState.badgeTextHeld;
          return text;
        },
        setBadgeBackgroundColor: async () => undefined,
      },
      tabs: {
        get: async (tabId: number) => {
          if (browserState.closed.has(tabId)) throw new Error(`No tab with id: ${tabId}.`);
          return { id: tabId, url: 'https://site.example/' };
        },
      },
      storage: {
        session: {
          get: async (key: string) => (session.has(key) ? { [key]: session.get(key) } : {}),
          set: async (items: Record<string, unknown>) => Object.entries(items).forEach(([key, value]) => session.set(key, structuredClone(value))),
          remove: async (key: string) => void session.delete(key),
        },
      },
    },
  };
});

const { showCounts, showFailure, showNotice } = await import('./badge');

const TAB = 7;
const counts = (enhanced: number) => ({ enhanced, queued: 0, failed: 0 });

beforeEach(() => {
  shown.clear();
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('the shortcut\'s notice on the badge', () => {
  it('holds while the counts the switch set off arrive, then shows the counts as they are by then', async () => {
    await showNotice(TAB, 'on', 'Enhance: auto-enhance on for example.com', async () => counts(3));
    await showCounts(TAB, { enhanced: 0, queued: 4, failed: 0 });
    expect(shown.get(TAB)).toEqual({ text: 'on', title: 'Enhance: auto-enhance on for example.com' });

    await vi.runAllTimersAsync();
    expect(shown.get(TAB)).toEqual({ text: '3', title: 'Enhance' });
    // Over: counts draw straight away again.
    await showCounts(TAB, counts(5));
    expect(shown.get(TAB)?.text).toBe('5');
  });

  it('gives way to a failure, which its end leaves in place', async () => {
    await showNotice(TAB, 'on', 'Enhance: auto-enhance on for example.com', async () => counts(0));
    await showFailure(TAB, 'The Enhance engine could not start.');
    await vi.runAllTimersAsync();
    expect(shown.get(TAB)).toEqual({ text: '!', title: 'Enhance: The Enhance engine could not start.' });
  });

  it('a second press restarts the moment: the first one\'s end does not cut the second short', async () => {
    await showNotice(TAB, 'on', 'on', async () => counts(1));
    await vi.advanceTimersByTimeAsync(2000);
    await showNotice(TAB, 'off', 'off', async () => counts(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(shown.get(TAB)?.text).toBe('off');
    await vi.runAllTimersAsync();
    expect(shown.get(TAB)?.text).toBe('1');
  });

  it('holds only its own tab', async () => {
    await showNotice(TAB, 'on', 'on', async () => counts(0));
    await showCounts(TAB + 1, counts(2));
    expect(shown.get(TAB + 1)?.text).toBe('2');
  });
});

describe('a failure on the badge', () => {
  // A tab of its own: the badge's module keeps the notices above for their tab.
  const FAILED = 9;

  it("holds while a busy page's frames report the same number enhanced, and goes once the number moves on", async () => {
    await showCounts(FAILED, counts(2));
    await showFailure(FAILED, 'Enhance may not read the site of the frame this image is in.');
    await showCounts(FAILED, { enhanced: 2, queued: 1, failed: 0 });
    await showCounts(FAILED, { enhanced: 2, queued: 0, failed: 1 });
    expect(shown.get(FAILED)).toEqual({ text: '!', title: 'Enhance: Enhance may not read the site of the frame this image is in.' });

    await showCounts(FAILED, counts(3));
    expect(shown.get(FAILED)).toEqual({ text: '3', title: 'Enhance' });
    // Gone for good: the counts draw as before.
    await showCounts(FAILED, counts(2));
    expect(shown.get(FAILED)?.text).toBe('2');
  });

  it('holds through a worker that started afresh (a menu click woke it): the badge itself says which number it took the place of', async () => {
    // What the browser kept on the badge while the worker was stopped.
    shown.set(FAILED + 2, { text: '2', title: 'Enhance' });
    await showFailure(FAILED + 2, 'The Enhance engine could not start.');
    await showCounts(FAILED + 2, { enhanced: 2, queued: 1, failed: 0 });
    expect(shown.get(FAILED + 2)?.text).toBe('!');
  });

  it('holds through a worker that started afresh after it was shown: the number it took the place of is kept with it', async () => {
    await showCounts(FAILED + 4, counts(2));
    await showFailure(FAILED + 4, 'The Enhance engine could not start.');
    // Chrome stopped the idle worker; a frame's report wakes a new one.
    vi.resetModules();
    const fresh = await import('./badge');
    await fresh.showCounts(FAILED + 4, { enhanced: 2, queued: 1, failed: 0 });
    expect(shown.get(FAILED + 4)?.text).toBe('!');
    // A second failure there replaces the first, over the same number, not over its "!".
    await fresh.showFailure(FAILED + 4, 'The frame this image was in is gone.');
    await fresh.showCounts(FAILED + 4, counts(2));
    expect(shown.get(FAILED + 4)).toEqual({ text: '!', title: 'Enhance: The frame this image was in is gone.' });
    await fresh.showCounts(FAILED + 4, counts(3));
    expect(shown.get(FAILED + 4)).toEqual({ text: '3', title: 'Enhance' });
    expect(session.has('badge-failure:' + (FAILED + 4))).toBe(false);
  });

  it('a fresh worker that asks the badge which number it replaces takes counts drawn meanwhile as the newer answer', async () => {
    shown.set(FAILED + 5, { text: '2', title: 'Enhance' });
    vi.resetModules();
    const fresh = await import('./badge');
    let letGo = () => {};
    browserState.badgeTextHeld = new Promise((resolve) => (letGo = resolve));
    const failing = fresh.showFailure(FAILED + 5, 'The Enhance engine could not start.');
    await fresh.showCounts(FAILED + 5, counts(3));
    letGo();
    await failing;
    browserState.badgeTextHeld = undefined;
    await fresh.showCounts(FAILED + 5, counts(3));
    expect(shown.get(FAILED + 5)?.text).toBe('!');
  });

  it('keeps nothing for a tab closed before its failure came (a save whose frame went with the tab)', async () => {
    browserState.closed.add(FAILED + 6);
    await showFailure(FAILED + 6, 'The frame this image was in is gone.');
    expect(session.has('badge-failure:' + (FAILED + 6))).toBe(false);
  });

  it("gives way to the shortcut's notice, whose end draws the counts", async () => {
    await showCounts(FAILED + 3, counts(2));
    await showFailure(FAILED + 3, 'The Enhance engine could not start.');
    await showNotice(FAILED + 3, 'off', 'Enhance: auto-enhance off for example.com', async () => counts(2));
    await vi.runAllTimersAsync();
    expect(shown.get(FAILED + 3)).toEqual({ text: '2', title: 'Enhance' });
  });

  it('holds only its own tab', async () => {
    await showFailure(FAILED, 'The Enhance engine could not start.');
    await showCounts(FAILED + 1, counts(2));
    expect(shown.get(FAILED + 1)?.text).toBe('2');
  });
});

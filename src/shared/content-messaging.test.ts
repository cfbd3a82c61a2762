import { afterEach, describe, expect, it, vi } from 'vitest';

/** A tab of frames 0 and 4, whose frame listing may hang (a frame that never finishes loading, the injection waiting on it). */
const tab = vi.hoisted(() => ({ listing: 'answers' as 'answers' | 'hangs', sent: [] as string[] }));
vi.mock('webextension-polyfill', () => ({
  default: {
    scripting: {
      executeScript: (details: { injectImmediately?: boolean }) =>
        tab.listing === 'hangs' ? new Promise(() => undefined) : Promise.resolve(details.injectImmediately ? [{ frameId: 0 }, { frameId: 4 }] : []),
    },
    tabs: {
      sendMessage: async (_tabId: number, message: { type: string }, options?: { frameId: number }) => {
        tab.sent.push(`${message.type}${options ? `/${options.frameId}` : ''}`);
        return { alive: true, watching: false };
      },
    },
    runtime: { getManifest: () => ({}) },
  },
}));

const { framesOf, sendToContent } = await import('./content-messaging');

afterEach(() => {
  vi.useRealTimers();
  tab.listing = 'answers';
  tab.sent = [];
});

describe('a request to all frames of a tab', () => {
  it('first makes sure of each frame, listed at once (not when each has loaded), then goes to all', async () => {
    await sendToContent(1, { type: 'restore-all' });
    expect(tab.sent).toEqual(['ping/0', 'ping/4', 'restore-all']);
  });

  it('goes out all the same when the frames cannot be listed in time', async () => {
    vi.useFakeTimers();
    tab.listing = 'hangs';
    const listed = framesOf(1);
    const sent = sendToContent(1, { type: 'restore-all' });
    await vi.advanceTimersByTimeAsync(2000);
    await expect(listed).resolves.toEqual([]);
    await sent;
    expect(tab.sent).toEqual(['restore-all']);
  });
});

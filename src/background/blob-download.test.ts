import { beforeEach, describe, expect, it, vi } from 'vitest';

/** The downloads API as Firefox runs it: listeners, and how download() answers. */
const world = vi.hoisted(() => ({
  listeners: new Set<(delta: { id: number; state?: { current?: string } }) => void>(),
  download: async (): Promise<number> => 1,
  holds: 0,
  released: 0,
}));
vi.mock('webextension-polyfill', () => ({
  default: {
    downloads: {
      download: () => world.download(),
      onChanged: { addListener: (listener: never) => world.listeners.add(listener), removeListener: (listener: never) => world.listeners.delete(listener) },
    },
  },
}));
vi.mock('./stay-awake', () => ({
  holdAwake: () => {
    world.holds++;
    return () => world.released++;
  },
}));

const { downloadBlob, downloadsLetGo } = await import('./blob-download');

const changed = (id: number, current: string) => [...world.listeners].forEach((listener) => listener({ id, state: { current } }));
let revoked: string[] = [];

beforeEach(() => {
  world.listeners.clear();
  world.holds = world.released = 0;
  revoked = [];
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => void revoked.push(url));
});

describe('downloadBlob', () => {
  it('holds the page awake until its download completes (after a Save As dialog, say), then revokes its URL', async () => {
    world.download = async () => 7;
    await downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    expect([world.holds, world.released, revoked.length]).toEqual([1, 0, 0]);
    changed(6, 'complete');
    changed(7, 'in_progress');
    expect([world.released, revoked.length]).toEqual([0, 0]);
    changed(7, 'complete');
    expect([world.released, revoked.length, world.listeners.size]).toEqual([1, 1, 0]);
  });

  it('hears a download that completed before download() answered', async () => {
    world.download = async () => {
      changed(3, 'complete');
      return 3;
    };
    await downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    expect([world.released, revoked.length, world.listeners.size]).toEqual([1, 1, 0]);
  });

  it('lets go at once of a download refused or cancelled, and says why', async () => {
    world.download = () => Promise.reject(new Error('Download canceled by the user'));
    await expect(downloadBlob(new Blob(['png']), 'a-enhanced.png', true)).rejects.toThrow('canceled');
    expect([world.holds, world.released, revoked.length, world.listeners.size]).toEqual([1, 1, 1, 0]);
  });

  it('lets go of a download that never ends (paused) after half an hour', async () => {
    vi.useFakeTimers();
    world.download = async () => 11;
    await downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    vi.advanceTimersByTime(29 * 60_000);
    expect(world.released).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect([world.released, revoked.length, world.listeners.size]).toEqual([1, 1, 0]);
    vi.useRealTimers();
  });

  it('lets go of a download left in its Save As dialog (download() never answers) after half an hour', async () => {
    vi.useFakeTimers();
    world.download = () => new Promise<number>(() => undefined);
    void downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    vi.advanceTimersByTime(30 * 60_000);
    expect([world.released, revoked.length, world.listeners.size]).toEqual([1, 1, 0]);
    vi.useRealTimers();
  });

  it('says when no download holds a URL any more: an update waits for that before it reloads the page', async () => {
    world.download = async () => 5;
    await downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    let letGo = false;
    const waiting = downloadsLetGo().then(() => (letGo = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(letGo).toBe(false);
    changed(5, 'complete');
    await waiting;
    expect(letGo).toBe(true);
  });

  it('lets go of an interrupted download too', async () => {
    world.download = async () => 9;
    await downloadBlob(new Blob(['png']), 'a-enhanced.png', false);
    changed(9, 'interrupted');
    expect([world.released, revoked.length]).toEqual([1, 1]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * What the update listener did, in order, against a browser with tabs 1 (our script in frames 0
 * and 5, frame 5 slow to answer), 2 (a page that refuses scripts) and 3 (no id).
 */
const calls = vi.hoisted(() => ({ log: [] as string[], listeners: [] as Array<() => void>, frame5Answers: () => {}, engineCloseHangs: false }));
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      onUpdateAvailable: { addListener: (listener: () => void) => calls.listeners.push(listener) },
      reload: () => calls.log.push('reload'),
    },
    scripting: {
      executeScript: async ({ target }: { target: { tabId: number } }) => {
        if (target.tabId === 2) throw new Error('Missing host permission for the tab');
        return [{ frameId: 0 }, { frameId: 5 }];
      },
    },
    tabs: {
      query: async () => [{ id: 1 }, { id: 2 }, {}],
      sendMessage: async (tabId: number, message: { type: string }, options?: { frameId: number }) => {
        calls.log.push(`${message.type} ${tabId}${options ? `/${options.frameId}` : ''}`);
        if (tabId === 2) throw new Error('Could not establish connection. Receiving end does not exist.');
        if (options?.frameId === 5) await new Promise<void>((answer) => (calls.frame5Answers = answer));
      },
    },
  },
}));

vi.mock('./engine-client', () => ({
  closeEngineForUpdate: () => (calls.engineCloseHangs ? new Promise(() => undefined) : Promise.resolve(void calls.log.push('engine closed'))),
}));

const { HAND_BACK_WAIT_MS, handBackThenReload, handPagesBackBeforeUpdates } = await import('./update');

afterEach(() => vi.useRealTimers());

describe('handBackThenReload', () => {
  it('reloads only once every tab has handed its page back', async () => {
    const answers = new Map<number, () => void>();
    const retire = (tabId: number) => new Promise<void>((ok) => answers.set(tabId, ok));
    const reload = vi.fn();
    const done = handBackThenReload([4, 5], retire, reload);
    answers.get(4)!();
    // A task later: every promise the first answer settles has run.
    await new Promise((settled) => setTimeout(settled, 0));
    expect(reload).not.toHaveBeenCalled();
    answers.get(5)!();
    await done;
    expect(reload).toHaveBeenCalledOnce();
  });

  it('a tab without our script (the request fails) holds nothing back', async () => {
    const reload = vi.fn();
    await handBackThenReload([4, 5], async (tabId) => (tabId === 4 ? undefined : Promise.reject(new Error('no receiver'))), reload);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('a tab that never answers holds the update back only for the wait', async () => {
    vi.useFakeTimers();
    const reload = vi.fn();
    const done = handBackThenReload([4], () => new Promise(() => undefined), reload);
    await vi.advanceTimersByTimeAsync(HAND_BACK_WAIT_MS - 1);
    expect(reload).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(reload).toHaveBeenCalledOnce();
  });
});

describe('handPagesBackBeforeUpdates', () => {
  it('holds an update back: the engine closes, each frame of each tab is asked to retire, and the add-on reloads once all have answered', async () => {
    handPagesBackBeforeUpdates();
    expect(calls.listeners).toHaveLength(1);
    calls.listeners[0]();
    await vi.waitFor(() => expect(calls.log).toEqual(expect.arrayContaining(['retire 1/0', 'retire 1/5', 'retire 2/0'])));
    // First: a page that loads while the others answer finds no engine to give it a result.
    expect(calls.log[0]).toBe('engine closed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.log).not.toContain('reload');
    calls.frame5Answers();
    await vi.waitFor(() => expect(calls.log).toContain('reload'));
    expect(calls.log.at(-1)).toBe('reload');
  });
});

describe('an engine page that never closes', () => {
  it('holds the update back only for the wait: the pages are asked, and the add-on reloads', async () => {
    vi.useFakeTimers();
    calls.log.length = 0;
    calls.engineCloseHangs = true;
    calls.listeners[0]();
    await vi.advanceTimersByTimeAsync(HAND_BACK_WAIT_MS);
    expect(calls.log).toEqual(expect.arrayContaining(['retire 1/0', 'retire 2/0']));
    calls.frame5Answers();
    await vi.advanceTimersByTimeAsync(HAND_BACK_WAIT_MS);
    expect(calls.log.at(-1)).toBe('reload');
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';

const saveEnhanced = vi.hoisted(() => vi.fn());
const showFailure = vi.hoisted(() => vi.fn(async () => undefined));
/**
 * The browser's startup and menu-shown listeners, the menu items' updates and redraws (in order in
 * `updates`), and what the image's frame answers when asked about the menu's image.
 */
type ShownListener = (info: { contexts: string[]; menuIds: string[]; frameId?: number }, tab: { id?: number }) => void;
const browserCalls = vi.hoisted(() => ({
  onStartup: [] as Array<() => void>,
  onShown: [] as ShownListener[],
  onHidden: [] as Array<() => void>,
  updates: [] as Array<[string, object] | 'refresh'>,
  asked: [] as Array<[number, unknown, unknown]>,
  answer: (): Promise<unknown> => Promise.resolve({ enhanced: true }),
}));
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { onStartup: { addListener: (listener: () => void) => browserCalls.onStartup.push(listener) } },
    contextMenus: {
      update: async (id: string, change: object) => void browserCalls.updates.push([id, change]),
      refresh: async () => void browserCalls.updates.push('refresh'),
      onShown: { addListener: (listener: ShownListener) => browserCalls.onShown.push(listener) },
      onHidden: { addListener: (listener: () => void) => browserCalls.onHidden.push(listener) },
    },
    tabs: {
      sendMessage: (tabId: number, message: unknown, options: unknown) => {
        browserCalls.asked.push([tabId, message, options]);
        return browserCalls.answer();
      },
    },
  },
}));
vi.mock('./enhance-api', () => ({ saveEnhanced, restore: vi.fn(), upscale: vi.fn() }));
vi.mock('./badge', () => ({ showFailure }));
vi.mock('../shared/log', () => ({ logError: vi.fn() }));

const { hideEnhancedItemsOnStart, onMenuClick, settleEnhancedItemsWhenShown } = await import('./context-menu');

const click = () => onMenuClick({ menuItemId: 'save-enhanced', srcUrl: 'https://example.com/a.png', frameId: 0, editable: false, modifiers: [] }, { id: 3, index: 0, highlighted: true, active: true, pinned: false, incognito: false });

beforeEach(() => {
  saveEnhanced.mockReset();
  showFailure.mockClear();
  browserCalls.updates.length = 0;
  browserCalls.asked.length = 0;
});

describe('Save enhanced image from the menu', () => {
  it('says nothing when the image was saved', async () => {
    saveEnhanced.mockResolvedValueOnce(true);
    await click();
    expect(showFailure).not.toHaveBeenCalled();
  });

  it('says on the toolbar button why, when the image shows its original again', async () => {
    saveEnhanced.mockResolvedValueOnce(false);
    await click();
    expect(showFailure).toHaveBeenCalledWith(3, expect.stringMatching(/no enhanced image to save/));
  });

  it('says on the toolbar button why, when the page or the download refused', async () => {
    saveEnhanced.mockRejectedValueOnce(new Error('Download canceled by policy'));
    await expect(click()).resolves.toBeUndefined();
    expect(showFailure).toHaveBeenCalledWith(3, 'The enhanced image could not be saved: Download canceled by policy');
  });
});

describe('Restore and Save on a browser start', () => {
  it('are hidden: Chrome brings the menu back as last updated, which may have been on an enhanced image', async () => {
    hideEnhancedItemsOnStart();
    expect(browserCalls.updates).toEqual([]);
    for (const listener of browserCalls.onStartup) listener();
    await vi.waitFor(() => expect(browserCalls.updates).toHaveLength(2));
    expect(browserCalls.updates).toEqual([
      ['restore-original', { visible: false }],
      ['save-enhanced', { visible: false }],
    ]);
  });
});

describe('Firefox: the menu shown on an image', () => {
  settleEnhancedItemsWhenShown();
  const show = (menuIds: string[], contexts = ['image', 'all']) => {
    for (const listener of browserCalls.onShown) listener({ contexts, menuIds, frameId: 2 }, { id: 7 });
  };
  const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("is redrawn with Restore and Save when it opened without them on one of our images (the page's word came late)", async () => {
    browserCalls.answer = () => Promise.resolve({ enhanced: true });
    show(['enhance-x2', 'enhance-x4']);
    await vi.waitFor(() => expect(browserCalls.updates).toContain('refresh'));
    expect(browserCalls.asked).toEqual([[7, { type: 'menu-target' }, { frameId: 2 }]]);
    expect(browserCalls.updates).toEqual([['restore-original', { visible: true }], ['save-enhanced', { visible: true }], 'refresh']);
  });

  it('is redrawn without them when it opened with them on an image of the page', async () => {
    browserCalls.answer = () => Promise.resolve({ enhanced: false });
    show(['enhance-x2', 'enhance-x4', 'restore-original', 'save-enhanced']);
    await vi.waitFor(() => expect(browserCalls.updates).toContain('refresh'));
    expect(browserCalls.updates).toEqual([['restore-original', { visible: false }], ['save-enhanced', { visible: false }], 'refresh']);
  });

  it('is left as it is when the answer comes after the menu was closed, and another opened (refresh would redraw that one)', async () => {
    let answerLate: (answer: { enhanced: boolean }) => void = () => undefined;
    browserCalls.answer = () => new Promise((resolve) => (answerLate = resolve));
    show(['enhance-x2', 'enhance-x4']);
    for (const listener of browserCalls.onHidden) listener();
    browserCalls.answer = () => Promise.resolve({ enhanced: false });
    show(['enhance-x2', 'enhance-x4']);
    answerLate({ enhanced: true });
    await settled();
    await settled();
    expect(browserCalls.asked).toHaveLength(2);
    expect(browserCalls.updates).toEqual([]);
  });

  it('is left as it is when it already matches, when no script answers (none of our images there), and off images', async () => {
    browserCalls.answer = () => Promise.resolve({ enhanced: true });
    show(['enhance-x2', 'enhance-x4', 'restore-original', 'save-enhanced']);
    browserCalls.answer = () => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.'));
    show(['enhance-x2', 'enhance-x4']);
    show([], ['page', 'all']);
    await settled();
    await settled();
    expect(browserCalls.asked).toHaveLength(2);
    expect(browserCalls.updates).toEqual([]);
  });
});

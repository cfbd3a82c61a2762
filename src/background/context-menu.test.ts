import { beforeEach, describe, expect, it, vi } from 'vitest';

const saveEnhanced = vi.hoisted(() => vi.fn());
const showFailure = vi.hoisted(() => vi.fn(async () => undefined));
/** The browser's startup listeners, and the menu items' updates. */
const browserCalls = vi.hoisted(() => ({ onStartup: [] as Array<() => void>, updates: [] as Array<[string, object]> }));
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { onStartup: { addListener: (listener: () => void) => browserCalls.onStartup.push(listener) } },
    contextMenus: { update: async (id: string, change: object) => void browserCalls.updates.push([id, change]) },
  },
}));
vi.mock('./enhance-api', () => ({ saveEnhanced, restore: vi.fn(), upscale: vi.fn() }));
vi.mock('./badge', () => ({ showFailure }));
vi.mock('../shared/log', () => ({ logError: vi.fn() }));

const { hideEnhancedItemsOnStart, onMenuClick } = await import('./context-menu');

const click = () => onMenuClick({ menuItemId: 'save-enhanced', srcUrl: 'https://example.com/a.png', frameId: 0, editable: false, modifiers: [] }, { id: 3, index: 0, highlighted: true, active: true, pinned: false, incognito: false });

beforeEach(() => {
  saveEnhanced.mockReset();
  showFailure.mockClear();
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

import { describe, expect, it, vi } from 'vitest';

const browser = vi.hoisted(() => ({
  tabs: { sendMessage: vi.fn(), onUpdated: { addListener: vi.fn(), removeListener: vi.fn() }, get: vi.fn() },
  scripting: { executeScript: vi.fn() },
}));
vi.mock('webextension-polyfill', () => ({ default: browser }));
const { scriptReaches } = await import('./script-reach');

describe('scriptReaches', () => {
  it('a page whose script did not answer (its document going into the back/forward cache) but which takes a script is reached, not kept out', async () => {
    browser.tabs.sendMessage.mockRejectedValue(new Error('The page keeping the extension port is moved into back/forward cache, so the message channel is closed.'));
    browser.scripting.executeScript.mockResolvedValue([{ result: true }]);
    expect(await scriptReaches(1)).toBe('reached');
  });

  it("a page the browser keeps extensions out of refuses the script: kept out", async () => {
    browser.tabs.sendMessage.mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));
    browser.scripting.executeScript.mockRejectedValue(new Error('The extensions gallery cannot be scripted.'));
    expect(await scriptReaches(1)).toBe('kept-out');
  });

  it("Chrome's error page: named as such", async () => {
    browser.tabs.sendMessage.mockRejectedValue(new Error('Could not establish connection. Receiving end does not exist.'));
    browser.scripting.executeScript.mockRejectedValue(new Error('Frame with ID 0 is showing error page'));
    expect(await scriptReaches(1)).toBe('error-page');
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { askWorker } from './ask-worker';

const sendMessage = vi.hoisted(() => vi.fn());
vi.mock('webextension-polyfill', () => ({ default: { runtime: { sendMessage } } }));

const CHANNEL_CLOSED =
  'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received';

beforeEach(() => sendMessage.mockReset());

describe('askWorker', () => {
  it('asks once more when the worker went away while it answered, and a new worker answers', async () => {
    sendMessage.mockRejectedValueOnce(new Error(CHANNEL_CLOSED)).mockResolvedValueOnce('example.com');
    await expect(askWorker({ type: 'tab-origin' })).resolves.toBe('example.com');
    expect(sendMessage).toHaveBeenCalledTimes(2);
  });

  it('a page whose extension is gone gets the invalidated context from the second ask', async () => {
    sendMessage.mockRejectedValueOnce(new Error(CHANNEL_CLOSED)).mockRejectedValueOnce(new Error('Extension context invalidated.'));
    await expect(askWorker({ type: 'tab-origin' })).rejects.toThrow('Extension context invalidated');
  });

  it('asks only once when no worker could be reached at all', async () => {
    sendMessage.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
    await expect(askWorker({ type: 'tab-origin' })).rejects.toThrow('Receiving end');
    expect(sendMessage).toHaveBeenCalledTimes(1);
  });

  it('asks only once for what would act twice: a Referer rule the worker may have added before it went', async () => {
    sendMessage.mockRejectedValueOnce(new Error(CHANNEL_CLOSED));
    await expect(askWorker({ type: 'add-referer-rule', url: 'https://example.test/a.png', referer: 'https://example.test/' })).rejects.toThrow('channel closed');
    expect(sendMessage).toHaveBeenCalledTimes(1);
  });
});

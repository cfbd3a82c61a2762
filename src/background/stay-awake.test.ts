import { afterEach, beforeEach, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ count: 0 }));
vi.mock('webextension-polyfill', () => ({ default: { runtime: { getPlatformInfo: async () => void calls.count++ } } }));

const { holdAwake } = await import('./stay-awake');

beforeEach(() => {
  calls.count = 0;
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

it('calls the browser each second while anything holds the page awake, and stops with the last release', () => {
  const frame = holdAwake();
  const download = holdAwake();
  vi.advanceTimersByTime(3_000);
  expect(calls.count).toBe(3);
  frame();
  // Released twice by mistake: it counts once, and the download still holds.
  frame();
  vi.advanceTimersByTime(2_000);
  expect(calls.count).toBe(5);
  download();
  vi.advanceTimersByTime(5_000);
  expect(calls.count).toBe(5);
});

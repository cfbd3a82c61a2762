import { afterEach, describe, expect, it, vi } from 'vitest';
import { timedOut, within } from './time-limit';

afterEach(() => {
  vi.useRealTimers();
});

/** What `promise` has come to so far, read after the timers ran: its value, its error, or 'pending'. */
function stateOf<T>(promise: Promise<T>): { now: T | string } {
  const state: { now: T | string } = { now: 'pending' };
  promise.then(
    (value) => (state.now = value),
    (error: unknown) => (state.now = `rejected: ${String(error)}`),
  );
  return state;
}

describe('within', () => {
  it("gives the answer that comes in time, and late's is never asked for", async () => {
    vi.useFakeTimers();
    const late = vi.fn(() => 'late');
    const waiting = stateOf(within(new Promise<string>((resolve) => setTimeout(() => resolve('answer'), 900)), 1000, late));
    await vi.advanceTimersByTimeAsync(900);
    expect(waiting.now).toBe('answer');
    await vi.advanceTimersByTimeAsync(1000);
    expect(late).not.toHaveBeenCalled();
  });

  it('passes on a failure that comes in time', async () => {
    await expect(within(Promise.reject(new Error('refused')), 1000, () => 'late')).rejects.toThrow('refused');
  });

  it('goes on with the fallback once the time is up, not before', async () => {
    vi.useFakeTimers();
    const waiting = stateOf(within(new Promise<number[]>(() => undefined), 2000, () => []));
    await vi.advanceTimersByTimeAsync(1999);
    expect(waiting.now).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.now).toEqual([]);
  });

  it('fails with what timedOut names once the time is up', async () => {
    vi.useFakeTimers();
    const waiting = stateOf(within(new Promise(() => undefined), 10_000, timedOut('no answer from WebGPU', 10_000)));
    await vi.advanceTimersByTimeAsync(9999);
    expect(waiting.now).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.now).toBe('rejected: Error: no answer from WebGPU in 10 s');
  });
});

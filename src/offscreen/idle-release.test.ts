import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../shared/settings';
import { releaseWhenIdle } from './idle-release';

const asked = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock('../shared/ask-worker', () => ({ askWorker: asked }));

const MINUTE = 60_000;
const jobSettings = (engineIdleMinutes: number) => ({ ...DEFAULT_SETTINGS, engineIdleMinutes });

beforeEach(() => {
  vi.useFakeTimers();
  asked.mockClear();
});
afterEach(() => vi.useRealTimers());

describe('releaseWhenIdle', () => {
  it('new minutes saved during a job count from its end, not the minutes the job carried', () => {
    const idle = releaseWhenIdle();
    const release = idle.stayAwake();
    idle.retime(1);
    // Not while the job runs, however long.
    vi.advanceTimersByTime(2 * MINUTE);
    expect(asked).not.toHaveBeenCalled();
    release(jobSettings(60));
    vi.advanceTimersByTime(MINUTE);
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
  });

  it('another setting saved (the same minutes) leaves the countdown running as it is', () => {
    const idle = releaseWhenIdle();
    idle.retime(5);
    vi.advanceTimersByTime(4 * MINUTE);
    idle.retime(5);
    vi.advanceTimersByTime(MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('minutes saved while idle count from then', () => {
    const idle = releaseWhenIdle();
    idle.retime(0.5);
    vi.advanceTimersByTime(0.5 * MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('a document to be replaced (WebGPU lost) asks to close as its busy spell ends, even where the settings keep it loaded', () => {
    let lost = false;
    const idle = releaseWhenIdle(() => lost);
    idle.stayAwake()(jobSettings(0));
    expect(asked).not.toHaveBeenCalled();
    const release = idle.stayAwake();
    lost = true;
    expect(asked).not.toHaveBeenCalled();
    release(jobSettings(0));
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
    expect(idle.closing()).toBe(true);
  });

  it('a document whose engine broke closes at once, mid-job, and only once', () => {
    const idle = releaseWhenIdle();
    const release = idle.stayAwake();
    idle.leave();
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
    expect(idle.closing()).toBe(true);
    idle.leave();
    release(jobSettings(0));
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('a close asked mid-job that the worker does not take counts down again only once the job ends', async () => {
    const idle = releaseWhenIdle();
    const release = idle.stayAwake();
    asked.mockRejectedValueOnce(new Error('Could not establish connection'));
    idle.leave();
    await vi.advanceTimersByTimeAsync(0);
    expect(idle.closing()).toBe(false);
    // The job runs on past the default minutes: no close under it.
    await vi.advanceTimersByTimeAsync(2 * DEFAULT_SETTINGS.engineIdleMinutes * MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
    release(jobSettings(1));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(asked).toHaveBeenCalledTimes(2);
  });
});

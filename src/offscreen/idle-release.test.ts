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

/** The worker is told after the hook's promise settles. */
const settled = () => vi.advanceTimersByTimeAsync(0);

describe('releaseWhenIdle', () => {
  it('new minutes saved during a job count from its end, not the minutes the job carried', async () => {
    const idle = releaseWhenIdle();
    const release = idle.stayAwake();
    idle.retime(1);
    // Not while the job runs, however long.
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(asked).not.toHaveBeenCalled();
    release(jobSettings(60));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
  });

  it('another setting saved (the same minutes) leaves the countdown running as it is', async () => {
    const idle = releaseWhenIdle();
    idle.retime(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    idle.retime(5);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('minutes saved while idle count from then', async () => {
    const idle = releaseWhenIdle();
    idle.retime(0.5);
    await vi.advanceTimersByTimeAsync(0.5 * MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('a document to be replaced (WebGPU lost) asks to close as its busy spell ends, even where the settings keep it loaded', async () => {
    let lost = false;
    const idle = releaseWhenIdle(() => lost);
    idle.stayAwake()(jobSettings(0));
    await settled();
    expect(asked).not.toHaveBeenCalled();
    const release = idle.stayAwake();
    lost = true;
    await settled();
    expect(asked).not.toHaveBeenCalled();
    release(jobSettings(0));
    await settled();
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
    expect(idle.closing()).toBe(true);
  });

  it('a document whose engine broke closes at once, mid-job, and only once', async () => {
    const idle = releaseWhenIdle();
    const release = idle.stayAwake();
    idle.leave();
    await settled();
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
    expect(idle.closing()).toBe(true);
    idle.leave();
    release(jobSettings(0));
    await settled();
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('tells the worker only once the hook before closing is done (the result cache\'s last write)', async () => {
    let written: () => void = () => undefined;
    const idle = releaseWhenIdle(undefined, () => new Promise((resolve) => (written = resolve)));
    idle.leave();
    await settled();
    expect(asked).not.toHaveBeenCalled();
    expect(idle.closing()).toBe(true);
    written();
    await settled();
    expect(asked).toHaveBeenCalledWith({ type: 'engine-idle' });
  });
});

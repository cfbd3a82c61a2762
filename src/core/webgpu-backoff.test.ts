import { describe, expect, it } from 'vitest';
import { afterFailure, parseFailures, waitText, webgpuWaitMs } from './webgpu-backoff';

const MINUTE = 60_000;

describe('webgpuWaitMs', () => {
  it('tries again at once after a first failure, then waits 10, 20, 40 minutes..., never over a day', () => {
    let failures = afterFailure(null, 0);
    expect(webgpuWaitMs(failures, 0)).toBe(0);
    const waits = [];
    for (let i = 0; i < 12; i++) {
      failures = afterFailure(failures, 0);
      waits.push(webgpuWaitMs(failures, 0) / MINUTE);
    }
    expect(waits).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440, 1440, 1440]);
  });

  it('never waits longer than its longest, whatever the clock says (set back since the failure)', () => {
    const failures = afterFailure(afterFailure(null, 0), 1000 * MINUTE);
    expect(webgpuWaitMs(failures, 0)).toBe(10 * MINUTE);
  });

  it('counts from the last failure', () => {
    const failures = afterFailure(afterFailure(null, 0), 100 * MINUTE);
    expect(webgpuWaitMs(failures, 104 * MINUTE)).toBe(6 * MINUTE);
    expect(webgpuWaitMs(failures, 111 * MINUTE)).toBe(0);
  });
});

describe('parseFailures', () => {
  it('reads what afterFailure made, and nothing else', () => {
    expect(parseFailures(afterFailure(null, 5))).toEqual({ at: 5, streak: 1 });
    for (const stored of [null, undefined, 5, {}, { at: 5 }, { at: 5, streak: 0 }, { at: '5', streak: 1 }, { at: 5, streak: 1.5 }]) expect(parseFailures(stored)).toBeNull();
  });
});

describe('waitText', () => {
  it('says minutes up to an hour and hours past it, rounded up', () => {
    expect([1, 9 * MINUTE + 1, 59 * MINUTE, 60 * MINUTE, 80 * MINUTE, 1440 * MINUTE].map(waitText)).toEqual(['1 min', '10 min', '59 min', '1 h', '2 h', '24 h']);
  });
});

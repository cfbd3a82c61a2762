/**
 * When WebGPU is tried again after it failed (device lost, out of memory, a run the GPU refused).
 * The first failure gets a fresh engine document at once, with a new device: a driver reset is a
 * passing thing. A second in a row (no job done on WebGPU between) waits 10 minutes, and each one
 * after twice as long as the last, up to a day: a GPU that fails every time would otherwise cost
 * every busy spell a failed try, seconds of lost work, and perhaps a visible GPU reset.
 */

/** The failures in a row, and when the last one was. */
export interface WebGPUFailures {
  at: number;
  streak: number;
}

const FIRST_WAIT_MS = 10 * 60_000;
const LONGEST_WAIT_MS = 24 * 60 * 60_000;

export function parseFailures(stored: unknown): WebGPUFailures | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const { at, streak } = stored as Partial<WebGPUFailures>;
  return typeof at === 'number' && Number.isInteger(streak) && (streak as number) > 0 ? { at, streak: streak as number } : null;
}

/** The failures once another one happens `now`. */
export function afterFailure(before: WebGPUFailures | null, now: number): WebGPUFailures {
  return { at: now, streak: (before?.streak ?? 0) + 1 };
}

/** Milliseconds until WebGPU may be tried again (0: now). */
export function webgpuWaitMs(failures: WebGPUFailures | null, now: number): number {
  if (!failures || failures.streak < 2) return 0;
  const wait = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures.streak - 2));
  // Within the longest wait: a clock set back since the failure would make it longer.
  return Math.min(wait, Math.max(0, failures.at + wait - now));
}

/** A wait as the popup says it: whole minutes up to an hour, whole hours past it (rounded up: never sooner than said). */
export function waitText(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
}

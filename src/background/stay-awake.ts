/**
 * Firefox suspends an event page after 30 s without extension activity, even in the middle of work
 * of its own: a job in the engine's frame, a download waiting for its Save As dialog. A call to an
 * API that the parent process answers counts as activity, so one goes out each second while
 * anything holds the page awake. (Chrome's service worker never runs this: its engine is an
 * offscreen document, and it downloads from data: URLs, which need no page alive.)
 */
import browser from 'webextension-polyfill';

const STAY_AWAKE_MS = 1_000;

let holders = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Keeps the page awake until the returned release is called (once counts; again does nothing). */
export function holdAwake(): () => void {
  holders++;
  timer ??= setInterval(() => {
    browser.runtime.getPlatformInfo().catch(() => undefined);
  }, STAY_AWAKE_MS);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders--;
    if (holders > 0) return;
    clearInterval(timer);
    timer = undefined;
  };
}

/**
 * A sentence at the viewport's top right for a few seconds, read out by screen readers: the
 * keyboard shortcut's answer, whose other answer, the toolbar button's badge, is out of sight
 * where the button is not pinned (the default in Chrome and Firefox) and is not read out.
 */
import { LIVE_REGION_SETTLE_MS, overlayHost, pageOverlayHome, readingMs } from './overlay';
/** Room between the notice and the viewport's corner. */
const NOTICE_INSET = '12px';

interface Notice {
  host: HTMLElement;
  box: HTMLDivElement;
  bornAt: number;
  timer: number;
}

let notice: Notice | null = null;

function newNotice(): Notice {
  // Where a screen reader reads it: a modal dialog leaves the rest of the page inert.
  const { host, box } = overlayHost(pageOverlayHome());
  host.style.position = 'fixed';
  host.style.inset = `${NOTICE_INSET} ${NOTICE_INSET} auto auto`;
  return { host, box, bornAt: performance.now(), timer: 0 };
}

/** Shows `text`, in place of the one shown if any (a second press of the shortcut). */
export function showPageNotice(text: string): void {
  // The page may have taken the last one out with its own markup, or opened or closed a dialog
  // since, which the last one would be in or under (closed, a dialog shows nothing it holds).
  if (notice !== null && (!notice.host.isConnected || notice.host.parentNode !== pageOverlayHome())) {
    window.clearTimeout(notice.timer);
    notice.host.remove();
    notice = null;
  }
  const current = notice ?? newNotice();
  notice = current;
  window.clearTimeout(current.timer);
  const settling = Math.max(0, current.bornAt + LIVE_REGION_SETTLE_MS - performance.now());
  current.timer = window.setTimeout(() => {
    current.box.textContent = text;
    current.timer = window.setTimeout(() => {
      current.host.remove();
      if (notice === current) notice = null;
    }, readingMs(text));
  }, settling);
}

/**
 * This frame's counts for the service worker, which sums a tab's frames for the badge and the
 * popup. A burst of changes (a page of images queued at once) goes out as one message.
 */
import { askWorker } from '../shared/ask-worker';
import { logError } from '../shared/log';
import { NO_COUNTS, type TabCounts } from '../shared/protocol';

/** Short enough that the badge looks live, long enough to fold a burst into one message. */
const REPORT_DELAY_MS = 100;

const sameCounts = (a: TabCounts, b: TabCounts): boolean => a.enhanced === b.enhanced && a.queued === b.queued && a.failed === b.failed;

export class CountsReport {
  /**
   * What the worker holds for this frame; null when unknown to us, so the next flush sends. A new
   * page starts at zero, which the worker assumes too: nothing is sent until that changes.
   */
  private sent: Readonly<TabCounts> | null = NO_COUNTS;
  private timer: number | undefined;
  private delivered: Promise<void> = Promise.resolve();

  constructor(private readonly read: () => TabCounts) {}

  changed(): void {
    this.timer ??= window.setTimeout(() => void this.flush(), REPORT_DELAY_MS);
  }

  /** Sends the counts now, changed or not: the worker forgot them. Never rejects. */
  resend(): Promise<void> {
    this.sent = null;
    return this.flush();
  }

  /**
   * This frame's document goes for good (its iframe removed, or sent to another page): it says it
   * holds nothing now, or the tab's badge and popup would keep its counts until the tab itself
   * moves on. A frame that never reported stays silent (the worker holds nothing for it).
   */
  leaving(): void {
    void this.send(NO_COUNTS);
  }

  /**
   * Sends what changed now, and resolves once the worker has it: on hearing of queued work it
   * starts the engine, which a job's port needs. Never rejects.
   */
  flush(): Promise<void> {
    return this.send(this.read());
  }

  /** `counts` to the worker, unless it holds them already; a report still waiting goes with it. */
  private send(counts: Readonly<TabCounts>): Promise<void> {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.sent !== null && sameCounts(counts, this.sent)) return this.delivered;
    this.sent = counts;
    this.delivered = askWorker({ type: 'tab-counts', counts }).then(
      () => undefined,
      (error: unknown) => logError('tab counts', error),
    );
    return this.delivered;
  }
}

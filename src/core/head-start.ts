/**
 * Downloads for the jobs waiting in the engine's line, a few at a time, while the job ahead runs
 * the model: the engine's requests miss the page's HTTP cache (another partition), and a page's
 * images, downloaded one job at a time, would leave the model idle for each. A few, not all:
 * each file waits in memory until its job's turn.
 */
export interface HeadStart<T> {
  /**
   * At the job's turn: the download, started now where it had not begun (it then takes no slot,
   * so a job never waits for those behind it). Its slot goes to the next waiting job.
   */
  take(): Promise<T>;
  /** The job will not run (its page went): its slot, or its place in the queue, goes. Idempotent, also after take. */
  drop(): void;
}

export class HeadStarts {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly slots: number) {}

  start<T>(download: () => Promise<T>): HeadStart<T> {
    let started: Promise<T> | undefined;
    let holdsSlot = false;
    const begin = () => {
      holdsSlot = true;
      this.running++;
      started = download();
      // Heard at take(); one never taken (its job dropped) must not reject unheard.
      started.catch(() => undefined);
    };
    const release = () => {
      const queued = this.waiting.indexOf(begin);
      if (queued >= 0) this.waiting.splice(queued, 1);
      if (!holdsSlot) return;
      holdsSlot = false;
      this.running--;
      this.waiting.shift()?.();
    };
    if (this.running < this.slots) begin();
    else this.waiting.push(begin);
    return {
      take: () => {
        const file = started ?? download();
        release();
        return file;
      },
      drop: release,
    };
  }
}

/**
 * Runs a page's automatic jobs one at a time, in JobQueue's order: visible images first, then the
 * nearest, each URL once for every image waiting on it. Priorities are measured again before each
 * pick, since the page scrolls while jobs run. `I` is whatever stands for an image (an <img> in
 * the content script), so this runs and is tested without a browser.
 */
import { comparePriority, JobQueue, type Priority } from './job-queue';

export interface QueueHooks<I> {
  priorityOf(image: I): Priority;
  /** Runs one job; `waiters` says who waits for it now, which changes while it runs. */
  run(url: string, scale: number, waiters: () => I[]): Promise<void>;
  /** A run that rejected: the queue goes on with the next job. */
  error(error: unknown): void;
  /** Who waits changed (the counts). */
  changed(): void;
  /**
   * Images a run's result may not serve: they came to need a larger scale than it ran at (they
   * joined it, or asked again, after it started). They wait no more; the caller looks at them again.
   */
  outgrew(images: I[]): void;
}

interface Waiter<I> {
  image: I;
  url: string;
  /** What this image needs; a job runs at the largest of its waiters' scales. */
  scale: number;
}

export class EnhanceQueue<I> {
  private readonly jobs = new JobQueue<Waiter<I>>();
  /** An image waits for one job at most. */
  private readonly waiting = new Map<I, Waiter<I>>();
  private draining = false;
  private paused = false;

  constructor(private readonly hooks: QueueHooks<I>) {}

  /** Images waiting, for a job not yet started or running. */
  get size(): number {
    return this.waiting.size;
  }

  /** True when the image was not waiting for this URL before. */
  add(image: I, url: string, scale: number, priority: Priority): boolean {
    const current = this.waiting.get(image);
    if (current?.url === url) {
      current.scale = scale;
      return false;
    }
    if (current) this.withdraw(image);
    const waiter: Waiter<I> = { image, url, scale };
    this.jobs.enqueue(url, waiter, priority);
    this.waiting.set(image, waiter);
    this.hooks.changed();
    // After the caller's burst of adds (an IntersectionObserver batch), so the first pick sees them all.
    queueMicrotask(() => void this.drain());
    return true;
  }

  /**
   * The image stops waiting; a pending job it waited for alone goes. A running one runs on for no
   * one, and an image asking for its URL meanwhile joins it, until the caller aborts it (`abandon`).
   */
  withdraw(image: I): void {
    const waiter = this.waiting.get(image);
    if (!waiter) return;
    this.jobs.cancel(waiter.url, waiter);
    this.waiting.delete(image);
    this.hooks.changed();
  }

  /**
   * The caller aborted the run for `url`: an image asking for the URL from now on waits for a run
   * of its own, those that waited for this one too (a page kept for Back, looked at again when shown).
   */
  abandon(url: string): void {
    const left = this.jobs.abandon(url).filter((waiter) => this.waiting.get(waiter.image) === waiter);
    for (const { image } of left) this.waiting.delete(image);
    if (left.length > 0) this.hooks.changed();
  }

  /** Withdraws the image unless its job has started: that one is nearly done, let it land. */
  withdrawIfPending(image: I): void {
    const waiter = this.waiting.get(image);
    if (waiter && this.jobs.state(waiter.url) === 'pending') this.withdraw(image);
  }

  /** Returns the images that were waiting. */
  withdrawAll(): I[] {
    const images = [...this.waiting.keys()];
    for (const image of images) this.withdraw(image);
    return images;
  }

  /** No job starts until resume(); a running one lands. Images still join and leave the queue meanwhile. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    void this.drain();
  }

  private reprioritize(): void {
    const best = new Map<string, Priority>();
    for (const { image, url } of this.waiting.values()) {
      if (this.jobs.state(url) !== 'pending') continue;
      const priority = this.hooks.priorityOf(image);
      const known = best.get(url);
      if (!known || comparePriority(priority, known) < 0) best.set(url, priority);
    }
    for (const [url, priority] of best) this.jobs.reprioritize(url, priority);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    while (!this.paused) {
      this.reprioritize();
      const url = this.jobs.next();
      if (url === undefined) break;
      const scale = Math.max(...this.jobs.waiters(url).map((waiter) => waiter.scale));
      const ofRun = this.jobs.runWaiters(url);
      const waiters = () => ofRun().map((waiter) => waiter.image);
      await this.hooks.run(url, scale, waiters).catch((error: unknown) => this.hooks.error(error));
      this.jobs.finish(url);
      // This run's waiters still waiting for it: not those of a later job for the URL, where it was abandoned.
      const done = ofRun().filter((waiter) => this.waiting.get(waiter.image) === waiter);
      for (const { image } of done) this.waiting.delete(image);
      this.hooks.changed();
      const outgrown = done.filter((waiter) => waiter.scale > scale).map(({ image }) => image);
      if (outgrown.length > 0) this.hooks.outgrew(outgrown);
    }
    this.draining = false;
  }
}

/**
 * The order automatic enhancements run in: images on screen first, then the nearest ones, each
 * URL once however many images show it. The queue only orders and groups; running one job at a
 * time, and telling each waiter the result, is the caller's.
 */

export interface Priority {
  /** In the viewport now. */
  visible: boolean;
  /** CSS pixels between the image and the viewport, 0 when visible; on-screen images may pass any. */
  distance: number;
}

/** Negative when `a` goes first. */
export function comparePriority(a: Priority, b: Priority): number {
  if (a.visible !== b.visible) return a.visible ? -1 : 1;
  return a.distance - b.distance;
}

const better = (a: Priority, b: Priority): Priority => (comparePriority(b, a) < 0 ? b : a);

export type JobState = 'pending' | 'running';

interface Job<W> {
  priority: Priority;
  /** Arrival order: the tie-break, so equal priorities run first come, first served. */
  order: number;
  waiters: W[];
}

/**
 * Jobs keyed by image URL; W is whatever stands for one request (the <img>, a callback), handed
 * back by `finish` and `cancel` so the caller can answer each. Picking the next job scans the
 * pending ones: a page has hundreds at most, and scrolling reprioritizes many at once, which a
 * heap would have to rebuild anyway.
 */
export class JobQueue<W> {
  private readonly pending = new Map<string, Job<W>>();
  private readonly running = new Map<string, Job<W>>();
  private arrivals = 0;

  /**
   * 'joined' when the URL is already pending or running: it is enhanced once, for every waiter.
   * A waiter asking again (an image seen on load, then on resize) is counted once.
   */
  enqueue(url: string, waiter: W, priority: Priority): 'queued' | 'joined' {
    const running = this.running.get(url);
    const pending = this.pending.get(url);
    const job = running ?? pending;
    if (job) {
      if (!job.waiters.includes(waiter)) job.waiters.push(waiter);
      // A running job's priority no longer matters.
      if (pending) pending.priority = better(pending.priority, priority);
      return 'joined';
    }
    this.pending.set(url, { priority, order: this.arrivals++, waiters: [waiter] });
    return 'queued';
  }

  /** The URL to run now, marked running; undefined when nothing is pending. */
  next(): string | undefined {
    let bestUrl: string | undefined;
    let best: Job<W> | undefined;
    for (const [url, job] of this.pending) {
      if (!best || (comparePriority(job.priority, best.priority) || job.order - best.order) < 0) {
        bestUrl = url;
        best = job;
      }
    }
    if (bestUrl === undefined || !best) return undefined;
    this.pending.delete(bestUrl);
    this.running.set(bestUrl, best);
    return bestUrl;
  }

  /** Ends a running job; returns everyone waiting for it, including those who joined while it ran. */
  finish(url: string): W[] {
    const job = this.running.get(url);
    this.running.delete(url);
    return job?.waiters ?? [];
  }

  /**
   * Withdraws one waiter (an image that left the page), or every waiter when none is given; a
   * pending job goes when no one waits. Returns the waiters withdrawn. A running job stays, for no
   * one, until it finishes: the element a page renders anew in place of the one that left (a
   * framework remounting it) asks for the same URL, and joins it rather than waiting for a run of
   * its own. The caller that aborts it says so (`abandon`).
   */
  cancel(url: string, waiter?: W): W[] {
    const job = this.pending.get(url) ?? this.running.get(url);
    if (!job) return [];
    const withdrawn = waiter === undefined ? job.waiters : job.waiters.filter((w) => w === waiter);
    job.waiters = job.waiters.filter((w) => !withdrawn.includes(w));
    if (job.waiters.length === 0) this.pending.delete(url);
    return withdrawn;
  }

  /** The running job for `url` was aborted: a request for the URL from now on queues a job of its own. Returns who still waited for it. */
  abandon(url: string): W[] {
    const job = this.running.get(url);
    this.running.delete(url);
    return [...(job?.waiters ?? [])];
  }

  /** Sets a pending job's priority, e.g. after a scroll: the best of the images showing the URL. */
  reprioritize(url: string, priority: Priority): boolean {
    const job = this.pending.get(url);
    if (!job) return false;
    job.priority = priority;
    return true;
  }

  state(url: string): JobState | null {
    if (this.running.has(url)) return 'running';
    return this.pending.has(url) ? 'pending' : null;
  }

  /**
   * Who waits for the job now running for `url`, as it changes, bound to that run: once it was
   * abandoned, a job queued again for the URL is another one, with its own run.
   */
  runWaiters(url: string): () => readonly W[] {
    const job = this.running.get(url);
    return () => [...(job?.waiters ?? [])];
  }

  /** Who waits for a URL now, e.g. to show progress on each image. */
  waiters(url: string): readonly W[] {
    return [...((this.pending.get(url) ?? this.running.get(url))?.waiters ?? [])];
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}

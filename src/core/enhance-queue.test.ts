import { describe, expect, it } from 'vitest';
import { EnhanceQueue } from './enhance-queue';
import type { Priority } from './job-queue';

interface Run {
  url: string;
  scale: number;
  waiters: () => string[];
  finish(): void;
  fail(error: Error): void;
}

/** A queue over image names, whose runs the test ends by hand, and whose priorities it sets. */
function harness() {
  const priorities = new Map<string, Priority>();
  const runs: Run[] = [];
  const errors: unknown[] = [];
  const outgrown: string[][] = [];
  let changes = 0;
  const queue = new EnhanceQueue<string>({
    priorityOf: (image) => priorities.get(image) ?? { visible: false, distance: 1e6 },
    run: (url, scale, waiters) =>
      new Promise<void>((finish, fail) => {
        runs.push({ url, scale, waiters, finish, fail });
      }),
    error: (error) => errors.push(error),
    changed: () => changes++,
    outgrew: (images) => outgrown.push(images),
  });
  const add = (image: string, url: string, scale = 2, priority: Priority = { visible: true, distance: 0 }) => {
    priorities.set(image, priority);
    return queue.add(image, url, scale, priority);
  };
  return { queue, priorities, runs, errors, outgrown, add, changes: () => changes };
}

/** Lets queued microtasks and settled promises run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('EnhanceQueue', () => {
  it('runs one job at a time, visible images first, each after a burst of adds', async () => {
    const { runs, add } = harness();
    add('far', 'far.png', 2, { visible: false, distance: 3000 });
    add('near', 'near.png', 2, { visible: false, distance: 200 });
    add('seen', 'seen.png', 2, { visible: true, distance: 0 });
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['seen.png']);
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['seen.png', 'near.png']);
    runs[1].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['seen.png', 'near.png', 'far.png']);
  });

  it('measures priorities again before each pick: the page scrolled meanwhile', async () => {
    const { runs, add, priorities } = harness();
    add('first', 'first.png');
    add('top', 'top.png', 2, { visible: false, distance: 100 });
    add('bottom', 'bottom.png', 2, { visible: false, distance: 2000 });
    await settle();
    priorities.set('top', { visible: false, distance: 2500 });
    priorities.set('bottom', { visible: true, distance: 0 });
    runs[0].finish();
    await settle();
    expect(runs[1].url).toBe('bottom.png');
  });

  it('runs a URL once for every image showing it, at the largest scale any needs', async () => {
    const { queue, runs, add } = harness();
    expect(add('a', 'same.png', 2)).toBe(true);
    expect(add('b', 'same.png', 4)).toBe(true);
    await settle();
    expect(runs).toHaveLength(1);
    expect(runs[0].scale).toBe(4);
    expect(runs[0].waiters()).toEqual(['a', 'b']);
    expect(queue.size).toBe(2);
    runs[0].finish();
    await settle();
    expect(queue.size).toBe(0);
    expect(runs).toHaveLength(1);
  });

  it('lets an image join a running job, and tells the run', async () => {
    const { runs, add } = harness();
    add('a', 'same.png');
    await settle();
    add('b', 'same.png');
    await settle();
    expect(runs).toHaveLength(1);
    expect(runs[0].waiters()).toEqual(['a', 'b']);
  });

  it('counts an image asking again for its URL once, and moves one asking for another', async () => {
    const { queue, runs, add } = harness();
    add('blocker', 'blocker.png');
    expect(add('a', 'old.png')).toBe(true);
    expect(add('a', 'old.png')).toBe(false);
    expect(add('a', 'new.png')).toBe(true);
    expect(queue.size).toBe(2);
    await settle();
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['blocker.png', 'new.png']);
  });

  it('drops a pending job whose images all left, and never runs it', async () => {
    const { queue, runs, add } = harness();
    add('blocker', 'blocker.png');
    add('a', 'gone.png');
    add('b', 'gone.png');
    queue.withdraw('a');
    queue.withdraw('b');
    await settle();
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['blocker.png']);
    expect(queue.size).toBe(0);
  });

  it('withdrawIfPending leaves an image whose job has started, so its result lands', async () => {
    const { queue, runs, add } = harness();
    add('running', 'running.png');
    add('pending', 'pending.png');
    await settle();
    queue.withdrawIfPending('running');
    queue.withdrawIfPending('pending');
    expect(runs[0].waiters()).toEqual(['running']);
    expect(queue.size).toBe(1);
    runs[0].finish();
    await settle();
    expect(runs).toHaveLength(1);
  });

  it('withdraw takes an image off a running job: the run sees no one waiting', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    await settle();
    queue.withdraw('a');
    expect(runs[0].waiters()).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('lets an image join a running job every image left (a framework rendering the element anew): no second run', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    await settle();
    queue.withdraw('a');
    expect(runs[0].waiters()).toEqual([]);
    add('a2', 'a.png');
    await settle();
    expect(runs[0].waiters()).toEqual(['a2']);
    runs[0].finish();
    await settle();
    expect(runs).toHaveLength(1);
    expect(queue.size).toBe(0);
  });

  it('lets go of the images still waiting for a run the caller abandoned: asking again, they wait for a run of their own', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    await settle();
    queue.abandon('a.png');
    expect(queue.size).toBe(0);
    expect(add('a', 'a.png')).toBe(true);
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'a.png']);
    expect(runs[1].waiters()).toEqual(['a']);
    expect(queue.size).toBe(1);
  });

  it('hands back the images that came to need a larger scale than their run ran at (joined, or asked again, after it started)', async () => {
    const { runs, outgrown, add } = harness();
    add('a', 'same.png', 2);
    add('b', 'same.png', 2);
    await settle();
    add('b', 'same.png', 4);
    add('c', 'same.png', 4);
    add('d', 'same.png', 2);
    runs[0].finish();
    await settle();
    expect(runs[0].scale).toBe(2);
    expect(outgrown).toEqual([['b', 'c']]);
    expect(runs).toHaveLength(1);
  });

  it("keeps an image that came back to the URL of a run the caller abandoned (aborted) out of that run: it waits for a run of its own", async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    await settle();
    queue.withdraw('a');
    queue.abandon('a.png');
    add('a', 'a.png');
    await settle();
    // The first run's end must not take the image along.
    expect(runs[0].waiters()).toEqual([]);
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'a.png']);
    expect(runs[1].waiters()).toEqual(['a']);
    runs[1].finish();
    await settle();
    expect(queue.size).toBe(0);
  });

  it('withdrawAll empties the queue and says who waited', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    add('b', 'b.png');
    add('c', 'b.png');
    await settle();
    expect(queue.withdrawAll().sort()).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
    runs[0].finish();
    await settle();
    expect(runs).toHaveLength(1);
  });

  it('goes on with the next job after a run rejects', async () => {
    const { runs, errors, add } = harness();
    add('a', 'a.png');
    add('b', 'b.png', 2, { visible: false, distance: 10 });
    await settle();
    runs[0].fail(new Error('boom'));
    await settle();
    expect(errors).toEqual([new Error('boom')]);
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'b.png']);
  });

  it('starts nothing while paused, lets the running job land, and goes on where it stopped on resume', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    add('b', 'b.png');
    await settle();
    queue.pause();
    add('c', 'c.png');
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png']);
    expect(queue.size).toBe(2);
    queue.resume();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'b.png']);
    runs[1].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'b.png', 'c.png']);
  });

  it('does not stop a run when paused and resumed while it runs', async () => {
    const { queue, runs, add } = harness();
    add('a', 'a.png');
    add('b', 'b.png');
    await settle();
    queue.pause();
    queue.resume();
    await settle();
    // One at a time still: b waits for a.
    expect(runs.map((run) => run.url)).toEqual(['a.png']);
    runs[0].finish();
    await settle();
    expect(runs.map((run) => run.url)).toEqual(['a.png', 'b.png']);
  });

  it('reports every change of who waits', async () => {
    const { queue, runs, add, changes } = harness();
    add('a', 'a.png');
    expect(changes()).toBe(1);
    add('a', 'a.png');
    expect(changes()).toBe(1);
    await settle();
    runs[0].finish();
    await settle();
    expect(changes()).toBe(2);
    queue.withdraw('nobody');
    expect(changes()).toBe(2);
  });
});

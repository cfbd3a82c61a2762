import { describe, expect, it } from 'vitest';
import { comparePriority, JobQueue, type Priority } from './job-queue';

const onScreen = (distance = 0): Priority => ({ visible: true, distance });
const below = (distance: number): Priority => ({ visible: false, distance });

/** Every URL the queue hands out, in order, finishing each before the next (one at a time). */
function drain<W>(queue: JobQueue<W>): string[] {
  const order: string[] = [];
  for (let url = queue.next(); url !== undefined; url = queue.next()) {
    order.push(url);
    queue.finish(url);
  }
  return order;
}

describe('comparePriority', () => {
  it('puts visible images first, then the nearest', () => {
    expect(comparePriority(onScreen(), below(0))).toBeLessThan(0);
    expect(comparePriority(below(0), onScreen(500))).toBeGreaterThan(0);
    expect(comparePriority(below(100), below(900))).toBeLessThan(0);
    expect(comparePriority(below(100), below(100))).toBe(0);
  });
});

describe('JobQueue', () => {
  it('hands out nothing when empty', () => {
    expect(new JobQueue<string>().next()).toBeUndefined();
  });

  it('runs visible images first, then by distance, then first come first served', () => {
    const queue = new JobQueue<string>();
    queue.enqueue('far', 'img1', below(2000));
    queue.enqueue('near', 'img2', below(100));
    queue.enqueue('seen-first', 'img3', onScreen());
    queue.enqueue('tie', 'img4', below(100));
    queue.enqueue('seen-second', 'img5', onScreen());
    expect(drain(queue)).toEqual(['seen-first', 'seen-second', 'near', 'tie', 'far']);
  });

  it('marks a job running when handed out, and forgets it when finished', () => {
    const queue = new JobQueue<string>();
    queue.enqueue('a', 'img1', onScreen());
    expect(queue.state('a')).toBe('pending');
    expect(queue.pendingCount).toBe(1);
    expect(queue.next()).toBe('a');
    expect(queue.state('a')).toBe('running');
    expect(queue.pendingCount).toBe(0);
    expect(queue.finish('a')).toEqual(['img1']);
    expect(queue.state('a')).toBeNull();
    expect(queue.finish('a')).toEqual([]);
  });

  describe('one job per URL', () => {
    it('joins a second request for a pending URL', () => {
      const queue = new JobQueue<string>();
      expect(queue.enqueue('a', 'img1', below(50))).toBe('queued');
      expect(queue.enqueue('a', 'img2', below(50))).toBe('joined');
      expect(queue.pendingCount).toBe(1);
      expect(queue.next()).toBe('a');
      expect(queue.finish('a')).toEqual(['img1', 'img2']);
      expect(queue.next()).toBeUndefined();
    });

    it('joins a request for a running URL, answered when it finishes', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.next();
      expect(queue.enqueue('a', 'img2', onScreen())).toBe('joined');
      expect(queue.pendingCount).toBe(0);
      expect(queue.waiters('a')).toEqual(['img1', 'img2']);
      expect(queue.finish('a')).toEqual(['img1', 'img2']);
    });

    it('counts a waiter asking twice once', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', below(50));
      expect(queue.enqueue('a', 'img1', below(50))).toBe('joined');
      expect(queue.waiters('a')).toEqual(['img1']);
    });

    it('takes the better priority of the requests joined', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('shared', 'img1', below(5000));
      queue.enqueue('other', 'img2', below(100));
      queue.enqueue('shared', 'img3', onScreen());
      queue.enqueue('shared', 'img4', below(9000));
      expect(drain(queue)).toEqual(['shared', 'other']);
    });

    it('queues a URL anew once its job has finished (the cache answers it then)', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.finish(queue.next() ?? '');
      expect(queue.enqueue('a', 'img2', onScreen())).toBe('queued');
    });
  });

  describe('reprioritize', () => {
    it('reorders pending jobs after a scroll', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('top', 'img1', onScreen());
      queue.enqueue('bottom', 'img2', below(3000));
      expect(queue.reprioritize('top', below(3000))).toBe(true);
      expect(queue.reprioritize('bottom', onScreen())).toBe(true);
      expect(drain(queue)).toEqual(['bottom', 'top']);
    });

    it('can lower a priority, unlike a join', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.enqueue('b', 'img2', below(10));
      queue.reprioritize('a', below(20));
      expect(drain(queue)).toEqual(['b', 'a']);
    });

    it('ignores URLs that are not pending', () => {
      const queue = new JobQueue<string>();
      expect(queue.reprioritize('missing', onScreen())).toBe(false);
      queue.enqueue('a', 'img1', onScreen());
      queue.next();
      expect(queue.reprioritize('a', below(5))).toBe(false);
    });
  });

  describe('cancel', () => {
    it('drops a pending job with all its waiters', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.enqueue('a', 'img2', onScreen());
      queue.enqueue('b', 'img3', below(10));
      expect(queue.cancel('a')).toEqual(['img1', 'img2']);
      expect(queue.state('a')).toBeNull();
      expect(drain(queue)).toEqual(['b']);
    });

    it('withdraws one image and keeps the job for the others', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.enqueue('a', 'img2', onScreen());
      expect(queue.cancel('a', 'img1')).toEqual(['img1']);
      expect(queue.state('a')).toBe('pending');
      expect(queue.cancel('a', 'img2')).toEqual(['img2']);
      expect(queue.state('a')).toBeNull();
    });

    it('keeps a running job no one waits for any more: a request for its URL joins it (an element rendered anew in place of the one that left)', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.next();
      const waiters = queue.runWaiters('a');
      expect(queue.cancel('a', 'img1')).toEqual(['img1']);
      expect(queue.state('a')).toBe('running');
      expect(waiters()).toEqual([]);
      expect(queue.enqueue('a', 'img2', onScreen())).toBe('joined');
      expect(waiters()).toEqual(['img2']);
      expect(queue.finish('a')).toEqual(['img2']);
      expect(queue.state('a')).toBeNull();
    });

    it('queues a request for the URL of a running job the caller abandoned (aborted) as a job of its own', () => {
      const queue = new JobQueue<string>();
      queue.enqueue('a', 'img1', onScreen());
      queue.next();
      const waiters = queue.runWaiters('a');
      queue.enqueue('a', 'img3', onScreen());
      queue.cancel('a', 'img1');
      expect(queue.abandon('a')).toEqual(['img3']);
      expect(queue.state('a')).toBeNull();
      expect(queue.enqueue('a', 'img2', onScreen())).toBe('queued');
      // The abandoned run keeps its own record, without the newcomer.
      expect(waiters()).toEqual(['img3']);
      expect(queue.state('a')).toBe('pending');
      expect(queue.finish('a')).toEqual([]);
      expect(queue.next()).toBe('a');
    });

    it('does nothing for unknown URLs or waiters', () => {
      const queue = new JobQueue<string>();
      expect(queue.cancel('missing')).toEqual([]);
      queue.enqueue('a', 'img1', onScreen());
      expect(queue.cancel('a', 'img9')).toEqual([]);
      expect(queue.waiters('a')).toEqual(['img1']);
    });
  });

  it('works with any waiter type, compared by identity', () => {
    const first = { swap: 'element 1' };
    const twin = { swap: 'element 1' };
    const queue = new JobQueue<{ swap: string }>();
    queue.enqueue('a', first, onScreen());
    expect(queue.enqueue('a', twin, onScreen())).toBe('joined');
    expect(queue.cancel('a', first)).toEqual([first]);
    expect(queue.waiters('a')).toEqual([twin]);
    expect(queue.waiters('a')[0]).toBe(twin);
  });

  it('hands out copies: changing them does not change the queue', () => {
    const queue = new JobQueue<string>();
    queue.enqueue('a', 'img1', onScreen());
    (queue.waiters('a') as string[]).push('intruder');
    expect(queue.waiters('a')).toEqual(['img1']);
  });
});

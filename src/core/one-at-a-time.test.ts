import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('oneAtATime', () => {
  it('runs read-modify-write steps one after another, so none is lost', async () => {
    const serially = oneAtATime();
    let stored = 0;
    const increment = () =>
      serially(async () => {
        const read = stored;
        await tick();
        stored = read + 1;
        return stored;
      });
    expect(await Promise.all([increment(), increment(), increment()])).toEqual([1, 2, 3]);
    expect(stored).toBe(3);
  });

  it('a failing step fails its caller alone; the steps behind it run', async () => {
    const serially = oneAtATime();
    const failed = serially(() => Promise.reject(new Error('storage full')));
    const next = serially(() => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('storage full');
    expect(await next).toBe('ran');
  });

  it('keeps one chain per queue: a slow step holds back its own queue only', async () => {
    const slow = oneAtATime();
    const other = oneAtATime();
    const order: string[] = [];
    const held = slow(async () => {
      await tick();
      await tick();
      order.push('slow');
    });
    await other(async () => {
      order.push('other');
    });
    await held;
    expect(order).toEqual(['other', 'slow']);
  });
});

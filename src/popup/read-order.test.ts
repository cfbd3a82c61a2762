import { describe, expect, it } from 'vitest';
import { ReadOrder } from './read-order';

describe('ReadOrder', () => {
  it('draws each answer of reads that overlap one after another, as counts change while one is under way', () => {
    const order = new ReadOrder();
    let started = order.next();
    const drawn: boolean[] = [];
    // Each read answers only after the next has started: the page reports faster than tab-status answers.
    for (let i = 0; i < 5; i++) {
      const next = order.next();
      drawn.push(order.claim(started));
      started = next;
    }
    expect(drawn).toEqual([true, true, true, true, true]);
  });

  it('drops an answer older than one drawn already', () => {
    const order = new ReadOrder();
    const older = order.next();
    const newer = order.next();
    expect(order.claim(newer)).toBe(true);
    expect(order.claim(older)).toBe(false);
  });

  it('drops reads that started before the user changed a control, and draws those after', () => {
    const order = new ReadOrder();
    const before = order.next();
    order.writing();
    const after = order.next();
    expect(order.claim(before)).toBe(false);
    expect(order.claim(after)).toBe(true);
  });

  it('drops reads that started while a write was under way, once it settled: they may hold the value it replaced', () => {
    const order = new ReadOrder();
    const settled = order.writing();
    expect(order.controlsBusy).toBe(true);
    const drawnDuring = order.next();
    const answersAfter = order.next();
    // Answered while the write is still going: its counts are drawn, its controls left alone.
    expect(order.claim(drawnDuring)).toBe(true);
    settled();
    expect(order.controlsBusy).toBe(false);
    const after = order.next();
    expect(order.claim(answersAfter)).toBe(false);
    expect(order.claim(after)).toBe(true);
  });
});

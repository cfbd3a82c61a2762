import { describe, expect, it } from 'vitest';
import { contentBoxSize, storedSize, transformStretch, viewportPriority, type ViewportRect } from './image-geometry';

const viewport = { width: 1000, height: 800 };

/** A 200x100 box whose top-left corner is at (x, y) in the viewport. */
const at = (x: number, y: number, width = 200, height = 100): ViewportRect => ({ left: x, top: y, right: x + width, bottom: y + height });

describe('storedSize', () => {
  it('turns the upright size where the shape is closer to it turned', () => {
    expect(storedSize({ width: 57, height: 86 }, { width: 86, height: 57 })).toEqual({ width: 86, height: 57 });
    // Laid out larger, a fraction off: the shape decides, not the size.
    expect(storedSize({ width: 57, height: 86 }, { width: 172.5, height: 114 })).toEqual({ width: 86, height: 57 });
  });

  it('keeps it where the shape is the upright one, or as close to either (a square)', () => {
    expect(storedSize({ width: 57, height: 86 }, { width: 114, height: 172 })).toEqual({ width: 57, height: 86 });
    expect(storedSize({ width: 64, height: 64 }, { width: 30, height: 90 })).toEqual({ width: 64, height: 64 });
    expect(storedSize({ width: 60, height: 40 }, { width: 50, height: 50 })).toEqual({ width: 60, height: 40 });
  });
});

describe('contentBoxSize', () => {
  it('takes padding and border off each side', () => {
    expect(contentBoxSize({ width: 210, height: 110 }, { top: 5, right: 4, bottom: 5, left: 6 })).toEqual({ width: 200, height: 100 });
  });

  it('is the border box when there is no frame', () => {
    expect(contentBoxSize({ width: 288.5, height: 144 }, { top: 0, right: 0, bottom: 0, left: 0 })).toEqual({ width: 288.5, height: 144 });
  });

  it('never goes below zero', () => {
    expect(contentBoxSize({ width: 4, height: 0 }, { top: 3, right: 3, bottom: 3, left: 3 })).toEqual({ width: 0, height: 0 });
  });
});

describe('viewportPriority', () => {
  it('calls an image visible when any of it is on screen', () => {
    expect(viewportPriority(at(100, 100), viewport)).toEqual({ visible: true, distance: 0 });
    expect(viewportPriority(at(-150, 750), viewport)).toEqual({ visible: true, distance: 0 });
  });

  it('measures the gap to an image below, above, or beside the viewport', () => {
    expect(viewportPriority(at(100, 1300), viewport)).toEqual({ visible: false, distance: 500 });
    expect(viewportPriority(at(100, -400), viewport)).toEqual({ visible: false, distance: 300 });
    expect(viewportPriority(at(1600, 100), viewport)).toEqual({ visible: false, distance: 600 });
  });

  it('measures a corner gap in a straight line', () => {
    expect(viewportPriority(at(1300, 1200), viewport)).toEqual({ visible: false, distance: 500 });
  });

  it('does not call an image visible when it only touches the edge', () => {
    expect(viewportPriority(at(100, 800), viewport)).toEqual({ visible: false, distance: 0 });
  });

  it('does not call an empty box visible, even on screen', () => {
    expect(viewportPriority(at(100, 100, 0, 0), viewport)).toEqual({ visible: false, distance: 0 });
  });

  it('orders nearer images first', () => {
    const near = viewportPriority(at(0, 900), viewport);
    const far = viewportPriority(at(0, 3000), viewport);
    expect(near.distance).toBeLessThan(far.distance);
  });
});

describe('transformStretch', () => {
  const turn = (degrees: number, sx = 1, sy = 1) => {
    const r = (degrees * Math.PI) / 180;
    // rotate(r) after scale(sx, sy), as CSS writes "rotate(...) scale(...)".
    return { a: Math.cos(r) * sx, b: Math.sin(r) * sx, c: -Math.sin(r) * sy, d: Math.cos(r) * sy };
  };
  const close = (size: { width: number; height: number }) => ({ width: Number(size.width.toFixed(6)), height: Number(size.height.toFixed(6)) });

  it('a rotation or a flip stretches nothing', () => {
    expect(close(transformStretch(turn(90)))).toEqual({ width: 1, height: 1 });
    expect(close(transformStretch(turn(45)))).toEqual({ width: 1, height: 1 });
    expect(close(transformStretch({ a: -1, b: 0, c: 0, d: 1 }))).toEqual({ width: 1, height: 1 });
  });

  it('a scale stretches each side by its own factor, turned or not', () => {
    expect(close(transformStretch({ a: 2.5, b: 0, c: 0, d: 2.5 }))).toEqual({ width: 2.5, height: 2.5 });
    expect(close(transformStretch(turn(30, 2, 3)))).toEqual({ width: 2, height: 3 });
  });
});

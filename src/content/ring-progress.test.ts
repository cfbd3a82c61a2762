import { describe, expect, it } from 'vitest';
import { advanceRing, RING_START, type RingProgress } from './ring-progress';

function shownAfter(steps: Array<[number, number]>): number[] {
  let ring: RingProgress = RING_START;
  return steps.map(([done, total]) => (ring = advanceRing(ring, done, total)).shown);
}

describe('advanceRing', () => {
  it('follows one attempt tile by tile to the full ring', () => {
    expect(shownAfter([[0, 4], [1, 4], [2, 4], [3, 4], [4, 4]])).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('never goes back when a job starts over, and fills the rest with the new attempt', () => {
    // WebGPU failed after 2 of 4 tiles; WASM cuts the image into 2 tiles and starts from 0.
    const shown = shownAfter([[0, 4], [1, 4], [2, 4], [0, 2], [1, 2], [2, 2]]);
    expect(shown).toEqual([0, 0.25, 0.5, 0.5, 0.75, 1]);
    for (let i = 1; i < shown.length; i++) expect(shown[i]).toBeGreaterThanOrEqual(shown[i - 1]);
  });

  it('starts each further attempt from where the ring stood', () => {
    expect(shownAfter([[1, 2], [0, 2], [1, 2], [0, 1], [1, 1]])).toEqual([0.5, 0.5, 0.75, 0.75, 1]);
  });

  it('reads a job with no tiles as nothing done', () => {
    expect(shownAfter([[0, 0]])).toEqual([0]);
  });
});

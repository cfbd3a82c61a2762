import { describe, expect, it } from 'vitest';
import { tensorToByte } from './tensor';
import { planTiles, SeamBlender, seamWeight, type TilePlan } from './tiling';

/** The distinct [start, end) spans of the tile grid along one axis, in order. */
function spans(tiles: TilePlan[], axis: 'x' | 'y'): Array<[number, number]> {
  const size = axis === 'x' ? 'width' : 'height';
  const unique = new Map(tiles.map(({ input }) => [input[axis], input[axis] + input[size]]));
  return [...unique].sort((a, b) => a[0] - b[0]);
}

describe('planTiles', () => {
  const cases = [
    { width: 100, height: 70, maxTile: 48, overlap: 16 },
    { width: 1000, height: 33, maxTile: 256, overlap: 16 },
    { width: 257, height: 513, maxTile: 256, overlap: 16 },
    { width: 97, height: 61, maxTile: 40, overlap: 8 },
    { width: 300, height: 200, maxTile: 64, overlap: 0 },
  ];

  it.each(cases)('covers $width x $height with tiles of at most $maxTile inside the image', ({ width, height, maxTile, overlap }) => {
    const tiles = planTiles(width, height, maxTile, overlap);
    const covered = new Uint8Array(width * height);
    for (const { input } of tiles) {
      expect(input.width).toBeLessThanOrEqual(maxTile);
      expect(input.height).toBeLessThanOrEqual(maxTile);
      expect(input.x).toBeGreaterThanOrEqual(0);
      expect(input.y).toBeGreaterThanOrEqual(0);
      expect(input.x + input.width).toBeLessThanOrEqual(width);
      expect(input.y + input.height).toBeLessThanOrEqual(height);
      for (let y = input.y; y < input.y + input.height; y++) covered.fill(1, y * width + input.x, y * width + input.x + input.width);
    }
    expect(covered.every((c) => c === 1)).toBe(true);
  });

  it.each(cases)('overlaps neighbours by at least $overlap in $width x $height', ({ width, height, maxTile, overlap }) => {
    const tiles = planTiles(width, height, maxTile, overlap);
    for (const axis of ['x', 'y'] as const) {
      const axisSpans = spans(tiles, axis);
      for (let i = 1; i < axisSpans.length; i++) expect(axisSpans[i - 1][1] - axisSpans[i][0]).toBeGreaterThanOrEqual(overlap);
    }
  });

  it('spreads tiles evenly instead of leaving a sliver at the edge', () => {
    const tiles = planTiles(1000, 33, 256, 16);
    expect(new Set(tiles.map((t) => t.input.width)).size).toBe(1);
  });

  it('uses a single tile when the image fits', () => {
    expect(planTiles(100, 80, 256, 16)).toEqual([{ input: { x: 0, y: 0, width: 100, height: 80 } }]);
    expect(planTiles(256, 256, 256, 16)).toHaveLength(1);
  });

  it('rejects tiles too small to hold the overlap on both sides', () => {
    expect(() => planTiles(100, 100, 32, 16)).toThrow(RangeError);
  });
});

describe('seamWeight', () => {
  // Two tiles of a 64-pixel axis sharing 16 pixels: [0, 40) and [24, 64).
  const overlap = 16;
  const margin = overlap / 4;
  const ramp = overlap / 2;
  const left = (pos: number) => seamWeight(pos, 0, 40, 64, margin, ramp);
  const right = (pos: number) => seamWeight(pos, 24, 40, 64, margin, ramp);

  it('is 1 everywhere in a tile without neighbours', () => {
    for (let pos = 0; pos < 64; pos++) expect(seamWeight(pos, 0, 64, 64, margin, ramp)).toBe(1);
  });

  it('is 1 on the image border, where the whole image is zero padded too', () => {
    expect(left(0)).toBe(1);
    expect(right(63)).toBe(1);
  });

  it('gives the outer margin next to a neighbour almost no say, but never zero', () => {
    for (let i = 0; i < margin; i++) {
      expect(left(39 - i)).toBeGreaterThan(0);
      expect(left(39 - i)).toBeLessThan(1e-5);
      expect(right(24 + i)).toBeLessThan(1e-5);
    }
  });

  it('sums to 1 across the seam', () => {
    for (let pos = 24; pos < 40; pos++) expect(left(pos) + right(pos)).toBeCloseTo(1, 5);
  });
});

describe('SeamBlender', () => {
  it('returns a constant when every tile is that constant', () => {
    const [width, height, overlap] = [100, 70, 16];
    const bytes = [51, 128, 230];
    const colour = bytes.map((b) => b / 255);
    const blender = new SeamBlender(width, height, overlap);
    const tiles = planTiles(width, height, 48, overlap);
    expect(tiles.length).toBeGreaterThan(1);
    for (const { input } of tiles) {
      const plane = input.width * input.height;
      const tile = new Float32Array(plane * 3);
      colour.forEach((c, ch) => tile.fill(c, ch * plane, (ch + 1) * plane));
      blender.add(tile, input.x, input.y, input.width, input.height);
    }
    const result = blender.result();
    const plane = width * height;
    for (let ch = 0; ch < 3; ch++) {
      const channel = result.subarray(ch * plane, (ch + 1) * plane);
      // A weighted mean of equal values is that value, up to float32 rounding of the sums.
      const maxError = channel.reduce((max, v) => Math.max(max, Math.abs(v - colour[ch])), 0);
      expect(maxError).toBeLessThan(1e-6);
      expect([...new Set(Array.from(channel, tensorToByte))]).toEqual([bytes[ch]]);
    }
  });
});

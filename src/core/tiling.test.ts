import { describe, expect, it } from 'vitest';
import { createRgbaImage, type RgbaImage } from './image';
import { tensorToByte } from './tensor';
import { planTiles, SeamBlender, seamSplit, seamWeight, type TilePlan } from './tiling';

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
  const { margin, ramp } = seamSplit(overlap);
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

/** Planar RGB tiles of smooth noise for a plan, as a model would return them (output pixels). */
function randomTiles(tiles: TilePlan[], scale: number, seed: number): Float32Array[] {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return tiles.map(({ input }) => Float32Array.from({ length: input.width * input.height * scale * scale * 3 }, () => random() * 1.1 - 0.05));
}

/** The blend's definition: one float accumulator over the whole output, normalised at the end. */
function wholeImageBlend(tiles: TilePlan[], outputs: Float32Array[], width: number, height: number, scale: number, overlap: number): Uint8ClampedArray {
  const plane = width * height;
  const sum = new Float32Array(plane * 3);
  const weight = new Float32Array(plane);
  const { margin, ramp } = seamSplit(overlap);
  tiles.forEach(({ input }, i) => {
    const [x, y, w, h] = [input.x * scale, input.y * scale, input.width * scale, input.height * scale];
    for (let ty = 0; ty < h; ty++) {
      for (let tx = 0; tx < w; tx++) {
        const wt = Math.fround(seamWeight(y + ty, y, h, height, margin, ramp)) * Math.fround(seamWeight(x + tx, x, w, width, margin, ramp));
        const p = (y + ty) * width + x + tx;
        weight[p] += wt;
        for (let ch = 0; ch < 3; ch++) sum[p + ch * plane] += wt * outputs[i][ch * w * h + ty * w + tx];
      }
    }
  });
  const bytes = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) bytes[p * 4 + ch] = tensorToByte(Math.fround(sum[p + ch * plane] / weight[p]));
    bytes[p * 4 + 3] = 255;
  }
  return bytes;
}

describe('SeamBlender', () => {
  function blendAll(tiles: TilePlan[], outputs: Float32Array[], out: RgbaImage, scale: number, overlap: number): void {
    const blender = new SeamBlender(out, overlap);
    tiles.forEach(({ input }, i) => blender.add(outputs[i], input.x * scale, input.y * scale, input.width * scale, input.height * scale));
    blender.finish();
  }

  it('returns a constant when every tile is that constant', () => {
    const [width, height, overlap] = [100, 70, 16];
    const bytes = [51, 128, 230];
    const colour = bytes.map((b) => b / 255);
    const tiles = planTiles(width, height, 48, overlap);
    expect(tiles.length).toBeGreaterThan(1);
    const outputs = tiles.map(({ input }) => {
      const plane = input.width * input.height;
      const tile = new Float32Array(plane * 3);
      colour.forEach((c, ch) => tile.fill(c, ch * plane, (ch + 1) * plane));
      return tile;
    });
    const out = createRgbaImage(width, height);
    blendAll(tiles, outputs, out, 1, overlap);
    for (let ch = 0; ch < 4; ch++) expect(new Set(out.data.filter((_, i) => i % 4 === ch))).toEqual(new Set([[...bytes, 255][ch]]));
  });

  it.each([
    { width: 100, height: 70, maxTile: 48, overlap: 16, scale: 1 },
    { width: 61, height: 97, maxTile: 40, overlap: 12, scale: 4 },
    { width: 90, height: 30, maxTile: 64, overlap: 28, scale: 2 },
  ])('writes the whole-image blend bit for bit: $width x $height, tiles $maxTile, x$scale', ({ width, height, maxTile, overlap, scale }) => {
    const tiles = planTiles(width, height, maxTile, overlap);
    const outputs = randomTiles(tiles, scale, width * height);
    const out = createRgbaImage(width * scale, height * scale);
    blendAll(tiles, outputs, out, scale, overlap * scale);
    const expected = wholeImageBlend(tiles, outputs, width * scale, height * scale, scale, overlap * scale);
    expect(out.data.length).toBe(expected.length);
    expect(out.data.filter((byte, i) => byte !== expected[i]).length).toBe(0);
  });

  it('writes rows as soon as no later tile reaches them, and refuses tiles out of order', () => {
    const [width, height, overlap] = [100, 70, 16];
    const tiles = planTiles(width, height, 48, overlap);
    const outputs = randomTiles(tiles, 1, 3);
    const out = createRgbaImage(width, height);
    const blender = new SeamBlender(out, overlap);
    const secondRow = tiles.findIndex(({ input }) => input.y > 0);
    for (let i = 0; i <= secondRow; i++) blender.add(outputs[i], tiles[i].input.x, tiles[i].input.y, tiles[i].input.width, tiles[i].input.height);
    const alphaOfRow = (y: number) => out.data[(y * width + 50) * 4 + 3];
    const top = tiles[secondRow].input.y;
    expect(alphaOfRow(top - 1)).toBe(255);
    expect(alphaOfRow(top)).toBe(0);
    expect(() => blender.add(outputs[0], 0, 0, tiles[0].input.width, tiles[0].input.height)).toThrow(RangeError);
  });
});

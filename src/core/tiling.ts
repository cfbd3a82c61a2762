import type { Rect } from './tensor';

export interface TilePlan {
  /** The input region the model sees. */
  input: Rect;
}

/**
 * Splits a width x height input into tiles of at most `maxTile` pixels a side that overlap by
 * `overlap` pixels, so each seam can be blended from two predictions that both saw context.
 * Tiles are spread evenly: no thin sliver at the right or bottom edge.
 */
export function planTiles(width: number, height: number, maxTile: number, overlap: number): TilePlan[] {
  if (maxTile <= overlap * 2) throw new RangeError(`tile ${maxTile} must exceed twice the overlap ${overlap}`);
  const xs = axisSpans(width, maxTile, overlap);
  const ys = axisSpans(height, maxTile, overlap);
  const tiles: TilePlan[] = [];
  for (const [y, h] of ys) for (const [x, w] of xs) tiles.push({ input: { x, y, width: w, height: h } });
  return tiles;
}

function axisSpans(length: number, maxTile: number, overlap: number): Array<[number, number]> {
  if (length <= maxTile) return [[0, length]];
  const count = Math.ceil((length - overlap) / (maxTile - overlap));
  const size = Math.ceil((length + (count - 1) * overlap) / count);
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const start = Math.min(i * (size - overlap), length - size);
    spans.push([start, size]);
  }
  return spans;
}

/**
 * Weight of an output pixel at `pos` within a tile span [start, start + size) of an axis of
 * `length`. On a side with a neighbouring tile, the outer `margin` pixels get (almost) no say,
 * since there the model saw zero padding instead of the real picture; then the weight ramps up
 * linearly over `ramp` pixels. With margin = overlap / 4 and ramp = overlap / 2 the weights of
 * two neighbours sum to 1 across the seam.
 */
export function seamWeight(pos: number, start: number, size: number, length: number, margin: number, ramp: number): number {
  const fromStart = pos - start + 0.5;
  const fromEnd = start + size - pos - 0.5;
  let w = 1;
  if (start > 0) w = Math.min(w, (fromStart - margin) / ramp);
  if (start + size < length) w = Math.min(w, (fromEnd - margin) / ramp);
  return Math.max(w, 1e-6);
}

/**
 * Accumulates weighted tile outputs into one image and normalises at the end: the seam blend.
 * `overlap` is in output pixels.
 * Memory is one float per output value plus one weight per output pixel, whatever the tile count.
 */
export class SeamBlender {
  private readonly sum: Float32Array;
  private readonly weight: Float32Array;
  private readonly margin: number;
  private readonly ramp: number;

  constructor(
    readonly width: number,
    readonly height: number,
    overlap: number,
  ) {
    this.margin = overlap / 4;
    this.ramp = overlap / 2;
    this.sum = new Float32Array(width * height * 3);
    this.weight = new Float32Array(width * height);
  }

  /** Adds a planar RGB tile whose top-left output pixel is (x, y). */
  add(tile: Float32Array, x: number, y: number, tileWidth: number, tileHeight: number): void {
    const plane = this.width * this.height;
    const tilePlane = tileWidth * tileHeight;
    const rowWeights = new Float32Array(tileHeight);
    for (let ty = 0; ty < tileHeight; ty++) rowWeights[ty] = seamWeight(y + ty, y, tileHeight, this.height, this.margin, this.ramp);
    const colWeights = new Float32Array(tileWidth);
    for (let tx = 0; tx < tileWidth; tx++) colWeights[tx] = seamWeight(x + tx, x, tileWidth, this.width, this.margin, this.ramp);
    for (let ty = 0; ty < tileHeight; ty++) {
      const rowBase = (y + ty) * this.width + x;
      for (let tx = 0; tx < tileWidth; tx++) {
        const w = rowWeights[ty] * colWeights[tx];
        const p = rowBase + tx;
        const t = ty * tileWidth + tx;
        this.weight[p] += w;
        this.sum[p] += w * tile[t];
        this.sum[p + plane] += w * tile[t + tilePlane];
        this.sum[p + 2 * plane] += w * tile[t + 2 * tilePlane];
      }
    }
  }

  /** The blended planar RGB result. */
  result(): Float32Array {
    const plane = this.width * this.height;
    const out = this.sum;
    for (let p = 0; p < plane; p++) {
      const w = this.weight[p];
      out[p] /= w;
      out[p + plane] /= w;
      out[p + 2 * plane] /= w;
    }
    return out;
  }
}

import type { RgbaImage } from './image';
import { tensorToByte, type Rect } from './tensor';

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
 * linearly over `ramp` pixels. With 2 margin + ramp = overlap (seamSplit) the weights of two
 * neighbours sum to 1 across the seam.
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
 * The margin and ramp of seamWeight for an overlap. A wide margin keeps the pixels that have a say
 * far from where the model saw padding: the quality x4 trained with scale augmentation reaches
 * farther than the models before it, and drifted 3/255 from the whole image on Set14 zebra at 64-pixel
 * tiles with margin overlap/4 and ramp overlap/2, while 3/8 and 1/4 keep every shipped model within
 * 2/255 (test/unit/tiling-real-model.test.ts). A steeper ramp costs nothing there: both neighbours'
 * predictions agree to about a level where it runs.
 */
export function seamSplit(overlap: number): { margin: number; ramp: number } {
  return { margin: (overlap * 3) / 8, ramp: overlap / 4 };
}

/**
 * The seam blend: accumulates weighted tile outputs and writes each output row, normalised and
 * rounded to bytes, into an opaque RGBA image as soon as no later tile can reach it. Tiles must
 * come in planTiles' order (top to bottom), so floats are only held for the rows the current row
 * of tiles covers: at 256-pixel tiles and x4 a 4096 x 3072 output keeps 56 MB of them (860 rows),
 * not the 201 MB a whole-image accumulator would. `overlap` is in output pixels.
 */
export class SeamBlender {
  /** Weighted sums of R, G, B and the weights, for output rows [top, top + rows). */
  private sums = [new Float32Array(0), new Float32Array(0), new Float32Array(0)];
  private weight = new Float32Array(0);
  private top = 0;
  private rows = 0;
  private readonly margin: number;
  private readonly ramp: number;

  constructor(
    private readonly out: RgbaImage,
    overlap: number,
  ) {
    ({ margin: this.margin, ramp: this.ramp } = seamSplit(overlap));
  }

  /** Adds a planar RGB tile whose top-left output pixel is (x, y). */
  add(tile: Float32Array, x: number, y: number, tileWidth: number, tileHeight: number): void {
    if (y < this.top) throw new RangeError(`tile at row ${y} came after row ${this.top} was written`);
    this.writeRowsAbove(y);
    this.holdRowsUpTo(y + tileHeight);
    const { width, height } = this.out;
    const tilePlane = tileWidth * tileHeight;
    const [sumR, sumG, sumB] = this.sums;
    const rowWeights = new Float32Array(tileHeight);
    for (let ty = 0; ty < tileHeight; ty++) rowWeights[ty] = seamWeight(y + ty, y, tileHeight, height, this.margin, this.ramp);
    const colWeights = new Float32Array(tileWidth);
    for (let tx = 0; tx < tileWidth; tx++) colWeights[tx] = seamWeight(x + tx, x, tileWidth, width, this.margin, this.ramp);
    for (let ty = 0; ty < tileHeight; ty++) {
      const rowBase = (y + ty - this.top) * width + x;
      for (let tx = 0; tx < tileWidth; tx++) {
        const w = rowWeights[ty] * colWeights[tx];
        const p = rowBase + tx;
        const t = ty * tileWidth + tx;
        this.weight[p] += w;
        sumR[p] += w * tile[t];
        sumG[p] += w * tile[t + tilePlane];
        sumB[p] += w * tile[t + 2 * tilePlane];
      }
    }
  }

  /** Writes the rows still held, and lets go of their sums (a tile row of the result, in floats); call once, after the last tile. */
  finish(): void {
    this.writeRowsAbove(this.top + this.rows);
    this.sums = [new Float32Array(0), new Float32Array(0), new Float32Array(0)];
    this.weight = new Float32Array(0);
    this.rows = 0;
  }

  /** Tiles come top to bottom, so rows above `y` are final: write them out and stop holding them. */
  private writeRowsAbove(y: number): void {
    const done = Math.min(y, this.top + this.rows) - this.top;
    if (done <= 0) return;
    const { width, data } = this.out;
    const [sumR, sumG, sumB] = this.sums;
    for (let p = 0, dst = this.top * width * 4; p < done * width; p++, dst += 4) {
      const w = this.weight[p];
      // Rounded through float32 like the tile outputs, so results match a whole-image blend bit for bit.
      data[dst] = tensorToByte(Math.fround(sumR[p] / w));
      data[dst + 1] = tensorToByte(Math.fround(sumG[p] / w));
      data[dst + 2] = tensorToByte(Math.fround(sumB[p] / w));
      data[dst + 3] = 255;
    }
    const kept = (this.rows - done) * width;
    for (const buffer of [...this.sums, this.weight]) {
      buffer.copyWithin(0, done * width, this.rows * width);
      buffer.fill(0, kept, this.rows * width);
    }
    this.top += done;
    this.rows -= done;
  }

  /** Holds floats for rows up to `bottom`, growing the buffers when a taller tile comes. */
  private holdRowsUpTo(bottom: number): void {
    const { width } = this.out;
    const needed = bottom - this.top;
    if (needed > this.weight.length / width) {
      const grow = (old: Float32Array) => {
        const buffer = new Float32Array(needed * width);
        buffer.set(old.subarray(0, this.rows * width));
        return buffer;
      };
      this.sums = this.sums.map(grow);
      this.weight = grow(this.weight);
    }
    this.rows = Math.max(this.rows, needed);
  }
}

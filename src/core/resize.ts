/** One 8-bit channel of interleaved pixels: byte `channel` of every `stride` (3 and 4: an RGBA image's alpha). */
export interface ChannelView {
  data: Uint8ClampedArray | Uint8Array;
  stride: number;
  channel: number;
}

/** A channel stored on its own, one byte per pixel. */
export const plane = (data: Uint8ClampedArray | Uint8Array): ChannelView => ({ data, stride: 1, channel: 0 });

/**
 * Bicubic upscaling of one 8-bit channel (cubic a = -0.5, edge pixels repeated): how the alpha
 * channel grows, since the model sees RGB only. Smooth edges are what a mask wants; the model
 * would invent texture in it. Read from and written into interleaved pixels where they are, and
 * filtered across a source row at a time, as the output rows reach it: the four rows an output row
 * reads are all it holds (planes of floats for the whole image would be 32 MB at 2048 x 2048, x2).
 */
export function upscaleChannel(src: ChannelView, width: number, height: number, scale: number, dst: ChannelView): void {
  const outW = width * scale;
  const outH = height * scale;
  const xTaps = cubicTaps(width, outW, scale);
  const yTaps = cubicTaps(height, outH, scale);
  const filtered = new Map<number, Float32Array>();
  const spare: Float32Array[] = [];
  const across = (sy: number): Float32Array => {
    const known = filtered.get(sy);
    if (known) return known;
    const row = spare.pop() ?? new Float32Array(outW);
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += xTaps.weights[x * 4 + k] * src.data[(sy * width + xTaps.index[x * 4 + k]) * src.stride + src.channel];
      row[x] = acc;
    }
    filtered.set(sy, row);
    return row;
  };
  const rows: Float32Array[] = [];
  for (let y = 0; y < outH; y++) {
    // Taps are in order, so the first is the lowest source row this output row and every later one read.
    const lowest = yTaps.index[y * 4];
    for (const [sy, row] of filtered) {
      if (sy >= lowest) continue;
      filtered.delete(sy);
      spare.push(row);
    }
    for (let k = 0; k < 4; k++) rows[k] = across(yTaps.index[y * 4 + k]);
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += yTaps.weights[y * 4 + k] * rows[k][x];
      // Clamped: cubic a = -0.5 overshoots beside a hard edge.
      dst.data[(y * outW + x) * dst.stride + dst.channel] = Math.min(255, Math.max(0, Math.round(acc)));
    }
  }
}

function cubic(x: number): number {
  const a = Math.abs(x);
  if (a <= 1) return 1.5 * a ** 3 - 2.5 * a ** 2 + 1;
  if (a < 2) return -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2;
  return 0;
}

function cubicTaps(inLen: number, outLen: number, scale: number): { index: Int32Array; weights: Float32Array } {
  const index = new Int32Array(outLen * 4);
  const weights = new Float32Array(outLen * 4);
  for (let o = 0; o < outLen; o++) {
    const center = (o + 0.5) / scale - 0.5;
    const left = Math.floor(center) - 1;
    for (let k = 0; k < 4; k++) {
      const i = left + k;
      index[o * 4 + k] = Math.min(inLen - 1, Math.max(0, i));
      weights[o * 4 + k] = cubic(center - i);
    }
  }
  return { index, weights };
}

/** Bicubic upscale of all four channels of an RGBA image: the floor any SR model must beat. */
export function upscaleBicubic(image: { width: number; height: number; data: Uint8ClampedArray }, scale: number): { width: number; height: number; data: Uint8ClampedArray } {
  const out = new Uint8ClampedArray(image.width * image.height * scale * scale * 4);
  for (let channel = 0; channel < 4; channel++) upscaleChannel({ data: image.data, stride: 4, channel }, image.width, image.height, scale, { data: out, stride: 4, channel });
  return { width: image.width * scale, height: image.height * scale, data: out };
}

/**
 * Bicubic upscaling of one 8-bit channel (cubic a = -0.5, edge pixels repeated): how the alpha
 * channel grows, since the model sees RGB only. Smooth edges are what a mask wants; the model
 * would invent texture in it.
 */
export function upscaleChannel(src: Uint8ClampedArray | Uint8Array, width: number, height: number, scale: number): Uint8ClampedArray {
  const outW = width * scale;
  const outH = height * scale;
  const xTaps = cubicTaps(width, outW, scale);
  const yTaps = cubicTaps(height, outH, scale);
  const rows = new Float32Array(height * outW);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += xTaps.weights[x * 4 + k] * src[y * width + xTaps.index[x * 4 + k]];
      rows[y * outW + x] = acc;
    }
  }
  const out = new Uint8ClampedArray(outW * outH);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      for (let k = 0; k < 4; k++) acc += yTaps.weights[y * 4 + k] * rows[yTaps.index[y * 4 + k] * outW + x];
      out[y * outW + x] = Math.round(acc);
    }
  }
  return out;
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
  const plane = image.width * image.height;
  const out = new Uint8ClampedArray(plane * scale * scale * 4);
  const channel = new Uint8ClampedArray(plane);
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < plane; p++) channel[p] = image.data[p * 4 + c];
    const up = upscaleChannel(channel, image.width, image.height, scale);
    for (let p = 0; p < up.length; p++) out[p * 4 + c] = up[p];
  }
  return { width: image.width * scale, height: image.height * scale, data: out };
}

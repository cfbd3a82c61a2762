import type { RgbaImage } from './image';

/** A rectangle in pixel coordinates, [x, x + width) x [y, y + height). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Copies a region of an RGBA image into a planar float RGB tensor (NCHW, N = 1) in [0, 1].
 * `out` is reused across tiles of the same size so tiling does not reallocate per tile.
 */
export function rgbaToTensor(image: RgbaImage, region: Rect, out?: Float32Array): Float32Array {
  const plane = region.width * region.height;
  const tensor = out && out.length === plane * 3 ? out : new Float32Array(plane * 3);
  const { data, width } = image;
  let p = 0;
  for (let y = 0; y < region.height; y++) {
    let src = ((region.y + y) * width + region.x) * 4;
    for (let x = 0; x < region.width; x++, p++, src += 4) {
      tensor[p] = data[src] / 255;
      tensor[p + plane] = data[src + 1] / 255;
      tensor[p + 2 * plane] = data[src + 2] / 255;
    }
  }
  return tensor;
}

/** Planar float RGB in [0, 1] -> bytes, clamped and rounded like the training evaluation does. */
export function tensorToByte(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}

/** Writes a whole planar RGB tensor into an opaque RGBA image of the same size. */
export function tensorToRgba(tensor: Float32Array, width: number, height: number): RgbaImage {
  const plane = width * height;
  if (tensor.length !== plane * 3) throw new RangeError(`tensor has ${tensor.length} values, expected ${plane * 3}`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let p = 0, dst = 0; p < plane; p++, dst += 4) {
    data[dst] = tensorToByte(tensor[p]);
    data[dst + 1] = tensorToByte(tensor[p + plane]);
    data[dst + 2] = tensorToByte(tensor[p + 2 * plane]);
    data[dst + 3] = 255;
  }
  return { width, height, data };
}

import { describe, expect, it } from 'vitest';
import { createRgbaImage } from './image';
import { rgbaToTensor, tensorToByte, tensorToRgba } from './tensor';

/** A 4x3 opaque image whose red is 10 * x, green 10 * y and blue x + y, so every value says where it came from. */
function coordinateImage() {
  const image = createRgbaImage(4, 3);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 4; x++) image.data.set([10 * x, 10 * y, x + y, 255], (y * 4 + x) * 4);
  }
  return image;
}

const whole = { x: 0, y: 0, width: 4, height: 3 };

describe('rgbaToTensor', () => {
  it('lays channels out as planes: all red, then all green, then all blue', () => {
    const image = createRgbaImage(2, 1);
    image.data.set([10, 20, 30, 255, 40, 50, 60, 255]);
    expect(Array.from(rgbaToTensor(image, { x: 0, y: 0, width: 2, height: 1 }), (v) => v * 255)).toEqual([10, 40, 20, 50, 30, 60].map((v) => expect.closeTo(v, 4)));
  });

  it('extracts a region', () => {
    const tensor = rgbaToTensor(coordinateImage(), { x: 1, y: 1, width: 2, height: 2 });
    const bytes = Array.from(tensor, (v) => Math.round(v * 255));
    // Pixels (1,1) (2,1) (1,2) (2,2), plane by plane.
    expect(bytes).toEqual([10, 20, 10, 20, 10, 10, 20, 20, 2, 3, 3, 4]);
  });

  it('reuses the buffer when the size matches and allocates one when it does not', () => {
    const image = coordinateImage();
    const first = rgbaToTensor(image, { x: 0, y: 0, width: 2, height: 2 });
    const second = rgbaToTensor(image, { x: 2, y: 1, width: 2, height: 2 }, first);
    expect(second).toBe(first);
    expect(Math.round(second[0] * 255)).toBe(20);
    const third = rgbaToTensor(image, whole, first);
    expect(third).not.toBe(first);
    expect(third).toHaveLength(4 * 3 * 3);
  });
});

describe('tensorToRgba', () => {
  it('round-trips an opaque image', () => {
    const image = coordinateImage();
    expect(tensorToRgba(rgbaToTensor(image, whole), 4, 3)).toEqual(image);
  });

  it('rejects a tensor of the wrong size', () => {
    expect(() => tensorToRgba(new Float32Array(10), 2, 2)).toThrow(RangeError);
  });
});

describe('tensorToByte', () => {
  it('clamps values outside [0, 1]', () => {
    expect(tensorToByte(1.2)).toBe(255);
    expect(tensorToByte(-0.1)).toBe(0);
  });

  it('rounds to the nearest byte, halves up', () => {
    expect(tensorToByte(0.49 / 255)).toBe(0);
    expect(tensorToByte(0.5 / 255)).toBe(1);
    expect(tensorToByte(127.5 / 255)).toBe(128);
    expect(tensorToByte(254.4 / 255)).toBe(254);
  });
});

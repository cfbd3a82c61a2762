/**
 * Pixels turned from upright (as decoders give them, an EXIF orientation applied) back to the way
 * their file stores them, for a page that lays the file out so (`image-orientation: none`):
 * Chromium's createImageBitmap turns a file upright whatever it is asked (measured), so the
 * engine undoes the turn itself. And the other way, for the command line, whose decoders give
 * the pixels as stored.
 */
import { createRgbaImage, type RgbaImage } from './image';
import type { Orientation } from './image-header';

/**
 * Where the stored pixel (x, y) of a `width` x `height` file lands once turned upright, for each
 * EXIF orientation: mirrored (2), half-turned (3), flipped (4), transposed (5), turned a quarter
 * clockwise (6), transversed (7), turned a quarter anticlockwise (8).
 */
const UPRIGHT: Record<Orientation, (x: number, y: number, width: number, height: number) => [number, number]> = {
  1: (x, y) => [x, y],
  2: (x, y, w) => [w - 1 - x, y],
  3: (x, y, w, h) => [w - 1 - x, h - 1 - y],
  4: (x, y, _w, h) => [x, h - 1 - y],
  5: (x, y) => [y, x],
  6: (x, y, _w, h) => [h - 1 - y, x],
  7: (x, y, w, h) => [h - 1 - y, w - 1 - x],
  8: (x, y, w) => [y, w - 1 - x],
};

/** `upright`'s pixels as a file with `orientation` stores them. */
export function storedPixels(upright: RgbaImage, orientation: Orientation): RgbaImage {
  return turned(upright, orientation, 'to stored');
}

/** A file's `stored` pixels turned upright by its `orientation`, as browsers show it (the command line's decoders do not). */
export function uprightPixels(stored: RgbaImage, orientation: Orientation): RgbaImage {
  return turned(stored, orientation, 'to upright');
}

/** Each stored pixel and its upright place, copied the one way or the other. */
function turned(image: RgbaImage, orientation: Orientation, way: 'to stored' | 'to upright'): RgbaImage {
  if (orientation === 1) return image;
  const swaps = orientation >= 5;
  const out = createRgbaImage(swaps ? image.height : image.width, swaps ? image.width : image.height);
  const [stored, upright] = way === 'to stored' ? [out, image] : [image, out];
  const place = UPRIGHT[orientation];
  for (let y = 0; y < stored.height; y++) {
    for (let x = 0; x < stored.width; x++) {
      const [u, v] = place(x, y, stored.width, stored.height);
      const at = (y * stored.width + x) * 4;
      const atUpright = (v * upright.width + u) * 4;
      for (let c = 0; c < 4; c++) {
        if (way === 'to stored') stored.data[at + c] = upright.data[atUpright + c];
        else upright.data[atUpright + c] = stored.data[at + c];
      }
    }
  }
  return out;
}

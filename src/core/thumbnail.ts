/**
 * A picture's fingerprint: the image's pixels averaged down to 16 x 16. Some URLs give another picture on every
 * load (a webcam's still, a random avatar, a CAPTCHA): the engine fetches such a URL again and
 * would put its enhancement of a different picture in the page's place. The content script sends
 * the fingerprint of what the page shows, where the page may read those pixels, and the engine
 * compares the file it got against it before running the model.
 */
import type { Size } from './image-geometry';
import type { RgbaImage } from './image';

export const THUMBNAIL_SIDE = 16;
const THUMBNAIL_BYTES = THUMBNAIL_SIDE * THUMBNAIL_SIDE * 4;

/** Cell `cell` of `size` pixels: at least one pixel, for an image under 16 pixels across. */
function cellRange(cell: number, size: number): [number, number] {
  const start = Math.min(size - 1, Math.floor((cell * size) / THUMBNAIL_SIDE));
  return [start, Math.max(start + 1, Math.floor(((cell + 1) * size) / THUMBNAIL_SIDE))];
}

/**
 * The mean RGBA of each of 16 x 16 cells. Computed here on both sides, from the pixels each side
 * decoded, not by two canvases' downscaling: drawing one picture small from an <img> and from an
 * ImageBitmap differed by up to 7 levels on average in Chromium 156.
 */
export function thumbnailOf({ width, height, data }: RgbaImage): Uint8Array {
  const out = new Uint8Array(THUMBNAIL_BYTES);
  for (let cy = 0; cy < THUMBNAIL_SIDE; cy++) {
    const [y0, y1] = cellRange(cy, height);
    for (let cx = 0; cx < THUMBNAIL_SIDE; cx++) {
      const [x0, x1] = cellRange(cx, width);
      const sums = [0, 0, 0, 0];
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 4;
          for (let c = 0; c < 4; c++) sums[c] += data[i + c];
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) out[(cy * THUMBNAIL_SIDE + cx) * 4 + c] = Math.round(sums[c] / count);
    }
  }
  return out;
}

/**
 * Mean difference per RGBA channel, out of 255, above which two thumbnails show different
 * pictures. One picture decoded twice differs by nothing, re-encoded (a server that sends WebP to
 * the page and PNG to the extension) by a level or two; two photographs differ by tens.
 */
export const DIFFERENT_PICTURE_LEVELS = 12;

/** The thumbnail's RGBA bytes as base64: 1.4 KB in a JSON message. */
export function encodeThumbnail(rgba: ArrayLike<number>): string {
  if (rgba.length !== THUMBNAIL_BYTES) throw new RangeError(`a thumbnail has ${THUMBNAIL_BYTES} bytes, not ${rgba.length}`);
  return btoa(String.fromCharCode(...Array.from(rgba)));
}

/** The bytes of an encoded thumbnail; null for anything else. */
export function decodeThumbnail(text: unknown): Uint8Array | null {
  if (typeof text !== 'string') return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  if (binary.length !== THUMBNAIL_BYTES) return null;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function differentPictures(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== THUMBNAIL_BYTES || b.length !== THUMBNAIL_BYTES) throw new RangeError('not two thumbnails');
  let sum = 0;
  for (let i = 0; i < THUMBNAIL_BYTES; i++) sum += Math.abs(a[i] - b[i]);
  return sum / THUMBNAIL_BYTES > DIFFERENT_PICTURE_LEVELS;
}

/**
 * Whether a file of size `got` may show the picture the page shows at `shown` pixels: the same
 * shape, turned or not (an EXIF orientation read one way and not the other), at any resolution (a
 * CDN sizing its variants by client hints the engine does not send), to the rounding of the
 * smaller one's pixels. Where the page may not read its pixels this is the only check there is:
 * a host that keeps its files for its own pages may answer others with a placeholder.
 */
export function sameShape(shown: Size, got: Size): boolean {
  const turned = { width: got.height, height: got.width };
  return [got, turned].some((candidate) => {
    const [small, large] = candidate.width <= shown.width ? [candidate, shown] : [shown, candidate];
    const k = large.width / small.width;
    // Each side of the smaller one is off by up to half a pixel; its height follows its width's error.
    return Math.abs(small.height * k - large.height) <= (k * (1 + small.height / small.width)) / 2 + 0.5;
  });
}

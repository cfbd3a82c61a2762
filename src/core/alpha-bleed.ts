/**
 * Colours for the fully transparent pixels of an image, taken from their visible neighbours.
 *
 * A transparent pixel's colour is invisible, and decoders and canvases set it to black (a canvas
 * keeps premultiplied pixels, so it has no other). The model sees RGB only, and its kernels mix
 * that black into the visible edge next to it, while the alpha channel is upscaled on its own:
 * where the two overlap, a light logo on a transparent background would get a dark ring. Filled
 * with the colours next to them, the transparent pixels add nothing the edge does not have.
 */
import type { RgbaImage } from './image';

/** How far the colours spread, in pixels; beyond that the image's mean visible colour fills. */
const BLEED_PASSES = 16;

/**
 * Below this alpha a pixel's colour is not trusted, and is filled like a transparent one's. The
 * canvas that decodes the image keeps colours premultiplied in 8 bits: at alpha 1, an orange
 * (230, 120, 30) comes back as (255, 0, 0); at 4 the error is still half the range. Such pixels
 * are all but invisible, but the fill would spread their false colour into the rings around them.
 */
const TRUSTED_ALPHA = 4;

/** A copy of `image` whose (nearly) transparent pixels carry the colour of the nearest visible ones (alpha unchanged). */
export function bleedIntoTransparent(image: RgbaImage): RgbaImage {
  const { width, height } = image;
  const data = new Uint8ClampedArray(image.data);
  // 1: has a colour (visible enough, or filled by an earlier pass); 0: not yet.
  const coloured = new Uint8Array(width * height);
  const mean = [0, 0, 0];
  let visible = 0;
  for (let p = 0; p < coloured.length; p++) {
    if (data[p * 4 + 3] < TRUSTED_ALPHA) continue;
    coloured[p] = 1;
    visible++;
    for (let c = 0; c < 3; c++) mean[c] += data[p * 4 + c];
  }
  if (visible === 0 || visible === coloured.length) return { width, height, data };

  const neighbours = (p: number, visit: (q: number) => void) => {
    const x = p % width;
    const y = (p - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if ((dx !== 0 || dy !== 0) && nx >= 0 && nx < width) visit(ny * width + nx);
      }
    }
  };
  // The first ring: transparent pixels next to a visible one. Each pass fills a ring from the
  // colours of the rings before it, and the next ring is the uncoloured neighbours of this one.
  let ring: number[] = [];
  const queued = new Uint8Array(coloured.length);
  for (let p = 0; p < coloured.length; p++) {
    if (coloured[p]) continue;
    let touches = false;
    neighbours(p, (q) => (touches ||= coloured[q] === 1));
    if (touches) {
      ring.push(p);
      queued[p] = 1;
    }
  }
  for (let pass = 0; pass < BLEED_PASSES && ring.length > 0; pass++) {
    const sums = new Float64Array(ring.length * 4);
    ring.forEach((p, i) =>
      neighbours(p, (q) => {
        if (!coloured[q]) return;
        for (let c = 0; c < 3; c++) sums[i * 4 + c] += data[q * 4 + c];
        sums[i * 4 + 3]++;
      }),
    );
    const next: number[] = [];
    ring.forEach((p, i) => {
      for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(sums[i * 4 + c] / sums[i * 4 + 3]);
      coloured[p] = 1;
      neighbours(p, (q) => {
        if (coloured[q] || queued[q]) return;
        queued[q] = 1;
        next.push(q);
      });
    });
    ring = next;
  }
  for (let p = 0; p < coloured.length; p++) {
    if (coloured[p]) continue;
    for (let c = 0; c < 3; c++) data[p * 4 + c] = Math.round(mean[c] / visible);
  }
  return { width, height, data };
}

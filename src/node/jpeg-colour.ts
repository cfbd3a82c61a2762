/**
 * The colour of a JPEG stored at half the resolution (4:2:0, 4:2:2: most photos), brought to full
 * resolution the way libjpeg does by default, and browsers with it: each missing sample weighs its
 * nearer stored neighbour 3 to 1 against the farther ('fancy upsampling'). The command line's
 * decoder (jpeg-js) repeats each sample instead, and the model, which sharpens what it is given,
 * turns those 2-pixel blocks into stair-steps along every colour edge.
 */
import { JPEG_SOF, jpegSegments } from '../core/image-header';
import type { RgbaImage } from '../core/image';

/** How many pixels across and down each stored sample of the two colour channels covers (1 or 2). */
export interface HalvedColour {
  across: number;
  down: number;
}

/**
 * The colour's sampling of a three-channel JPEG whose colour channels are stored at half the
 * resolution (across, down or both) and the brightness at full; null for any other (nothing to
 * smooth, or a layout libjpeg would not smooth so either).
 */
export function halvedColour(bytes: Buffer): HalvedColour | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, at } of jpegSegments(view)) {
    if (!JPEG_SOF.has(marker)) continue;
    const body = at + 4;
    if (body + 6 + 3 * 3 > bytes.length || bytes[body + 5] !== 3) return null;
    const [luma, blue, red] = [0, 1, 2].map((c) => ({ h: bytes[body + 7 + 3 * c] >> 4, v: bytes[body + 7 + 3 * c] & 15 }));
    if (blue.h !== red.h || blue.v !== red.v || blue.h === 0 || blue.v === 0) return null;
    const across = luma.h / blue.h;
    const down = luma.v / blue.v;
    const known = (factor: number) => factor === 1 || factor === 2;
    return known(across) && known(down) && across * down > 1 ? { across, down } : null;
  }
  return null;
}

/**
 * The file with an Adobe marker's colour transform, where one says YCbCr (Photoshop's files), set to
 * none, for the decoder to give the samples as stored: it lets that marker override its caller.
 * The same bytes where there is none.
 */
export function samplesAsStored(bytes: Buffer): Buffer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { marker, at } of jpegSegments(view)) {
    const body = at + 4;
    if (marker !== 0xee || bytes.subarray(body, body + 5).toString('latin1') !== 'Adobe' || body + 11 >= bytes.length || bytes[body + 11] === 0) continue;
    const copy = Buffer.from(bytes);
    copy[body + 11] = 0;
    return copy;
  }
  return bytes;
}

/**
 * Turns `image`, decoded as Y, Cb, Cr with each colour sample repeated over the pixels it covers
 * (jpeg-js without its colour transform), into RGB with the colour smoothly upsampled, in place.
 */
export function smoothColourToRgb(image: RgbaImage, { across, down }: HalvedColour): void {
  const { width, height, data } = image;
  const [blue, red] = [1, 2].map((channel) => upsampled(storedSamples(image, channel, across, down), across, down, width, height));
  for (let p = 0; p < width * height; p++) {
    const y = data[4 * p];
    const cb = blue[p] - 128;
    const cr = red[p] - 128;
    // JFIF's full-range transform; the array clamps.
    data[4 * p] = Math.round(y + 1.402 * cr);
    data[4 * p + 1] = Math.round(y - 0.344136 * cb - 0.714136 * cr);
    data[4 * p + 2] = Math.round(y + 1.772 * cb);
  }
}

interface Plane {
  width: number;
  height: number;
  values: Float32Array;
}

/** One colour channel as stored: the value at the first pixel each sample covers. */
function storedSamples({ width, height, data }: RgbaImage, channel: number, across: number, down: number): Plane {
  const plane = { width: Math.ceil(width / across), height: Math.ceil(height / down), values: new Float32Array(0) };
  plane.values = new Float32Array(plane.width * plane.height);
  for (let j = 0; j < plane.height; j++) {
    for (let i = 0; i < plane.width; i++) plane.values[j * plane.width + i] = data[4 * (j * down * width + i * across) + channel];
  }
  return plane;
}

/** The plane at the image's size, each doubled side taking 3/4 of the nearer sample and 1/4 of the farther (the edge's own repeated); rounded as libjpeg's are. */
function upsampled(stored: Plane, across: number, down: number, width: number, height: number): Float32Array {
  const wide = across === 2 ? doubledAcross(stored, width) : stored;
  const full = down === 2 ? transposed(doubledAcross(transposed(wide), height)) : wide;
  return full.values.map(Math.round);
}

function doubledAcross({ width, height, values }: Plane, outWidth: number): Plane {
  const out = new Float32Array(outWidth * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < outWidth; x++) {
      const i = x >> 1;
      const far = Math.min(width - 1, Math.max(0, x % 2 === 0 ? i - 1 : i + 1));
      out[y * outWidth + x] = (3 * values[row + i] + values[row + far]) / 4;
    }
  }
  return { width: outWidth, height, values: out };
}

function transposed({ width, height, values }: Plane): Plane {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = values[y * width + x];
  return { width: height, height: width, values: out };
}

/**
 * Whether a picture has colours sRGB cannot hold. Photos from phones and cameras often carry a
 * wide-gamut profile (Display P3, Adobe RGB); read into an sRGB canvas their most saturated colours
 * are clipped, and on a wide-gamut screen the enhanced image would look duller than the page's.
 * Such pictures go through the model in Display P3 instead; the rest stay in sRGB, which the model
 * was trained on.
 */
import type { RgbaImage } from './image';

/** Linear Display P3 to linear sRGB (both D65). */
const P3_TO_SRGB = [
  [1.2249401, -0.2249404, 0],
  [-0.0420569, 1.0420571, 0],
  [-0.0196376, -0.0786361, 1.0982735],
];

/**
 * More than rounding, in sRGB's 8-bit levels: an sRGB colour written in Display P3 with 8 bits
 * comes back up to 3 levels outside (sRGB's yellow, near zero where the curve is steep).
 */
const TOLERANCE_LEVELS = 4;

const toLinear = new Float64Array(256).map((_, i) => {
  const v = i / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});

/** Linear light to sRGB's 8-bit scale, negative values mirrored. */
function toLevels(linear: number): number {
  const magnitude = Math.abs(linear);
  const encoded = magnitude <= 0.0031308 ? magnitude * 12.92 : 1.055 * magnitude ** (1 / 2.4) - 0.055;
  return Math.sign(linear) * encoded * 255;
}

/**
 * Whether any opaque pixel of `p3`, a picture's Display P3 values (sRGB's transfer curve), lies
 * outside sRGB. Opaque ones alone: a canvas keeps its colours premultiplied, and a translucent
 * pixel's come back off by more than rounding (measured in Chromium: sRGB colours at alpha 1 to
 * 38, and its pure green at any alpha from 25 to 243, came back outside sRGB), which made every
 * sRGB logo with soft edges wide-gamut. A wide-gamut photo's colours are in its opaque pixels.
 */
export function outsideSrgb(p3: RgbaImage): boolean {
  const { data } = p3;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] !== 255) continue;
    const r = toLinear[data[i]];
    const g = toLinear[data[i + 1]];
    const b = toLinear[data[i + 2]];
    for (const [kr, kg, kb] of P3_TO_SRGB) {
      const v = kr * r + kg * g + kb * b;
      // Inside sRGB, as nearly every pixel is: no curve to compute.
      if (v >= 0 && v <= 1) continue;
      const level = toLevels(v);
      if (level < -TOLERANCE_LEVELS || level > 255 + TOLERANCE_LEVELS) return true;
    }
  }
  return false;
}

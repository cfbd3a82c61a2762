/** The floor: the browser's own resampling, canvas drawImage with imageSmoothingQuality 'high'. */
import type { Upscale } from '../lib/measure';
import type { Method } from '../lib/protocol';

export function createCanvas(method: Extract<Method, { kind: 'canvas' }>): { upscale: Upscale; backend: string } {
  const { scale } = method;
  const upscale: Upscale = async ({ width, height, data }) => {
    const source = new OffscreenCanvas(width, height);
    source.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
    const target = new OffscreenCanvas(width * scale, height * scale);
    const ctx = target.getContext('2d', { willReadFrequently: true })!;
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, width * scale, height * scale);
    const out = ctx.getImageData(0, 0, width * scale, height * scale);
    return { width: out.width, height: out.height, data: out.data };
  };
  return { upscale, backend: "canvas 2D drawImage, imageSmoothingQuality 'high'" };
}

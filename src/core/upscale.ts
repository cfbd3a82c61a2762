import { bleedIntoTransparent } from './alpha-bleed';
import { createRgbaImage, hasTransparency, type RgbaImage } from './image';
import { upscaleChannel } from './resize';
import { rgbaToTensor } from './tensor';
import { planTiles, SeamBlender } from './tiling';

/** Runs the SR network on one planar RGB tile; implemented over onnxruntime-web and -node. */
export interface TileRunner {
  readonly scale: number;
  run(input: Float32Array, width: number, height: number): Promise<Float32Array>;
}

export interface UpscaleOptions {
  /** Largest tile side in input pixels. */
  maxTile: number;
  /** Context each tile shares with its neighbours, in input pixels. */
  overlap: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops the job before its next tile (the page that asked is gone): throws the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Measured on the shipped models (test/unit/tiling-real-model.test.ts): the better trained, the
 * farther the large kernels reach past the blend ramp. At 16 input pixels the x4 models drifted
 * up to 4/255 from the whole image on Set14 zebra and comic; at 24 the tiny x4 of Set14 28.11 dB
 * drifted 3/255, and at 28 the one of 28.16 dB did; at 30 every model stayed within 2/255 until the
 * one of 28.24 dB, which needed the blend's wider margin too (seamSplit in tiling.ts). The cost,
 * at 256-pixel tiles on a 384x288 input: 119.0% of the image's pixels computed, against 117.7% at
 * 28, 115.1% at 24 and 110% at 16.
 * Below 32, so the smallest tile setting (64) still has room between its overlaps.
 */
export const DEFAULT_OVERLAP = 30;

/**
 * Goes up with every change to what upscaleImage returns for the same image and model, so results
 * cached by an earlier version are not served. 2: transparent pixels coloured before the model;
 * 3: nearly transparent ones (alpha under 4) too; 4: pictures with colours outside sRGB go through
 * in Display P3, where they were clipped to sRGB (offscreen/engine.ts); 5: tile seams blended
 * farther from the tiles' edges (seamSplit in tiling.ts).
 */
export const UPSCALE_VERSION = 5;

/**
 * Upscales an RGBA image with the model, tile by tile, blending the seams. The model sees RGB
 * (fully transparent pixels coloured like their neighbours); a non-opaque alpha channel is
 * upscaled on its own and put back, so transparency survives.
 */
export async function upscaleImage(image: RgbaImage, runner: TileRunner, options: UpscaleOptions): Promise<RgbaImage> {
  const { scale } = runner;
  const transparent = hasTransparency(image);
  // The model sees the colours of transparent pixels too: black there would darken visible edges.
  const colours = transparent ? bleedIntoTransparent(image) : image;
  const tiles = planTiles(image.width, image.height, options.maxTile, options.overlap);
  const out = createRgbaImage(image.width * scale, image.height * scale);
  const blender = new SeamBlender(out, options.overlap * scale);
  let buffer: Float32Array | undefined;
  const start = (i: number): Promise<Float32Array> => {
    options.signal?.throwIfAborted();
    const { input } = tiles[i];
    buffer = rgbaToTensor(colours, input, buffer);
    const running = runner.run(buffer, input.width, input.height);
    // Awaited on the next turn of the loop; marked handled now in case blending throws first.
    running.catch(() => undefined);
    return running;
  };
  options.onProgress?.(0, tiles.length);
  let next = start(0);
  for (const [i, { input }] of tiles.entries()) {
    const output = await next;
    // The next tile runs (on the GPU, in ORT's proxy worker, or in onnxruntime-node's threads)
    // while this one is blended here. Its input buffer is free again: the run above is done with it.
    if (i + 1 < tiles.length) next = start(i + 1);
    blender.add(output, input.x * scale, input.y * scale, input.width * scale, input.height * scale);
    options.onProgress?.(i + 1, tiles.length);
  }
  blender.finish();
  if (transparent) upscaleChannel({ data: image.data, stride: 4, channel: 3 }, image.width, image.height, scale, { data: out.data, stride: 4, channel: 3 });
  return out;
}

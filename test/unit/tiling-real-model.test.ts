/**
 * Tiling with a real trained model: the blended, tiled result equals the whole-image result
 * within 2/255 per channel. A synthetic runner cannot show this; the real receptive field can.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cropTo } from '../../src/core/metrics';
import { DEFAULT_OVERLAP, upscaleImage } from '../../src/core/upscale';
import { createRunner, loadRegistry } from '../../src/node/engine';
import { readPng } from '../../src/node/png';

const BENCH = join(import.meta.dirname, '../../../shared/data/bench');

function maxDifference(a: Uint8ClampedArray, b: Uint8ClampedArray): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// zebra and comic have the most high-frequency detail at a seam: the hardest case for the blend.
describe.each(loadRegistry().models.map((model) => [model.id, model] as const))('shipped %s', (_, model) => {
  let runner: Awaited<ReturnType<typeof createRunner>>;
  beforeAll(async () => {
    runner = await createRunner(model);
  });

  it.each(['zebra', 'comic'])('tiled == whole image within 2/255 on Set14 %s', async (name) => {
    const image = cropTo(readPng(join(BENCH, `Set14/LR_bicubic/X${model.scale}/${name}x${model.scale}.png`)), 150, 110);
    const whole = await upscaleImage(image, runner, { maxTile: 512, overlap: DEFAULT_OVERLAP });
    let tiles = 0;
    const tiled = await upscaleImage(image, runner, { maxTile: 64, overlap: DEFAULT_OVERLAP, onProgress: (_, total) => (tiles = total) });
    expect(tiles).toBeGreaterThanOrEqual(6);
    expect(maxDifference(whole.data, tiled.data)).toBeLessThanOrEqual(2);
  });
});

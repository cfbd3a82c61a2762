import { describe, expect, it } from 'vitest';
import { createRgbaImage, type RgbaImage } from './image';
import { rgbaToTensor, tensorToRgba } from './tensor';
import { planTiles } from './tiling';
import { upscaleImage, type TileRunner } from './upscale';

/**
 * Stands in for the network: a 3x3 box blur with zero padding, then nearest-neighbour x2. Like a
 * CNN, each output pixel depends on a neighbourhood and tile borders see zeros instead of the
 * picture, so a tiled run differs from a whole-image run unless the seams are handled.
 */
class BoxBlurRunner implements TileRunner {
  readonly scale = 2;

  async run(input: Float32Array, width: number, height: number): Promise<Float32Array> {
    const plane = width * height;
    const outWidth = width * this.scale;
    const outPlane = plane * this.scale * this.scale;
    const output = new Float32Array(outPlane * 3);
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const sx = x + dx;
              const sy = y + dy;
              if (sx >= 0 && sx < width && sy >= 0 && sy < height) sum += input[ch * plane + sy * width + sx];
            }
          }
          for (let oy = 0; oy < this.scale; oy++) {
            for (let ox = 0; ox < this.scale; ox++) {
              output[ch * outPlane + (y * this.scale + oy) * outWidth + x * this.scale + ox] = sum / 9;
            }
          }
        }
      }
    }
    return output;
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** An opaque photo-like image: a few random low-frequency waves per channel. */
function smoothImage(width: number, height: number, seed: number): RgbaImage {
  const random = seededRandom(seed);
  const image = createRgbaImage(width, height);
  const waves = Array.from({ length: 3 }, () =>
    Array.from({ length: 3 }, () => ({ fx: random() * 0.2, fy: random() * 0.2, phase: random() * 2 * Math.PI })),
  );
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const wave = waves[ch].reduce((acc, w) => acc + Math.sin(w.fx * x + w.fy * y + w.phase), 0) / 3;
        image.data[i + ch] = 128 + 100 * wave;
      }
      image.data[i + 3] = 255;
    }
  }
  return image;
}

/** The largest per-channel RGB difference between two images of the same size, in byte levels. */
function maxRgbDifference(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

async function wholeImageRun(image: RgbaImage, runner: TileRunner): Promise<RgbaImage> {
  const { width, height } = image;
  const output = await runner.run(rgbaToTensor(image, { x: 0, y: 0, width, height }), width, height);
  return tensorToRgba(output, width * runner.scale, height * runner.scale);
}

function alphaAt(image: RgbaImage, x: number, y: number): number {
  return image.data[(y * image.width + x) * 4 + 3];
}

describe('upscaleImage', () => {
  const runner = new BoxBlurRunner();
  const image = smoothImage(100, 70, 7);
  const maxTile = 48;

  it('tiles the test image into several tiles on both axes', () => {
    const tiles = planTiles(image.width, image.height, maxTile, 16);
    expect(new Set(tiles.map((t) => t.input.x)).size).toBeGreaterThan(1);
    expect(new Set(tiles.map((t) => t.input.y)).size).toBeGreaterThan(1);
  });

  it('gives the same picture tiled as on the whole image', async () => {
    const tiled = await upscaleImage(image, runner, { maxTile, overlap: 16 });
    expect(maxRgbDifference(tiled, await wholeImageRun(image, runner))).toBeLessThanOrEqual(2);
  });

  it('shows seams when tiles are stitched without overlap, so the test above can fail', async () => {
    const stitched = await upscaleImage(image, runner, { maxTile, overlap: 0 });
    expect(maxRgbDifference(stitched, await wholeImageRun(image, runner))).toBeGreaterThan(2);
  });

  it('keeps transparent regions transparent', async () => {
    // Left half fully transparent, right half opaque; bicubic reaches 2 input pixels either side of the edge.
    const input = smoothImage(40, 30, 11);
    for (let y = 0; y < 30; y++) for (let x = 0; x < 20; x++) input.data[(y * 40 + x) * 4 + 3] = 0;
    const output = await upscaleImage(input, runner, { maxTile: 64, overlap: 16 });
    expect([output.width, output.height]).toEqual([80, 60]);
    const transparent = new Set<number>();
    const opaque = new Set<number>();
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 80; x++) {
        if (x < 2 * (20 - 2)) transparent.add(alphaAt(output, x, y));
        if (x >= 2 * (20 + 2)) opaque.add(alphaAt(output, x, y));
      }
    }
    expect([...transparent]).toEqual([0]);
    expect([...opaque]).toEqual([255]);
  });

  it('makes an opaque image fully opaque', async () => {
    const output = await upscaleImage(image, runner, { maxTile, overlap: 16 });
    const alphas = new Set(output.data.filter((_, i) => i % 4 === 3));
    expect([...alphas]).toEqual([255]);
  });

  it('starts the next tile before blending the one that came back', async () => {
    const events: string[] = [];
    const recording: TileRunner = {
      scale: runner.scale,
      run: (input, width, height) => {
        events.push('run');
        return runner.run(input, width, height);
      },
    };
    await upscaleImage(image, recording, { maxTile, overlap: 16, onProgress: (done) => events.push(`blended ${done}`) });
    const total = planTiles(image.width, image.height, maxTile, 16).length;
    const expected = ['blended 0', 'run'];
    for (let done = 1; done <= total; done++) expected.push(...(done < total ? ['run'] : []), `blended ${done}`);
    expect(events).toEqual(expected);
  });

  it("rejects with the failing tile's error and leaves no promise unhandled", async () => {
    let runs = 0;
    const failing: TileRunner = {
      scale: runner.scale,
      run: (input, width, height) => (++runs === 3 ? Promise.reject(new Error('tile 3 failed')) : runner.run(input, width, height)),
    };
    await expect(upscaleImage(image, failing, { maxTile, overlap: 16 })).rejects.toThrow('tile 3 failed');
    expect(runs).toBe(3);
  });

  it('stops before the next tile once aborted, with the signal\'s reason', async () => {
    const gone = new AbortController();
    let runs = 0;
    const counting: TileRunner = {
      scale: runner.scale,
      run: (input, width, height) => {
        runs++;
        return runner.run(input, width, height);
      },
    };
    const onProgress = (done: number) => {
      if (done === 1) gone.abort(new Error('the page is gone'));
    };
    expect(planTiles(image.width, image.height, maxTile, 16).length).toBeGreaterThan(3);
    await expect(upscaleImage(image, counting, { maxTile, overlap: 16, onProgress, signal: gone.signal })).rejects.toThrow('the page is gone');
    // Tile 2 had started while tile 1 was blended; nothing after it.
    expect(runs).toBe(2);
  });

  it('reports progress that only goes up and ends at the tile count', async () => {
    const events: Array<[number, number]> = [];
    await upscaleImage(image, runner, { maxTile, overlap: 16, onProgress: (done, total) => events.push([done, total]) });
    const total = planTiles(image.width, image.height, maxTile, 16).length;
    expect(events.map(([, t]) => t).every((t) => t === total)).toBe(true);
    const done = events.map(([d]) => d);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThan(done[i - 1]);
    expect(done.at(-1)).toBe(total);
  });
});

describe('transparent images', () => {
  it('gives a light shape on a transparent background no dark ring (the model never sees the hidden black)', async () => {
    // Left half transparent black, as decoders and canvases leave it; right half opaque white.
    const image = createRgbaImage(16, 8);
    for (let p = 0; p < 16 * 8; p++) if (p % 16 >= 8) image.data.set([255, 255, 255, 255], p * 4);
    const out = await upscaleImage(image, new BoxBlurRunner(), { maxTile: 64, overlap: 4 });
    // Around the edge, away from the image's borders (where the stand-in's zero padding darkens).
    const dark: string[] = [];
    for (let y = 4; y < 12; y++) {
      for (let x = 10; x < 22; x++) {
        const i = (y * out.width + x) * 4;
        if (out.data[i + 3] > 0 && out.data[i] < 250) dark.push(`(${x},${y}) rgb ${out.data[i]} alpha ${out.data[i + 3]}`);
      }
    }
    expect(dark).toEqual([]);
  });
});

describe('memory of a transparent image', () => {
  it('makes no plane of the result for its alpha, of any number type: it is upscaled into the result itself', async () => {
    const image = smoothImage(96, 64, 5);
    for (let p = 0; p < 96 * 8; p++) image.data[p * 4 + 3] = 0;
    const lengths: number[] = [];
    const kinds = ['Uint8ClampedArray', 'Uint8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array'] as const;
    const originals = kinds.map((kind) => globalThis[kind]);
    // Every typed array made while the image is upscaled, by its number of elements, however made:
    // by a length, or from another array or a buffer.
    kinds.forEach((kind, i) => {
      const Original = originals[i] as unknown as new (...args: unknown[]) => ArrayLike<number>;
      (globalThis as Record<string, unknown>)[kind] = new Proxy(Original, {
        construct(target, args: unknown[]) {
          const made = new target(...args);
          lengths.push(made.length);
          return made;
        },
      });
    });
    try {
      // At x3: at x2 a result plane has as many elements as the input's RGBA bytes, which are copied (alpha-bleed.ts).
      await upscaleImage(image, Object.assign(new BoxBlurRunner(), { scale: 3 }), { maxTile: 32, overlap: 8 });
    } finally {
      kinds.forEach((kind, i) => ((globalThis as Record<string, unknown>)[kind] = originals[i]));
    }
    const resultPixels = 288 * 192;
    // The result itself, once; nothing else as large as one of its planes (tiles and the seam blend's rows are smaller).
    expect(lengths.filter((length) => length === resultPixels * 4)).toHaveLength(1);
    expect(lengths.filter((length) => length >= resultPixels && length !== resultPixels * 4)).toEqual([]);
  });
});

/**
 * The benchmark's metrics (src/core/metrics.ts, bench/lib/metrics.ts) against the reference the
 * model card's numbers come from (training/metrics.py), on a real pair: Set5's bird and the
 * browser-style bicubic upscale of its x4 LR file; and SSIM against its closed form on flat images.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { psnrY, ssimY } from '../../bench/lib/metrics';
import type { RgbaImage } from '../../src/core/image';
import { cropTo } from '../../src/core/metrics';
import { upscaleBicubic } from '../../src/core/resize';
import { readPng, writePng } from '../../src/node/png';

const ROOT = resolve(import.meta.dirname, '../..');
const SET5 = resolve(ROOT, '../shared/data/bench/Set5');
const work = mkdtempSync(join(tmpdir(), 'enhance-metrics-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function flat(width: number, height: number, grey: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let i = 0; i < data.length; i += 4) data.fill(grey, i, i + 3);
  return { width, height, data };
}

describe('metrics', () => {
  it('score a real pair as training/metrics.py does', () => {
    const lr = readPng(join(SET5, 'LR_bicubic/X4/birdx4.png'));
    const sr = upscaleBicubic(lr, 4);
    const hr = cropTo(readPng(join(SET5, 'HR/bird.png')), sr.width, sr.height);
    writePng(join(work, 'sr.png'), sr);
    writePng(join(work, 'hr.png'), hr);
    const script = 'import json, sys\nimport numpy as np\nfrom PIL import Image\nfrom training.metrics import psnr_y, ssim_y\n' +
      'a, b = (np.asarray(Image.open(p).convert("RGB")) for p in sys.argv[1:3])\nprint(json.dumps([psnr_y(a, b, 4), ssim_y(a, b, 4)]))';
    const run = spawnSync('/usr/bin/python3', ['-c', script, join(work, 'sr.png'), join(work, 'hr.png')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [psnr, ssim] = JSON.parse(run.stdout) as [number, number];
    expect(psnr).toBeGreaterThan(20);
    expect(ssim).toBeLessThan(0.99);
    expect(psnrY(sr, hr, 4)).toBeCloseTo(psnr, 9);
    expect(ssimY(sr, hr, 4)).toBeCloseTo(ssim, 9);
  });

  it('SSIM of two flat images is its closed form, and 1 for an image with itself', () => {
    // Flat: no variance, so SSIM = (2 mu_a mu_b + C1) / (mu_a^2 + mu_b^2 + C1), on Y.
    const y = (grey: number) => 16 + (219 * grey) / 255;
    const c1 = (0.01 * 255) ** 2;
    const expected = (2 * y(100) * y(140) + c1) / (y(100) ** 2 + y(140) ** 2 + c1);
    expect(ssimY(flat(24, 24, 100), flat(24, 24, 140), 0)).toBeCloseTo(expected, 12);
    const bird = readPng(join(SET5, 'HR/bird.png'));
    expect(ssimY(bird, bird, 4)).toBeCloseTo(1, 12);
  });
});

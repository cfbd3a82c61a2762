"""PatchSampler: aligned crops, and texture_crops leaning towards busy patches."""
from __future__ import annotations

import unittest

import numpy as np

from training.data import PatchSampler, texture

SCALE, PATCH = 2, 8


def pair(hr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An HR image and, as its LR, every SCALE-th pixel: a crop's alignment is then checkable."""
    return hr, np.ascontiguousarray(hr[::SCALE, ::SCALE])


class Sampler(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(0)
        self.flat = pair(np.full((64, 64, 3), 128, np.uint8))
        self.busy = pair(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))

    def busy_share(self, texture_crops: int) -> float:
        sampler = PatchSampler([self.flat, self.busy], SCALE, PATCH, texture_crops)
        lrs, _ = sampler.batch(np.random.default_rng(1), 400)
        return float(np.mean([texture(lr) > 0 for lr in lrs]))

    def test_crops_are_aligned(self):
        sampler = PatchSampler([self.busy], SCALE, PATCH, texture_crops=3)
        lrs, hrs = sampler.batch(np.random.default_rng(2), 16)
        self.assertEqual(hrs.shape, (16, PATCH * SCALE, PATCH * SCALE, 3))
        # Flips and rotations keep the pair aligned when the LR is every SCALE-th HR pixel of the crop,
        # up to where the grid falls: one of the four offsets matches.
        for lr, hr in zip(lrs, hrs):
            self.assertTrue(any(np.array_equal(hr[dy::SCALE, dx::SCALE], lr) for dy in (0, 1) for dx in (0, 1)))

    def test_uniform_crops_follow_the_area(self):
        self.assertAlmostEqual(self.busy_share(1), 0.5, delta=0.1)

    def test_texture_crops_prefer_busy_patches(self):
        # The busiest of two draws is flat only when both are: a quarter of the time.
        self.assertAlmostEqual(self.busy_share(2), 0.75, delta=0.1)
        self.assertGreater(self.busy_share(4), 0.9)


if __name__ == "__main__":
    unittest.main()

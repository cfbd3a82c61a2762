"""MATLAB-style imresize against the official MATLAB LR files of Set5 (../shared/data/bench)."""
from __future__ import annotations

import unittest

import numpy as np

from training.data import DATA, load_rgb
from training.imresize import downscale

SET5 = DATA / "bench" / "Set5"


@unittest.skipUnless(SET5.exists(), "needs ../shared/data/bench/Set5")
class OfficialLowResolution(unittest.TestCase):
    def check_scale(self, scale: int) -> list[float]:
        exact = []
        for path in sorted((SET5 / "HR").glob("*.png")):
            _, ours = downscale(load_rgb(path), scale)
            official = load_rgb(SET5 / "LR_bicubic" / f"X{scale}" / f"{path.stem}x{scale}.png")
            self.assertEqual(ours.shape, official.shape, path.name)
            diff = np.abs(ours.astype(np.int16) - official.astype(np.int16))
            # PIL's bicubic, which is not MATLAB's, comes within one level on 99.4% of Set5's pixels at x2:
            # the bounds are MATLAB's (measured: ours 99.9995% within one and 99.17% exact at x2).
            within_one, same = float(np.mean(diff <= 1)), float(np.mean(diff == 0))
            self.assertGreaterEqual(within_one, 0.9999, f"{path.name} x{scale}: {within_one:.4%} within 1 level")
            self.assertGreaterEqual(same, 0.98, f"{path.name} x{scale}: {same:.4%} exact")
            exact.append(same)
        return exact

    def test_x2(self):
        self.check_scale(2)

    def test_x3_is_bit_exact(self):
        # SOURCES.md: the official X3 files are reproduced exactly by a MATLAB emulation.
        self.assertEqual(self.check_scale(3), [1.0] * 5)

    def test_x4(self):
        self.check_scale(4)


if __name__ == "__main__":
    unittest.main()

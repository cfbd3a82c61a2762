"""No training image is a benchmark image: each benchmark picture's thumbnail, in all eight
orientations, against every training image's. A copy turned, mirrored, resized or recompressed
correlates above 0.99 (Set5 woman.png and BSD200 302003.jpg: 0.991); different pictures here stay
below 0.95."""
from __future__ import annotations

import unittest

import numpy as np
from PIL import Image

from training.data import BENCH_DUPLICATES, BENCH_SETS, DATA, TRAIN_FOLDERS, train_files

SIDE = 24
SAME_PICTURE = 0.97


def thumbnail(path) -> np.ndarray:
    """Gray, SIDE x SIDE whatever the shape, zero mean and unit length: a dot product is a correlation."""
    with Image.open(path) as img:
        img.draft("L", (SIDE * 4, SIDE * 4))  # JPEGs decode at a fraction of their size
        small = np.asarray(img.convert("L").resize((SIDE, SIDE), Image.BILINEAR), dtype=np.float64)
    small -= small.mean()
    return small / (np.linalg.norm(small) or 1.0)


def orientations(thumb: np.ndarray) -> list[np.ndarray]:
    turns = [np.rot90(thumb, k) for k in range(4)]
    return [t.ravel() for t in turns + [np.fliplr(t) for t in turns]]


def bench_files() -> list:
    return sorted(p for name in BENCH_SETS for p in (DATA / "bench" / name / "HR").iterdir() if p.suffix.lower() == ".png")


class BenchDuplicates(unittest.TestCase):
    def test_no_training_image_is_a_benchmark_image(self):
        train = train_files()
        self.assertGreater(len(train), 400)
        train_thumbs = np.stack([thumbnail(p).ravel() for p in train])
        found = []
        for bench in bench_files():
            best = max(float((train_thumbs @ o).max()) for o in orientations(thumbnail(bench)))
            if best > SAME_PICTURE:
                match = train[int(np.argmax(np.max([train_thumbs @ o for o in orientations(thumbnail(bench))], axis=0)))]
                found.append(f"{bench.parent.parent.name}/{bench.name} ~ {match.parent.name}/{match.name} ({best:.3f})")
        self.assertEqual(found, [])

    def test_the_known_duplicates_are_found_by_the_same_comparison(self):
        # The check above would see them: it is not passing for want of a match.
        for name, bench in BENCH_DUPLICATES.items():
            folder, file = name.split("/")
            self.assertIn(folder, TRAIN_FOLDERS)
            copy = thumbnail(DATA / "train" / folder / file).ravel()
            self.assertGreater(max(float(copy @ o) for o in orientations(thumbnail(DATA / "bench" / bench.replace("/", "/HR/")))), SAME_PICTURE, name)


if __name__ == "__main__":
    unittest.main()

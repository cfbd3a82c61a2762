"""Training and benchmark images: decoded once, kept as uint8, paired with MATLAB-bicubic LR."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from .imresize import downscale, imresize

ROOT = Path(__file__).resolve().parent.parent
# ENHANCE_DATA: a copy of the same folders elsewhere, e.g. carried to a lent GPU (scripts/gpu-burst.sh).
DATA = Path(os.environ.get("ENHANCE_DATA") or ROOT.parent / "shared" / "data")
CACHE = ROOT / "training" / "cache"
TRAIN_FOLDERS = ("T91", "BSD200", "BSDS500_test200")
BENCH_SETS = ("Set5", "Set14", "BSD100", "Urban100")


def load_rgb(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.uint8)


def _image_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".bmp"))


# Training images that are benchmark images, each with the benchmark image it is (the same
# photograph turned a quarter and resized): left out, or the benchmark would score pictures the
# model has seen. Found by comparing thumbnails in all eight orientations
# (training/tests/test_bench_duplicates.py, which fails on any other such pair). Every model shipped
# before 2026-12-03 trained on these (models/MODEL_CARD.md says what that does to Set5).
BENCH_DUPLICATES = {
    "BSD200/302003.jpg": "Set5/woman.png",
}


def trained_on_before() -> dict[str, set[str]]:
    """The benchmark images the shipped models trained on, by set: {"Set5": {"woman"}}."""
    seen: dict[str, set[str]] = {}
    for bench in BENCH_DUPLICATES.values():
        name, file = bench.split("/")
        seen.setdefault(name, set()).add(Path(file).stem)
    return seen


def train_files(data: Path = DATA) -> list[Path]:
    return [p for name in TRAIN_FOLDERS for p in _image_files(data / "train" / name) if f"{name}/{p.name}" not in BENCH_DUPLICATES]


def pairs_cache(files: list[Path], scale: int, downscaler: bytes | None = None, rescale: float = 1.0) -> Path:
    """Where load_pairs keeps these files' pairs: keyed on the files (path and content: an image
    edited in place at the same size makes new pairs), on the HR's rescale factor, and on the
    downscaler's code (imresize.py), so a change to it is not hidden by LR images made before it
    (the harness check would pass on them)."""
    code = downscaler if downscaler is not None else (Path(__file__).parent / "imresize.py").read_bytes()
    listing = "\n".join(f"{p}:{hashlib.sha1(p.read_bytes()).hexdigest()}" for p in files).encode()
    smaller = b"" if rescale == 1.0 else repr(rescale).encode()  # the name shows it rounded
    name = "" if rescale == 1.0 else f"-r{rescale:g}"
    return CACHE / f"pairs-x{scale}{name}-{hashlib.sha1(code + listing + smaller).hexdigest()[:12]}.npz"


def load_pairs(files: list[Path], scale: int, rescale: float = 1.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(HR, LR) pairs; the LR of each file is cached on disk since MATLAB bicubic is slow in numpy.

    rescale < 1 first shrinks each HR image by that factor (MATLAB bicubic too): the scale
    augmentation VDSR used on these same 291 images (T91 + BSD200), more pictures of finer detail
    per pixel from a set too small to hold much of it."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = pairs_cache(files, scale, rescale=rescale)
    if cache.exists():
        stored = np.load(cache)
        return [(stored[f"hr{i}"], stored[f"lr{i}"]) for i in range(len(files))]
    # MATLAB bicubic in numpy is slow: spread a large set over the cores (16 on a lent GPU machine).
    workers = min(len(files) // 8, os.cpu_count() or 1)
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            pairs = list(pool.map(_downscale_file, files, [scale] * len(files), [rescale] * len(files), chunksize=4))
    else:
        pairs = [_downscale_file(p, scale, rescale) for p in files]
    arrays = {f"hr{i}": hr for i, (hr, _) in enumerate(pairs)}
    arrays.update({f"lr{i}": lr for i, (_, lr) in enumerate(pairs)})
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:  # written aside, then renamed: a concurrent reader never sees half a file
        np.savez(f, **arrays)
    os.replace(tmp, cache)
    return pairs


def _downscale_file(path: Path, scale: int, rescale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    hr = load_rgb(path)
    return downscale(hr if rescale == 1.0 else imresize(hr, rescale), scale)


def bench_pairs(name: str, scale: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    files = _image_files(DATA / "bench" / name / "HR")
    return [(p.stem, hr, lr) for p, (hr, lr) in zip(files, load_pairs(files, scale))]


def bicubic_upscale(lr: np.ndarray, scale: int) -> np.ndarray:
    return imresize(lr, float(scale))


class PatchSampler:
    """Random aligned LR/HR crops with flips and 90-degree rotations, drawn by image area.

    texture_crops > 1 draws that many crops (image and position) per patch and keeps the busiest (largest mean
    gradient of the LR crop): flat sky and walls teach the model little, and Urban100's edges and
    repeated structures are where a trained model still loses most to the paper's.
    """

    def __init__(self, pairs: list[tuple[np.ndarray, np.ndarray]], scale: int, lr_patch: int,
                 texture_crops: int = 1):
        self.pairs = [(hr, lr) for hr, lr in pairs if min(lr.shape[:2]) >= lr_patch]
        self.scale, self.patch, self.texture_crops = scale, lr_patch, max(1, texture_crops)
        areas = np.array([lr.shape[0] * lr.shape[1] for _, lr in self.pairs], dtype=np.float64)
        self.weights = areas / areas.sum()

    def _crop(self, rng: np.random.Generator) -> tuple[int, int, int]:
        """One (image, y, x): the busiest of texture_crops draws, each image drawn by its area."""
        p = self.patch
        candidates = []
        for idx in rng.choice(len(self.pairs), size=self.texture_crops, p=self.weights):
            lr = self.pairs[idx][1]
            candidates.append((int(idx), int(rng.integers(0, lr.shape[0] - p + 1)), int(rng.integers(0, lr.shape[1] - p + 1))))
        if len(candidates) == 1:
            return candidates[0]
        return max(candidates, key=lambda c: texture(self.pairs[c[0]][1][c[1] : c[1] + p, c[2] : c[2] + p]))

    def batch(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        s, p = self.scale, self.patch
        lrs = np.empty((size, p, p, 3), np.uint8)
        hrs = np.empty((size, p * s, p * s, 3), np.uint8)
        for i in range(size):
            idx, y, x = self._crop(rng)
            hr, lr = self.pairs[idx]
            lr_crop, hr_crop = lr[y : y + p, x : x + p], hr[y * s : (y + p) * s, x * s : (x + p) * s]
            k, flip = int(rng.integers(0, 4)), bool(rng.integers(0, 2))
            if flip:
                lr_crop, hr_crop = lr_crop[:, ::-1], hr_crop[:, ::-1]
            lrs[i], hrs[i] = np.rot90(lr_crop, k), np.rot90(hr_crop, k)
        return lrs, hrs


def texture(crop: np.ndarray) -> float:
    """Mean absolute horizontal and vertical difference of the channel sum: how busy a crop is."""
    gray = crop.astype(np.int32).sum(axis=2)
    return float(np.abs(np.diff(gray, axis=0)).mean() + np.abs(np.diff(gray, axis=1)).mean())

"""Y-channel PSNR and SSIM with the BasicSR / paper convention (see shared docs PLKSR.md)."""
from __future__ import annotations

import numpy as np


def to_y(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (or gray) -> float64 Y of YCbCr in the 16..235 range, unrounded."""
    if rgb.ndim == 2:
        rgb = np.stack([rgb] * 3, axis=-1)
    img = rgb.astype(np.float64)
    return 16.0 + (65.481 * img[..., 0] + 128.553 * img[..., 1] + 24.966 * img[..., 2]) / 255.0


def _crop(img: np.ndarray, border: int) -> np.ndarray:
    return img[border:-border, border:-border] if border > 0 else img


def psnr_y(sr: np.ndarray, hr: np.ndarray, border: int) -> float:
    a, b = _crop(to_y(sr), border), _crop(to_y(hr), border)
    mse = np.mean((a - b) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def _gaussian_valid(img: np.ndarray) -> np.ndarray:
    x = np.arange(11) - 5
    g = np.exp(-(x**2) / (2 * 1.5**2))
    g /= g.sum()
    rows = sum(g[i] * img[i : img.shape[0] - 10 + i] for i in range(11))
    return sum(g[i] * rows[:, i : rows.shape[1] - 10 + i] for i in range(11))


def ssim_y(sr: np.ndarray, hr: np.ndarray, border: int) -> float:
    a, b = _crop(to_y(sr), border), _crop(to_y(hr), border)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = _gaussian_valid(a), _gaussian_valid(b)
    var_a = _gaussian_valid(a * a) - mu_a**2
    var_b = _gaussian_valid(b * b) - mu_b**2
    cov = _gaussian_valid(a * b) - mu_a * mu_b
    ssim_map = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(ssim_map.mean())

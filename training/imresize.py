"""MATLAB-compatible bicubic imresize (antialiased, cubic a = -0.5), the SR benchmarks' convention.

PIL and OpenCV use other kernels and no antialiasing on downscale, so their LR images differ
from the official ones; training and evaluation both go through this module instead.
"""
from __future__ import annotations

import numpy as np


def _cubic(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    ax2, ax3 = ax * ax, ax * ax * ax
    near = (1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1)
    far = (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2))
    return near + far


def _weights_and_indices(in_len: int, out_len: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    antialias = scale < 1
    width = 4.0 / scale if antialias else 4.0
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = int(np.ceil(width)) + 2
    indices = left[:, None] + np.arange(taps)[None, :]
    distance = u[:, None] - indices
    weights = scale * _cubic(distance * scale) if antialias else _cubic(distance)
    weights /= weights.sum(axis=1, keepdims=True)
    # MATLAB mirrors out-of-range taps symmetrically (edge pixel repeated).
    mirror = np.concatenate([np.arange(in_len), np.arange(in_len - 1, -1, -1)])
    indices = mirror[np.mod(indices.astype(np.int64) - 1, 2 * in_len)]
    keep = np.any(weights != 0, axis=0)
    return weights[:, keep], indices[:, keep]


def _resize_axis(img: np.ndarray, axis: int, out_len: int, scale: float) -> np.ndarray:
    weights, indices = _weights_and_indices(img.shape[axis], out_len, scale)
    moved = np.moveaxis(img, axis, 0).astype(np.float64)
    out = np.einsum("ot,ot...->o...", weights, moved[indices])
    return np.moveaxis(out, 0, axis)


def imresize(img: np.ndarray, scale: float) -> np.ndarray:
    """Resize an HxW or HxWxC uint8 image like MATLAB's imresize(img, scale), uint8 out.

    MATLAB rounds to uint8 after each axis for uint8 input, halves away from zero; so do we, which
    is what makes the official LR files reproducible, bit for bit. (NumPy's round sends halves to
    the even neighbour: at x2 and x4 the kernel's weights are dyadic fractions, sums land on halves,
    and 0.4 to 0.8% of Set5's x2 pixels came out one level off: measured.)
    """
    if img.dtype != np.uint8:
        raise TypeError("imresize expects uint8 input")
    h, w = img.shape[:2]
    out_h, out_w = int(np.ceil(h * scale)), int(np.ceil(w * scale))
    out = img
    for axis, out_len in ((0, out_h), (1, out_w)):
        # Halves up, which is away from zero for what the clip keeps.
        out = np.clip(np.floor(_resize_axis(out, axis, out_len, scale) + 0.5), 0, 255).astype(np.uint8)
    return out


def downscale(hr: np.ndarray, scale: int) -> tuple[np.ndarray, np.ndarray]:
    """Crop HR to a multiple of `scale`, then bicubic-downscale it: the (HR, LR) benchmark pair."""
    h, w = hr.shape[0] - hr.shape[0] % scale, hr.shape[1] - hr.shape[1] % scale
    hr = hr[:h, :w]
    return hr, imresize(hr, 1.0 / scale)

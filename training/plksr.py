"""PLKSR (Lee, Yun, Ro 2024): a CNN with partial large-kernel convolutions for efficient SR.

Written to export cleanly to ONNX: the partial conv is Split -> Conv -> Concat (slice assignment
would export as ScatterND, which ONNX Runtime runs poorly), and the global skip is a nearest
upsample, the same math as repeat_interleave + pixel_shuffle but with a dynamic output shape.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class PLKSRConfig:
    scale: int = 4
    dim: int = 64
    blocks: int = 12
    kernel: int = 13
    split_ratio: float = 0.25
    use_ea: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


# Named configurations the project ships. "tiny" is the paper's PLKSR-tiny; "fast" is ours, sized
# so WASM inference is several times quicker than tiny (see models/MODEL_CARD.md).
PRESETS = {
    "tiny": dict(dim=64, blocks=12, kernel=13, use_ea=False),
    "paper": dict(dim=64, blocks=28, kernel=17, use_ea=True),
    "fast": dict(dim=32, blocks=6, kernel=13, use_ea=False),
}


def preset(name: str, scale: int) -> PLKSRConfig:
    return PLKSRConfig(scale=scale, **PRESETS[name])


class PartialLargeKernel(nn.Module):
    def __init__(self, dim: int, pdim: int, kernel: int):
        super().__init__()
        self.pdim = pdim
        self.rest = dim - pdim
        self.conv = nn.Conv2d(pdim, pdim, kernel, padding=kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        head, tail = torch.split(x, [self.pdim, self.rest], dim=1)
        return torch.cat([self.conv(head), tail], dim=1)


class ElementwiseAttention(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.conv = nn.Conv2d(dim, dim, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.conv(x))


class PLKBlock(nn.Module):
    def __init__(self, cfg: PLKSRConfig):
        super().__init__()
        dim = cfg.dim
        # DCCM: "double conv channel mixer".
        self.expand = nn.Conv2d(dim, dim * 2, 3, padding=1)
        self.reduce = nn.Conv2d(dim * 2, dim, 3, padding=1)
        self.plk = PartialLargeKernel(dim, int(dim * cfg.split_ratio), cfg.kernel)
        self.ea = ElementwiseAttention(dim) if cfg.use_ea else nn.Identity()
        self.mix = nn.Conv2d(dim, dim, 1)
        # Each block starts close to identity, which keeps early training stable without a norm.
        nn.init.trunc_normal_(self.mix.weight, std=0.02)
        nn.init.zeros_(self.mix.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.reduce(F.gelu(self.expand(x)))
        f = self.ea(self.plk(f))
        return self.mix(f) + x


class PLKSR(nn.Module):
    def __init__(self, cfg: PLKSRConfig):
        super().__init__()
        self.cfg = cfg
        self.head = nn.Conv2d(3, cfg.dim, 3, padding=1)
        self.body = nn.Sequential(*[PLKBlock(cfg) for _ in range(cfg.blocks)])
        self.tail = nn.Conv2d(cfg.dim, 3 * cfg.scale * cfg.scale, 3, padding=1)
        self.shuffle = nn.PixelShuffle(cfg.scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.shuffle(self.tail(self.body(self.head(x))))
        return residual + F.interpolate(x, scale_factor=self.cfg.scale, mode="nearest")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

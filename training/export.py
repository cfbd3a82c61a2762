"""Export a trained PLKSR checkpoint to ONNX (opset 17, dynamic height/width).

    /usr/bin/python3 -m training.export runs/tiny-x4/best.pt models/plksr-tiny-x4.onnx [--parity out.json]

--parity writes a fixed input and PyTorch's output for it, so a test can run the ONNX file in
onnxruntime-web and compare (test/unit/onnx-parity.test.ts).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from .plksr import PLKSR, PLKSRConfig, count_parameters

INPUT, OUTPUT = "input", "output"


def shipped_weights(ckpt: dict) -> dict:
    """The weights a checkpoint would ship: a run's last.pt holds the live weights and, with --ema,
    their average beside them, which is what best.pt keeps and the model card names."""
    return ckpt["ema"]["model"] if "ema" in ckpt else ckpt["model"]


def load_model(checkpoint: Path) -> PLKSR:
    ckpt = torch.load(checkpoint, map_location="cpu")
    model = PLKSR(PLKSRConfig(**ckpt["config"]))
    model.load_state_dict(shipped_weights(ckpt))
    return model.eval()


def export(model: PLKSR, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    dummy = torch.rand(1, 3, 32, 40)
    torch.onnx.export(
        model, dummy, str(out), opset_version=17, input_names=[INPUT], output_names=[OUTPUT],
        dynamic_axes={INPUT: {2: "height", 3: "width"}, OUTPUT: {2: "out_height", 3: "out_width"}},
        do_constant_folding=True,
    )


def write_parity(model: PLKSR, out: Path, height: int = 20, width: int = 28) -> None:
    """A seeded input of an odd size (not the export's dummy size) and the PyTorch output for it."""
    generator = torch.Generator().manual_seed(1234)
    x = torch.rand(1, 3, height, width, generator=generator)
    with torch.no_grad():
        y = model(x)
    out.write_text(json.dumps({"input_shape": list(x.shape), "input": x.flatten().tolist(),
                               "output_shape": list(y.shape), "output": y.flatten().tolist()}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", type=Path)
    ap.add_argument("onnx", type=Path)
    ap.add_argument("--parity", type=Path)
    args = ap.parse_args()
    model = load_model(args.checkpoint)
    export(model, args.onnx)
    if args.parity:
        write_parity(model, args.parity)
    print(json.dumps({"onnx": str(args.onnx), "params": count_parameters(model), "config": model.cfg.to_dict()}))


if __name__ == "__main__":
    main()

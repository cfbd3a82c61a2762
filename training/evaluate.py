"""Benchmark ONNX models (and PyTorch checkpoints) on Set5, Set14, BSD100, Urban100: Y-PSNR / SSIM.

    nice -n 5 /usr/bin/python3 -m training.evaluate --scale 4 --onnx models/plksr-tiny-x4.onnx \\
        --out-json models/eval/x4.json
    nice -n 5 /usr/bin/python3 -m training.evaluate --scale 2 --torch runs/tiny-x2/best.pt --sets Set5 --limit 2

The ONNX rows score the shipped file through the engine's own path: Python writes the MATLAB-bicubic
LR images as PNGs (training/cache/eval/<set>/x<scale>/lr/), scripts/sr-folder.ts upscales them
with onnxruntime-node and src/core/upscale.ts (tiles of at most 512 input pixels, the engine's
default overlap), and Python scores the PNGs it wrote against HR, `scale` border pixels cropped
(see ../shared/docs/PLKSR.md). --torch rows run the checkpoint in PyTorch on the whole image.
Bicubic (MATLAB imresize upscale of the same LR) is always a row.

Before anything is scored the harness must reproduce the paper's bicubic x4 on Set5 (28.42 dB);
if it does not, the command stops: no model number from a broken harness counts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from .data import BENCH_SETS, CACHE, ROOT, bench_pairs, bicubic_upscale, load_rgb
from .fp16 import fp16_id, fp16_name
from .metrics import psnr_y, ssim_y

HARNESS_EXPECTED = 28.42  # paper / BasicSR: bicubic x4, Set5, Y-PSNR
HARNESS_TOLERANCE = 0.015
EVAL_CACHE = CACHE / "eval"
MAX_TILE = 512


def harness_check() -> dict:
    """Bicubic x4 on all of Set5 against the published 28.42 dB."""
    scores = [psnr_y(bicubic_upscale(lr, 4), hr, 4) for _, hr, lr in bench_pairs("Set5", 4)]
    value = float(np.mean(scores))
    return {"set": "Set5", "scale": 4, "bicubic_psnr": round(value, 4), "expected": HARNESS_EXPECTED,
            "tolerance": HARNESS_TOLERANCE, "ok": abs(value - HARNESS_EXPECTED) <= HARNESS_TOLERANCE}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_png_folder(folder: Path, images: dict[str, np.ndarray]) -> None:
    """Make `folder` hold exactly these PNGs (sr-folder.ts upscales whatever is there)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.png"):
        if stale.stem not in images:
            stale.unlink()
    for name, img in images.items():
        path = folder / f"{name}.png"
        if not path.exists() or not np.array_equal(load_rgb(path), img):
            Image.fromarray(img).save(path)


def _tsx_command() -> list[str]:
    local = ROOT / "node_modules" / ".bin" / "tsx"
    return [str(local)] if local.exists() else ["npx", "tsx"]


def run_sr_folder(model: Path, scale: int, lr_dir: Path, sr_dir: Path, threads: int) -> None:
    if sr_dir.exists():
        shutil.rmtree(sr_dir)  # never score a PNG left over from an earlier model file
    cmd = _tsx_command() + ["scripts/sr-folder.ts", "--model", str(model), "--scale", str(scale),
                            "--in", str(lr_dir), "--out", str(sr_dir), "--max-tile", str(MAX_TILE)]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"sr-folder.ts failed ({proc.returncode}) for {model}:\n{proc.stderr.strip()}")


def score(sr_images: dict[str, np.ndarray], pairs: list[tuple[str, np.ndarray, np.ndarray]], scale: int) -> dict:
    per_image = {}
    for name, hr, _ in pairs:
        sr = sr_images[name]
        if sr.shape != hr.shape:
            raise SystemExit(f"{name}: output {sr.shape} does not match HR {hr.shape}")
        per_image[name] = [round(psnr_y(sr, hr, scale), 4), round(ssim_y(sr, hr, scale), 5)]
    values = np.array(list(per_image.values()))
    return {"psnr": round(float(values[:, 0].mean()), 4), "ssim": round(float(values[:, 1].mean()), 5),
            "images": len(per_image), "per_image": per_image}


def _registry() -> dict[str, dict]:
    path = ROOT / "models" / "models.json"
    if not path.exists():
        return {}
    return {m["file"]: m for m in json.loads(path.read_text())["models"]}


def _repo_relative(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def evaluate(args: argparse.Namespace) -> dict:
    registry = _registry()
    rows: list[dict] = [{"id": "bicubic", "label": "bicubic (MATLAB imresize)", "kind": "bicubic", "results": {}}]
    for path in args.onnx:
        entry, variant = registry.get(path.name, {}), ""
        if not entry:
            # A model's fp16 variant (training/fp16.py) is named after it and scored as its own row.
            entry = next((m for f, m in registry.items() if fp16_name(f) == path.name), {})
            variant = " fp16" if entry else ""
        if entry and entry["scale"] != args.scale:
            raise SystemExit(f"{path} is x{entry['scale']} in models.json, not x{args.scale}")
        row_id = fp16_id(entry["id"]) if variant else entry.get("id", path.stem)
        rows.append({"id": row_id, "label": entry.get("name", path.stem) + variant, "kind": "onnx",
                     "file": _repo_relative(path), "sha256": sha256(path), "params": entry.get("params"), "results": {}})
    torch_models = []
    for path in args.torch:
        import torch  # only --torch rows need PyTorch

        from .export import load_model
        from .plksr import count_parameters

        torch.set_num_threads(args.threads or 2)
        model = load_model(path)
        if model.cfg.scale != args.scale:
            raise SystemExit(f"{path} is a x{model.cfg.scale} checkpoint, not x{args.scale}")
        step = torch.load(path, map_location="cpu").get("step")
        torch_models.append(model)
        rows.append({"id": f"torch:{path}", "label": f"{path} (PyTorch, step {step})", "kind": "torch",
                     "file": _repo_relative(path), "step": step, "params": count_parameters(model),
                     "config": model.cfg.to_dict(), "results": {}})

    if torch_models:
        from .train import upscale_uint8

    for name in args.sets:
        t0 = time.monotonic()
        pairs = bench_pairs(name, args.scale)[: args.limit or None]
        rows[0]["results"][name] = score({n: bicubic_upscale(lr, args.scale) for n, _, lr in pairs}, pairs, args.scale)
        work = args.work / name / f"x{args.scale}"
        if args.onnx:
            _sync_png_folder(work / "lr", {n: lr for n, _, lr in pairs})
        onnx_rows = [r for r in rows if r["kind"] == "onnx"]
        for row in onnx_rows:
            sr_dir = work / "sr" / Path(row["file"]).stem
            run_sr_folder(ROOT / row["file"], args.scale, work / "lr", sr_dir, args.threads)
            row["results"][name] = score({n: load_rgb(sr_dir / f"{n}.png") for n, _, _ in pairs}, pairs, args.scale)
        for row, model in zip([r for r in rows if r["kind"] == "torch"], torch_models):
            row["results"][name] = score({n: upscale_uint8(model, lr) for n, _, lr in pairs}, pairs, args.scale)
        print(f"{name} x{args.scale}: {len(pairs)} images, {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    return {"scale": args.scale, "sets": list(args.sets), "limit": args.limit or None,
            "max_tile": MAX_TILE, "models": rows}


def markdown_table(result: dict) -> str:
    sets = result["sets"]
    lines = [f"| model (x{result['scale']}) | " + " | ".join(sets) + " |", "|---|" + "---|" * len(sets)]
    for row in result["models"]:
        cells = []
        for name in sets:
            r = row["results"].get(name)
            cells.append(f"{r['psnr']:.2f}/{r['ssim']:.4f}" if r else "-")
        lines.append(f"| {row['label']} | " + " | ".join(cells) + " |")
    note = f"Y-PSNR (dB) / SSIM, {result['scale']}-pixel border cropped"
    if result["limit"]:
        note += f"; first {result['limit']} images per set only"
    return "\n".join(lines) + f"\n\n{note}."


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, choices=(2, 3, 4), required=True)
    ap.add_argument("--onnx", type=Path, nargs="+", default=[], help="ONNX model files to score")
    ap.add_argument("--torch", type=Path, nargs="+", default=[], help="PyTorch checkpoints to score")
    ap.add_argument("--sets", nargs="+", default=list(BENCH_SETS), choices=BENCH_SETS)
    ap.add_argument("--limit", type=int, default=0, help="first N images of each set (quick checks)")
    ap.add_argument("--out-json", type=Path, help="write the results here")
    ap.add_argument("--threads", type=int, default=0, help="threads for ORT / PyTorch (default: all)")
    ap.add_argument("--work", type=Path, default=EVAL_CACHE, help="folder for the LR and SR PNGs")
    args = ap.parse_args()
    for path in args.onnx + args.torch:
        if not path.exists():
            raise SystemExit(f"{path} does not exist")

    check = harness_check()
    print(f"harness check: bicubic x4 Set5 = {check['bicubic_psnr']:.3f} dB "
          f"(expected {HARNESS_EXPECTED} +- {HARNESS_TOLERANCE}): {'ok' if check['ok'] else 'FAILED'}", flush=True)
    if not check["ok"]:
        raise SystemExit("the evaluation harness does not reproduce bicubic x4 on Set5; no number would count")

    result = {"harness_check": check, **evaluate(args)}
    print(markdown_table(result))
    if args.out_json:
        args.out_json.parent.mkdir(parents=True, exist_ok=True)
        args.out_json.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {args.out_json}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Ship a training run's checkpoint in place of a model's file, only if it beats the shipped file.

    nice -n 10 /usr/bin/python3 -m training.promote runs/tiny12-x2 plksr-tiny-x2 [--checkpoint best.pt]

1. Exports the checkpoint to a candidate ONNX file under training/cache/promote/ (models/ stays as
   it is, so tests and commits may run meanwhile).
2. Scores the candidate on all four sets through the engine's path (training.evaluate) and compares
   it with the shipped file's full evaluation in models/eval/.
3. Keeps it only if Set14 rises, Urban100 does not fall, and every target of issue 3 the shipped
   file meets (model_card.TARGETS) is still met. Set5 does not decide otherwise: it picked the
   checkpoint during training (best.pt), so it is biased upwards.
4. If kept: the candidate replaces models/<file> and the shipped evaluation, the checkpoint replaces
   training/checkpoints/<name>.pt (where the next run starts from), the fp16 variant is rebuilt and
   scored, the run is recorded in models/training.json and the model card is written again.

Exits 0 either way and prints the decision; a rejected candidate leaves every tracked file as it was.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from .data import BENCH_SETS, CACHE, ROOT
from .fp16 import fp16_name
from .model_card import DECIDING_SET, GUARDED_SET, TARGETS

MODELS = ROOT / "models"
WORK = CACHE / "promote"


def shipped_evaluation(file: str, evals_dir: Path = MODELS / "eval") -> tuple[Path, dict]:
    """The full evaluation (every set, no --limit) whose ONNX row scores models/<file>."""
    for path in sorted(evals_dir.glob("*.json")):
        result = json.loads(path.read_text())
        if result.get("limit") or set(result["sets"]) != set(BENCH_SETS):
            continue
        if any(row.get("file") == f"models/{file}" for row in result["models"]):
            return path, result
    raise SystemExit(f"no full evaluation of models/{file} in {evals_dir}")


def onnx_row(result: dict) -> dict:
    return next(row for row in result["models"] if row["kind"] == "onnx")


def decide(shipped: dict, candidate: dict, targets: dict[str, float] | None = None) -> tuple[bool, str]:
    """Keep when the deciding set rises, the guarded one does not fall, and no met target is lost (4-decimal scores)."""
    old, new = shipped["results"], candidate["results"]
    rises = new[DECIDING_SET]["psnr"] > old[DECIDING_SET]["psnr"]
    holds = new[GUARDED_SET]["psnr"] >= old[GUARDED_SET]["psnr"]
    lost = [f"{name} {goal:.2f}" for name, goal in (targets or {}).items() if old[name]["psnr"] >= goal > new[name]["psnr"]]
    lines = [f"{name}: {old[name]['psnr']:.3f} -> {new[name]['psnr']:.3f}" for name in BENCH_SETS]
    keep = rises and holds and not lost
    why = f"{DECIDING_SET} {'rises' if rises else 'does not rise'}, {GUARDED_SET} {'holds' if holds else 'falls'}"
    if lost:
        why += f", target lost: {', '.join(lost)} dB"
    return keep, f"{'keep' if keep else 'discard'} ({why}): " + ", ".join(lines)


def python(*args: str) -> None:
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, check=True)


def evaluate(onnx: Path, scale: int, out_json: Path) -> dict:
    python("training.evaluate", "--scale", str(scale), "--onnx", str(onnx), "--out-json", str(out_json))
    return json.loads(out_json.read_text())


def as_shipped(result: dict, file: str) -> dict:
    """The candidate's evaluation, its ONNX row naming the shipped path the file now has."""
    onnx_row(result)["file"] = f"models/{file}"
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="runs/NAME, a training.train run folder")
    ap.add_argument("model_id", help="the models.json id it would replace, e.g. plksr-tiny-x2")
    ap.add_argument("--checkpoint", default="best.pt", help="checkpoint in the run folder (default best.pt)")
    args = ap.parse_args()

    registry = {m["id"]: m for m in json.loads((MODELS / "models.json").read_text())["models"]}
    if args.model_id not in registry:
        raise SystemExit(f"{args.model_id} is not in models/models.json")
    entry = registry[args.model_id]
    file, scale = entry["file"], entry["scale"]
    checkpoint = args.run / args.checkpoint
    eval_path, shipped = shipped_evaluation(file)

    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    candidate = WORK / file  # same name as the shipped file: the evaluation labels rows by it
    python("training.export", str(checkpoint), str(candidate))
    result = evaluate(candidate, scale, WORK / eval_path.name)
    keep, message = decide(onnx_row(shipped), onnx_row(result), TARGETS.get((entry["profile"], scale)))
    print(f"{args.model_id} from {checkpoint}: {message}", flush=True)
    if not keep:
        return

    shutil.copyfile(candidate, MODELS / file)
    eval_path.write_text(json.dumps(as_shipped(result, file), indent=1) + "\n")
    shutil.copyfile(checkpoint, ROOT / "training" / "checkpoints" / f"{args.model_id.removeprefix('plksr-')}.pt")
    half = MODELS / fp16_name(file)
    python("training.fp16", str(MODELS / file), str(half))
    fp16_eval = eval_path.with_name(f"{eval_path.stem}-fp16.json")
    evaluate(half, scale, fp16_eval)
    python("training.model_card", "--record-run", str(args.run), "--model-id", args.model_id,
           "--checkpoint", args.checkpoint)
    print(f"shipped: models/{file}, {half.relative_to(ROOT)}, {eval_path.relative_to(ROOT)}, "
          f"{fp16_eval.relative_to(ROOT)}, models/training.json, models/MODEL_CARD.md", flush=True)


if __name__ == "__main__":
    main()

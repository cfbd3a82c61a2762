"""Ship a training run's checkpoint in place of a model's file, only if it beats the shipped file.

    nice -n 10 /usr/bin/python3 -m training.promote runs/tiny12-x2 plksr-tiny-x2 [--checkpoint best.pt]

1. Exports the checkpoint to a candidate ONNX file under training/cache/promote/ (models/ stays as
   it is, so tests and commits may run meanwhile).
2. Scores the candidate on all four sets through the engine's path (training.evaluate) and compares
   it with the shipped file's full evaluation in models/eval/, after scoring the shipped file on
   Set14 again: a harness changed since that evaluation (the LR images, the tiling, the metric)
   would move every per-image difference the rule reads, so scores that differ stop it.
3. Keeps it only if Set14 rises by more than its images' scatter (the mean per-image gain above
   twice its standard error: a run that moves each image a few hundredths of a dB either way is
   noise), Urban100 does not fall, no other set falls by more than 0.01 dB, and every target of
   issue 3 the shipped file meets (model_card.TARGETS) is still met. Set5 does not decide otherwise:
   it picked the checkpoint during training (best.pt), so it is biased upwards.
4. If kept: the fp16 variant is built from the candidate and scored, all under
   training/cache/promote/; then the candidate, both evaluations and the fp16 file replace the
   shipped ones, the checkpoint replaces training/checkpoints/<name>.pt (where the next run starts
   from), the run is recorded in models/training.json and the model card is written again. Nothing
   in models/ changes before everything is made, so a failure on the way leaves the shipped set whole.

Exits 0 either way and prints the decision; a rejected candidate leaves every tracked file as it was.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

from .data import BENCH_SETS, CACHE, ROOT
from .fp16 import fp16_name
from .model_card import DECIDING_SET, FALL_TOLERANCE_DB, GUARDED_SET, NOISE_MULTIPLE, TARGETS, checked_run

MODELS = ROOT / "models"
WORK = CACHE / "promote"


def shipped_evaluation(file: str, evals_dir: Path = MODELS / "eval", sha256: str | None = None) -> tuple[Path, dict]:
    """The full evaluation (every set, no --limit) whose one ONNX row scores models/<file>; with
    `sha256`, of that very file: an evaluation of the file it replaced would be a baseline of
    another model's scores."""
    others = []
    for path in sorted(evals_dir.glob("*.json")):
        result = json.loads(path.read_text())
        if result.get("limit") or set(result["sets"]) != set(BENCH_SETS):
            continue
        onnx = [row for row in result["models"] if row["kind"] == "onnx"]
        if len(onnx) == 1 and onnx[0].get("file") == f"models/{file}":
            if sha256 is None or onnx[0].get("sha256") == sha256:
                return path, result
            others.append(path.name)
    if others:
        raise SystemExit(f"the evaluations of models/{file} ({', '.join(others)}) scored another file: evaluate the one shipped first")
    raise SystemExit(f"no full evaluation of models/{file} alone in {evals_dir}")


def onnx_row(result: dict) -> dict:
    """The evaluation's ONNX row: promote writes and reads evaluations of one file each."""
    rows = [row for row in result["models"] if row["kind"] == "onnx"]
    if len(rows) != 1:
        raise SystemExit(f"expected one ONNX row, found {len(rows)}")
    return rows[0]


def gain(old: dict, new: dict) -> tuple[float, float]:
    """The mean per-image PSNR gain on a set, and its standard error."""
    before, after = old["per_image"], new["per_image"]
    if before.keys() != after.keys() or len(before) < 2:
        raise SystemExit("the two evaluations did not score the same images")
    diffs = [after[image][0] - before[image][0] for image in before]
    mean = sum(diffs) / len(diffs)
    variance = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    return mean, math.sqrt(variance / len(diffs))


def drifted(stored: dict, now: dict) -> list[str]:
    """The images a set's stored evaluation scores otherwise than the harness scores them now (its
    4-decimal PSNR), as 'name stored -> now'."""
    before, after = stored["per_image"], now["per_image"]
    if before.keys() != after.keys():
        return [f"images {sorted(before)} -> {sorted(after)}"]
    return [f"{name} {before[name][0]} -> {after[name][0]}" for name in before if abs(before[name][0] - after[name][0]) > 1e-6]


def decide(shipped: dict, candidate: dict, targets: dict[str, float] | None = None) -> tuple[bool, str]:
    """Keep when the deciding set rises beyond noise, the guarded one does not fall, no other set
    falls beyond FALL_TOLERANCE_DB, and no met target is lost (4-decimal scores)."""
    old, new = shipped["results"], candidate["results"]
    mean, error = gain(old[DECIDING_SET], new[DECIDING_SET])
    rises = mean > 0 and mean > NOISE_MULTIPLE * error
    holds = new[GUARDED_SET]["psnr"] >= old[GUARDED_SET]["psnr"]
    others = [name for name in BENCH_SETS if name not in (DECIDING_SET, GUARDED_SET)]
    fallen = [name for name in others if new[name]["psnr"] < old[name]["psnr"] - FALL_TOLERANCE_DB]
    lost = [f"{name} {goal:.2f}" for name, goal in (targets or {}).items() if old[name]["psnr"] >= goal > new[name]["psnr"]]
    lines = [f"{name}: {old[name]['psnr']:.3f} -> {new[name]['psnr']:.3f}" for name in BENCH_SETS]
    keep = rises and holds and not fallen and not lost
    why = (f"{DECIDING_SET} {'rises' if rises else 'does not rise beyond noise'} ({mean:+.4f} dB per image, "
           f"standard error {error:.4f}), {GUARDED_SET} {'holds' if holds else 'falls'}")
    if fallen:
        why += f", {' and '.join(fallen)} {'falls' if len(fallen) == 1 else 'fall'} by more than {FALL_TOLERANCE_DB} dB"
    if lost:
        why += f", target lost: {', '.join(lost)} dB"
    return keep, f"{'keep' if keep else 'discard'} ({why}): " + ", ".join(lines)


def python(*args: str) -> None:
    subprocess.run([sys.executable, "-m", *args], cwd=ROOT, check=True)


def evaluate(onnx: Path, scale: int, out_json: Path, sets: tuple[str, ...] = BENCH_SETS) -> dict:
    python("training.evaluate", "--scale", str(scale), "--onnx", str(onnx), "--sets", *sets, "--out-json", str(out_json))
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

    # Before minutes of export and scoring, and before anything is copied: a run whose record
    # cannot be written would leave models/ half replaced at the end.
    entry, _ = checked_run(args.run, args.model_id, MODELS, args.checkpoint)
    file, scale = entry["file"], entry["scale"]
    checkpoint = args.run / args.checkpoint
    if not (MODELS / file).exists():
        raise SystemExit(f"models/{file} is not there: nothing shipped to compare with")
    eval_path, shipped = shipped_evaluation(file, sha256=hashlib.sha256((MODELS / file).read_bytes()).hexdigest())

    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    now = onnx_row(evaluate(MODELS / file, scale, WORK / "shipped-now.json", (DECIDING_SET,)))["results"][DECIDING_SET]
    changed = drifted(onnx_row(shipped)["results"][DECIDING_SET], now)
    if changed:
        raise SystemExit(f"{eval_path.relative_to(ROOT)} scores {DECIDING_SET} otherwise than the harness does now "
                         f"({', '.join(changed[:3])}): evaluate the shipped file again first")
    candidate = WORK / file  # same name as the shipped file: the evaluation labels rows by it
    python("training.export", str(checkpoint), str(candidate))
    result = evaluate(candidate, scale, WORK / eval_path.name)
    keep, message = decide(onnx_row(shipped), onnx_row(result), TARGETS.get((entry["profile"], scale)))
    print(f"{args.model_id} from {checkpoint}: {message}", flush=True)
    if not keep:
        return

    half_candidate = WORK / fp16_name(file)
    python("training.fp16", str(candidate), str(half_candidate))
    fp16_eval = eval_path.with_name(f"{eval_path.stem}-fp16.json")
    half_result = evaluate(half_candidate, scale, WORK / fp16_eval.name)
    # Everything is made: into place, the shipped files last read being the ones replaced.
    half = MODELS / fp16_name(file)
    shutil.copyfile(candidate, MODELS / file)
    shutil.copyfile(half_candidate, half)
    eval_path.write_text(json.dumps(as_shipped(result, file), indent=1) + "\n")
    fp16_eval.write_text(json.dumps(as_shipped(half_result, half.name), indent=1) + "\n")
    shutil.copyfile(checkpoint, ROOT / "training" / "checkpoints" / f"{args.model_id.removeprefix('plksr-')}.pt")
    python("training.model_card", "--record-run", str(args.run), "--model-id", args.model_id,
           "--checkpoint", args.checkpoint)
    print(f"shipped: models/{file}, {half.relative_to(ROOT)}, {eval_path.relative_to(ROOT)}, "
          f"{fp16_eval.relative_to(ROOT)}, models/training.json, models/MODEL_CARD.md", flush=True)


if __name__ == "__main__":
    main()

"""Training resumes to the exact step; a run becomes a training record, a card and an evaluation.

Trains the `fast` preset for a few steps on a small synthetic image folder (never the benchmarks),
through the real command line (`python -m training.train`), in a temporary folder.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from training.data import CACHE, DATA, ROOT, TRAIN_FOLDERS

# A fixed path, so the LR cache training/data.py keys on file paths is reused between runs.
TRAIN_ROOT = CACHE / "tests" / "data"
HAS_NODE = (ROOT / "node_modules" / ".bin" / "tsx").exists() and (ROOT / "node_modules" / "onnxruntime-node").exists()


def synthetic_train_root() -> Path:
    """Smooth random images in the <data>/train/<folder> layout train.py's --data expects; returns <data>."""
    rng = np.random.default_rng(0)
    for i, folder in enumerate(TRAIN_FOLDERS):
        (TRAIN_ROOT / "train" / folder).mkdir(parents=True, exist_ok=True)
        path = TRAIN_ROOT / "train" / folder / f"img{i}.png"
        if not path.exists():
            coarse = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
            img = Image.fromarray(coarse).resize((72, 64), Image.BICUBIC)
            img.save(path)
    return TRAIN_ROOT


def train(run: Path, max_steps: int, *extra: str) -> str:
    """Runs training.train on the synthetic data; returns what it printed."""
    cmd = [sys.executable, "-m", "training.train", "--run", str(run), "--scale", "2", "--preset", "fast",
           "--batch", "2", "--patch", "16", "--steps", "6", "--warmup", "2", "--max-steps", str(max_steps),
           "--threads", "1", "--data", str(synthetic_train_root()), *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"train.py failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


class Pipeline(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="plksr-test-"))
        cls.straight, cls.resumed = cls.tmp / "runs" / "straight", cls.tmp / "runs" / "resumed"
        train(cls.straight, 6, "--ema", "0.9")
        train(cls.resumed, 3, "--ema", "0.9")
        cls.stopped_at = torch.load(cls.resumed / "last.pt", map_location="cpu")["step"]
        cls.resume_output = train(cls.resumed, 6, "--ema", "0.9")  # --max-steps counts the resumed steps too: 3 more
        from training.plksr import PLKSR, count_parameters, preset

        cls.models = cls.tmp / "models"
        cls.models.mkdir()
        entry = {"id": "fast-x2", "name": "Fast x2", "profile": "fast", "scale": 2, "file": "fast-x2.onnx",
                 "input": "input", "output": "output", "params": count_parameters(PLKSR(preset("fast", 2)))}
        (cls.models / "models.json").write_text(json.dumps({"version": 1, "models": [entry]}))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_resume_is_exact(self):
        a = torch.load(self.straight / "last.pt", map_location="cpu")
        b = torch.load(self.resumed / "last.pt", map_location="cpu")
        # The second half did resume: retraining from step 0 would give the same weights too.
        self.assertEqual(self.stopped_at, 3)
        self.assertIn(f"resumed {self.resumed / 'last.pt'} at step 3", self.resume_output)
        self.assertEqual((a["step"], b["step"]), (6, 6))
        self.assertEqual(a["model"].keys(), b["model"].keys())
        for key in a["model"]:
            self.assertTrue(torch.equal(a["model"][key], b["model"][key]), key)
        for pid, state in a["optimizer"]["state"].items():
            for name, value in state.items():
                self.assertTrue(torch.equal(value, b["optimizer"]["state"][pid][name]), f"{pid}.{name}")
        self.assertEqual(a["rng"]["numpy"], b["rng"]["numpy"])
        self.assertEqual((a["ema"]["updates"], b["ema"]["updates"]), (6, 6))
        for key in a["ema"]["model"]:
            self.assertTrue(torch.equal(a["ema"]["model"][key], b["ema"]["model"][key]), f"ema {key}")
        self.assertTrue(torch.equal(a["rng"]["torch"], b["rng"]["torch"]))
        # ... and training did move the weights, so the equality above means something.
        from training.plksr import PLKSR, preset

        torch.manual_seed(0)
        init = PLKSR(preset("fast", 2)).state_dict()
        self.assertFalse(torch.equal(init["tail.weight"], a["model"]["tail.weight"]))
        # The average trails the live weights, and best.pt keeps the average.
        self.assertFalse(torch.equal(a["ema"]["model"]["tail.weight"], a["model"]["tail.weight"]))
        best = torch.load(self.straight / "best.pt", map_location="cpu")
        self.assertTrue(torch.equal(best["model"]["tail.weight"], a["ema"]["model"]["tail.weight"]))
        # Exported from last.pt, it is the average too, as the model card then says.
        from training.export import load_model

        self.assertTrue(torch.equal(load_model(self.straight / "last.pt").state_dict()["tail.weight"], a["ema"]["model"]["tail.weight"]))

    def test_a_resume_keeps_a_best_pt_its_last_pt_never_heard_of(self):
        """Killed between an evaluation (best.pt) and the next last.pt: the resumed run still knows that best."""
        run = self.tmp / "runs" / "best-kept"
        train(run, 3)
        best = torch.load(run / "best.pt", map_location="cpu")
        torch.save({**best, "set5_psnr": 99.0}, run / "best.pt")
        last = torch.load(run / "last.pt", map_location="cpu", weights_only=False)
        torch.save({**last, "best_psnr": -1.0}, run / "last.pt")
        train(run, 6)
        self.assertEqual(torch.load(run / "best.pt", map_location="cpu")["set5_psnr"], 99.0)

    def test_schedule_fitted_to_the_budget(self):
        """--steps 0: after 20 steps the cosine is sized to what the rest of the budget holds."""
        from training.train import fitted_steps

        # 20 steps in 10 s of a 100 s budget, the last 10 in 5 s: 90 s left, 95% of it at 0.5 s a step.
        self.assertEqual(fitted_steps(20, 10.0, 100.0, (10, 5.0)), 20 + 171)
        # Slow first steps do not count: 10 in 8 s, then 10 in 2 s: 90 s left at 0.2 s a step, less 5%.
        self.assertEqual(fitted_steps(20, 10.0, 100.0, (10, 8.0)), 20 + 427)
        # Resumed at step 500, timed from step 510: 10 steps in 2 s with 44 s left: 40 s at 0.2 s a step.
        self.assertEqual(fitted_steps(520, 4.0, 44.0, (510, 2.0)), 520 + 190)
        # A budget spent before the fit (a loaded machine): the schedule ends where the run stands.
        self.assertEqual(fitted_steps(20, 12.0, 10.0, (10, 6.0)), 20)
        # The run itself: a budget the 20 steps fit in even on two busy cores.
        run = self.tmp / "runs" / "fitted"
        train(run, 0, "--steps", "0", "--budget-min", "0.15")
        last = torch.load(run / "last.pt", map_location="cpu")
        fitted = int(last["args"]["steps"])
        self.assertGreater(fitted, 20)
        self.assertGreaterEqual(last["step"], 20)
        self.assertLessEqual(last["step"], fitted)
        self.assertTrue((run / "best.pt").exists())  # the closing Set5 evaluation, wherever the run stopped

    def test_a_signal_ends_the_run_checkpointed(self):
        """SIGTERM: the run stops at the next step, scores Set5 and writes last.pt at that step."""
        run = self.tmp / "runs" / "signalled"
        cmd = [sys.executable, "-m", "training.train", "--run", str(run), "--scale", "2", "--preset", "fast",
               "--batch", "2", "--patch", "16", "--steps", "1000000", "--warmup", "2", "--threads", "1",
               "--data", str(synthetic_train_root())]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for line in proc.stdout:  # the first record, at step 50: training is under way
            if line.startswith('{"step"'):
                break
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        stopped = int(re.search(r"stopped at step (\d+) \(signal 15\)", out).group(1))
        self.assertGreaterEqual(stopped, 50)
        self.assertEqual(torch.load(run / "last.pt", map_location="cpu")["step"], stopped)
        records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
        self.assertEqual(records[-1]["step"], stopped)
        self.assertIn("set5_psnr", records[-1])

    def test_record_run_and_card(self):
        from training.model_card import record_run, render

        models = self.models
        summary = record_run(self.resumed, "fast-x2", models)
        self.assertEqual(summary["steps"], 6)
        self.assertEqual(summary["preset"], "fast")
        self.assertEqual(summary["params"], json.loads((models / "models.json").read_text())["models"][0]["params"])
        self.assertEqual(json.loads((models / "training.json").read_text())["fast-x2"]["batch"], 2)
        card, _ = render(models, [])
        self.assertIn("| fast-x2 | `resumed` | fast | 6 (6) | 2 x 32² |", card)
        self.assertIn(", weight average, decay 0.9)", card)
        self.assertIn("*PLKSR-tiny (paper's number, DIV2K-trained)* | 38.11 / 0.9608", card)
        self.assertIn("No full x2 evaluation recorded yet", card)

    @unittest.skipUnless(HAS_NODE and (DATA / "bench" / "Set5").exists(), "needs node_modules and Set5")
    def test_onnx_and_torch_rows_agree(self):
        """evaluate.py end to end: the exported ONNX run by onnxruntime-node scores like PyTorch."""
        from training.export import export, load_model
        from training.model_card import render

        onnx = self.tmp / "onnx" / "fast-x2.onnx"  # not in self.models: the card test expects no file
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.onnx's shape-inference chatter
            export(load_model(self.straight / "last.pt"), onnx)
        out = self.tmp / "eval" / "x2.json"
        cmd = [sys.executable, "-m", "training.evaluate", "--scale", "2", "--sets", "Set5", "--limit", "2",
               "--onnx", str(onnx), "--torch", str(self.straight / "last.pt"), "--threads", "1",
               "--work", str(self.tmp / "work"), "--out-json", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("harness check: bicubic x4 Set5 = 28.429 dB", proc.stdout)
        result = json.loads(out.read_text())
        bicubic, onnx_row, torch_row = result["models"]
        self.assertEqual([r["kind"] for r in result["models"]], ["bicubic", "onnx", "torch"])
        self.assertEqual(onnx_row["results"]["Set5"]["images"], 2)
        for name, (psnr, ssim) in torch_row["results"]["Set5"]["per_image"].items():
            onnx_psnr, onnx_ssim = onnx_row["results"]["Set5"]["per_image"][name]
            self.assertAlmostEqual(onnx_psnr, psnr, delta=0.01, msg=name)
            self.assertAlmostEqual(onnx_ssim, ssim, delta=1e-4, msg=name)
        # A --limit evaluation stays out of the card unless asked for.
        card, notes = render(self.models, [out])
        self.assertTrue(any("--limit" in n for n in notes))
        self.assertNotIn("(2 img)", card)
        card, _ = render(self.models, [out], include_partial=True)
        self.assertIn("| bicubic (ours, MATLAB imresize) | 36.95 / 0.9624 (2 img) |", card)

    @unittest.skipUnless(HAS_NODE and (DATA / "bench" / "Set5").exists(), "needs node_modules and Set5")
    def test_fp16_variant(self):
        """training/fp16.py: float16 inside, float32 at the ends, and it scores like the float32 file."""
        import onnx
        from onnx import TensorProto

        from training.export import export, load_model
        from training.fp16 import convert, fp16_name

        folder = self.tmp / "fp16"
        full = folder / "fast-x2.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            export(load_model(self.straight / "last.pt"), full)
        half = folder / fp16_name(full.name)
        onnx.save(convert(onnx.load(str(full))), str(half))
        graph = onnx.load(str(half)).graph
        self.assertEqual([v.type.tensor_type.elem_type for v in (*graph.input, *graph.output)], [TensorProto.FLOAT] * 2)
        conv_weights = {n.input[1] for n in graph.node if n.op_type == "Conv"}
        types = {i.name: i.data_type for i in graph.initializer}
        self.assertTrue(conv_weights and all(types[w] == TensorProto.FLOAT16 for w in conv_weights))
        self.assertLess(half.stat().st_size, 0.6 * full.stat().st_size)

        out = folder / "x2.json"
        cmd = [sys.executable, "-m", "training.evaluate", "--scale", "2", "--sets", "Set5", "--limit", "2",
               "--onnx", str(full), str(half), "--threads", "1", "--work", str(folder / "work"), "--out-json", str(out)]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        _, ref, candidate = json.loads(out.read_text())["models"]
        self.assertEqual(candidate["id"], "fast-x2.fp16")
        for name, (psnr, _) in ref["results"]["Set5"]["per_image"].items():
            self.assertAlmostEqual(candidate["results"]["Set5"]["per_image"][name][0], psnr, delta=0.02, msg=name)


class Clock(unittest.TestCase):
    def test_a_stop_does_not_count(self):
        """RunClock: the lap in which SIGCONT arrives counts as long as the lap before it."""
        from training.train import RunClock

        times = iter([0.0, 1.0, 2.5, 302.5, 303.0])
        clock = RunClock(now=lambda: next(times))
        self.assertEqual((clock.lap(), clock.lap()), (1.0, 1.5))
        clock.continued()  # kill -STOP for five minutes, then kill -CONT
        self.assertEqual(clock.lap(), 1.5)
        self.assertEqual(clock.lap(), 0.5)
        self.assertEqual(clock.seconds, 4.5)


class Augmented(unittest.TestCase):
    def test_rescaled_copies_and_the_mse_loss(self):
        """--rescale 0.5 adds each image shrunk by half (the LR made from the shrunk HR); --loss mse trains."""
        from training.data import load_pairs, train_files

        files = train_files(synthetic_train_root())
        (hr, lr), (small_hr, small_lr) = load_pairs(files, 2)[0], load_pairs(files, 2, 0.5)[0]
        self.assertEqual((hr.shape, lr.shape), ((64, 72, 3), (32, 36, 3)))
        self.assertEqual((small_hr.shape, small_lr.shape), ((32, 36, 3), (16, 18, 3)))
        with tempfile.TemporaryDirectory() as tmp:
            out = train(Path(tmp) / "run", 2, "--rescale", "0.5", "--loss", "mse")
            from training.model_card import summarize_run

            summary = summarize_run(Path(tmp) / "run")
        self.assertIn(f"{2 * len(files)} images", out)
        self.assertEqual((summary["rescale"], summary["loss"]), ([0.5], "mse"))

    def test_the_frequency_loss_adds_the_spectra_l1_to_the_pixels(self):
        """--loss l1fft: the pixels' L1 plus 0.05 times the L1 of the unnormalised 2-D spectra (as numpy
        computes them by default, and SAFMN's loss), zero for equal images."""
        from training.train import LOSSES

        gen = torch.Generator().manual_seed(3)
        out, hr = torch.rand(2, 3, 12, 10, generator=gen), torch.rand(2, 3, 12, 10, generator=gen)
        spectra = [np.fft.rfft2(t.numpy()) for t in (out, hr)]
        diff = spectra[0] - spectra[1]
        spectral_l1 = np.concatenate([np.abs(diff.real).ravel(), np.abs(diff.imag).ravel()]).mean()
        expected = float((out - hr).abs().mean()) + 0.05 * spectral_l1
        self.assertAlmostEqual(float(LOSSES["l1fft"](out, hr)), expected, places=5)
        self.assertEqual(float(LOSSES["l1fft"](hr, hr)), 0.0)

    def test_a_resume_keeps_the_data_the_crops_the_loss_the_average_and_the_schedule(self):
        with tempfile.TemporaryDirectory() as tmp:
            train(Path(tmp) / "run", 1, "--rescale", "0.5", "--loss", "mse")
            same = ("--rescale", "0.5", "--loss", "mse")
            for other in (("--rescale", "0.5"), ("--loss", "mse"), ("--rescale", "0.6", "--loss", "mse"),
                          (*same, "--patch", "12"), (*same, "--ema", "0.9"), (*same, "--lr", "1e-3"),
                          (*same, "--warmup", "3"), (*same, "--steps", "9"), (*same, "--clip-grad", "0.1"),
                          (*same, "--no-bf16")):
                with self.assertRaisesRegex(AssertionError, "resume it with the same"):
                    train(Path(tmp) / "run", 2, *other)
            self.assertIn("resumed", train(Path(tmp) / "run", 2, "--rescale", "0.5", "0.5", "--loss", "mse"))
            # The same data folder, spelled relative to where training runs.
            relative = os.path.relpath(synthetic_train_root(), ROOT)
            self.assertIn("resumed", train(Path(tmp) / "run", 3, "--rescale", "0.5", "--loss", "mse", "--data", relative))

    def test_rescale_factors_shrink(self):
        with tempfile.TemporaryDirectory() as tmp, self.assertRaisesRegex(AssertionError, "between 0 and 1"):
            train(Path(tmp) / "run", 1, "--rescale", "1")

    def test_evaluations_fall_on_log_lines(self):
        with tempfile.TemporaryDirectory() as tmp, self.assertRaisesRegex(AssertionError, "a multiple of 50"):
            train(Path(tmp) / "run", 1, "--eval-every", "120")


class PairsCache(unittest.TestCase):
    def test_keyed_on_the_downscaler(self):
        from training.data import pairs_cache, train_files

        files = train_files(synthetic_train_root())
        self.assertEqual(pairs_cache(files, 2), pairs_cache(files, 2, (ROOT / "training" / "imresize.py").read_bytes()))
        self.assertNotEqual(pairs_cache(files, 2), pairs_cache(files, 2, b"a changed imresize.py"))
        self.assertNotEqual(pairs_cache(files, 2), pairs_cache(files, 4))
        self.assertNotEqual(pairs_cache(files, 2), pairs_cache(files, 2, rescale=0.9))

    def test_keyed_on_the_images_content_not_their_size(self):
        from training.data import pairs_cache

        with tempfile.TemporaryDirectory() as tmp:
            image = Path(tmp) / "a.png"
            image.write_bytes(b"one picture")
            before = pairs_cache([image], 2)
            image.write_bytes(b"another one")  # the same size, edited in place
            self.assertNotEqual(pairs_cache([image], 2), before)


if __name__ == "__main__":
    unittest.main()

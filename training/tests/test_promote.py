"""training.promote keeps a candidate only when Set14 rises beyond its images' scatter, Urban100 does
not fall, no other set falls by more than 0.01 dB and no target the shipped file met is lost, and
compares it with the shipped file's own full evaluation."""
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from training.data import ROOT

from training.promote import decide, drifted, gain, onnx_row, shipped_evaluation

SETS = ["Set5", "Set14", "BSD100", "Urban100"]
# Set14's per-image scores of the shipped file: a candidate's are these plus a change per image.
SET14 = {f"img{i}": 33.0 + i / 10 for i in range(14)}


def row(file, set5, set14_change, urban, bsd100=31.9, kind="onnx"):
    """`set14_change`: one change for every image, or a list of 14."""
    changes = set14_change if isinstance(set14_change, list) else [set14_change] * 14
    per_image = {name: [score + change, 0.9] for (name, score), change in zip(SET14.items(), changes)}
    scores = {"Set5": set5, "Set14": sum(v[0] for v in per_image.values()) / 14, "BSD100": bsd100, "Urban100": urban}
    results = {name: {"psnr": value} for name, value in scores.items()}
    results["Set14"]["per_image"] = per_image
    return {"kind": kind, "file": file, "results": results}


# tiny16-x2's Set14 against the file it replaced (commit c2ca13f): shipped on a mean gain of +0.0001 dB.
NOISE = [-0.10, 0.09, 0.02, -0.03, 0.05, -0.06, 0.01, 0.0, -0.02, 0.04, -0.05, 0.06, -0.01, 0.0]


class Decide(unittest.TestCase):
    SHIPPED = row("models/m.onnx", 37.56, 0.0, 30.827)

    def test_the_shipped_files_stored_scores_must_be_the_harness_scores_now(self):
        stored = self.SHIPPED["results"]["Set14"]
        self.assertEqual(drifted(stored, row("models/m.onnx", 37.56, 0.0, 30.827)["results"]["Set14"]), [])
        moved = [0.0] * 14
        moved[3] = 0.0001
        self.assertEqual(drifted(stored, row("models/m.onnx", 37.56, moved, 30.827)["results"]["Set14"]), ["img3 33.3 -> 33.3001"])

    def test_keeps_when_set14_rises_beyond_noise_and_the_others_hold(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.555, [0.02 + 0.002 * (i % 3) for i in range(14)], 30.827))
        self.assertTrue(keep, message)
        self.assertIn("Set14: 33.650 -> 33.672", message)

    def test_a_rise_within_the_images_scatter_discards(self):
        mean, error = gain(self.SHIPPED["results"]["Set14"], row("c.onnx", 37.5, NOISE, 30.9)["results"]["Set14"])
        self.assertAlmostEqual(mean, 0.0, places=3)
        self.assertGreater(error, 0.01)
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.70, [n + 0.005 for n in NOISE], 30.900))
        self.assertFalse(keep)
        self.assertIn("Set14 does not rise beyond noise", message)

    def test_a_higher_set5_alone_does_not_keep(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.70, 0.0, 30.900))
        self.assertFalse(keep)
        self.assertIn("Set14 does not rise", message)

    def test_urban100_falling_discards(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.60, 0.05, 30.826))
        self.assertFalse(keep)
        self.assertIn("Urban100 falls", message)

    def test_another_set_falling_more_than_a_hundredth_discards(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.545, 0.05, 30.9))
        self.assertFalse(keep)
        self.assertIn("Set5 falls by more than 0.01 dB", message)
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.555, 0.05, 30.9, bsd100=31.895))
        self.assertTrue(keep, message)

    def test_losing_a_met_target_discards(self):
        targets = {"Set5": 37.6, "Urban100": 30.8}
        shipped = row("models/m.onnx", 37.601, 0.0, 30.827)
        keep, message = decide(shipped, row("c.onnx", 37.599, 0.05, 30.900), targets)
        self.assertFalse(keep)
        self.assertIn("target lost: Set5 37.60 dB", message)
        # A target the shipped file missed too is no reason to discard.
        keep, _ = decide(self.SHIPPED, row("c.onnx", 37.555, 0.05, 30.900), targets)
        self.assertTrue(keep)


class ShippedEvaluation(unittest.TestCase):
    def write(self, folder, name, result):
        (folder / name).write_text(json.dumps(result))

    def test_finds_the_full_evaluation_of_the_file_only(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            bicubic = {"kind": "bicubic", "results": {}}
            self.write(folder, "a-partial.json", {"sets": SETS, "limit": 2, "models": [bicubic, row("models/m.onnx", 1, 1, 1)]})
            self.write(folder, "b-other.json", {"sets": SETS, "limit": None, "models": [bicubic, row("models/n.onnx", 1, 1, 1)]})
            self.write(folder, "c-set5.json", {"sets": ["Set5"], "limit": None, "models": [bicubic, row("models/m.onnx", 1, 1, 1)]})
            self.write(folder, "d-full.json", {"sets": SETS, "limit": None, "models": [bicubic, row("models/m.onnx", 2, 2, 2)]})
            path, result = shipped_evaluation("m.onnx", folder)
            self.assertEqual(path.name, "d-full.json")
            with self.assertRaises(SystemExit):
                shipped_evaluation("missing.onnx", folder)

    def test_an_evaluation_of_the_file_it_replaced_is_not_the_baseline(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            self.write(folder, "a-old.json", {"sets": SETS, "limit": None, "models": [{**row("models/m.onnx", 1, 0, 1), "sha256": "old"}]})
            with self.assertRaises(SystemExit) as refused:
                shipped_evaluation("m.onnx", folder, sha256="new")
            self.assertIn("scored another file", str(refused.exception))
            self.write(folder, "b-new.json", {"sets": SETS, "limit": None, "models": [{**row("models/m.onnx", 2, 0, 2), "sha256": "new"}]})
            self.assertEqual(shipped_evaluation("m.onnx", folder, sha256="new")[0].name, "b-new.json")

    def test_an_evaluation_of_several_files_is_not_the_shipped_files_own(self):
        # Its first ONNX row could be another model's: compared with that, a worse candidate would pass.
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            both = {"sets": SETS, "limit": None, "models": [{"kind": "bicubic", "results": {}}, row("models/n.onnx", 1, 0, 1), row("models/m.onnx", 2, 0, 2)]}
            self.write(folder, "a-both.json", both)
            with self.assertRaises(SystemExit):
                shipped_evaluation("m.onnx", folder)
            with self.assertRaises(SystemExit):
                onnx_row(both)


class Refusal(unittest.TestCase):
    def test_a_run_with_no_last_pt_is_refused_before_anything_is_made(self):
        # A GPU burst cut short by its time limit leaves best.pt alone: its record could not be written
        # once the files had replaced the shipped ones.
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp) / "burst"
            run.mkdir()
            (run / "best.pt").write_bytes(b"")
            proc = subprocess.run([sys.executable, "-m", "training.promote", str(run), "plksr-fast-x2"],
                                  cwd=ROOT, capture_output=True, text=True)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("has no last.pt", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)


if __name__ == "__main__":
    unittest.main()

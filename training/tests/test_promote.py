"""training.promote keeps a candidate only when Set14 rises, Urban100 does not fall and no target the
shipped file met is lost, and compares it with the shipped file's own full evaluation."""
import json
import tempfile
import unittest
from pathlib import Path

from training.promote import decide, shipped_evaluation

SETS = ["Set5", "Set14", "BSD100", "Urban100"]


def row(file, set5, set14, urban, kind="onnx"):
    scores = {"Set5": set5, "Set14": set14, "BSD100": 31.9, "Urban100": urban}
    return {"kind": kind, "file": file, "results": {name: {"psnr": value} for name, value in scores.items()}}


class Decide(unittest.TestCase):
    SHIPPED = row("models/m.onnx", 37.56, 33.111, 30.827)

    def test_keeps_when_set14_rises_and_urban100_holds(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.50, 33.112, 30.827))
        self.assertTrue(keep)
        self.assertIn("Set14: 33.111 -> 33.112", message)

    def test_a_higher_set5_alone_does_not_keep(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.70, 33.111, 30.900))
        self.assertFalse(keep)
        self.assertIn("Set14 does not rise", message)

    def test_urban100_falling_discards(self):
        keep, message = decide(self.SHIPPED, row("c.onnx", 37.60, 33.200, 30.826))
        self.assertFalse(keep)
        self.assertIn("Urban100 falls", message)

    def test_losing_a_met_target_discards(self):
        targets = {"Set5": 37.6, "Urban100": 30.8}
        shipped = row("models/m.onnx", 37.61, 33.111, 30.827)
        keep, message = decide(shipped, row("c.onnx", 37.59, 33.200, 30.900), targets)
        self.assertFalse(keep)
        self.assertIn("target lost: Set5 37.60 dB", message)
        # A target the shipped file missed too is no reason to discard.
        keep, _ = decide(self.SHIPPED, row("c.onnx", 37.55, 33.200, 30.900), targets)
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


if __name__ == "__main__":
    unittest.main()

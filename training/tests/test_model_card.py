"""The card's target table and models.json's measured quality: only full evaluations of the shipped file count."""
import json
import subprocess
import sys
import unittest

from training.data import ROOT
from training.model_card import _init_run, _lineage, _target_rows, _unseen_psnr, _warm_start_history, collect_evals, fp16_comparison, registry_text

REGISTRY = [{"id": "q4", "profile": "quality", "scale": 4}]
EVALS = {4: {"q4": {"sha256": "abc", "results": {"Set5": (31.7, 0.9, 5), "Urban100": (25.0, 0.8, 100)}}}}


class TargetRows(unittest.TestCase):
    def test_met_and_missed_by_how_much(self):
        rows = _target_rows(REGISTRY, EVALS, {"q4": "abc"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | 31.70 | met, on a Set5 that holds woman, which the model trained on |", rows)
        self.assertIn("| quality x4 (q4) | Urban100 | 25.40 | 25.00 | missed by 0.40 dB |", rows)
        self.assertIn("| fast x4 (none shipped) | Set5 | 31.00 | – | not evaluated |", rows)

    def test_a_set_with_a_trained_on_image_says_so_and_gives_the_mean_without_it(self):
        evals = {4: {"q4": {**EVALS[4]["q4"], "unseen": {"Set5": 31.95}}}}
        rows = _target_rows(REGISTRY, evals, {"q4": "abc"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | 31.70 (31.95 without woman) | met, on a Set5 that holds woman, which the model trained on |", rows)
        self.assertEqual(_unseen_psnr({"baby": [33.0, 0.9], "woman": [30.0, 0.9], "bird": [34.0, 0.9]}, {"woman"}), 33.5)
        self.assertIsNone(_unseen_psnr({"baby": [33.0, 0.9]}, {"woman"}))

    def test_an_evaluation_of_another_file_does_not_count(self):
        rows = _target_rows(REGISTRY, EVALS, {"q4": "changed"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | – | not evaluated |", rows)

    def test_scores_of_two_files_under_one_id_are_never_mixed(self):
        import tempfile
        from pathlib import Path

        def evaluation(sha: str, results: dict) -> dict:
            rows = [{"id": "q4", "label": "q4", "kind": "onnx", "sha256": sha,
                     "results": {name: {"psnr": p, "ssim": 0.9, "images": n} for name, (p, n) in results.items()}}]
            return {"scale": 4, "harness_check": {"ok": True}, "models": rows}

        with tempfile.TemporaryDirectory() as folder:
            old = Path(folder) / "a-old.json"
            old.write_text(json.dumps(evaluation("old", {"Set5": (31.0, 5), "Set14": (27.0, 14)})))
            recheck = Path(folder) / "b-recheck.json"
            recheck.write_text(json.dumps(evaluation("new", {"Set5": (31.7, 5)})))
            # The new file on disk: its own Set5, and no Set14 of the old file under its hash.
            table = collect_evals([old, recheck], False, {"q4": "new"})[0]
            self.assertEqual(table[4]["q4"], {"label": "q4", "sha256": "new", "kind": "onnx", "results": {"Set5": (31.7, 0.9, 5)}})
            # The old file on disk: a later evaluation of another file does not replace its scores.
            table = collect_evals([old, recheck], False, {"q4": "old"})[0]
            self.assertEqual(table[4]["q4"]["results"], {"Set5": (31.0, 0.9, 5), "Set14": (27.0, 0.9, 14)})

    def test_a_partial_evaluation_does_not_count(self):
        partial = {4: {"q4": {"sha256": "abc", "results": {"Set5": (32.0, 0.9, 2)}}}}
        rows = _target_rows(REGISTRY, partial, {"q4": "abc"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | – | not evaluated |", rows)


class WarmStart(unittest.TestCase):
    RECORDED = {"plksr-tiny-x2": {"run": "tiny3-x2", "steps": 900, "trained_s": 60, "config": {"scale": 2},
                                  "history": [{"run": "tiny-x2", "steps": 2500, "trained_s": 600}]}}

    def test_a_run_folder_names_its_run(self):
        self.assertEqual(_init_run("runs/tiny3-x2/best.pt", self.RECORDED), "tiny3-x2")
        self.assertIsNone(_init_run(None, self.RECORDED))

    def test_a_shipped_checkpoint_resolves_to_the_run_that_made_it(self):
        init = _init_run("training/checkpoints/tiny-x2.pt", self.RECORDED)
        self.assertEqual(init, "tiny3-x2")
        history = _warm_start_history(self.RECORDED, init)
        self.assertEqual([h["run"] for h in history], ["tiny-x2", "tiny3-x2"])
        self.assertEqual(sum(h["steps"] for h in history), 3400)

    def test_an_unrecorded_checkpoint_keeps_its_name(self):
        self.assertEqual(_init_run("training/checkpoints/fast-x8.pt", self.RECORDED), "checkpoints/fast-x8")

    def test_a_run_resumed_after_its_earlier_checkpoint_shipped_stands_on_what_that_one_stood_on(self):
        # tiny3-x2 shipped at step 900, then resumed to its end: its steps count from 0 again, once.
        init, history = _lineage("tiny3-x2", "training/checkpoints/tiny-x2.pt", "plksr-tiny-x2", {**self.RECORDED, "plksr-tiny-x2": {**self.RECORDED["plksr-tiny-x2"], "init": "tiny-x2"}})
        self.assertEqual(init, "tiny-x2")
        self.assertEqual([h["run"] for h in history], ["tiny-x2"])

    def test_another_run_from_the_shipped_checkpoint_stands_on_the_run_that_made_it(self):
        init, history = _lineage("tiny4-x2", "training/checkpoints/tiny-x2.pt", "plksr-tiny-x2", self.RECORDED)
        self.assertEqual(init, "tiny3-x2")
        self.assertEqual([h["run"] for h in history], ["tiny-x2", "tiny3-x2"])


    def test_a_run_from_a_discarded_candidate_stands_on_it_and_on_what_it_stood_on(self):
        # tiny5-x2 started from tiny4-x2's weights, which training.promote never shipped; tiny4-x2 had started from the shipped file.
        folders = {"tiny4-x2": {"run": "tiny4-x2", "steps": 700, "trained_s": 50, "config": {"scale": 2}, "init": "training/checkpoints/tiny-x2.pt"}}
        init, history = _lineage("tiny5-x2", "runs/tiny4-x2/best.pt", "plksr-tiny-x2", self.RECORDED, folders.get)
        self.assertEqual(init, "tiny4-x2")
        self.assertEqual([h["run"] for h in history], ["tiny-x2", "tiny3-x2", "tiny4-x2"])
        self.assertEqual(sum(h["steps"] for h in history), 4100)
        # Its folder gone: the run is named, its steps unknown.
        self.assertEqual(_lineage("tiny5-x2", "runs/tiny4-x2/best.pt", "plksr-tiny-x2", self.RECORDED)[1], [{"run": "tiny4-x2", "steps": None, "trained_s": None}])


class RegistryText(unittest.TestCase):
    REGISTRY = {"version": 1, "models": [{"id": "q4", "scale": 4, "file": "q4.onnx", "set14Psnr": 99.0},
                                         {"id": "f4", "scale": 4, "file": "f4.onnx"}]}
    EVALS = {4: {"q4": {"sha256": "abc", "results": {"Set14": (27.456, 0.74, 14)}}, "f4": {"sha256": "def", "results": {"Set14": (28.0, 0.76, 3)}}}}

    def test_set14_psnr_from_a_full_evaluation_of_the_shipped_file(self):
        models = json.loads(registry_text(self.REGISTRY, self.EVALS, {"q4": "abc", "f4": "def"}))["models"]
        self.assertEqual(models[0]["set14Psnr"], 27.46)
        # f4's evaluation covered 3 of 14 images: no number.
        self.assertNotIn("set14Psnr", models[1])

    def test_a_changed_file_loses_its_number(self):
        models = json.loads(registry_text(self.REGISTRY, self.EVALS, {"q4": "retrained", "f4": "def"}))["models"]
        self.assertNotIn("set14Psnr", models[0])

    def test_each_file_carries_its_hash(self):
        models = json.loads(registry_text(self.REGISTRY, self.EVALS, {"q4": "retrained", "f4": "def"}))["models"]
        self.assertEqual([m["sha256"] for m in models], ["retrained", "def"])

    def test_one_model_per_line(self):
        text = registry_text(self.REGISTRY, self.EVALS, {"q4": "abc"})
        self.assertEqual(text.splitlines()[3], '    {"id": "q4", "scale": 4, "file": "q4.onnx", "sha256": "abc", "set14Psnr": 27.46},')


class Fp16Variant(unittest.TestCase):
    MODEL = {"id": "q4", "scale": 4, "file": "q4.onnx"}
    HASHES = {"q4": "abc", "q4.fp16": "half"}

    @staticmethod
    def evals(losses: dict[str, float]) -> dict:
        full = {"Set5": 5, "Set14": 14, "BSD100": 100, "Urban100": 100}
        ref = {name: (30.0, 0.8, n) for name, n in full.items()}
        half = {name: (30.0 - losses[name], 0.8, n) for name, n in full.items() if name in losses}
        return {4: {"q4": {"sha256": "abc", "results": ref}, "q4.fp16": {"sha256": "half", "results": half}}}

    def fp16_file(self, evals: dict, hashes: dict | None = None) -> str | None:
        registry = {"version": 1, "models": [self.MODEL]}
        return json.loads(registry_text(registry, evals, hashes or self.HASHES))["models"][0].get("fp16File")

    def test_listed_when_within_the_bound_on_every_set(self):
        evals = self.evals({"Set5": 0.0, "Set14": 0.01, "BSD100": -0.01, "Urban100": 0.02})
        self.assertEqual(self.fp16_file(evals), "q4.fp16.onnx")
        rows, ok = fp16_comparison(evals, self.MODEL, self.HASHES)
        self.assertTrue(ok)
        self.assertAlmostEqual(rows[1][3], 0.01)

    def test_dropped_when_one_set_loses_more(self):
        self.assertIsNone(self.fp16_file(self.evals({"Set5": 0.0, "Set14": 0.0, "BSD100": 0.0, "Urban100": 0.03})))

    def test_dropped_when_a_set_was_not_evaluated(self):
        self.assertIsNone(self.fp16_file(self.evals({"Set5": 0.0, "Set14": 0.0, "BSD100": 0.0})))

    def test_dropped_when_the_variant_on_disk_is_another_file(self):
        evals = self.evals({"Set5": 0.0, "Set14": 0.0, "BSD100": 0.0, "Urban100": 0.0})
        self.assertIsNone(self.fp16_file(evals, {"q4": "abc", "q4.fp16": "regenerated"}))


class CommittedFiles(unittest.TestCase):
    def test_card_and_registry_are_what_the_evaluations_give(self):
        result = subprocess.run([sys.executable, "-m", "training.model_card", "--check"], cwd=ROOT, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()

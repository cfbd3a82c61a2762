"""The card's target table: measured against issue 3's targets, counting only the shipped file."""
import unittest

from training.model_card import _target_rows

REGISTRY = [{"id": "q4", "profile": "quality", "scale": 4}]
EVALS = {4: {"q4": {"sha256": "abc", "results": {"Set5": (31.7, 0.9, 5), "Urban100": (25.0, 0.8, 100)}}}}


class TargetRows(unittest.TestCase):
    def test_met_and_missed_by_how_much(self):
        rows = _target_rows(REGISTRY, EVALS, {"q4": "abc"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | 31.70 | met |", rows)
        self.assertIn("| quality x4 (q4) | Urban100 | 25.40 | 25.00 | missed by 0.40 dB |", rows)
        self.assertIn("| fast x4 (none shipped) | Set5 | 31.00 | – | not evaluated |", rows)

    def test_an_evaluation_of_another_file_does_not_count(self):
        rows = _target_rows(REGISTRY, EVALS, {"q4": "changed"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | – | not evaluated |", rows)

    def test_a_partial_evaluation_does_not_count(self):
        partial = {4: {"q4": {"sha256": "abc", "results": {"Set5": (32.0, 0.9, 2)}}}}
        rows = _target_rows(REGISTRY, partial, {"q4": "abc"})
        self.assertIn("| quality x4 (q4) | Set5 | 31.60 | – | not evaluated |", rows)


if __name__ == "__main__":
    unittest.main()

"""PLKSR: the paper's parameter counts, shapes at odd sizes, and the global skip."""
from __future__ import annotations

import unittest

import torch
from torch.nn import functional as F

from training.plksr import PLKSR, count_parameters, preset


class Architecture(unittest.TestCase):
    def test_tiny_parameter_counts(self):
        self.assertEqual(count_parameters(PLKSR(preset("tiny", 4))), 2_370_544)
        self.assertEqual(count_parameters(PLKSR(preset("tiny", 2))), 2_349_772)

    def test_odd_sizes(self):
        torch.manual_seed(0)
        for scale in (2, 3, 4):
            model = PLKSR(preset("fast", scale)).eval()
            for h, w in ((7, 11), (13, 5), (1, 1)):
                with torch.no_grad():
                    y = model(torch.rand(1, 3, h, w))
                self.assertEqual(tuple(y.shape), (1, 3, h * scale, w * scale))

    def test_global_skip_is_repeat_interleave_pixel_shuffle(self):
        """The paper's skip, pixel_shuffle(repeat_interleave(x, s*s)), is a nearest upsample."""
        torch.manual_seed(0)
        for scale in (2, 3, 4):
            x = torch.rand(2, 3, 5, 7)
            paper = F.pixel_shuffle(torch.repeat_interleave(x, scale * scale, dim=1), scale)
            self.assertTrue(torch.equal(F.interpolate(x, scale_factor=scale, mode="nearest"), paper))
            # With the tail zeroed, the model is its skip alone.
            model = PLKSR(preset("fast", scale)).eval()
            torch.nn.init.zeros_(model.tail.weight)
            torch.nn.init.zeros_(model.tail.bias)
            with torch.no_grad():
                self.assertTrue(torch.equal(model(x), paper))


if __name__ == "__main__":
    unittest.main()


class WarmStart(unittest.TestCase):
    def test_init_from_a_last_checkpoint_takes_the_weight_average_it_would_ship(self):
        """A last.pt holds the live weights and their average beside them: export ships the average,
        so a run started from it (--init) must start from the average too."""
        import tempfile
        from pathlib import Path

        from training.train import init_from

        cfg = preset("fast", 2)
        live, average = PLKSR(cfg).state_dict(), PLKSR(cfg).state_dict()
        for value in live.values():
            value.fill_(0.25)
        for value in average.values():
            value.fill_(0.5)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "last.pt"
            torch.save({"config": cfg.to_dict(), "model": live, "ema": {"model": average, "decay": 0.999}}, path)
            model = PLKSR(cfg)
            init_from(model, path)
        self.assertTrue(all(torch.equal(value, torch.full_like(value, 0.5)) for value in model.state_dict().values()))

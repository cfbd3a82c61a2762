"""Train PLKSR in bf16 autocast, on the CPU or a CUDA GPU, resumable to the exact step, within a wall-clock budget.

    nice -n 19 /usr/bin/python3 -m training.train --scale 2 --preset tiny --run runs/tiny-x2 --budget-min 60

Re-running the same command resumes from runs/<name>/last.pt: model, optimizer, schedule step
and every RNG, so an interrupted run continues as if it never stopped.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from .data import DATA, PatchSampler, bench_pairs, load_pairs, train_files
from .export import shipped_weights
from .metrics import psnr_y
from .plksr import PLKSR, PLKSRConfig, count_parameters, preset


def learning_rate(step: int, total: int, peak: float, warmup: int) -> float:
    """Linear warm-up then cosine to 1% of peak: it spends a short budget well and needs no milestones."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress)))


FFT_WEIGHT = 0.05  # SAFMN's weight for its frequency term


def l1_fft_loss(out: torch.Tensor, hr: torch.Tensor) -> torch.Tensor:
    """L1 on the pixels plus SAFMN's frequency term: L1 on their 2-D spectra, unnormalised (rfft2's
    default), so it grows with the patch: at HR 192 px it is about 6 times the pixel term (at
    'ortho' it was 3% of the loss, an L1 run in all but name). Fine periodic detail (windows,
    bricks, text), which a pixel loss averages away, then leads."""
    spectrum = lambda t: torch.view_as_real(torch.fft.rfft2(t))
    return F.l1_loss(out, hr) + FFT_WEIGHT * F.l1_loss(spectrum(out), spectrum(hr))


LOSSES = {"l1": F.l1_loss, "mse": F.mse_loss, "l1fft": l1_fft_loss}
LOG_EVERY = 50  # steps between log lines, each with the mean loss of its steps

FIT_TIMED_FROM = 10  # steps into a run before the speed that sizes its schedule is timed (fitted_steps)


def fitted_steps(step: int, elapsed_s: float, budget_s: float, timed_from: tuple[int, float]) -> int:
    """The schedule's length at `step`, `elapsed_s` into the budget: the steps the rest of the budget
    holds at the speed since `timed_from` (step, elapsed seconds), less 5% for the Set5 evaluations on
    the way; never under `step`. The speed is timed from a few steps in since a GPU's first steps
    carry CUDA's start and cuDNN's kernel search: a lent H200 ran the first 50 in 8 s, then 50 in 3.5 s."""
    seconds_per_step = (elapsed_s - timed_from[1]) / (step - timed_from[0])
    return step + max(0, int(0.95 * (budget_s - elapsed_s) / seconds_per_step))


def to_tensor(batch: np.ndarray, device: torch.device = torch.device("cpu")) -> torch.Tensor:
    """NHWC uint8 -> NCHW float in [0, 1], converted on the device (a GPU's copy is then a quarter
    of the bytes); the permuted view keeps NHWC strides, the channels-last layout GPU convolutions like."""
    data = torch.from_numpy(np.ascontiguousarray(batch))
    if device.type == "cuda":
        data = data.pin_memory().to(device, non_blocking=True)
    return data.permute(0, 3, 1, 2).float().div_(255.0)


@torch.no_grad()
def upscale_uint8(model: PLKSR, lr: np.ndarray) -> np.ndarray:
    device = next(model.parameters()).device
    out = model(to_tensor(lr[None], device))[0].clamp_(0, 1).mul_(255).round_()
    return out.permute(1, 2, 0).to(torch.uint8).cpu().numpy()


def evaluate_set5(model: PLKSR, scale: int) -> float:
    was_training = model.training
    model.eval()
    scores = [psnr_y(upscale_uint8(model, lr), hr, scale) for _, hr, lr in bench_pairs("Set5", scale)]
    model.train(was_training)
    return float(np.mean(scores))


class WeightAverage:
    """An exponential moving average of the weights. Small batches on 2 cores make noisy steps; the
    average of the last ~1/(1 - decay) of them is usually a little sharper than the last one alone.
    The decay ramps up over the first updates, so the average soon leaves the weights it started from."""

    def __init__(self, model: PLKSR, decay: float):
        self.decay, self.updates = decay, 0
        self.model = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: PLKSR) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for average, live in zip(self.model.parameters(), model.parameters()):
            average.lerp_(live.detach(), 1 - decay)
        for average, live in zip(self.model.buffers(), model.buffers()):
            average.copy_(live)

    def state_dict(self) -> dict:
        return {"model": self.model.state_dict(), "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.updates = state["updates"]


class RunClock:
    """The seconds a run has had: wall time less the time the process stood stopped.

    A run paused with `kill -STOP` and resumed with `kill -CONT` (README) finds its monotonic clock
    moved on by the whole pause, which would count as training time and against --budget-min. The
    lap in which SIGCONT arrives counts only as long as the lap before it.
    """

    def __init__(self, now=time.monotonic):
        self._now = now
        self._mark = now()
        self._last_lap = 0.0
        self._continued = False
        self.seconds = 0.0

    def continued(self, *_signal) -> None:
        self._continued = True

    def lap(self) -> float:
        """Seconds since the previous lap (or the start), as counted; added to `seconds`."""
        now = self._now()
        lap, self._mark = now - self._mark, now
        if self._continued:
            self._continued = False
            lap = min(lap, self._last_lap)
        else:
            self._last_lap = lap
        self.seconds += lap
        return lap


def save_atomic(obj: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def rng_state(np_rng: np.random.Generator) -> dict:
    return {"python": random.getstate(), "numpy": np_rng.bit_generator.state, "torch": torch.get_rng_state()}


def restore_rng(state: dict, np_rng: np.random.Generator) -> None:
    random.setstate(state["python"])
    np_rng.bit_generator.state = state["numpy"]
    torch.set_rng_state(state["torch"])


def init_from(model: PLKSR, path: Path) -> None:
    """Start from another run's weights (x4 from x2): every tensor whose shape matches. Those it would
    ship: from a last.pt, the weight average beside the live weights, as export and evaluate take it."""
    # Ours, with floats beside the tensors: torch 1.13's tensors-only loader refuses those, and 2.6+ uses it by default.
    source = shipped_weights(torch.load(path, map_location="cpu", weights_only=False))
    own = model.state_dict()
    compatible = {k: v for k, v in source.items() if k in own and own[k].shape == v.shape}
    model.load_state_dict(compatible, strict=False)
    print(f"initialised {len(compatible)}/{len(own)} tensors from {path}", flush=True)


def data_folder(flag: str) -> Path:
    """The folder a --data flag as stored names: the default's (DATA, which ENHANCE_DATA may move to a
    copy) for none, and for the default folder however spelled."""
    return DATA.resolve() if flag == "None" else Path(flag).resolve()


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True, help="folder for checkpoints and the log")
    ap.add_argument("--scale", type=int, choices=(2, 3, 4), required=True)
    ap.add_argument("--preset", default="tiny", help="tiny | fast | paper")
    ap.add_argument("--steps", type=int, default=100_000,
                    help="schedule length (total steps); 0: fit it to --budget-min from the speed of the warm-up steps")
    ap.add_argument("--budget-min", type=float, default=60.0, help="stop after this many minutes")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (0: no limit)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--patch", type=int, default=48, help="LR patch side")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--ckpt-min", type=float, default=5.0, help="checkpoint at least this often")
    ap.add_argument("--init", type=Path, help="checkpoint to start new weights from")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", choices=("cpu", "cuda"), help="cuda: a lent GPU (checkpoints stay loadable on the CPU)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path,
                    help="the data folder whose train/ holds T91, BSD200 and BSDS500_test200 (default: ../shared/data)")
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--clip-grad", type=float, default=0.0, help="clip the gradient norm to this (0: off); a warm start at a high lr can blow up without it")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="also keep a moving average of the weights with this decay (e.g. 0.999); Set5 then scores it, "
                         "and best.pt keeps it (0: off)")
    ap.add_argument("--loss", default="l1", choices=tuple(LOSSES),
                    help="mse: the loss PSNR measures, for a last fine-tune of weights trained with L1 at a low peak; "
                         "l1fft: L1 plus SAFMN's frequency term (0.05 times the L1 of the unnormalised spectra)")
    ap.add_argument("--rescale", type=float, nargs="*", default=[],
                    help="also train on each image shrunk by these factors (e.g. 0.9 0.8): scale augmentation")
    ap.add_argument("--texture-crops", type=int, default=1,
                    help="draw this many crops (image and position) per patch and keep the busiest (1: uniform crops)")
    args = ap.parse_args()
    if any(not 0 < factor < 1 for factor in args.rescale):
        ap.error("--rescale: factors between 0 and 1 (the images as they are always train)")
    args.rescale = sorted(set(args.rescale), reverse=True)
    # Scored with the log line it belongs to: any other interval would be rounded up to one.
    if args.eval_every <= 0 or args.eval_every % LOG_EVERY:
        ap.error(f"--eval-every: a multiple of {LOG_EVERY}, the steps between log lines")
    return args


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    args.run.mkdir(parents=True, exist_ok=True)
    last, best, log_path = args.run / "last.pt", args.run / "best.pt", args.run / "log.jsonl"

    cfg = preset(args.preset, args.scale)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np_rng = np.random.default_rng(args.seed)
    # Before the model goes to a GPU: making the LR images forks worker processes.
    files = train_files(args.data) if args.data else train_files()
    pairs = [pair for factor in [1.0, *args.rescale] for pair in load_pairs(files, args.scale, factor)]
    device = torch.device(args.device)
    model = PLKSR(cfg).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.99))
    step, best_psnr, trained_s = 0, -1.0, 0.0

    if last.exists():
        # Our own file, with RNG states in it: not only tensors (torch 2.6+ loads tensors only by default).
        ckpt = torch.load(last, map_location="cpu", weights_only=False)
        if PLKSRConfig(**ckpt["config"]) != cfg:
            raise SystemExit(f"{last} holds a different configuration: {ckpt['config']}")
        # Other data, crops, batches, a loss, weight average, schedule, clipping or precision would not be
        # the run it resumes (and its record would say the last call's); a run resumed without its --ema
        # would drop the average. The values are those of checkpoints older than the flag.
        for key, before in (("loss", "l1"), ("rescale", "[]"), ("data", "None"), ("patch", None), ("batch", None),
                            ("texture_crops", "1"), ("ema", "0.0"), ("lr", None), ("warmup", None), ("steps", None),
                            ("clip_grad", "0.0"), ("no_bf16", "False")):
            trained, now = ckpt["args"].get(key, before), str(getattr(args, key))
            if key == "data":
                trained, now = data_folder(trained), data_folder(now)
            if trained != now:
                raise SystemExit(f"{last} trained with --{key} {ckpt['args'].get(key, before)}: resume it with the same")
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        restore_rng(ckpt["rng"], np_rng)
        step, best_psnr, trained_s = ckpt["step"], ckpt["best_psnr"], ckpt["trained_s"]
        # best.pt is written at each evaluation, last.pt every few minutes: a run killed between
        # them left a better best.pt than last.pt knows of, which a worse evaluation would overwrite.
        if best.exists():
            best_psnr = max(best_psnr, float(torch.load(best, map_location="cpu", weights_only=False)["set5_psnr"]))
        if args.steps == 0:
            args.steps = int(ckpt["args"]["steps"])
        print(f"resumed {last} at step {step}", flush=True)
    elif args.init:
        init_from(model, args.init)
    ema = WeightAverage(model, args.ema) if args.ema > 0 else None
    if ema and last.exists():
        if "ema" in ckpt:
            ema.load_state_dict(ckpt["ema"])
        else:
            print("the checkpoint has no weight average: it starts from the resumed weights", flush=True)

    sampler = PatchSampler(pairs, args.scale, args.patch, args.texture_crops)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # one patch size: let cuDNN pick its fastest kernels once
        model = model.to(memory_format=torch.channels_last)
    # On a GPU the next batch is cropped in a thread while this one trains, the RNG with it: a
    # checkpoint keeps the RNG as it was before that batch was drawn (read while no thread draws),
    # so a resumed run draws it again: the sequence of batches is exact there too (cuDNN's kernel
    # choice and CUDA's own RNG are not kept).
    prefetch = ThreadPoolExecutor(1) if device.type == "cuda" else None
    numpy_before_next = np_rng.bit_generator.state
    next_batch = prefetch.submit(sampler.batch, np_rng, args.batch) if prefetch else None
    start_step = step
    fit_at = start_step + max(args.warmup, 20) if args.steps == 0 else None
    print(f"{args.preset} x{args.scale}: {count_parameters(model):,} params, {len(sampler.pairs)} images", flush=True)

    def checkpoint() -> None:
        save_atomic(
            {"config": cfg.to_dict(), "model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "rng": {**rng_state(np_rng), **({"numpy": numpy_before_next} if prefetch else {})}, "step": step, "best_psnr": best_psnr, "trained_s": trained_s,
             "args": {k: str(v) for k, v in vars(args).items()}, **({"ema": ema.state_dict()} if ema else {})},
            last,
        )

    evaluated_at = -1

    def evaluate_and_keep_best() -> dict:
        """Set5 PSNR of the weights we would ship (the average, when kept), and of the live ones beside it."""
        nonlocal best_psnr, evaluated_at
        evaluated_at = step
        kept = ema.model if ema else model
        psnr = round(evaluate_set5(kept, args.scale), 3)
        if psnr > best_psnr:
            best_psnr = psnr
            save_atomic({"config": cfg.to_dict(), "model": kept.state_dict(), "step": step, "set5_psnr": psnr}, best)
        return {"set5_psnr": psnr, **({"set5_psnr_live": round(evaluate_set5(model, args.scale), 3)} if ema else {})}

    # SIGTERM or Ctrl-C ends the run at the next step as the budget would: evaluated and checkpointed,
    # so last.pt holds every step done (a second signal stops at once).
    stop_signals: list[int] = []

    def request_stop(signum: int, _frame) -> None:
        if stop_signals:
            raise SystemExit(128 + signum)
        stop_signals.append(signum)  # no print here: one already under way on stdout would raise

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    clock = RunClock()
    signal.signal(signal.SIGCONT, clock.continued)
    last_ckpt, window = 0.0, []
    timed_from = (start_step, 0.0)  # until the run is FIT_TIMED_FROM steps in
    with log_path.open("a") as log:
        while True:
            elapsed_s = clock.seconds
            if step == start_step + FIT_TIMED_FROM:
                timed_from = (step, elapsed_s)
            if step == fit_at:
                # The learning rate has not started to fall yet, so the cosine can be sized now.
                args.steps = fitted_steps(step, elapsed_s, args.budget_min * 60, timed_from)
                print(f"schedule fitted to the budget: {args.steps} steps", flush=True)
            if stop_signals or elapsed_s / 60 >= args.budget_min or (args.steps and step >= args.steps) \
                    or (args.max_steps and step >= args.max_steps):
                break
            lr_now = learning_rate(step, args.steps or 10**9, args.lr, args.warmup)
            for group in optimizer.param_groups:
                group["lr"] = lr_now
            if next_batch:
                lr_batch, hr_batch = next_batch.result()
                numpy_before_next = np_rng.bit_generator.state
                next_batch = prefetch.submit(sampler.batch, np_rng, args.batch)
            else:
                lr_batch, hr_batch = sampler.batch(np_rng, args.batch)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=not args.no_bf16):
                out = model(to_tensor(lr_batch, device))
            loss = LOSSES[args.loss](out.float(), to_tensor(hr_batch, device))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if args.clip_grad > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_grad)
            optimizer.step()
            if ema:
                ema.update(model)
            step += 1
            window.append(loss.detach())  # read back every LOG_EVERY steps, not each one: a GPU runs ahead meanwhile
            # Read back before the lap: the wait for a GPU's queued steps is training time.
            mean_loss = float(torch.stack(window).mean()) if step % LOG_EVERY == 0 else None
            trained_s += clock.lap()

            if mean_loss is not None:
                rec = {"step": step, "loss": mean_loss, "lr": lr_now, "trained_s": round(trained_s)}
                window = []
                if step % args.eval_every == 0:
                    rec.update(evaluate_and_keep_best())
                log.write(json.dumps(rec) + "\n")
                log.flush()
                print(json.dumps(rec), flush=True)
            if clock.seconds - last_ckpt >= args.ckpt_min * 60:
                checkpoint()
                last_ckpt = clock.seconds
            clock.lap()  # evaluation, logging and checkpoints count against the budget, not as training
        # The last steps of a schedule are its best: score them even between evaluation points.
        if step > 0 and evaluated_at != step:
            rec = {"step": step, "trained_s": round(trained_s), **evaluate_and_keep_best()}
            log.write(json.dumps(rec) + "\n")
            print(json.dumps(rec), flush=True)
    checkpoint()
    why = f" (signal {stop_signals[0]})" if stop_signals else ""
    print(f"stopped at step {step}{why}, best Set5 {best_psnr:.3f} dB", flush=True)


if __name__ == "__main__":
    main()

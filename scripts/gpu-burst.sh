#!/usr/bin/env bash
# A training burst on a lent GPU (README.md, "A burst on a lent GPU"): continues the quality x4 model
# (PLKSR-tiny x4, the one short of its target) from training/checkpoints/ for a few minutes at the
# paper's batch of 64, as two runs side by side at two peak learning rates (the GPU is not saturated
# by one such run, and which peak suits a model already trained at batch 16 is not known).
#
#   bash scripts/gpu-burst.sh prepare    here: copy the data in, make the working tree fit
#   bash scripts/gpu-burst.sh train 8    there (device `run`, carry [".burst"]): train 8 minutes
#   bash scripts/gpu-burst.sh restore    here, always, after: undo what prepare did to the index
#
# The device takes a working tree of at most 64 MiB. The tracked files are ~55 MB and the training
# images 39 MB, so prepare takes the ONNX models (32 MB, not needed for training) out of the index
# and ignores them until restore puts them back; the files themselves stay where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
EXCLUDE=.git/info/exclude
MARK='# gpu-burst: until `scripts/gpu-burst.sh restore`'

prepare() {
  rm -rf .burst
  mkdir -p .burst/data/train .burst/data/bench/Set5
  cp -r ../shared/data/train/{T91,BSD200,BSDS500_test200} .burst/data/train/
  cp -r ../shared/data/bench/Set5/HR .burst/data/bench/Set5/
  grep -qxF '/.burst/' "$EXCLUDE" || echo '/.burst/' >>"$EXCLUDE"
  if ! grep -qxF "$MARK" "$EXCLUDE"; then
    printf '%s\n/models/*.onnx\n' "$MARK" >>"$EXCLUDE"
    git rm -q --cached 'models/*.onnx'
  fi
  local tracked untracked carried
  tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
  untracked=$(git ls-files -z --others --exclude-standard | xargs -0 -r du -cb | tail -1 | cut -f1)
  carried=$(du -sb .burst | cut -f1)
  echo "would travel: $(((tracked + ${untracked:-0} + carried) / 1048576)) MiB of 64 (tracked $((tracked / 1048576)), untracked $((${untracked:-0} / 1048576)), .burst $((carried / 1048576)))"
  echo "models/*.onnx are out of the index now: run 'bash scripts/gpu-burst.sh restore' before any commit"
}

restore() {
  if grep -qxF "$MARK" "$EXCLUDE"; then
    git reset -q -- models
    grep -vxF -e "$MARK" -e '/models/*.onnx' "$EXCLUDE" >"$EXCLUDE.tmp" && mv "$EXCLUDE.tmp" "$EXCLUDE"
  fi
  git status --short models
  echo "restored: models/*.onnx are tracked again"
}

# Runs there. Each run comes back as $OUT/gpu-MMDD-<run name>.tar (best.pt, log.jsonl, and last.pt
# without weights, their average or the optimizer: what `training.model_card --record-run` reads; a file may be 16 MiB
# at most), with burst.log, everything the runs printed.
train() {
  # BURST_DEVICE, BURST_PYTHON and BURST_ARGS (appended, so they win) let a CPU here rehearse it small.
  local budget=${1:-8} device=${BURST_DEVICE:-cuda} python=${BURST_PYTHON:-python3}
  local out=${OUT:?OUT: the folder whose files come back} prefix
  mkdir -p "$out"  # the device makes $OUT; a rehearsal here may name a folder not made yet
  prefix=gpu-$(date +%m%d)
  export ENHANCE_DATA=${ENHANCE_DATA:-$PWD/.burst/data} PYTHONUNBUFFERED=1
  "$python" -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")'
  # run name, checkpoint, scale, LR patch, peak learning rate, seed: batch 64 as in the paper; x4's LR
  # patch is 64 since BSD's LR at x4 is ~80 pixels high.
  local runs=("tiny-x4-lr4 tiny-x4 4 64 4e-4 101" "tiny-x4-lr2 tiny-x4 4 64 2e-4 102")
  local spec name model scale patch lr seed failed=0
  for spec in "${runs[@]}"; do
    read -r name model scale patch lr seed <<<"$spec"
    # shellcheck disable=SC2086  # BURST_ARGS is a list of flags
    "$python" -m training.train --device "$device" --run "$out/$prefix-$name" --scale "$scale" --preset tiny \
      --init "training/checkpoints/$model.pt" --batch 64 --patch "$patch" --lr "$lr" --warmup 200 \
      --clip-grad 0.02 --ema 0.999 --steps 0 --budget-min "$budget" --eval-every 500 --ckpt-min 1000 --threads 4 \
      --seed "$seed" ${BURST_ARGS:-} >"$out/$name.out" 2>&1 &
  done
  for _ in "${runs[@]}"; do wait -n || failed=1; done
  for spec in "${runs[@]}"; do
    read -r name _ <<<"$spec"
    { echo "== $name"; cat "$out/$name.out"; } >>"$out/burst.log"
    rm "$out/$name.out"
    [ -f "$out/$prefix-$name/last.pt" ] || continue
    "$python" -c 'import sys, torch
ckpt = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
for heavy in ("optimizer", "model", "ema"):  # best.pt holds the weights that ship
    ckpt.pop(heavy, None)
torch.save(ckpt, sys.argv[1])' "$out/$prefix-$name/last.pt"
    tar -C "$out" -cf "$out/$prefix-$name.tar" "$prefix-$name" && rm -r "${out:?}/$prefix-$name"
  done
  cat "$out/burst.log"
  return $failed
}

case "${1:-}" in
  prepare) prepare ;;
  train) train "${2:-8}" ;;
  restore) restore ;;
  *) echo "usage: bash scripts/gpu-burst.sh prepare | train MINUTES | restore" >&2; exit 2 ;;
esac

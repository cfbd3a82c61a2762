#!/usr/bin/env bash
# Installs what building, testing and training need, when it is missing: npm packages,
# Debian's Chromium (for the extension tests and the demo), Debian's Firefox ESR (for the Firefox
# package's tests) and Debian's PyTorch (for training/).
# Safe to run again: it does nothing when everything is there.
#   bash scripts/setup.sh          everything
#   bash scripts/setup.sh --bench  what `npm run bench` needs: npm packages, Chromium, the benchmark images
set -euo pipefail
cd "$(dirname "$0")/.."
bench_only=false
[ "${1:-}" = "--bench" ] && bench_only=true

# Vite 8 needs Node 20.19 or newer (Debian 12's own nodejs is 18).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "setup: Node $(node -v) is too old: Enhance needs Node 20.19 or newer" >&2
  exit 1
fi
# The data set beside the repository: the demo and the end-to-end tests show its benchmark images,
# training and evaluation read all of it (README, "The two commands").
folders=(../shared/data/bench ../shared/data/train)
$bench_only && folders=(../shared/data/bench)
for folder in "${folders[@]}"; do
  if [ ! -d "$folder" ]; then
    echo "setup: $(pwd)/$folder is missing: the demo, the tests and training read the data set there (see ../shared/data/SOURCES.md in a full checkout)" >&2
    exit 1
  fi
done

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if ! $bench_only; then
  [ -x /usr/bin/firefox-esr ] || need_apt+=(firefox-esr)
  /usr/bin/python3 -c 'import torch, numpy, PIL, onnx' 2>/dev/null || need_apt+=(python3-torch python3-numpy python3-pil python3-onnx)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} from Debian"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

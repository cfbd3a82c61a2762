#!/usr/bin/env bash
# Installs what building, testing and training need, when it is missing: npm packages,
# Debian's Chromium (for the extension tests and the demo), Debian's Firefox ESR (for the Firefox
# package's tests) and Debian's PyTorch (for training/).
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/firefox-esr ] || need_apt+=(firefox-esr)
/usr/bin/python3 -c 'import torch, numpy, PIL, onnx' 2>/dev/null || need_apt+=(python3-torch python3-numpy python3-pil python3-onnx)
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

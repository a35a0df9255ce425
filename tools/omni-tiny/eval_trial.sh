#!/usr/bin/env bash
# Evaluates a training trial's checkpoint without touching the shipped model: exports it to OUT, quantizes it,
# runs the held-out families and the committed held-out set on it (onnxruntime-node) and prints the
# side-by-side table against the shipped model's metrics (compare_trial.py).
# Usage: tools/omni-tiny/eval_trial.sh CKPT OUT     e.g. tools/omni-tiny/.cache/v2/model.pt /tmp/v2
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
CKPT="$(realpath "$1")"; OUT="$(realpath -m "$2")"
cd "$REPO/tools/omni-tiny"
rm -rf "$OUT"
/usr/bin/python3 export.py --ckpt "$CKPT" --out "$OUT" > /dev/null
/usr/bin/python3 quantize.py "$OUT/onnx" > /dev/null
cd "$REPO"
OMNI_TINY_DIR="$OUT" node tools/omni-tiny/eval_families.mjs --no-card --json "$OUT/families.json" > /dev/null
OMNI_TINY_DIR="$OUT" node tools/omni-tiny/eval.mjs --no-card --json "$OUT/metrics.json" > /dev/null
/usr/bin/python3 tools/omni-tiny/compare_trial.py tools/omni-tiny "$OUT"

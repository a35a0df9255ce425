#!/usr/bin/env bash
# Rebuild omni-tiny end to end (seeded): synthesise data -> train -> export -> quantize -> manifest -> verify -> eval.
# Usage: tools/omni-tiny/build.sh [--steps N]     (defaults reproduce the shipped model byte for byte;
#        tools/omni-tiny/verify_rebuild.sh checks that on a fresh clone)
# Needs Debian python3-torch python3-onnx python3-pil python3-sklearn python3-numpy, espeak-ng, sox, ffmpeg,
# and the repo's node_modules (onnxruntime-node, onnxruntime-web, @huggingface/transformers, @huggingface/tokenizers).
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
STEPS=1000
if [[ "${1:-}" == "--steps" ]]; then STEPS="$2"; fi
$PY synth.py                       # .cache/train.npz + data/heldout/
$PY train.py --steps "$STEPS" --lr 1e-3 --batch 48
$PY export.py                      # models/omni-tiny/{config,tokenizer,preprocessor}*.json + onnx/*_model.onnx
$PY quantize.py                    # onnx/*_fp16.onnx, *_quantized.onnx, *_q4.onnx
$PY manifest.py                    # models/omni-tiny/manifest.json
$PY make_refs.py                   # reference features/ids from the training code
cd ../..
node tools/omni-tiny/check_web.mjs # tokenizer / ClapFeatureExtractor / CLIPImageProcessor / ORT-web wasm / transformers.js
node tools/omni-tiny/eval.mjs      # tools/omni-tiny/metrics.json + docs/model-card.md table

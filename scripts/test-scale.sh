#!/usr/bin/env bash
# Heavy real-scale checks kept out of `npm test` (and CI): every full-size replica generated
# (seeded, cached) and every variant checked in onnxruntime-node against its fp32 file, then the
# SDK on the full-size files in Chromium (OMNI_SCALE=1 turns on the full-size browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
for model in clip:Xenova/clip-vit-base-patch32 siglip:Xenova/siglip-base-patch16-224 clap:Xenova/clap-htsat-unfused; do
  name=${model%%:*} repo=${model#*:}
  $PY tools/replicas/make.py --model "$name" --scale full
  node tools/replicas/check.mjs ".replicas/full/$repo" --assert --json ".replicas/$name-check.json"
done
node scripts/build.mjs
OMNI_SCALE=1 npx playwright test --config tests/browser/playwright.config.ts \
  tests/browser/replicas-clip.spec.ts tests/browser/replicas-siglip.spec.ts tests/browser/replicas-clap.spec.ts \
  tests/browser/replicas-webgpu.spec.ts tests/browser/replicas-storage.spec.ts

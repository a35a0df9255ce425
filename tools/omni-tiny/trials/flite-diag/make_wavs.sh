#!/usr/bin/env bash
# The control family's 90 spoken captions along the axes where flite differs from the training voices
# (docs/omni-tiny-trials.md, "Why flite"): festival's ked at other pitches and vocal-tract lengths, flite's
# voices, flite's slt through band, tempo, pitch and level changes, and ked / espeak-ng re-synthesised by a
# crude LPC vocoder (a parametric TTS's way of making sound). Writes $1 (default /tmp/flite-diag).
# Then: node tools/omni-tiny/trials/flite-diag/score_wavs.mjs "$OUT" ked ked_f0-200 ... (every set below)
set -euo pipefail
OUT="${1:-/tmp/flite-diag}"; mkdir -p "$OUT"
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$HERE/../../../.."
mapfile -t LINES < <(/usr/bin/python3 - "$ROOT/data/heldout-families/index.json" <<'PY'
import json, sys
for i in json.load(open(sys.argv[1]))["items"]:
    if i["kind"] == "audio" and i["family"].startswith("control"):
        print(i["files"]["audio"] + "\t" + i["spoken_text"])
PY
)
lr() { echo "(set! int_lr_params '((target_f0_mean $1) (target_f0_std $(($1 / 6))) (model_f0_mean 170) (model_f0_std 34)))"; }
VOC=()
for k in "${!LINES[@]}"; do
  IFS=$'\t' read -r file text <<<"${LINES[$k]}"
  cp "$ROOT/data/heldout-families/$file" "$OUT/espeak_$k.wav"
  echo "$text" | text2wave -o "$OUT/raw.wav" -eval "(voice_ked_diphone)"
  sox -D "$OUT/raw.wav" -r 16000 -c 1 -b 16 "$OUT/ked_$k.wav"
  sox -D "$OUT/raw.wav" -r 16000 -c 1 -b 16 "$OUT/ked_semitones+3_$k.wav" pitch 300
  for f0 in 200 260; do
    echo "$text" | text2wave -o "$OUT/raw.wav" -eval "(voice_ked_diphone)" -eval "$(lr $f0)"
    sox -D "$OUT/raw.wav" -r 16000 -c 1 -b 16 "$OUT/ked_f0-${f0}_$k.wav"
  done
  for v in slt rms awb kal16 kal; do
    flite -voice "$v" -t "$text" -o "$OUT/raw.wav"
    sox -D "$OUT/raw.wav" -r 16000 -c 1 -b 16 "$OUT/flite-${v}_$k.wav"
  done
  s="$OUT/flite-slt_$k.wav"
  sox -D "$s" "$OUT/slt_lowpass-4k_$k.wav" lowpass 4000
  sox -D "$s" "$OUT/slt_highpass-150_$k.wav" highpass 150
  sox -D "$s" "$OUT/slt_tempo-0.8_$k.wav" tempo 0.8
  sox -D "$s" "$OUT/slt_tempo-1.25_$k.wav" tempo 1.25
  sox -D "$s" "$OUT/slt_semitones-5_$k.wav" pitch -500
  sox -D "$s" "$OUT/slt_compand_$k.wav" compand 0.02,0.2 -60,-60,-30,-10,0,-5
  VOC+=("$OUT/ked_$k.wav" "$OUT/ked_lpc-vocoded_$k.wav" "$OUT/espeak_$k.wav" "$OUT/espeak_lpc-vocoded_$k.wav")
done
rm -f "$OUT/raw.wav"
/usr/bin/python3 "$HERE/lpc_vocode.py" "${VOC[@]}"

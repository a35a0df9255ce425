"""Shapes on flat backgrounds of the object's own hue (darker or lighter) against flat backgrounds of another
colour at the same distance in brightness: does v2.3 lose a shape when object and background share a hue,
with no photo involved? Renders with heldout_families' own shape drawing (anti-aliased, jittered colour).
Usage: python3 hue_render.py OUT   (then shape_errors.mjs-style scoring: hue_score.mjs OUT)"""
import json
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import heldout_families as hf  # noqa: E402
from common import COLOURS, POSITIONS, SHAPES, SIZES  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
items = []
names = [c for c in COLOURS if c != "white"]
for k in range(240):
    colour = names[k % len(names)]
    concept = ("shape", colour, SHAPES[rng.integers(6)], SIZES[rng.integers(2)], POSITIONS[rng.integers(5)])
    s, cx, cy, r, col = hf.shape_geom(concept, rng)
    mask = hf.shape_mask(s, cx, cy, r, hf.S, hf.S)
    factor = rng.choice([0.55, 0.7, 1.3])  # the background's brightness against the object's
    for cond in ("same hue", "other hue"):
        base = np.array(COLOURS[colour], np.float32)
        if cond == "other hue":  # another training colour, scaled to the same mean brightness as the same-hue one
            other = np.array(COLOURS[names[(names.index(colour) + 3) % len(names)]], np.float32)
            base = other * (base.mean() / max(other.mean(), 1.0))
        bg = np.clip(base * factor, 0, 255) * np.ones((hf.S, hf.S, 3), np.float32) + rng.normal(0, 3, (hf.S, hf.S, 3))
        f = f"{cond.replace(' ', '_')}_{k:03d}.png"
        Image.fromarray(hf.compose(bg, mask, col)).save(os.path.join(out, f))
        items.append({"file": f, "cond": cond, "factor": float(factor),
                      "attributes": dict(zip(["type", "colour", "shape", "size", "position"], concept))})
json.dump(items, open(os.path.join(out, "index.json"), "w"), indent=0)
print(len(items), "images in", out)

"""Renders the digits of the linear-probe diagnostic (trial 13): 1,000 training-split sklearn digits through v2's
renderer (fit) and 500 held-out-split digits through v1's dark renderer (test), into OUT with an index.json.
Usage: /usr/bin/python3 tools/omni-tiny/trials/more-digits/digit_probe_render.py OUT
Then:  OMNI_TINY_DIR=<export> node tools/omni-tiny/trials/more-digits/digit_probe.mjs OUT
"""
import json, os, sys
import numpy as np
from PIL import Image
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
import synth  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
colours, items = list(synth.COLOURS), []
for split, train, v2, n, seed in (("fit", True, True, 1000, 11), ("test", False, False, 500, 12)):
    synth.V2 = v2
    rng = np.random.default_rng(seed)
    for k in range(n):
        digit, colour = k % 10, colours[(k // 10) % 8]
        f = f"{split}_{k}.png"
        Image.fromarray(synth.render_digit(("digit", colour, digit), rng, train)).save(os.path.join(out, f))
        items.append(dict(file=f, split=split, colour=colour, digit=digit))
with open(os.path.join(out, "index.json"), "w") as fh:
    json.dump(items, fh)

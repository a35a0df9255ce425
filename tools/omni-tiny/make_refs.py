"""Reference data computed with the *training* (numpy/python) code, for check_web.mjs to compare against
transformers.js' ClapFeatureExtractor / CLIPImageProcessor and @huggingface/tokenizers."""
import json
import os
import sys
import wave

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
HELD = os.path.join(ROOT, "data", "heldout")
CACHE = os.path.join(HERE, ".cache")

idx = json.load(open(os.path.join(HELD, "index.json")))["items"]
wavs = [it["files"]["audio"] for it in idx if "audio" in it["files"]]
pngs = [it["files"]["image"] for it in idx if "image" in it["files"]]
mels = []
for w in wavs:
    with wave.open(os.path.join(HELD, w)) as f:
        pcm = np.frombuffer(f.readframes(f.getnframes()), np.int16)
    mels.append(log_mel(pcm.astype(np.float64) / 32768.0))
np.stack(mels).astype(np.float32).tofile(os.path.join(CACHE, "mel_ref.bin"))
pix = [((np.asarray(Image.open(os.path.join(HELD, p)).convert("RGB"), np.float32) / 255.0 - 0.5) / 0.5).transpose(2, 0, 1)
       for p in pngs]
np.stack(pix).astype(np.float32).tofile(os.path.join(CACHE, "pix_ref.bin"))
vocab = json.load(open(os.path.join(ROOT, "models", "omni-tiny", "tokenizer.json")))["model"]["vocab"]
tok = WordPiece(sorted(vocab, key=vocab.get))
rng = np.random.default_rng(0)
texts = [it["caption"] for it in idx] + [it.get("title", "") for it in idx] + list(INSTRUCTIONS.values())
texts += [INSTRUCTIONS["query"] + " " + caption(c, rng) for c in all_concepts()]
texts += ["Unknown WORDS like zebra, 42!", "a   Big RED circle."]
json.dump({"wavs": wavs, "pngs": pngs, "texts": texts, "ids": [tok.encode(t) for t in texts]},
          open(os.path.join(CACHE, "refs.json"), "w"))
print("refs:", len(wavs), "wavs,", len(pngs), "pngs,", len(texts), "texts")

"""Diagnostic for issue #14: can a vision stem alone learn shape (and digit) from the v2 training images?

A classifier on the stem's mean token, trained only on colour + shape + digit labels (no text, no InfoNCE),
on synth.py --v2's images (800 held out). If even this stays at chance, the joint model's shape probe
cannot be blamed on the text side or the loss mix.

Usage (from tools/omni-tiny, after `synth.py --v2 --cache .cache/v2`):
  /usr/bin/python3 trials/shape-diag/shape_diag.py STEPS [fe|fe-grid|cnn]
  TINY=1 ...   train and test on the same 96 images (can it memorise at all?)
  EASY=K ...   the first K steps only on flat-background, large shapes (a curriculum's first stage)
  POOL=max ... the classifier reads the stem's tokens' max, not their mean
fe: model.FrameEncoder (the shipped stem); fe-grid: its 64 grid tokens (no Perceiver); cnn: 4 convs + GroupNorm, 8x8 output, 128 channels.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from model import FrameEncoder, H  # noqa: E402
import attributes_aux as aux  # noqa: E402

torch.set_num_threads(2)
torch.backends.mkldnn.enabled = False
torch.manual_seed(0)
CACHE = os.path.join(HERE, "..", "..", ".cache", "v2")
z = np.load(os.path.join(CACHE, "train.npz"))
imgs, ic = z["images"], z["image_c"]
concepts = [tuple(c) for c in json.load(open(os.path.join(CACHE, "concepts.json")))]
lab = {k: v.numpy() for k, v in aux.labels(concepts, [int(c) for c in ic]).items()}
n = len(imgs)
rng = np.random.default_rng(0)
perm = rng.permutation(n)
te, tr = perm[:800], perm[800:]
if os.environ.get("TINY"):
    tr = tr[:96]
    te = tr
EASY = int(os.environ.get("EASY", "0"))
POOL = os.environ.get("POOL", "mean")
if EASY:
    border = np.concatenate([imgs[:, :4].reshape(n, -1, 3), imgs[:, -4:].reshape(n, -1, 3)], 1).astype(np.float32)
    easy = np.nonzero((border.std(1).max(1) < 6) & (lab["size"] == 1))[0]
    tr_easy, te_easy = np.intersect1d(tr, easy), np.intersect1d(te, easy)
    print("easy images", len(easy), flush=True)


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        ch = [3, 32, 64, 128, H]
        self.convs = nn.ModuleList([nn.Conv2d(ch[i], ch[i + 1], 3, 2 if i < 3 else 1, 1) for i in range(4)])
        self.norms = nn.ModuleList([nn.GroupNorm(8, ch[i + 1]) for i in range(4)])

    def forward(self, x):
        for c, g in zip(self.convs, self.norms):
            x = F.gelu(g(c(x)))
        return x.flatten(2).transpose(1, 2)


KIND = (sys.argv[2:] or ["fe"])[0]
# fe-grid: the shipped FrameEncoder without its Perceiver, i.e. the 64 grid tokens v2's VisionModel max-pools
stem = CNN() if KIND == "cnn" else FrameEncoder()
heads = nn.ModuleDict({"colour": nn.Linear(H, 8), "shape": nn.Linear(H, 6), "digit": nn.Linear(H, 10)})
opt = torch.optim.AdamW(list(stem.parameters()) + list(heads.parameters()), lr=1e-3)


def logits(idx):
    x = (torch.from_numpy(imgs[idx]).float() / 255 - 0.5) / 0.5
    px = x.movedim(-1, -3).contiguous()
    tokens = stem.grid(px) if KIND == "fe-grid" else stem(px)
    t = tokens.amax(1) if POOL == "max" else tokens.mean(1)
    return {a: h(t) for a, h in heads.items()}


def accuracy(idx, a):
    with torch.no_grad():
        y = lab[a][idx]
        keep = y >= 0
        return float((logits(idx)[a].argmax(1).numpy()[keep] == y[keep]).mean())


t0 = time.time()
for s in range(int(sys.argv[1])):
    idx = rng.choice(tr_easy if s < EASY else tr, 48, replace=False)
    out = logits(idx)
    losses = [F.cross_entropy(out[a], torch.from_numpy(lab[a][idx]), ignore_index=-100)
              for a in heads if (lab[a][idx] >= 0).any()]
    loss = torch.stack(losses).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    if (s + 1) % 100 == 0:
        msg = " ".join(f"{a} {accuracy(te, a):.3f}" for a in heads)
        if EASY:
            msg += f" easy-shape {accuracy(te_easy, 'shape'):.3f}"
        print(f"step {s + 1} {time.time() - t0:.0f}s loss {float(loss):.3f} {msg}", flush=True)

"""v2 training signals for the attributes a random batch does not force: shared attribute classifiers on the
embeddings, and captions that differ from the truth in exactly one attribute.

Why: in a batch of 48 random concepts, colour and position nearly always tell the items apart, so InfoNCE
never needs shape or digit identity (v1's shape probe 0.27, digit probe at chance). The same trick that taught
the video tower direction (a linear head shared by the text and the media embedding) gives every attribute
a dense, supervised gradient on the same axes in both towers. Training only: nothing here is exported.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import COLOURS, SHAPES, SIZES, POSITIONS, is_unseen

COLOUR_NAMES = list(COLOURS)
ATTRS = {"colour": len(COLOUR_NAMES), "shape": len(SHAPES), "size": len(SIZES), "position": len(POSITIONS),
         "digit": 10}


def labels(concepts, cs):
    """{attribute: LongTensor [len(cs)]}, -100 where the concept has no such attribute."""
    out = {a: [] for a in ATTRS}
    for ci in cs:
        c = concepts[ci]
        v = {"colour": COLOUR_NAMES.index(c[1])}
        if c[0] == "shape":
            v.update(shape=SHAPES.index(c[2]), size=SIZES.index(c[3]), position=POSITIONS.index(c[4]))
        elif c[0] == "digit":
            v["digit"] = c[2]
        else:
            v["shape"] = SHAPES.index(c[2])
        for a in ATTRS:
            out[a].append(v.get(a, -100))
    return {a: torch.tensor(x) for a, x in out.items()}


class AttributeHeads(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.heads = nn.ModuleDict({a: nn.Linear(dim, n) for a, n in ATTRS.items()})

    def forward(self, emb, lab):
        """Mean cross-entropy over the attributes present in this batch."""
        losses = [F.cross_entropy(self.heads[a](emb), lab[a], ignore_index=-100)
                  for a in ATTRS if (lab[a] >= 0).any()]
        return torch.stack(losses).mean()


def one_attribute_off(concepts, concept_index, ci, rng):
    """A seen concept that differs from concepts[ci] in one attribute; shape (or digit) half the time."""
    c = list(concepts[ci])
    if c[0] == "shape":
        slots = {1: COLOUR_NAMES, 2: SHAPES, 3: SIZES, 4: POSITIONS}
        weights = [0.2, 0.5, 0.1, 0.2]
    elif c[0] == "digit":
        slots = {1: COLOUR_NAMES, 2: list(range(10))}
        weights = [0.3, 0.7]
    else:
        slots = {1: COLOUR_NAMES, 2: SHAPES}
        weights = [0.5, 0.5]
    keys = list(slots)
    for _ in range(20):
        k = keys[int(rng.choice(len(keys), p=weights))]
        options = [v for v in slots[k] if v != c[k]]
        n = list(c)
        n[k] = options[int(rng.integers(len(options)))]
        if not is_unseen(tuple(n)):  # unseen pairs stay unseen, even as text
            return concept_index[tuple(n)]
    raise RuntimeError(f"no seen neighbour of {c}")

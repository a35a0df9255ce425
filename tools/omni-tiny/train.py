"""Train omni-tiny (seeded). Usage: python3 train.py [--steps N] [--bench]"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa
from model import BUILD_ARGS, OmniTiny, D, N_IMG_TOK
import attributes_aux as aux

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache")
MATRYOSHKA = [256, 128, 64]
TASKS = ["t2i", "t2a", "t2v", "t2o", "i2i"]
TASK_P = [0.24, 0.28, 0.18, 0.22, 0.08]
# v2: images are the hard part (backgrounds, outlines, attributes); the motion stem answers direction by itself,
# so video steps (the dearest, 2-3x a text-image step) give way to image steps
TASK_P_V2 = [0.36, 0.22, 0.12, 0.18, 0.12]
# --audio-aug: speech gets the steps direction no longer needs (direction probe 1.0 on every background with
# 0.12); the augmented windows are harder and the v2 shares left the clean-speech rows below v1
TASK_P_V2_AUDIO = [0.34, 0.28, 0.08, 0.18, 0.12]
# --speech-steps (trial 22): at step 3000 text<->audio is the one loss still falling (0.34, text<->image 0.04), and the
# held-out speech rows are the ones under target; a text->video step costs 2.9x a text->image step (--bench), so
# speech takes 0.02 each from text->image, text->video and image->image, and more --steps pay for the rest
TASK_P_V2_SPEECH = [0.34, 0.28, 0.10, 0.18, 0.10]


def img_tensor(u8):
    """uint8 [...,64,64,3] -> float [...,3,64,64] normalised like CLIPImageProcessor (mean=std=0.5)."""
    x = torch.from_numpy(np.ascontiguousarray(u8)).float().div_(255.0)
    x = (x - 0.5) / 0.5
    return x.movedim(-1, -3).contiguous()


def info_nce(a, b, same, scale):
    """Symmetric InfoNCE on every Matryoshka prefix. same: [B,B] bool, True where concepts are equal.
    b may have extra rows after the first len(a) (hard negatives): they are columns for a's side only."""
    loss = 0.0
    n = len(a)
    off = same.clone()
    off[torch.arange(n), torch.arange(n)] = False
    for d in MATRYOSHKA:
        x = F.normalize(a[:, :d], dim=-1)
        y = F.normalize(b[:, :d], dim=-1)
        lg = (x @ y.t()) * scale
        lg = lg.masked_fill(off, -1e4)
        tgt = torch.arange(n)
        loss = loss + 0.5 * (F.cross_entropy(lg, tgt) + F.cross_entropy(lg[:, :n].t(), tgt))
    return loss / len(MATRYOSHKA)


class Data:
    def __init__(self, seed):
        z = np.load(os.path.join(CACHE, "train.npz"))
        self.images, self.image_c = z["images"], z["image_c"]
        self.videos, self.video_c = z["videos"], z["video_c"]
        self.mels, self.audio_c = z["mels"], z["audio_c"]
        self.concepts = [tuple(c) for c in json.load(open(os.path.join(CACHE, "concepts.json")))]
        self.concept_index = {c: i for i, c in enumerate(self.concepts)}
        self.audio_text = z["audio_text"]
        self.vocab = json.load(open(os.path.join(CACHE, "vocab.json")))
        self.tok = WordPiece(self.vocab)
        self.rng = np.random.default_rng(seed)
        self.by_c_img, self.by_c_vid, self.by_c_aud = {}, {}, {}
        for d, arr in ((self.by_c_img, self.image_c), (self.by_c_vid, self.video_c), (self.by_c_aud, self.audio_c)):
            for i, c in enumerate(arr):
                d.setdefault(int(c), []).append(i)
        self.img_concepts = sorted(self.by_c_img)

    def cap(self, ci):
        return caption(self.concepts[ci], self.rng)

    def text(self, texts):
        ids, m = self.tok.batch(texts)
        return torch.from_numpy(ids), torch.from_numpy(m)

    def pick(self, d, ci):
        lst = d[ci]
        return lst[int(self.rng.integers(len(lst)))]


AUDIO_CROP = 512
AUDIO_AUG = False  # --audio-aug


def augment_mel(x, rng):
    """One [T,64] dB log-mel as another engine, speaker or microphone could give it: a random spectral tilt
    and ripple (a channel's EQ is additive in dB), a warped frequency axis (vocal tract length), and one
    frequency band and two time spans masked to the clip's floor (SpecAugment)."""
    t, f = x.shape
    k = np.arange(f, dtype=np.float32) / (f - 1)
    eq = rng.uniform(-6, 6) * (k - 0.5) + sum(rng.uniform(-3, 3) * np.cos(math.pi * n * k) for n in (1, 2, 3))
    alpha = rng.uniform(0.88, 1.12)
    src = np.clip(np.arange(f, dtype=np.float32) / alpha, 0, f - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, f - 1)
    w = (src - lo).astype(np.float32)
    y = x[:, lo] * (1 - w) + x[:, hi] * w + eq.astype(np.float32)
    floor = y.min()
    fw = int(rng.integers(0, 9))
    f0 = int(rng.integers(0, f - fw + 1))
    y[:, f0:f0 + fw] = floor
    for _ in range(2):
        tw = int(rng.integers(0, 41))
        t0 = int(rng.integers(0, t - tw + 1))
        y[t0:t0 + tw] = floor
    return y


def mel_batch(data, idx):
    """Training-time random 512-frame window of the repeat-padded 10 s log-mel (ONNX graph sees all 1001);
    with AUDIO_AUG half the windows also go through augment_mel."""
    st = data.rng.integers(0, data.mels.shape[1] - AUDIO_CROP + 1, size=len(idx))
    x = np.stack([data.mels[i, s:s + AUDIO_CROP] for i, s in zip(idx, st)]).astype(np.float32)
    if AUDIO_AUG:
        for j in np.nonzero(data.rng.random(len(idx)) < 0.5)[0]:
            x[j] = augment_mel(x[j], data.rng)
    return torch.from_numpy(x).unsqueeze(1)


OPPOSITE = {"left": "right", "right": "left", "up": "down", "down": "up"}


def reversed_concept(data, ci):
    """A clip played backwards shows the same object moving the opposite way."""
    kind, colour, shape, direction = data.concepts[ci]
    return data.concept_index[(kind, colour, shape, OPPOSITE[direction])]


def distill(student, teacher):
    """1 - cosine to a fixed target on every Matryoshka prefix: a dense signal that does not depend on in-batch
    negatives, so the audio tower leaves the InfoNCE plateau early instead of by luck of the seed."""
    loss = 0.0
    for d in MATRYOSHKA:
        loss = loss + (1 - F.cosine_similarity(student[:, :d], teacher[:, :d], dim=-1)).mean()
    return loss / len(MATRYOSHKA)


def same_matrix(cs, cols=None):
    c = torch.tensor(cs)
    k = torch.tensor(cs if cols is None else cols)
    return c[:, None] == k[None, :]


def fusion_embed(model, parts, masks):
    x = torch.cat(parts, 1)
    m = torch.cat(masks, 1)
    return model.fusion(x, m)


def step_loss(model, data, task, B, direction_head, heads=None):
    """heads: v2's shared attribute classifiers (attributes_aux.AttributeHeads), or None for the v1 recipe."""
    r = data.rng
    scale = model.logit_scale.clamp(max=math.log(100.0)).exp()
    if task == "attr":
        # v2's warm-up: the vision tower and the attribute heads alone, so that shape and digit are on the
        # image embedding's axes before InfoNCE, which colour and position already satisfy, takes over
        idx = r.choice(len(data.images), B, replace=False)
        ie, _ = model.vision(img_tensor(data.images[idx]))
        return heads(ie, aux.labels(data.concepts, [int(data.image_c[i]) for i in idx]))
    if task == "t2i":
        idx = r.choice(len(data.images), B, replace=False)
        cs = [int(data.image_c[i]) for i in idx]
        if heads is None:
            te, _ = model.text(*data.text([data.cap(c) for c in cs]))
            ie, _ = model.vision(img_tensor(data.images[idx]))
            return info_nce(te, ie, same_matrix(cs), scale)
        # v2: half the images also meet a caption that differs in one attribute (shape most often), so that
        # colour and position alone no longer separate the batch
        negs = [aux.one_attribute_off(data.concepts, data.concept_index, c, r) for c in cs[: B // 2]]
        te, _ = model.text(*data.text([data.cap(c) for c in cs + negs]))
        ie, _ = model.vision(img_tensor(data.images[idx]))
        labels = aux.labels(data.concepts, cs)
        return (info_nce(ie, te, same_matrix(cs, cs + negs), scale)
                + 0.5 * (heads(ie, labels) + heads(te[:B], labels)))
    if task == "i2i":
        cs = [data.img_concepts[i] for i in r.choice(len(data.img_concepts), B, replace=False)]
        a = [data.pick(data.by_c_img, c) for c in cs]
        b = [data.pick(data.by_c_img, c) for c in cs]
        ea, _ = model.vision(img_tensor(data.images[a]))
        eb, _ = model.vision(img_tensor(data.images[b]))
        loss = info_nce(ea, eb, same_matrix(cs), scale)
        return loss if heads is None else loss + 0.5 * heads(ea, aux.labels(data.concepts, cs))
    if task == "t2a":
        idx = r.choice(len(data.mels), B, replace=False)
        cs = [int(data.audio_c[i]) for i in idx]
        te, _ = model.text(*data.text([data.cap(c) for c in cs]))
        ae, _ = model.audio(mel_batch(data, idx))
        with torch.no_grad():
            spoken, _ = model.text(*data.text([str(data.audio_text[i]) for i in idx]))
        return info_nce(te, ae, same_matrix(cs), scale) + distill(ae, spoken)
    if task == "t2v":
        # Each clip also appears reversed, labelled with the opposite direction: without these hard negatives
        # colour and shape alone separate a batch and the video tower never learns the direction of motion.
        idx = r.choice(len(data.videos), B // 3, replace=False)
        fwd = [int(data.video_c[i]) for i in idx]
        cs = fwd + [reversed_concept(data, c) for c in fwd]
        clips = np.concatenate([data.videos[idx], data.videos[idx][:, ::-1]])
        te, _ = model.text(*data.text([data.cap(c) for c in cs]))
        ve, _ = model.video(img_tensor(clips))
        # InfoNCE alone left both towers at chance on direction (text and video must discover it together, and
        # the clip/reversed-clip embeddings start at cosine 0.9999). A shared linear direction classifier on both
        # embeddings is a dense, supervised signal that puts direction on the same axes in both towers.
        # Training only: the head is not part of the exported graphs.
        labels = torch.tensor([DIRECTIONS.index(data.concepts[c][3]) for c in cs])
        dir_loss = 0.5 * (F.cross_entropy(direction_head(ve), labels) + F.cross_entropy(direction_head(te), labels))
        loss = info_nce(te, ve, same_matrix(cs), scale) + dir_loss
        if heads is not None:
            attr = aux.labels(data.concepts, cs)
            loss = loss + 0.5 * (heads(ve, attr) + heads(te, attr))
        return loss
    # t2o: omni items (visual + narration + title, fields dropped at random)
    use_video = r.random() < 0.4
    Bo = B // 2 if use_video else B
    if use_video:
        idx = r.choice(len(data.videos), Bo, replace=False)
        cs = [int(data.video_c[i]) for i in idx]
    else:
        idx = r.choice(len(data.images), Bo, replace=False)
        cs = [int(data.image_c[i]) for i in idx]
    aud = [data.pick(data.by_c_aud, c) for c in cs]
    keep_v = r.random(Bo) < 0.8
    keep_a = r.random(Bo) < 0.5
    keep_t = r.random(Bo) < 0.6
    none = ~(keep_v | keep_a | keep_t)
    keep_v = keep_v | none
    titles = [INSTRUCTIONS["target"] + " " + title(data.concepts[c], r) if kt else INSTRUCTIONS["target"]
              for c, kt in zip(cs, keep_t)]
    if use_video:
        _, vt = model.video(img_tensor(data.videos[idx]))
    else:
        _, vt = model.vision(img_tensor(data.images[idx]))
    at = torch.zeros(Bo, 1, model.fusion.proj.in_features)
    sel = np.nonzero(keep_a)[0]
    if len(sel):
        _, at_sub = model.audio(mel_batch(data, [aud[i] for i in sel]))
        at = at.index_copy(0, torch.from_numpy(sel), at_sub)
    ids, tm = data.text(titles)
    _, tt = model.text(ids, tm)
    ma = torch.from_numpy(keep_a.astype(np.int64))[:, None]
    mv = torch.from_numpy(keep_v.astype(np.int64))[:, None].expand(-1, N_IMG_TOK)
    oe = fusion_embed(model, [at, vt, tt], [ma, mv, tm])
    caps = [data.cap(c) for c in cs]
    te, _ = model.text(*data.text(caps))
    qids, qm = data.text([INSTRUCTIONS["query"] + " " + t for t in caps])
    _, qt = model.text(qids, qm)
    qe = model.fusion(qt, qm)
    same = same_matrix(cs)
    return 0.5 * (info_nce(te, oe, same, scale) + info_nce(qe, oe, same, scale))


def main():
    global CACHE, AUDIO_AUG
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--log", type=int, default=50)
    ap.add_argument("--out", default=os.path.join(CACHE, "model.pt"))
    ap.add_argument("--cache", default=CACHE, help="folder with synth.py's train.npz (e.g. a --v2 trial's)")
    ap.add_argument("--arch", default="v1", choices=["v1", "v2"],
                    help="v2: model.MotionStemV2, attribute heads, one-attribute-off captions, more image steps")
    ap.add_argument("--attr-warmup", type=int, default=0,
                    help="v2: the first N of --steps train only the vision tower on the attribute heads")
    ap.add_argument("--audio-aug", action="store_true",
                    help="v2: augment_mel on half the speech windows, and TASK_P_V2_AUDIO's step shares")
    ap.add_argument("--audio-tilt-norm", action="store_true",
                    help="model.AudioModel's tilt_norm: the broad shape of a clip's mean spectrum removed in the graph (trial 20)")
    ap.add_argument("--wide-stem", action="store_true",
                    help="v2: model.FrameEncoder's wide stem, 48/96/192 channels instead of 32/64/128 (trial 21)")
    ap.add_argument("--speech-steps", action="store_true",
                    help="v2: TASK_P_V2_SPEECH's step shares, text->audio 0.28 instead of 0.22 (trial 22)")
    ap.add_argument("--seed", type=int, default=SEED,
                    help="training's seed (initial weights, batch draws); another value measures the seed spread of a recipe")
    args = ap.parse_args()
    CACHE, AUDIO_AUG = args.cache, args.audio_aug
    torch.set_num_threads(2)
    # Debian's torch 1.13 oneDNN Conv1d backward races across threads: the same batch gives weight gradients
    # that differ by up to 1e3 between calls (model card, "Reproducibility"). That made the audio
    # tower train by luck and no two runs agree. The native kernels are deterministic.
    torch.backends.mkldnn.enabled = False
    torch.manual_seed(args.seed)
    data = Data(args.seed)
    build_args = {k: getattr(args, k) for k in BUILD_ARGS}  # saved with the weights for export.py
    model = OmniTiny(len(data.vocab), **build_args)
    direction_head = torch.nn.Linear(D, len(DIRECTIONS))
    heads = aux.AttributeHeads(D) if args.arch == "v2" else None
    print("params", sum(p.numel() for p in model.parameters()))
    named = list(model.named_parameters()) + [("direction_head." + n, p) for n, p in direction_head.named_parameters()]
    if heads is not None:
        named += [("heads." + n, p) for n, p in heads.named_parameters()]
    decay = [p for n, p in named if p.dim() >= 2 and "pos" not in n and "queries" not in n]
    nodecay = [p for n, p in named if not (p.dim() >= 2 and "pos" not in n and "queries" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.02}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    warm = 100
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))) * 0.97 + 0.03)
    if args.bench:
        for t in TASKS:
            t0 = time.time()
            for _ in range(3):
                loss = step_loss(model, data, t, args.batch, direction_head, heads)
                opt.zero_grad(set_to_none=True)
                loss.backward()
            print(t, "%.2fs/step" % ((time.time() - t0) / 3), float(loss), flush=True)
        return
    t0 = time.time()
    hist = {t: [] for t in TASKS}
    if args.attr_warmup and heads is None:
        sys.exit("--attr-warmup needs --arch v2 (the attribute heads)")
    hist["attr"] = []
    for s in range(args.steps):
        if s < args.attr_warmup:
            task = "attr"
        else:
            shares = (TASK_P if args.arch == "v1" else TASK_P_V2_AUDIO if AUDIO_AUG
                      else TASK_P_V2_SPEECH if args.speech_steps else TASK_P_V2)
            task = TASKS[int(data.rng.choice(len(TASKS), p=shares))]
        if task != "attr" and task not in args.tasks.split(","):
            continue
        model.train()
        loss = step_loss(model, data, task, args.batch, direction_head, heads)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        hist[task].append(float(loss))
        if (s + 1) % 100 == 0 and s + 1 < args.steps:
            torch.save({"model": model.state_dict(), "vocab": data.vocab, "steps": s + 1, **build_args}, args.out + ".partial")
        if (s + 1) % args.log == 0:
            # attr stops at the warm-up's end: printing its last mean after that would read as a current loss
            msg = " ".join(f"{t}={np.mean(v[-10:]):.3f}" for t, v in hist.items() if v and (t != "attr" or s < args.attr_warmup))
            print(f"step {s + 1} {time.time() - t0:.0f}s scale={model.logit_scale.exp().item():.1f} {msg}", flush=True)
    torch.save({"model": model.state_dict(), "vocab": data.vocab, "steps": args.steps, **build_args, "seed": args.seed}, args.out)
    print("saved", args.out, "train time %.0fs" % (time.time() - t0))


if __name__ == "__main__":
    main()

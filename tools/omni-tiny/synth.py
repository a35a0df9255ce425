"""Synthesise the omni-tiny dataset (seeded): training cache + committed held-out media set.

Usage: python3 synth.py  (writes tools/omni-tiny/.cache/train.npz and data/heldout/)
       python3 synth.py --v2 --cache DIR  (issue #14: omni-tiny v2's training cache, into DIR; data/heldout/
       is left alone, and a v2-renderer held-out set goes to DIR/heldout). What --v2 adds, and what it keeps
       out so that the held-out families stay held out, is listed in synth_v2.py.
       Without --v2 every random draw is as before, so the v1 build stays byte-identical.
"""
import argparse
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from multiprocessing import Pool

import numpy as np
from PIL import Image, ImageDraw
from sklearn.datasets import load_digits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import *  # noqa
import speech_v2
import synth_v2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CACHE = os.path.join(HERE, ".cache")
HELD = os.path.join(ROOT, "data", "heldout")

S = 64
SS = 4  # supersampling
POS_XY = {"top left": (18, 18), "top right": (46, 18), "bottom left": (18, 46), "bottom right": (46, 46),
          "center": (32, 32)}
VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-us+f3", "en-gb+m3", "en-us+f2",
          "en-gb-x-gbclan", "en-us+m5"]
# v2 adds espeak-ng variants; heldout_families.NEW_ESPEAK (accents nyc, gbcwmd; variants klatt, f4, m7)
# stays out of both lists, variants included
VOICES_V2 = ["en+f1", "en-us+m2", "en-gb+f5", "en+m6", "en-029+f2", "en-gb-x-rp+m4", "en-us+f5", "en-gb-scotland+m1"]
DIGITS = load_digits()
N_DIGIT_TRAIN = 1500  # sklearn digits [0,1500) for training, [1500,1797) held out


def jitter_colour(rgb, rng, amt=18):
    return tuple(int(np.clip(v + rng.integers(-amt, amt + 1), 0, 255)) for v in rgb)


V2 = False  # set by --v2 in main()


def background(rng, colour=None, still=True):
    if V2:
        return synth_v2.visible_background(rng, colour, still)
    base = rng.integers(0, 50, size=3)
    img = np.ones((S, S, 3), np.float32) * base[None, None, :]
    img += rng.normal(0, 3, size=img.shape)
    return img


def shape_poly(shape, cx, cy, r):
    if shape == "triangle":
        return [(cx, cy - r), (cx + r * 0.95, cy + r * 0.8), (cx - r * 0.95, cy + r * 0.8)]
    if shape == "diamond":
        return [(cx, cy - r), (cx + r * 0.8, cy), (cx, cy + r), (cx - r * 0.8, cy)]
    if shape == "star":
        pts = []
        for i in range(10):
            a = -math.pi / 2 + i * math.pi / 5
            rr = r if i % 2 == 0 else r * 0.42
            pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
        return pts
    raise ValueError(shape)


def outline_points(shape, X, Y, R):
    """The shape as one closed polygon (circle excepted), in supersampled pixels."""
    if shape == "square":
        h = R * 0.85
        return [(X - h, Y - h), (X + h, Y - h), (X + h, Y + h), (X - h, Y + h)]
    if shape == "cross":
        w = R * 0.33
        return [(X - w, Y - R), (X + w, Y - R), (X + w, Y - w), (X + R, Y - w), (X + R, Y + w), (X + w, Y + w),
                (X + w, Y + R), (X - w, Y + R), (X - w, Y + w), (X - R, Y + w), (X - R, Y - w), (X - w, Y - w)]
    return shape_poly(shape, X, Y, R)


def draw_shape(bg, shape, cx, cy, r, colour, outline=0.0, angle=0.0):
    """bg: float [S,S,3]; draws antialiased shape (only its outline, that many px wide, if outline > 0),
    turned by angle radians; returns uint8."""
    m = Image.new("L", (S * SS, S * SS), 0)
    d = ImageDraw.Draw(m)
    X, Y, R = cx * SS, cy * SS, r * SS
    if angle and shape != "circle":
        # v2 only: the v1 branches below stay as they were, so the v1 build is byte-identical
        pts = synth_v2.rotate_points(outline_points(shape, X, Y, R), X, Y, angle)
        if outline:
            d.line(pts + [pts[0]], fill=255, width=max(1, round(outline * SS)), joint="curve")
        else:
            d.polygon(pts, fill=255)
    elif outline:
        lw = max(1, round(outline * SS))
        if shape == "circle":
            d.ellipse([X - R, Y - R, X + R, Y + R], outline=255, width=lw)
        elif shape == "square":
            h = R * 0.85
            d.rectangle([X - h, Y - h, X + h, Y + h], outline=255, width=lw)
        else:
            pts = outline_points(shape, X, Y, R)
            d.line(pts + [pts[0]], fill=255, width=lw, joint="curve")
    elif shape == "circle":
        d.ellipse([X - R, Y - R, X + R, Y + R], fill=255)
    elif shape == "square":
        h = R * 0.85
        d.rectangle([X - h, Y - h, X + h, Y + h], fill=255)
    elif shape == "cross":
        w = R * 0.33
        d.rectangle([X - R, Y - w, X + R, Y + w], fill=255)
        d.rectangle([X - w, Y - R, X + w, Y + R], fill=255)
    else:
        d.polygon(shape_poly(shape, X, Y, R), fill=255)
    a = np.asarray(m.resize((S, S), Image.LANCZOS), np.float32)[..., None] / 255.0
    out = bg * (1 - a) + np.array(colour, np.float32)[None, None, :] * a
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def render_shape(concept, rng):
    _, c, s, z, p = concept
    cx, cy = POS_XY[p]
    cx += rng.uniform(-3, 3)
    cy += rng.uniform(-3, 3)
    r = (6.0 if z == "small" else 12.0) + rng.uniform(-1, 1)
    if not V2:
        return draw_shape(background(rng), s, cx, cy, r, jitter_colour(COLOURS[c], rng))
    col = jitter_colour(COLOURS[c], rng)
    outline = rng.uniform(1.5, 3.0) if rng.random() < 0.3 else 0.0
    r *= rng.uniform(0.85, 1.2)
    angle = rng.uniform(-0.35, 0.35)  # +-20 degrees: a square turned 45 degrees would be a diamond
    return synth_v2.degrade(draw_shape(background(rng, col), s, cx, cy, r, col, outline, angle), rng)


def render_digit(concept, rng, train=True):
    _, c, d = concept
    lo, hi = (0, N_DIGIT_TRAIN) if train else (N_DIGIT_TRAIN, len(DIGITS.images))
    cand = np.nonzero(DIGITS.target[lo:hi] == d)[0] + lo
    g = DIGITS.images[cand[rng.integers(len(cand))]] / 16.0
    sz = int(rng.integers(30, 41))
    gi = np.asarray(Image.fromarray((g * 255).astype(np.uint8)).resize((sz, sz), Image.BILINEAR), np.float32) / 255.0
    col = np.array(jitter_colour(COLOURS[c], rng), np.float32) if V2 else None
    bg = background(rng, col)
    a = np.zeros((S, S), np.float32)
    ox = int(round((S - sz) / 2 + rng.uniform(-4, 4)))
    oy = int(round((S - sz) / 2 + rng.uniform(-4, 4)))
    ox, oy = max(0, min(S - sz, ox)), max(0, min(S - sz, oy))
    a[oy:oy + sz, ox:ox + sz] = gi
    if col is None:
        col = np.array(jitter_colour(COLOURS[c], rng), np.float32)
    elif rng.random() < 0.35:
        a = synth_v2.font_digit_mask(d, rng)
    out = bg * (1 - a[..., None]) + col[None, None, :] * a[..., None]
    out = np.clip(np.round(out), 0, 255).astype(np.uint8)
    return synth_v2.degrade(out, rng) if V2 else out


def render_image(concept, rng, train=True):
    return render_shape(concept, rng) if concept[0] == "shape" else render_digit(concept, rng, train)


def render_motion(concept, rng, T=8):
    _, c, s, d = concept
    r = 8.0 + rng.uniform(-1, 1.5)
    travel = rng.uniform(28, 36)
    start = rng.uniform(32 - travel / 2 - 2, 32 - travel / 2 + 2)
    other = rng.uniform(16, 48)
    col = jitter_colour(COLOURS[c], rng)
    bg = background(rng, col, still=False)
    outline, angle = 0.0, 0.0
    if V2:
        r = rng.uniform(5, 12)
        travel = rng.uniform(20, 40)
        start = rng.uniform(32 - travel / 2 - 3, 32 - travel / 2 + 3)
        outline = rng.uniform(1.5, 3.0) if rng.random() < 0.2 else 0.0
        angle = rng.uniform(-0.35, 0.35)
    frames = []
    for t in range(T):
        u = start + travel * t / (T - 1)
        if d == "right":
            cx, cy = u, other
        elif d == "left":
            cx, cy = 64 - u, other
        elif d == "down":
            cx, cy = other, u
        else:
            cx, cy = other, 64 - u
        frames.append(draw_shape(bg, s, cx, cy, r, col, outline, angle))
    return np.stack(frames)


# ---------------------------------------------------------------- speech
def speak(job):
    """job: (text, voice, speed, pitch, wav_out or None), or a speech_v2.voice_v2 dict with its text (v2's
    engines, noise and reverb). Returns (log-mel float16, n samples)."""
    if isinstance(job, dict):
        pcm = speech_v2.synthesise(job["text"], job)
        return log_mel(pcm.astype(np.float64) / 32768.0).astype(np.float16), len(pcm)
    text, voice, speed, pitch, out = job[:5]
    e = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                       check=True, capture_output=True).stdout
    # -D: sox dithers with random noise by default, which made every rebuild's audio (and model) differ
    s = subprocess.run(["sox", "-t", "wav", "-", "-t", "wav", "-r", str(SR), "-c", "1", "-b", "16", "-D", "-"],
                       input=e, check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(s)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    if out:
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SR)
            w.writeframes(pcm.tobytes())
    mel = log_mel(pcm.astype(np.float64) / 32768.0)
    return mel.astype(np.float16), len(pcm)


def voice_params(rng):
    return VOICES[int(rng.integers(len(VOICES)))], int(rng.integers(125, 196)), int(rng.integers(25, 76))


def save_png(arr, path):
    Image.fromarray(arr).save(path, optimize=True)


def write_webm(frames, path):
    with tempfile.TemporaryDirectory() as td:
        for i, f in enumerate(frames):
            Image.fromarray(f).save(os.path.join(td, f"f{i}.png"))
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-framerate", "8", "-i", os.path.join(td, "f%d.png"),
                        "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", "12", "-b:v", "0", "-g", "8",
                        "-metadata", "creation_time=1970-01-01T00:00:00Z", "-fflags", "+bitexact",
                        path], check=True)


def main():
    global V2, CACHE, HELD
    ap = argparse.ArgumentParser()
    ap.add_argument("--v2", action="store_true", help="issue #14 synthesis (see the module docstring)")
    ap.add_argument("--photos", action="store_true", help="with --v2: photo-crop backgrounds (synth_v2.photo_crop)")
    ap.add_argument("--photo-share", type=float, default=0.24, help="with --photos: the photo kind's share")
    ap.add_argument("--photos-stills-only", action="store_true", help="with --photos: videos keep drawn backgrounds")
    ap.add_argument("--dead-leaves", action="store_true",
                    help="with --photos: half of the photo kind is procedural clutter (synth_v2.dead_leaves)")
    ap.add_argument("--more-photos", action="store_true",
                    help="with --photos: skimage photos no held-out family uses join sklearn's two (synth_v2.EXTRA_PHOTOS)")
    ap.add_argument("--opencv-photos", action="store_true",
                    help="with --photos: sixteen photos from Debian's opencv-doc join them (synth_v2.OPENCV_PHOTO_NAMES)")
    ap.add_argument("--min-contrast", type=float, default=synth_v2.MIN_CONTRAST,
                    help="with --v2: least RGB distance between a background's mean and the object's colour")
    ap.add_argument("--own-hue-share", type=float, default=0.0,
                    help="with --v2: share of still images on a background of the object's own hue (synth_v2.own_hue_background)")
    ap.add_argument("--own-hue-distance", action="store_true",
                    help="with --own-hue-share: the tone drawn 30-90 away from the object's colour, no tinted photo crops")
    ap.add_argument("--vocoder-share", type=float, default=0.0,
                    help="with --v2: share of training speech re-synthesised through a randomised LPC vocoder (vocoder.py)")
    ap.add_argument("--vocoder-parametric", action="store_true",
                    help="with --vocoder-share: the vocoded clips also get vocoder.draw_parametric's knobs")
    ap.add_argument("--accented-voices", action="store_true",
                    help="with --v2: festival's non-English voices read the captions too (speech_v2.ACCENTED)")
    ap.add_argument("--digit-renders", type=int, default=None,
                    help="renderings per digit concept (default 30 with --v2, 12 without); shapes have 20 with --v2")
    ap.add_argument("--cache", default=CACHE, help="where train.npz, vocab.json, concepts.json go")
    a = ap.parse_args()
    V2, CACHE = a.v2, a.cache
    synth_v2.PHOTO_BACKGROUNDS = a.photos
    synth_v2.PHOTO_SHARE, synth_v2.PHOTOS_ON_STILLS = a.photo_share, a.photos_stills_only
    speech_v2.ACCENTED_VOICES = a.accented_voices
    synth_v2.DEAD_LEAVES = a.dead_leaves
    synth_v2.MORE_PHOTOS = a.more_photos
    synth_v2.OPENCV_PHOTOS = a.opencv_photos
    synth_v2.MIN_CONTRAST = a.min_contrast
    synth_v2.OWN_HUE_SHARE, synth_v2.OWN_HUE_BY_DISTANCE = a.own_hue_share, a.own_hue_distance
    speech_v2.VOCODER_SHARE, speech_v2.VOCODER_PARAMETRIC = a.vocoder_share, a.vocoder_parametric
    if V2:
        # the committed held-out set belongs to the shipped v1 model: a trial writes its own beside its cache
        HELD = os.path.join(CACHE, "heldout")
    rng = np.random.default_rng(SEED)
    concepts = all_concepts()
    cidx = {concept_key(c): i for i, c in enumerate(concepts)}
    train_c = [c for c in concepts if not is_unseen(c)]
    unseen_c = [c for c in concepts if is_unseen(c)]
    os.makedirs(CACHE, exist_ok=True)

    # ---- vocabulary (all phrasings, titles, instructions; unseen combos only reuse seen words)
    vr = np.random.default_rng(SEED + 1)
    texts = list(INSTRUCTIONS.values())
    for c in concepts:
        for k in range(6):
            for _ in range(4):
                texts.append(caption(c, vr, k))
        for _ in range(12):
            texts.append(title(c, vr))
    vocab = build_vocab(texts)
    with open(os.path.join(CACHE, "vocab.json"), "w") as f:
        json.dump(vocab, f)

    # ---- training images
    imgs, img_c = [], []
    for c in train_c:
        if c[0] == "shape":
            n = 20 if V2 else 8
        elif c[0] == "digit":
            n = a.digit_renders or (30 if V2 else 12)
        else:
            continue
        for _ in range(n):
            imgs.append(render_image(c, rng))
            img_c.append(cidx[concept_key(c)])
    print("train images", len(imgs), flush=True)
    vids, vid_c = [], []
    for c in train_c:
        if c[0] != "motion":
            continue
        for _ in range(16 if V2 else 8):
            vids.append(render_motion(c, rng))
            vid_c.append(cidx[concept_key(c)])
    print("train videos", len(vids), flush=True)

    # ---- training speech
    jobs, aud_c, aud_t = [], [], []
    for c in train_c:
        for _ in range(5 if V2 else 3):
            t = spoken_caption(c, rng)
            if V2:
                jobs.append(dict(speech_v2.voice_v2(rng, VOICES + VOICES_V2), text=t))
            else:
                jobs.append((t, *voice_params(rng), None))
            aud_c.append(cidx[concept_key(c)])
            aud_t.append(t)

    # ---- held-out set (sample lists drawn before running the pool so that the seed stream is fixed)
    hr = np.random.default_rng(SEED + 7)
    if os.path.exists(HELD):
        shutil.rmtree(HELD)
    for sub in ("images", "audio", "video"):
        os.makedirs(os.path.join(HELD, sub))
    items = []

    def pick(pool, n):
        ix = hr.choice(len(pool), size=n, replace=False)
        return [pool[i] for i in sorted(ix)]

    shapes_seen = [c for c in train_c if c[0] == "shape"]
    digits_seen = [c for c in train_c if c[0] == "digit"]
    motion_seen = [c for c in train_c if c[0] == "motion"]
    for split, pool in (("heldout", pick(shapes_seen, 40) + pick(digits_seen, 10)),
                        ("unseen", pick([c for c in unseen_c if c[0] == "shape"], 24)
                         + [c for c in unseen_c if c[0] == "digit"])):
        for c in pool:
            i = len(items)
            iid = f"img{i:03d}"
            a, b = render_image(c, hr, train=False), render_image(c, hr, train=False)
            save_png(a, os.path.join(HELD, "images", iid + ".png"))
            save_png(b, os.path.join(HELD, "images", iid + "_alt.png"))
            items.append({"id": iid, "kind": "image", "split": split, "concept": concept_key(c),
                          "caption": caption(c), "captions": sorted({caption(c, k=k) for k in range(6)}),
                          "attributes": attributes(c),
                          "files": {"image": f"images/{iid}.png", "image_alt": f"images/{iid}_alt.png"}})
    held_jobs = []
    for c in pick([c for c in train_c], 30):
        i = len(items)
        iid = f"aud{i:03d}"
        t = spoken_caption(c, hr)
        v, sp, pi = voice_params(hr)
        held_jobs.append((t, v, sp, pi, os.path.join(HELD, "audio", iid + ".wav")))
        items.append({"id": iid, "kind": "audio", "split": "heldout", "concept": concept_key(c),
                      "caption": caption(c), "spoken_text": t, "voice": {"voice": v, "speed": sp, "pitch": pi},
                      "attributes": attributes(c), "files": {"audio": f"audio/{iid}.wav"}})
    for split, pool in (("heldout", pick(motion_seen, 30)),
                        ("unseen", pick([c for c in unseen_c if c[0] == "motion"], 12))):
        for c in pool:
            i = len(items)
            iid = f"vid{i:03d}"
            fr = render_motion(c, hr)
            save_png(np.concatenate(list(fr), axis=1), os.path.join(HELD, "video", iid + "_frames.png"))
            write_webm(fr, os.path.join(HELD, "video", iid + ".webm"))
            items.append({"id": iid, "kind": "video", "split": split, "concept": concept_key(c),
                          "caption": caption(c), "attributes": attributes(c),
                          "files": {"video": f"video/{iid}.webm", "frames_strip": f"video/{iid}_frames.png"}})
    # omni items: visual (image or video) + narration (speech) + title, with fields dropped
    patterns = [("visual", "audio", "title"), ("visual", "title"), ("visual", "audio"), ("audio", "title"),
                ("visual",), ("visual", "title"), ("visual", "audio", "title")]
    omni_pool = pick([c for c in train_c if c[0] != "digit"], 24) + pick(digits_seen, 6)
    for j, c in enumerate(omni_pool):
        i = len(items)
        iid = f"omni{i:03d}"
        fields = patterns[j % len(patterns)]
        it = {"id": iid, "kind": "omni", "split": "heldout", "concept": concept_key(c), "caption": caption(c),
              "attributes": attributes(c), "files": {}, "fields": list(fields)}
        if "visual" in fields:
            if c[0] == "motion":
                fr = render_motion(c, hr)
                save_png(np.concatenate(list(fr), axis=1), os.path.join(HELD, "video", iid + "_frames.png"))
                write_webm(fr, os.path.join(HELD, "video", iid + ".webm"))
                it["files"]["video"] = f"video/{iid}.webm"
                it["files"]["frames_strip"] = f"video/{iid}_frames.png"
            else:
                save_png(render_image(c, hr, train=False), os.path.join(HELD, "images", iid + ".png"))
                it["files"]["image"] = f"images/{iid}.png"
        if "audio" in fields:
            t = spoken_caption(c, hr)
            v, sp, pi = voice_params(hr)
            held_jobs.append((t, v, sp, pi, os.path.join(HELD, "audio", iid + ".wav")))
            it["files"]["audio"] = f"audio/{iid}.wav"
            it["spoken_text"] = t
        if "title" in fields:
            it["title"] = title(c, hr)
        items.append(it)

    print("speech jobs", len(jobs) + len(held_jobs), flush=True)
    with Pool(2) as p:
        res = p.map(speak, jobs + held_jobs, chunksize=16)
    mels = np.stack([r[0] for r in res[: len(jobs)]])
    durs = [r[1] / SR for r in res]
    print("speech durations: min %.2f max %.2f s" % (min(durs), max(durs)), flush=True)
    assert max(durs) < 10.0

    np.savez(os.path.join(CACHE, "train.npz"), images=np.stack(imgs), image_c=np.array(img_c),
             videos=np.stack(vids), video_c=np.array(vid_c), mels=mels, audio_c=np.array(aud_c),
             audio_text=np.array(aud_t))
    with open(os.path.join(CACHE, "concepts.json"), "w") as f:
        json.dump([list(c) for c in concepts], f)
    index = {
        "description": "omni-tiny held-out set. split=heldout: new samples (renderings, voices) of attribute "
                       "combinations seen in training; split=unseen: colour/shape (or colour/digit) combinations "
                       "never seen in training in any modality. Images 64x64 RGB PNG; audio 16 kHz mono 16-bit WAV "
                       "(spoken caption, espeak-ng); video 8 frames at 8 fps as VP9 WebM plus the same frames as a "
                       "horizontal 512x64 PNG strip (frame i at x=64*i). image items carry a second rendering "
                       "(image_alt) of the same concept for image->image retrieval.",
        "seed": SEED,
        "instructions": INSTRUCTIONS,
        "unseen_pairs": [list(p) for p in UNSEEN_PAIRS] + [list(p) for p in UNSEEN_DIGITS],
        "items": items,
    }
    with open(os.path.join(HELD, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print("held-out items", len(items))


if __name__ == "__main__":
    main()

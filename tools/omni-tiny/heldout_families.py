"""Held-out *families* for omni-tiny: renderings along axes that training never saw (issue #14).

Usage: /usr/bin/python3 tools/omni-tiny/heldout_families.py [--out DIR] [--draws N]
Writes DIR (default data/heldout-families/, git-ignored, regenerated on demand: about 8 MB of WAV would
otherwise be committed) with images/, video/, audio/ and index.json. Seeded: the same command gives the same
files. `node tools/omni-tiny/eval_families.mjs` runs it when the folder is missing.

Every family uses the SAME concept pool (seen colour/shape/digit/direction combinations, no new words), so
rows differ only in how the media were made. Each modality also gets a control family made by the training
renderer itself, drawn from the same pool, so a drop is visibly the family's and not the pool's.
The format families (appended last) are files as an app gets them: a photo-sized JPEG, a 30 fps 160x120 WebM,
44.1/48 kHz WAV; eval_families_sdk.mjs runs them through the SDK's decoders.
White objects are left out of the pool: a white shape on a white canvas is invisible, and a row that fails
on invisible objects would measure nothing about the model.
"""
import argparse
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import COLOURS, SEED, SR, all_concepts, attributes, caption, concept_key, is_unseen, spoken_caption  # noqa
import synth  # the training renderer (control rows) and its shape geometry
import synth_v2
from speech_v2 import add_noise

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
S = synth.S

# skimage's bundled images: textures (repetitive, high-frequency) and photos (objects, smooth regions)
TEXTURES = ["brick.png", "grass.png", "gravel.png"]
PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "hubble_deep_field.jpg"]
# training's photo backgrounds come from skimage too (synth_v2.EXTRA_PHOTOS): none may be one of these
assert not set(synth_v2.EXTRA_PHOTOS) & set(PHOTOS + TEXTURES), "a held-out family's picture is in training"
# espeak-ng voices and speeds that training never used (synth.VOICES, speed 125-195, pitch 25-75)
NEW_ESPEAK = ["en-us-nyc", "en-gb-x-gbcwmd", "en+klatt", "en-us+f4", "en-gb+m7"]
FLITE = ["slt", "awb", "rms", "kal16", "kal"]


def skimage_dir():
    import skimage
    return os.path.join(os.path.dirname(skimage.__file__), "data")


_PIC = {}


def picture(name):
    if name not in _PIC:
        im = Image.open(os.path.join(skimage_dir(), name)).convert("RGB")
        # shrink so that a 64x64 crop holds a recognisable part of the scene, not a few blurred pixels
        k = 160 / min(im.size)
        _PIC[name] = np.asarray(im.resize((round(im.size[0] * k), round(im.size[1] * k)), Image.LANCZOS), np.float32)
    return _PIC[name]


def crop(name, rng, w=S, h=S):
    p = picture(name)
    y, x = int(rng.integers(0, p.shape[0] - h + 1)), int(rng.integers(0, p.shape[1] - w + 1))
    return p[y:y + h, x:x + w].copy()


def bg_flat(rng, lo, hi, w=S, h=S):
    base = rng.integers(lo, hi + 1, size=3).astype(np.float32)
    return np.ones((h, w, 3), np.float32) * base + rng.normal(0, 3, size=(h, w, 3))


def bg_gradient(rng, w=S, h=S):
    a, b = rng.integers(0, 256, size=3), rng.integers(0, 256, size=3)
    t = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xx - w / 2) * math.cos(t) + (yy - h / 2) * math.sin(t)
    u = (u - u.min()) / max(1e-6, u.max() - u.min())
    return a[None, None, :] * (1 - u[..., None]) + b[None, None, :] * u[..., None]


def shape_mask(shape, cx, cy, r, w, h, ss=synth.SS, outline=0.0):
    """Coverage mask in [0,1]. ss=1 is PIL's aliased rasteriser; outline>0 draws only a stroke that wide."""
    m = Image.new("L", (w * ss, h * ss), 0)
    d = ImageDraw.Draw(m)
    X, Y, R, lw = cx * ss, cy * ss, r * ss, max(1, round(outline * ss))
    kw = {"outline": 255, "width": lw} if outline else {"fill": 255}
    if shape == "circle":
        d.ellipse([X - R, Y - R, X + R, Y + R], **kw)
    elif shape == "square":
        q = R * 0.85
        d.rectangle([X - q, Y - q, X + q, Y + q], **kw)
    elif shape == "cross":
        v = R * 0.33
        pts = [(X - v, Y - R), (X + v, Y - R), (X + v, Y - v), (X + R, Y - v), (X + R, Y + v), (X + v, Y + v),
               (X + v, Y + R), (X - v, Y + R), (X - v, Y + v), (X - R, Y + v), (X - R, Y - v), (X - v, Y - v)]
    else:
        pts = synth.shape_poly(shape, X, Y, R)
    if shape not in ("circle", "square"):
        if outline:
            d.line(pts + [pts[0]], fill=255, width=lw, joint="curve")
        else:
            d.polygon(pts, fill=255)
    if ss > 1:
        m = m.resize((w, h), Image.LANCZOS)
    return np.asarray(m, np.float32) / 255.0


def compose(bg, mask, colour):
    a = mask[..., None]
    out = bg * (1 - a) + np.array(colour, np.float32)[None, None, :] * a
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def shape_geom(concept, rng, scale=1.0):
    _, c, s, z, p = concept
    cx, cy = synth.POS_XY[p]
    cx, cy = (cx + rng.uniform(-3, 3)) * scale, (cy + rng.uniform(-3, 3)) * scale
    r = ((6.0 if z == "small" else 12.0) + rng.uniform(-1, 1)) * scale
    return s, cx, cy, r, synth.jitter_colour(COLOURS[c], rng)


def digit_mask(concept, rng):
    """A held-out sklearn handwritten digit, placed as synth.render_digit places it."""
    _, _, d = concept
    cand = np.nonzero(synth.DIGITS.target[synth.N_DIGIT_TRAIN:] == d)[0] + synth.N_DIGIT_TRAIN
    g = synth.DIGITS.images[cand[rng.integers(len(cand))]] / 16.0
    sz = int(rng.integers(30, 41))
    gi = np.asarray(Image.fromarray((g * 255).astype(np.uint8)).resize((sz, sz), Image.BILINEAR), np.float32) / 255
    a = np.zeros((S, S), np.float32)
    ox = int(np.clip(round((S - sz) / 2 + rng.uniform(-4, 4)), 0, S - sz))
    oy = int(np.clip(round((S - sz) / 2 + rng.uniform(-4, 4)), 0, S - sz))
    a[oy:oy + sz, ox:ox + sz] = gi
    return a


# ---------------------------------------------------------------- image families: name -> (description, render)
def on_background(bg_fn):
    def render(concept, rng):
        bg = bg_fn(rng)
        if concept[0] == "digit":
            return compose(bg, digit_mask(concept, rng), synth.jitter_colour(COLOURS[concept[1]], rng))
        s, cx, cy, r, col = shape_geom(concept, rng)
        return compose(bg, shape_mask(s, cx, cy, r, S, S), col)
    return render


def outlined(concept, rng):
    s, cx, cy, r, col = shape_geom(concept, rng)
    return compose(synth.background(rng), shape_mask(s, cx, cy, r, S, S, outline=rng.uniform(1.5, 3.0)), col)


def aliased_128(concept, rng):
    # a page's <canvas> without anti-aliasing at twice the model's size; the processor resizes it (bicubic)
    s, cx, cy, r, col = shape_geom(concept, rng, scale=2.0)
    return compose(bg_flat(rng, 0, 50, 128, 128), shape_mask(s, cx, cy, r, 128, 128, ss=1), col)


def canvas_3x2(concept, rng):
    # 144x96 canvas (3:2): the processor resizes the short side to 64 and centre-crops, so the scene is laid
    # out in the central 96x96 square and the side margins are background the crop throws away
    s, cx, cy, r, col = shape_geom(concept, rng, scale=1.5)
    bg = bg_flat(rng, 0, 50, 144, 96)
    return compose(bg, shape_mask(s, cx + 24, cy, r, 144, 96), col)


def blurred_jpeg(concept, rng):
    img = Image.fromarray(on_background(lambda r: synth.background(r))(concept, rng)).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.8, 1.4)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(35, 60)))
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


IMAGE_FAMILIES = {
    "control: training renderer (dark)": (True, lambda c, rng: synth.render_image(c, rng, train=False)),
    "white background": (True, on_background(lambda rng: bg_flat(rng, 235, 255))),
    "light-grey background": (True, on_background(lambda rng: bg_flat(rng, 150, 215))),
    "gradient background": (True, on_background(bg_gradient)),
    "texture background (skimage brick/grass/gravel)": (True, on_background(lambda rng: crop(TEXTURES[rng.integers(3)], rng))),
    "photo background (skimage photos)": (True, on_background(lambda rng: crop(PHOTOS[rng.integers(len(PHOTOS))], rng))),
    "outlined shapes (dark)": (False, outlined),
    "aliased rasteriser, 128×128 canvas": (False, aliased_128),
    "3:2 canvas 144×96": (False, canvas_3x2),
    "blur + JPEG q35–60 (dark)": (True, blurred_jpeg),
}


# digits typeset in fonts (training has only the sklearn handwritten 8x8 digits); fonts-dejavu-core
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Oblique.ttf"]


def font_digit(concept, rng):
    _, c, d = concept
    font = ImageFont.truetype(os.path.join(FONT_DIR, FONTS[rng.integers(len(FONTS))]), int(rng.integers(34, 47)) * synth.SS)
    m = Image.new("L", (S * synth.SS, S * synth.SS), 0)
    dr = ImageDraw.Draw(m)
    x0, y0, x1, y1 = dr.textbbox((0, 0), str(d), font=font)
    ox = (S * synth.SS - (x1 - x0)) / 2 - x0 + rng.uniform(-4, 4) * synth.SS
    oy = (S * synth.SS - (y1 - y0)) / 2 - y0 + rng.uniform(-4, 4) * synth.SS
    dr.text((ox, oy), str(d), fill=255, font=font)
    mask = np.asarray(m.resize((S, S), Image.LANCZOS), np.float32) / 255.0
    return compose(synth.background(rng), mask, synth.jitter_colour(COLOURS[c], rng))


# ---------------------------------------------------------------- video families
def trajectory(concept, rng):
    """synth.render_motion's draws, in its order: radius, travel, start, the fixed coordinate, colour."""
    r = 8.0 + rng.uniform(-1, 1.5)
    travel = rng.uniform(28, 36)
    start = rng.uniform(32 - travel / 2 - 2, 32 - travel / 2 + 2)
    other = rng.uniform(16, 48)
    return r, travel, start, other, synth.jitter_colour(COLOURS[concept[1]], rng)


def motion(concept, rng, bg):
    """synth.render_motion's trajectory on a caller-chosen background."""
    _, _, s, d = concept
    r, travel, start, other, col = trajectory(concept, rng)
    frames = []
    for t in range(8):
        u = start + travel * t / 7
        cx, cy = {"right": (u, other), "left": (64 - u, other), "down": (other, u), "up": (other, 64 - u)}[d]
        frames.append(compose(bg, shape_mask(s, cx, cy, r, S, S), col))
    return np.stack(frames)


VIDEO_FAMILIES = {
    "control: training renderer (dark)": lambda c, rng: synth.render_motion(c, rng),
    "white background": lambda c, rng: motion(c, rng, bg_flat(rng, 235, 255)),
    "light-grey background": lambda c, rng: motion(c, rng, bg_flat(rng, 150, 215)),
}


# ---------------------------------------------------------------- speech families
def to_pcm(wav_bytes):
    # -D: no dither, so the files are the same on every run (see synth.speak)
    s = subprocess.run(["sox", "-t", "wav", "-", "-t", "wav", "-r", str(SR), "-c", "1", "-b", "16", "-D", "-"],
                       input=wav_bytes, check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(s)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


def espeak(text, voice, speed, pitch):
    return to_pcm(subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                                 check=True, capture_output=True).stdout)


def flite(text, voice):
    r = subprocess.run(["flite", "-voice", voice, "-t", text, "-o", "/dev/stdout"], check=True, capture_output=True)
    return to_pcm(r.stdout)


def train_voice(rng):
    return espeak_args(*synth.voice_params(rng))


def espeak_args(v, sp, pi):
    return ("espeak-ng", v, sp, pi)


AUDIO_FAMILIES = {
    "control: espeak-ng training voices": lambda t, rng: train_voice(rng),
    "espeak-ng + white noise 25 dB SNR": lambda t, rng: train_voice(rng) + (25,),
    "espeak-ng + white noise 15 dB SNR": lambda t, rng: train_voice(rng) + (15,),
    "espeak-ng voices/speeds not in training": lambda t, rng: espeak_args(
        NEW_ESPEAK[rng.integers(len(NEW_ESPEAK))], int(rng.choice([100, 110, 210, 230])), int(rng.integers(10, 90))),
    "flite (TTS engine not in training)": lambda t, rng: ("flite", FLITE[rng.integers(len(FLITE))]),
}


def synthesise(spec, text, rng):
    pcm = espeak(text, *spec[1:4]) if spec[0] == "espeak-ng" else flite(text, spec[1])
    if spec[0] == "espeak-ng" and len(spec) == 5:
        pcm = add_noise(pcm, spec[4], rng)
    return pcm


def write_wav(pcm, path, rate=SR):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


# ---------------------------------------------------------------- format families: files as a user has them
# The families above are 64x64 PNGs, 8-frame strips and 16 kHz WAV, the model's own sizes and rate. These are
# the same concepts as the files an app is handed: a photo-sized JPEG, a 30 fps non-square WebM, 44.1/48 kHz
# WAV. They only mean something through a decoder and a processor (the SDK's; eval_families_sdk.mjs).
PHOTO_W, PHOTO_H = 480, 360
CLIP_W, CLIP_H, CLIP_FPS, CLIP_SECONDS = 160, 120, 30, 2


def photo_jpeg(concept, rng):
    """480x360 JPEG q80-92 on a light background. The 64x64 layout is scaled into the central 360x360 square,
    which is what a shortest-edge resize + centre crop keeps, so positions keep their meaning."""
    k, ox = PHOTO_H / S, (PHOTO_W - PHOTO_H) // 2
    bg = bg_flat(rng, 180, 235, PHOTO_W, PHOTO_H)
    if concept[0] == "digit":
        col = synth.jitter_colour(COLOURS[concept[1]], rng)
        m = Image.fromarray(np.round(digit_mask(concept, rng) * 255).astype(np.uint8)).resize((PHOTO_H, PHOTO_H), Image.BICUBIC)
        mask = np.zeros((PHOTO_H, PHOTO_W), np.float32)
        mask[:, ox:ox + PHOTO_H] = np.asarray(m, np.float32) / 255.0
    else:
        s, cx, cy, r, col = shape_geom(concept, rng, scale=k)
        mask = shape_mask(s, cx + ox, cy, r, PHOTO_W, PHOTO_H)
    return compose(bg, mask, col), int(rng.integers(80, 93))


def clip_frames(concept, rng):
    """synth.render_motion's trajectory as CLIP_SECONDS of CLIP_FPS frames at CLIP_W x CLIP_H on the training
    renderer's dark background (layout in the central square, as photo_jpeg). The motion is continuous and
    timed so that the frames a player shows at (i + 0.5) / 8 of the clip, where the SDK seeks, are where the
    8 training frames are; the first and last half step extrapolate the same line."""
    _, _, s, d = concept
    r, travel, start, other, col = trajectory(concept, rng)
    bg = bg_flat(rng, 0, 49, CLIP_W, CLIP_H)
    k, ox = CLIP_H / S, (CLIP_W - CLIP_H) / 2
    n = CLIP_FPS * CLIP_SECONDS
    frames = []
    for f in range(n):
        u = start + travel * (8 * f / n - 0.5) / 7
        cx, cy = {"right": (u, other), "left": (64 - u, other), "down": (other, u), "up": (other, 64 - u)}[d]
        frames.append(compose(bg, shape_mask(s, cx * k + ox, cy * k, r * k, CLIP_W, CLIP_H), col))
    return frames


def write_clip(frames, path):
    # VP9 at a user's quality (crf 32, a keyframe every 2 s); one thread and bitexact so reruns give the same bytes
    with tempfile.TemporaryDirectory() as td:
        for i, f in enumerate(frames):
            Image.fromarray(f).save(os.path.join(td, f"f{i:03d}.png"))
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-framerate", str(CLIP_FPS), "-i", os.path.join(td, "f%03d.png"),
                        "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p", "-crf", "32", "-b:v", "0", "-g", "60", "-threads", "1",
                        "-metadata", "creation_time=1970-01-01T00:00:00Z", "-fflags", "+bitexact", path], check=True)


def espeak_at(text, voice, speed, pitch, rate):
    """espeak-ng's own 22.05 kHz output resampled once, straight to `rate` (sox, no dither)."""
    raw = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                         check=True, capture_output=True).stdout
    s = subprocess.run(["sox", "-t", "wav", "-", "-t", "wav", "-r", str(rate), "-c", "1", "-b", "16", "-D", "-"],
                       input=raw, check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(s)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


# Axes that synth.py --v2 trains on (flat backgrounds of any brightness, gradients, outlines, blur/JPEG,
# 10-40 dB noise): for a v2 model these families are new renderings of trained axes, not held out. The rest
# (skimage textures and PHOTOS, the aliased 128x128 rasteriser, the 3:2 canvas, DejaVu fonts, flite, the
# NEW_ESPEAK voices) are in no training set, nor are the format families' file sizes, frame rate and sample
# rates; the controls are the v1 renderer itself.
V2_TRAINS_AXIS = {"white background", "light-grey background", "gradient background", "outlined shapes (dark)",
                  "blur + JPEG q35–60 (dark)", "espeak-ng + white noise 25 dB SNR", "espeak-ng + white noise 15 dB SNR"}


def trains_axis(kind, fam):
    """Whether synth.py --v2 trains the axis this family varies (videos: any flat background does)."""
    if fam.startswith("control"):
        return True
    return fam in V2_TRAINS_AXIS or (kind == "video" and "background" in fam)


# ---------------------------------------------------------------- main
# Each family is rendered DRAWS times. Draw 0 is the original set, its files byte-identical to before; draws 1+
# come from their own generator, each with its own concept picks and a gallery of the same size and makeup, so
# scoring.familyRow keeps retrieval within a draw (R@1 means what it meant with one draw) and pools the ranks and
# probes over all of them: 10-item digit and 30-item speech rows moved by a whole item between seeds (trial 11).
DRAWS = 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "heldout-families"))
    ap.add_argument("--draws", type=int, default=DRAWS)
    a = ap.parse_args()
    out = a.out
    for sub in ("images", "video", "audio"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    items, families = [], []
    extra = np.random.default_rng(SEED + 17)
    for draw in range(a.draws):
        # draw 0 keeps its three generators in their old order; later draws share one
        rngs = (np.random.default_rng(SEED + 14), lambda: np.random.default_rng(SEED + 15),
                lambda: np.random.default_rng(SEED + 16)) if draw == 0 else (extra, lambda: extra, lambda: extra)
        render_draw(out, draw, rngs, items, families if draw == 0 else [])
    index = {"description": "omni-tiny held-out families (tools/omni-tiny/heldout_families.py): the same seen "
                            "concepts rendered along axes training never saw. Regenerated on demand, not committed.",
             "seed": SEED + 14, "draws": a.draws, "families": families, "items": items}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print(f"{len(items)} items in {len(families)} families, {a.draws} draws -> {out}")


def render_draw(out, draw, rngs, items, families):
    """One draw of every family, appended to items (and, for draw 0, the family list)."""
    rng, make_drng, make_frng = rngs
    seen = [c for c in all_concepts() if not is_unseen(c) and c[1] != "white"]

    def pick(kind, n, r):
        pool = [c for c in seen if c[0] == kind]
        return [pool[i] for i in sorted(r.choice(len(pool), size=n, replace=False))]

    shapes, digits, motions, spoken = pick("shape", 40, rng), pick("digit", 10, rng), pick("motion", 30, rng), pick("shape", 30, rng)

    def family(kind, fam):
        families.append({"kind": kind, "name": fam, "v2_trains_axis": trains_axis(kind, fam)})

    def item(kind, fam, c, files, **extra):
        items.append({"id": f"{kind[:3]}{len(items):04d}", "kind": kind, "family": fam, "concept": concept_key(c),
                      "caption": caption(c), "attributes": attributes(c), "files": files, "draw": draw, **extra})

    for fi, (fam, (with_digits, render)) in enumerate(IMAGE_FAMILIES.items()):
        family("image", fam)
        for c in shapes + (digits if with_digits else []):
            f = f"images/f{fi}_{len(items):04d}.png"
            Image.fromarray(render(c, rng)).save(os.path.join(out, f), optimize=True)
            item("image", fam, c, {"image": f})
    for fi, (fam, render) in enumerate(VIDEO_FAMILIES.items()):
        family("video", fam)
        for c in motions:
            f = f"video/f{fi}_{len(items):04d}_frames.png"
            Image.fromarray(np.concatenate(list(render(c, rng)), axis=1)).save(os.path.join(out, f), optimize=True)
            item("video", fam, c, {"frames_strip": f})
    for fi, (fam, voice) in enumerate(AUDIO_FAMILIES.items()):
        family("audio", fam)
        for c in spoken:
            text = spoken_caption(c, rng)
            spec = voice(text, rng)
            pcm = synthesise(spec, text, rng)
            assert len(pcm) / SR < 10.0, (text, spec)
            f = f"audio/f{fi}_{len(items):04d}.wav"
            write_wav(pcm, os.path.join(out, f))
            item("audio", fam, c, {"audio": f}, spoken_text=text, voice=list(spec))
    # Digit families last, with their own generator, so that adding them left every file above unchanged.
    drng = make_drng()
    pool = [c for c in seen if c[0] == "digit"]
    many_digits = [pool[i] for i in sorted(drng.choice(len(pool), size=30, replace=False))]
    for fi, (fam, render) in enumerate({
        "control: training renderer, digits only": lambda c, r: synth.render_image(c, r, train=False),
        "digits typeset in DejaVu fonts (dark)": font_digit,
    }.items()):
        family("image", fam)
        for c in many_digits:
            f = f"images/d{fi}_{len(items):04d}.png"
            Image.fromarray(render(c, drng)).save(os.path.join(out, f), optimize=True)
            item("image", fam, c, {"image": f})
    # Format families last, with their own generator, so every file above stays byte-identical. Same pools.
    frng = make_frng()
    fam = "photo-sized JPEG 480×360 q80–92 (light)"
    family("image", fam)
    for c in shapes + digits:
        img, q = photo_jpeg(c, frng)
        f = f"images/p0_{len(items):04d}.jpg"
        Image.fromarray(img).save(os.path.join(out, f), "JPEG", quality=q)
        item("image", fam, c, {"image": f})
    fam = "WebM VP9 30 fps 160×120 (dark)"
    family("video", fam)
    for c in motions:
        frames = clip_frames(c, frng)
        f = f"video/w0_{len(items):04d}"
        write_clip(frames, os.path.join(out, f + ".webm"))
        # onnxruntime has no video decoder: the node eval reads the frames the SDK's seeks land on, pre-codec
        n = len(frames)
        strip = [frames[(2 * i + 1) * n // 16] for i in range(8)]
        Image.fromarray(np.concatenate(strip, axis=1)).save(os.path.join(out, f + "_frames.png"), optimize=True)
        item("video", fam, c, {"video": f + ".webm", "frames_strip": f + "_frames.png"})
    # the control family's own texts and voices, so these rows differ from it in the sample rate alone
    control = [i for i in items if i["kind"] == "audio" and i["draw"] == draw and i["family"] == next(iter(AUDIO_FAMILIES))]
    for fi, rate in enumerate((44100, 48000)):
        fam = f"espeak-ng training voices, WAV at {rate / 1000:g} kHz"
        family("audio", fam)
        for c, ctl in zip(spoken, control):
            assert ctl["concept"] == concept_key(c), (ctl["concept"], c)
            pcm = espeak_at(ctl["spoken_text"], *ctl["voice"][1:4], rate)
            f = f"audio/r{fi}_{len(items):04d}.wav"
            write_wav(pcm, os.path.join(out, f), rate)
            item("audio", fam, c, {"audio": f}, spoken_text=ctl["spoken_text"], voice=ctl["voice"], sample_rate=rate)


if __name__ == "__main__":
    main()

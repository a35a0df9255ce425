"""Shared definitions for omni-tiny: vocabulary of concepts, captions, tokenizer, log-mel."""
import re
import numpy as np

SEED = 1234

COLOURS = {
    "red": (220, 40, 40), "green": (40, 190, 60), "blue": (50, 90, 230), "yellow": (235, 220, 40),
    "purple": (150, 60, 200), "orange": (245, 140, 30), "cyan": (40, 210, 220), "white": (240, 240, 240),
}
SHAPES = ["circle", "square", "triangle", "star", "diamond", "cross"]
SIZES = ["small", "large"]
POSITIONS = ["top left", "top right", "bottom left", "bottom right", "center"]
DIRECTIONS = ["left", "right", "up", "down"]
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# (colour, shape) pairs never seen in training, in any modality (images, videos, speech, text)
UNSEEN_PAIRS = [("red", "star"), ("green", "triangle"), ("blue", "cross"), ("yellow", "circle"),
                ("purple", "square"), ("orange", "diamond")]
# (colour, digit) pairs never seen in training
UNSEEN_DIGITS = [("red", 3), ("green", 7), ("blue", 1), ("white", 5)]

INSTRUCTIONS = {
    "query": "find the item that matches:",
    "target": "represent this item:",
}

SIZE_SYN = {"small": ["small", "little", "tiny"], "large": ["large", "big", "huge"]}
DIR_SYN = {"left": ["left", "to the left"], "right": ["right", "to the right"],
           "up": ["up", "upward"], "down": ["down", "downward"]}


def all_concepts():
    cs = []
    for c in COLOURS:
        for s in SHAPES:
            for z in SIZES:
                for p in POSITIONS:
                    cs.append(("shape", c, s, z, p))
    for c in COLOURS:
        for d in range(10):
            cs.append(("digit", c, d))
    for c in COLOURS:
        for s in SHAPES:
            for d in DIRECTIONS:
                cs.append(("motion", c, s, d))
    return cs


def is_unseen(concept):
    if concept[0] in ("shape", "motion"):
        return (concept[1], concept[2]) in UNSEEN_PAIRS
    return (concept[1], concept[2]) in UNSEEN_DIGITS


def concept_key(concept):
    return "|".join(str(x) for x in concept)


def attributes(concept):
    if concept[0] == "shape":
        return {"type": "shape", "colour": concept[1], "shape": concept[2], "size": concept[3], "position": concept[4]}
    if concept[0] == "digit":
        return {"type": "digit", "colour": concept[1], "digit": concept[2]}
    return {"type": "motion", "colour": concept[1], "shape": concept[2], "direction": concept[3]}


def caption(concept, rng=None, k=None):
    """Caption of a concept. k=0 (or rng None) gives the canonical phrasing."""
    if rng is None and k is None:
        k = 0
    if concept[0] == "shape":
        _, c, s, z, p = concept
        zz = z if (k == 0 or rng is None) else SIZE_SYN[z][rng.integers(len(SIZE_SYN[z]))]
        forms = [
            f"a {zz} {c} {s} in the {p}",
            f"{zz} {c} {s} at the {p}",
            f"a {c} {s}, {zz}, {p}",
            f"{p}: a {zz} {c} {s}",
            f"there is a {zz} {c} {s} in the {p} corner" if p != "center" else f"there is a {zz} {c} {s} in the middle",
            f"picture of a {zz} {c} {s} placed {p}",
        ]
    elif concept[0] == "digit":
        _, c, d = concept
        forms = [
            f"a {c} handwritten digit {d}",
            f"the number {DIGIT_WORDS[d]} written in {c}",
            f"{c} digit {DIGIT_WORDS[d]}",
            f"a handwritten {d} in {c}",
            f"the digit {d}, {c}",
        ]
    else:
        _, c, s, d = concept
        dd = d if (k == 0 or rng is None) else DIR_SYN[d][rng.integers(len(DIR_SYN[d]))]
        forms = [
            f"a {c} {s} moving {d}",
            f"{c} {s} going {dd}",
            f"a video of a {c} {s} sliding {dd}",
            f"a {s}, {c}, moves {dd}",
            f"clip: {c} {s} travelling {dd}",
        ]
    if k is None:
        k = int(rng.integers(len(forms)))
    return forms[k % len(forms)]


def spoken_caption(concept, rng):
    """Speech uses the first three, plain phrasings."""
    return caption(concept, rng, k=int(rng.integers(3)))


def title(concept, rng):
    """Short partial title for omni items: a random subset of attributes (never all)."""
    a = attributes(concept)
    if a["type"] == "shape":
        opts = [f"{a['colour']} {a['shape']}", f"{a['shape']}", f"{a['colour']} thing", f"{a['size']} {a['shape']}",
                f"{a['shape']} {a['position']}"]
    elif a["type"] == "digit":
        opts = [f"digit {a['digit']}", f"{a['colour']} number", f"number {DIGIT_WORDS[a['digit']]}"]
    else:
        opts = [f"{a['colour']} {a['shape']}", f"{a['shape']} animation", f"moving {a['direction']}",
                f"{a['colour']} motion"]
    return opts[int(rng.integers(len(opts)))]


# ---------------------------------------------------------------- tokenizer (WordPiece, lowercase)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_LEN = 32


def pre_tokenize(text):
    # BertNormalizer(lowercase) + BertPreTokenizer: split on whitespace, each punctuation char alone
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text.lower())


def build_vocab(texts):
    words = set()
    for t in texts:
        words.update(pre_tokenize(t))
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789")
    vocab = list(SPECIALS)
    for w in sorted(words):
        if w not in vocab:
            vocab.append(w)
    for ch in chars + list(".,:;!?'\"-()"):
        if ch not in vocab:
            vocab.append(ch)
    for ch in chars:
        vocab.append("##" + ch)
    return vocab


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab
        self.ids = {w: i for i, w in enumerate(vocab)}

    def encode_word(self, w):
        if w in self.ids:
            return [self.ids[w]]
        out, start = [], 0
        while start < len(w):
            end, cur = len(w), None
            while start < end:
                sub = w[start:end] if start == 0 else "##" + w[start:end]
                if sub in self.ids:
                    cur = self.ids[sub]
                    break
                end -= 1
            if cur is None:
                return [self.ids["[UNK]"]]
            out.append(cur)
            start = end
        return out

    def encode(self, text, max_len=MAX_LEN):
        ids = [self.ids["[CLS]"]]
        for w in pre_tokenize(text):
            ids += self.encode_word(w)
        ids = ids[: max_len - 1] + [self.ids["[SEP]"]]
        return ids

    def batch(self, texts, max_len=MAX_LEN):
        enc = [self.encode(t, max_len) for t in texts]
        T = max(len(e) for e in enc)
        ids = np.zeros((len(enc), T), np.int64)
        mask = np.zeros((len(enc), T), np.int64)
        for i, e in enumerate(enc):
            ids[i, : len(e)] = e
            mask[i, : len(e)] = 1
        return ids, mask


def tokenizer_json(vocab):
    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": MAX_LEN, "strategy": "LongestFirst", "stride": 0},
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
             "special": True} for i, t in enumerate(SPECIALS)
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {w: i for i, w in enumerate(vocab)}},
    }


# ---------------------------------------------------------------- audio features (== transformers.js ClapFeatureExtractor)
SR = 16000
N_FFT = 400
HOP = 160
N_MELS = 64
FMIN = 50.0
FMAX = 8000.0
MAX_SAMPLES = SR * 10


def _hz_to_mel_slaney(f):
    f = np.asarray(f, np.float64)
    lin = 3.0 * f / 200.0
    log = 15.0 + np.log(np.maximum(f, 1e-12) / 1000.0) * (27.0 / np.log(6.4))
    return np.where(f >= 1000.0, log, lin)


def _mel_to_hz_slaney(m):
    m = np.asarray(m, np.float64)
    lin = 200.0 * m / 3.0
    log = 1000.0 * np.exp(np.log(6.4) / 27.0 * (m - 15.0))
    return np.where(m >= 15.0, log, lin)


def mel_filters():
    nbins = N_FFT // 2 + 1
    mel = np.linspace(_hz_to_mel_slaney(FMIN), _hz_to_mel_slaney(FMAX), N_MELS + 2)
    ff = _mel_to_hz_slaney(mel)
    fft_freqs = np.linspace(0, SR // 2, nbins)
    fdiff = np.diff(ff)
    slopes = ff[None, :] - fft_freqs[:, None]  # [bins, mels+2]
    down = -slopes[:, :-2] / fdiff[:-1]
    up = slopes[:, 2:] / fdiff[1:]
    fb = np.maximum(0, np.minimum(down, up)).T  # [mels, bins]
    enorm = 2.0 / (ff[2:N_MELS + 2] - ff[:N_MELS])
    return fb * enorm[:, None]


_FB = None
_WIN = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic hann


def repeatpad(wav):
    """transformers.js ClapFeatureExtractor 'repeatpad' semantics (whole copies, then zeros)."""
    wav = np.asarray(wav, np.float64)
    n = len(wav)
    if n >= MAX_SAMPLES:
        return wav[:MAX_SAMPLES]
    out = np.zeros(MAX_SAMPLES, np.float64)
    out[:n] = wav
    i = n
    while i < MAX_SAMPLES - n:
        out[i:i + n] = wav
        i += n
    return out


def log_mel(wav):
    """wav: float waveform at 16 kHz (<= 10 s). Returns [frames=1001, 64] float32 (dB)."""
    global _FB
    if _FB is None:
        _FB = mel_filters()
    x = repeatpad(wav)
    x = np.pad(x, (N_FFT // 2, N_FFT // 2), mode="reflect")
    nfr = 1 + (len(x) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(nfr)[:, None]
    fr = x[idx] * _WIN[None, :]
    spec = np.abs(np.fft.rfft(fr, n=N_FFT, axis=1)) ** 2  # [frames, bins]
    mel = spec @ _FB.T
    mel = np.maximum(mel, 1e-10)
    return (10.0 * np.log10(mel)).astype(np.float32)

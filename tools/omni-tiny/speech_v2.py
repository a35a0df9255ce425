"""The variation real speech has, for omni-tiny v2's training data (issue #14); used by synth.py --v2.

Two engines (espeak-ng and festival's ked voice) with many voices, speeds and pitches, white noise down to 10 dB
SNR and reverberation; optionally festival's accented voices (--accented-voices) and a randomised vocoder
(--vocoder-share, vocoder.py). Kept out on purpose (heldout_families.py's families): flite, a third engine whose
kal voices share a speaker database with festival's kal (which is why training uses ked), and the espeak-ng
voices in heldout_families.NEW_ESPEAK.
"""
import io
import math
import os
import subprocess
import tempfile
import wave

import numpy as np

import vocoder
from common import SR

# synth.py --accented-voices: festival's Italian, Czech, Finnish and Catalan voices reading the English captions
# with their own letter-to-sound rules. The shipped model hears them worse than flite (text->audio R@1 0.03-0.17
# against flite's 0.20-0.27, /tmp probe in the model card), so they are speakers and engines far from espeak-ng:
# the audio tower has to find the keywords past the voice. None shares a speaker with flite.
ACCENTED_VOICES = False
ACCENTED = ["lp_diphone", "pc_diphone", "czech_dita", "suo_fi_lj_diphone", "upc_ca_ona_hts"]

# --vocoder-share: that share of training speech is re-synthesised through a randomised LPC vocoder (vocoder.py).
# Trial 16 (0.35 with own-hue backgrounds, not shipped): flite's parametric voices awb 0.167 -> 0.389, rms 0.111 ->
# 0.267 (control captions, one gallery), the held-out espeak-ng voices 0.833 -> 0.711. Alone (trial 17, shipped as
# v2.4): flite 0.311 -> 0.578, held-out espeak-ng 0.833 -> 0.878
VOCODER_SHARE = 0.0
# --vocoder-parametric: the vocoded clips also get vocoder.draw_parametric's knobs (slow, broad formants, a treble
# shelf, higher F0)
VOCODER_PARAMETRIC = False


def voice_v2(rng, espeak_voices):
    """One speech job's engine, voice, speed, pitch, noise and reverb (everything picked from rng)."""
    engine = "festival" if rng.random() < (0.4 if ACCENTED_VOICES else 0.3) else "espeak-ng"
    if engine == "espeak-ng":
        voice = espeak_voices[int(rng.integers(len(espeak_voices)))]
    elif ACCENTED_VOICES and rng.random() < 0.5:
        voice = ACCENTED[int(rng.integers(len(ACCENTED)))]
    else:
        voice = "ked_diphone"
    job = {"engine": engine, "voice": voice, "speed": int(rng.integers(115, 206)), "pitch": int(rng.integers(15, 86)),
           "stretch": float(rng.uniform(0.8, 1.3)), "semitones": float(rng.uniform(-3, 3)),
           "snr": float(rng.uniform(10, 40)) if rng.random() < 0.5 else None,
           "reverb": int(rng.integers(20, 80)) if rng.random() < 0.3 else None,
           "noise_seed": int(rng.integers(2 ** 31))}
    if VOCODER_SHARE and rng.random() < VOCODER_SHARE:
        job["vocoder"] = vocoder.draw_params(rng)
        if VOCODER_PARAMETRIC:
            job["vocoder"].update(vocoder.draw_parametric(rng))
    return job


def synthesise(text, job):
    """16 kHz mono int16 PCM of text, spoken and post-processed as the job says."""
    if job["engine"] == "espeak-ng":
        raw = subprocess.run(["espeak-ng", "-v", job["voice"], "-s", str(job["speed"]), "-p", str(job["pitch"]),
                              "--stdout", text], check=True, capture_output=True).stdout
        effects = []
    else:
        # text2wave seeks in its output to write the header, so it gets a file, not a pipe
        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "s.wav")
            subprocess.run(["text2wave", "-o", out, "-eval", f"(voice_{job['voice']})", "-eval",
                            f"(Parameter.set 'Duration_Stretch {job['stretch']:.3f})"],
                           input=text.encode(), check=True, capture_output=True, timeout=60)
            raw = open(out, "rb").read()
        effects = ["pitch", f"{job['semitones'] * 100:.0f}"]
    if job["reverb"] is not None:
        effects += ["reverb", str(job["reverb"])]
    # -D: no dither, which is random and would make every rebuild differ; reverb adds a stereo tail: remix 1
    s = subprocess.run(["sox", "-D", "-t", "wav", "-", "-t", "wav", "-r", str(SR), "-c", "1", "-b", "16", "-",
                        *effects], input=raw, check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(s)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), np.int16)
    if job.get("vocoder"):
        pcm = vocoder.vocode(pcm, job["vocoder"], SR)
    if job["snr"] is not None:
        pcm = add_noise(pcm, job["snr"], np.random.default_rng(job["noise_seed"]))
    return pcm


def add_noise(pcm, snr_db, rng):
    """White Gaussian noise at snr_db relative to the power of the voiced samples (|x| above 1% of peak),
    so leading/trailing silence does not make the speech look quieter than it is."""
    x = pcm.astype(np.float64)
    voiced = x[np.abs(x) > 0.01 * np.abs(x).max()]
    p = np.mean(voiced ** 2)
    y = x + rng.normal(0, math.sqrt(p / 10 ** (snr_db / 10)), size=x.shape)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)

"""A randomised LPC vocoder for training speech (synth.py --vocoder-share): re-synthesise a clip from its own
spectral envelope with a pulse-train-or-noise excitation, the way a statistical-parametric TTS voice (flite's
slt, rms, awb) makes sound. trials/flite-diag found that axis: the training voices lose 0.18-0.27 of text->audio
R@1 through a fixed LPC vocoder, and flite's parametric voices sit at 0.00-0.18 against its diphone voices'
0.58-0.78. Every knob is drawn per clip, so the model meets a family of vocoders rather than one:
envelope order and frame, voicing threshold, breathiness, glottal tilt and a smoothed, flattened F0 contour
(parametric voices' pitch is smoother than a recording's).
"""
import warnings

import numpy as np
from scipy.linalg import solve_toeplitz
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, lfilter, medfilt


def draw_params(rng):
    return {"order": int(rng.integers(12, 25)), "hop": int(rng.choice([64, 80, 96, 128])),
            "win_hops": float(rng.uniform(3.0, 5.0)), "voicing": float(rng.uniform(0.25, 0.45)),
            "breath": float(rng.uniform(0.02, 0.3)), "tilt": float(rng.uniform(0.0, 0.95)),
            "f0_smooth": int(rng.choice([1, 3, 5, 7])), "f0_flatten": float(rng.uniform(0.0, 0.6)),
            "f0_scale": float(rng.uniform(0.85, 1.2)), "seed": int(rng.integers(2 ** 31))}


def draw_parametric(rng):
    """synth.py --vocoder-parametric: trial 18's guess at what else sets flite's slt apart (trials/parametric): a
    statistical-parametric voice's envelope is an average of many frames, so its formants move slowly (envelope
    averaged over up to 9 frames) and are broad (bandwidth expansion); slt's spectrum falls 11-13 dB further than
    the training voices' above 2 kHz (treble shelf); and it is a higher voice than ked (F0 up to x1.5). Drawn
    after draw_params, so the clips without it keep their draws. Trained on, it was learned but did not carry
    over: flite 0.578 -> 0.444, slt 0.17 -> 0.06 (not shipped)."""
    return {"env_smooth": int(rng.choice([1, 3, 5, 7, 9])), "bw_gamma": float(rng.uniform(0.9, 1.0)),
            "shelf_hz": float(rng.uniform(1200, 3500)), "shelf_db": float(rng.uniform(-18, 0)),
            "f0_scale": float(rng.uniform(0.85, 1.5))}


def _treble_shelf(x, rate, hz, db):
    """Gain 1 below hz, db above: the complement of a low-pass, scaled."""
    b, a = butter(2, hz / (rate / 2))
    low = lfilter(b, a, x)
    return low + 10 ** (db / 20) * (x - low)


def _frames(x, hop, win):
    """Hann-windowed frames centred on every hop."""
    padded = np.concatenate([np.zeros(win // 2), x, np.zeros(win)])
    idx = np.arange(0, len(x), hop)[:, None] + np.arange(win)[None, :]
    return padded[idx] * np.hanning(win)[None, :]


def _pitch(frames, rate, threshold):
    """Per frame: F0 in Hz from the autocorrelation peak between 60 and 400 Hz, or 0 where unvoiced."""
    n = frames.shape[1]
    spec = np.fft.rfft(frames, 2 * n)
    ac = np.fft.irfft(np.abs(spec) ** 2)[:, :n]
    lo, hi = rate // 400, min(rate // 60, n - 1)
    lag = lo + np.argmax(ac[:, lo:hi], axis=1)
    peak = ac[np.arange(len(lag)), lag]
    voiced = (ac[:, 0] > 1e-8) & (peak > threshold * ac[:, 0])
    return np.where(voiced, rate / lag, 0.0), ac


def _contour(f0, p):
    """Smooth and flatten the voiced F0 toward the clip's median, then shift it."""
    voiced = f0 > 0
    if not voiced.any():
        return f0
    med = np.median(f0[voiced])
    sm = f0.copy()
    if p["f0_smooth"] > 1:
        with warnings.catch_warnings():  # a clip with fewer voiced frames than the kernel is zero-padded: fine
            warnings.simplefilter("ignore", UserWarning)
            sm[voiced] = medfilt(f0[voiced], p["f0_smooth"])
    sm[voiced] = med * (sm[voiced] / med) ** (1.0 - p["f0_flatten"]) * p["f0_scale"]
    return sm


def vocode(pcm, p, rate=16000):
    """int16 PCM in, int16 PCM out at the input's peak level."""
    x = pcm.astype(np.float64) / 32768.0
    if np.abs(x).max() < 1e-6:
        return pcm
    hop, order = p["hop"], p["order"]
    win = int(hop * p["win_hops"])
    fr = _frames(x, hop, win)
    f0, ac = _pitch(fr, rate, p["voicing"])
    f0 = _contour(f0, p)
    rng = np.random.default_rng(p["seed"])
    n = len(fr) * hop
    # excitation: unit-power pulses at the per-sample F0 (phase accumulates across frames), tilted by a one-pole
    # low-pass as a glottal pulse is, plus breath noise; white noise in unvoiced frames
    f0s = np.repeat(f0, hop)
    phase = np.cumsum(f0s / rate)
    pulses = np.diff(np.floor(phase), prepend=0.0) * np.sqrt(rate / np.maximum(f0s, 1.0))
    g = p["tilt"]
    pulses = lfilter([1.0 - g], [1.0, -g], pulses) * np.sqrt((1.0 + g) / (1.0 - g))
    noise = rng.normal(size=n)
    voiced = f0s > 0
    exc = np.where(voiced, pulses + p["breath"] * noise, noise)
    if p.get("env_smooth", 1) > 1:
        ac = uniform_filter1d(ac[:, :order + 1], p["env_smooth"], axis=0, mode="nearest")
    bandwidth = p.get("bw_gamma", 1.0) ** np.arange(1, order + 1)
    out = np.zeros(n)
    state = np.zeros(order)
    for i in range(len(fr)):
        r = ac[i, :order + 1].copy()
        if r[0] < 1e-8:
            continue  # digital silence stays silent (the filter state carries on)
        r[0] *= 1.0001  # a little white-noise floor keeps the Toeplitz solve well-posed
        a = solve_toeplitz(r[:order], r[1:order + 1])
        gain = np.sqrt(max(r[0] - np.dot(a, r[1:order + 1]), 1e-12) / win)
        s = i * hop
        out[s:s + hop], state = lfilter([gain], np.concatenate([[1.0], -a * bandwidth]), exc[s:s + hop], zi=state)
    out = out[:len(x)]
    if "shelf_db" in p:
        out = _treble_shelf(out, rate, p["shelf_hz"], p["shelf_db"])
    out *= np.abs(x).max() / (np.abs(out).max() + 1e-9)
    return np.clip(np.round(out * 32767), -32768, 32767).astype(np.int16)

# A crude LPC vocoder: re-synthesise a WAV from its own 20-pole envelope (5 ms hops) with a pulse train at its
# autocorrelation pitch, or noise where unvoiced: the way a parametric TTS (flite's slt/rms/awb) makes sound,
# applied to voices the model was trained on. A diagnostic, not a training augmentation (yet).
# Usage: lpc_vocode.py IN OUT [IN OUT ...]
import sys
import wave

import numpy as np
from scipy.linalg import solve_toeplitz
from scipy.signal import lfilter

ORDER, HOP, WIN = 20, 80, 400


def read(path):
    with wave.open(path) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16) / 32768.0, w.getframerate()


def write(path, x, rate):
    y = np.clip(np.round(x / (np.abs(x).max() + 1e-9) * 0.8 * 32767), -32768, 32767).astype(np.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(y.tobytes())


def excitation(frame, rate, phase, rng):
    """HOP samples of pulses at the frame's autocorrelation period when it is voiced, white noise when not."""
    ac = np.correlate(frame, frame, "full")[WIN - 1:]
    lo, hi = rate // 400, rate // 60
    period = lo + int(np.argmax(ac[lo:hi]))
    if ac[period] <= 0.35 * ac[0]:
        return rng.normal(size=HOP), phase
    e = np.zeros(HOP)
    for j in range(HOP):
        phase += 1
        if phase >= period:
            e[j] = np.sqrt(period)  # unit power, as the noise has
            phase -= period
    return e + 0.05 * rng.normal(size=HOP), phase


def vocode(x, rate):
    rng = np.random.default_rng(0)  # seeded: the same WAV gives the same output
    padded = np.concatenate([x, np.zeros(WIN)])
    out = np.zeros(len(x) + WIN)
    state, phase, window = np.zeros(ORDER), 0.0, np.hanning(WIN)
    for s in range(0, len(x), HOP):
        frame = padded[s:s + WIN] * window
        r = np.correlate(frame, frame, "full")[WIN - 1:WIN + ORDER]
        if r[0] < 1e-8:
            continue  # digital silence stays silent (the filter state carries on)
        r[0] *= 1.0001  # a little white-noise floor keeps the Toeplitz solve well-posed
        a = solve_toeplitz(r[:ORDER], r[1:ORDER + 1])
        gain = np.sqrt(max(r[0] - np.dot(a, r[1:ORDER + 1]), 1e-12) / WIN)
        e, phase = excitation(frame, rate, phase, rng)
        out[s:s + HOP], state = lfilter([gain], np.concatenate([[1], -a]), e, zi=state)
    return out[:len(x)]


if __name__ == "__main__":
    for src, dst in zip(sys.argv[1::2], sys.argv[2::2]):
        x, rate = read(src)
        write(dst, vocode(x, rate), rate)

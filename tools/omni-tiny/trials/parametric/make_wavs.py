"""Trial 18's diagnostic sets, beside flite-diag's (make_wavs.sh writes DIR first):
<voice>_param: the control family's espeak-ng and ked clips through vocoder.draw_params + draw_parametric (what
trial 18 trains on), one draw per clip; slt_eq: flite's slt with 14 dB more around 3 kHz (its missing treble);
and the mean spectrum of each voice's active frames in octave-ish bands (dB, relative to the clip's mean power).
Usage: /usr/bin/python3 tools/omni-tiny/trials/parametric/make_wavs.py DIR
"""
import os
import subprocess
import sys
import wave

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import vocoder  # noqa: E402
from heldout_families import write_wav  # noqa: E402

BANDS_HZ = [(0, 250), (250, 500), (500, 1000), (1000, 2000), (2000, 4000), (4000, 6000), (6000, 8000)]


def read(path):
    with wave.open(path) as w:
        return np.frombuffer(w.readframes(w.getnframes()), np.int16)


def band_levels(paths):
    total = np.zeros(257)
    for p in paths:
        x = read(p).astype(float)
        fr = x[:len(x) // 512 * 512].reshape(-1, 512)
        e = (fr ** 2).mean(1)
        spec = np.abs(np.fft.rfft(fr[e > 0.01 * e.max()] * np.hanning(512), axis=1)) ** 2
        total += spec.mean(0) / spec.mean()
    db = 10 * np.log10(total / len(paths) + 1e-9)
    return [db[lo * 512 // 16000:hi * 512 // 16000 + (hi == 8000)].mean() for lo, hi in BANDS_HZ]


def main(d):
    rng = np.random.default_rng(7)
    for k in range(90):
        for voice in ("espeak", "ked"):
            p = vocoder.draw_params(rng)
            p.update(vocoder.draw_parametric(rng))
            write_wav(vocoder.vocode(read(f"{d}/{voice}_{k}.wav"), p), f"{d}/{voice}_param_{k}.wav")
        subprocess.run(["sox", "-D", f"{d}/flite-slt_{k}.wav", f"{d}/slt_eq_{k}.wav", "equalizer", "3000", "1.5o",
                        "+14", "norm", "-1"], check=True, capture_output=True)
    print("| voice | " + " | ".join(f"{lo}-{hi} Hz" for lo, hi in BANDS_HZ) + " |")
    print("|---|" + "---|" * len(BANDS_HZ))
    for voice in ("espeak", "ked", "flite-kal16", "flite-rms", "flite-slt", "espeak_param"):
        levels = band_levels([f"{d}/{voice}_{k}.wav" for k in range(90)])
        print(f"| {voice} | " + " | ".join(f"{v:.1f}" for v in levels) + " |")


if __name__ == "__main__":
    main(sys.argv[1])

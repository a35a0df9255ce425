// Seeded synthetic audio clips for benchmarks: the same samples in Node and in any page, so every
// library embeds exactly the same waveforms. Each clip mixes a few harmonic tones with a slow
// tremolo, a noise floor and short noise bursts: broadband enough that every mel bin carries
// energy (silence or one pure tone would leave most of the spectrogram at the −100 dB floor).

function rng(seed) {
  let s = seed % 2147483647 || 1;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647);
}

/** `n` clips of `seconds` at `sampleRate`, as Float32Array in [-1, 1]; clip i depends only on (seed, i). */
export function synthClips(n, { seconds = 10, sampleRate = 48000, seed = 4242 } = {}) {
  return Array.from({ length: n }, (_, i) => {
    const rnd = rng(seed * 1000 + i + 1);
    const len = Math.round(seconds * sampleRate);
    const out = new Float32Array(len);
    const tones = Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => ({
      f: 80 * 2 ** (rnd() * 6), // 80 Hz – 5 kHz
      a: 0.05 + rnd() * 0.15,
      trem: 0.2 + rnd() * 3,
      phase: rnd() * 2 * Math.PI,
    }));
    const burstEvery = Math.round(sampleRate * (0.3 + rnd()));
    const burstLen = Math.round(sampleRate * 0.05);
    for (let t = 0; t < len; t++) {
      const time = t / sampleRate;
      let v = (rnd() - 0.5) * 0.02;
      for (const { f, a, trem, phase } of tones) {
        const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * trem * time);
        // Two harmonics: a timbre, not a sine.
        v += a * env * (Math.sin(2 * Math.PI * f * time + phase) + 0.3 * Math.sin(4 * Math.PI * f * time + phase));
      }
      if (t % burstEvery < burstLen) v += (rnd() - 0.5) * 0.4;
      out[t] = Math.max(-1, Math.min(1, v));
    }
    return out;
  });
}

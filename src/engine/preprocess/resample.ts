// Sample-rate conversion for PCM the page hands over at a rate other than the model's.
// Blobs are decoded on the page straight to the model's rate by the browser; this path is for raw
// Float32Array input (e.g. from a microphone worklet). Windowed-sinc, low-passed at the lower
// Nyquist frequency so downsampling does not alias.

const HALF_TAPS = 16;

export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`invalid sample rates ${fromRate} → ${toRate}`);
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio); // relative to the source Nyquist
  const out = new Float32Array(Math.max(1, Math.round(samples.length * ratio)));
  for (let i = 0; i < out.length; i++) {
    const center = i / ratio;
    const first = Math.ceil(center - HALF_TAPS / cutoff);
    const last = Math.floor(center + HALF_TAPS / cutoff);
    let acc = 0, weights = 0;
    for (let j = Math.max(0, first); j <= Math.min(samples.length - 1, last); j++) {
      const t = (j - center) * cutoff;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * t) / HALF_TAPS); // Hann over ±HALF_TAPS
      const w = sinc * window;
      acc += samples[j]! * w;
      weights += w;
    }
    out[i] = weights !== 0 ? acc / weights : 0;
  }
  return out;
}

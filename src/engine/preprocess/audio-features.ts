// Log-mel features the way CLAP's feature extractor defines them (librosa conventions):
// periodic Hann window, centred frames with reflect padding, power spectrum, Slaney mel filters,
// 10·log10 power-to-dB. Parameters come from the model's preprocessor config, never hard-coded,
// and a test proves the output equals transformers.js's ClapFeatureExtractor.

import { FFT } from './fft';

export interface AudioFeatureConfig {
  sampling_rate: number;
  feature_size: number; // mel bins
  fft_window_size: number;
  hop_length: number;
  frequency_min: number;
  frequency_max: number;
  max_length_s: number;
  padding?: 'repeatpad' | 'repeat' | 'pad';
}

export interface MelFeatures { data: Float32Array; frames: number; melBins: number }

const hzToMelSlaney = (hz: number): number =>
  hz < 1000 ? (3 * hz) / 200 : 15 + (27 / Math.log(6.4)) * Math.log(hz / 1000);
const melToHzSlaney = (mel: number): number =>
  mel < 15 ? (200 * mel) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (mel - 15));

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return out;
}

/** Slaney-normalised triangular filters, [melBins][freqBins]. */
export function slaneyMelFilters(freqBins: number, melBins: number, fMin: number, fMax: number, sampleRate: number): Float64Array[] {
  const edges = linspace(hzToMelSlaney(fMin), hzToMelSlaney(fMax), melBins + 2).map(melToHzSlaney);
  const fftFreqs = linspace(0, Math.floor(sampleRate / 2), freqBins);
  return Array.from({ length: melBins }, (_, m) => {
    const lo = edges[m]!, mid = edges[m + 1]!, hi = edges[m + 2]!;
    const scale = 2 / (hi - lo);
    const row = new Float64Array(freqBins);
    for (let k = 0; k < freqBins; k++) {
      const f = fftFreqs[k]!;
      row[k] = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid))) * scale;
    }
    return row;
  });
}

function periodicHann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** Power spectrum of one windowed frame: |X[k]|² for k in [0, n/2]. */
function createPowerSpectrum(n: number): (frame: Float64Array, out: Float64Array) => void {
  const fft = new FFT(n);
  const re = new Float64Array(n), im = new Float64Array(n);
  return (frame, out) => {
    fft.realTransform(frame, re, im);
    for (let k = 0; k < out.length; k++) out[k] = re[k]! ** 2 + im[k]! ** 2;
  };
}

/** Fits a clip to exactly `length` samples the way the model was trained (CLAP's padding modes). */
export function fitToLength(samples: Float32Array, length: number, padding: AudioFeatureConfig['padding'] = 'repeatpad'): Float64Array {
  const out = new Float64Array(length);
  if (samples.length >= length) {
    out.set(samples.subarray(0, length));
    return out;
  }
  out.set(samples);
  if (samples.length === 0) return out;
  if (padding === 'repeat') {
    for (let i = samples.length; i < length; i += samples.length) out.set(samples.subarray(0, Math.min(samples.length, length - i)), i);
  } else if (padding === 'repeatpad') {
    // Whole repeats only; the tail that cannot hold a full copy stays silent (as CLAP does).
    for (let i = samples.length; i + samples.length <= length; i += samples.length) out.set(samples, i);
  }
  return out;
}

export class LogMelExtractor {
  private readonly filters: Float64Array[];
  /** Each triangular filter's non-zero bin range [from, to): most of a filter row is zero. */
  private readonly spans: [number, number][];
  private readonly window: Float64Array;
  private readonly power: (frame: Float64Array, out: Float64Array) => void;
  readonly maxSamples: number;

  constructor(private readonly config: AudioFeatureConfig) {
    const n = config.fft_window_size;
    this.window = periodicHann(n);
    this.filters = slaneyMelFilters(Math.floor(n / 2) + 1, config.feature_size, config.frequency_min, config.frequency_max, config.sampling_rate);
    this.spans = this.filters.map((row) => {
      const from = row.findIndex((v) => v !== 0);
      let to = row.length;
      while (to > 0 && row[to - 1] === 0) to--;
      return from < 0 ? [0, 0] : [from, to];
    });
    this.power = createPowerSpectrum(n);
    this.maxSamples = Math.round(config.max_length_s * config.sampling_rate);
  }

  /** Features of one clip of at most max_length_s seconds, [frames, melBins] row-major. */
  extract(samples: Float32Array): MelFeatures {
    const { fft_window_size: n, hop_length: hop, feature_size: melBins } = this.config;
    const wave = fitToLength(samples, this.maxSamples, this.config.padding);
    const half = Math.floor(n / 2);
    // Reflect padding by half a window on both sides centres frame t on sample t·hop.
    const padded = new Float64Array(wave.length + 2 * half);
    padded.set(wave, half);
    for (let i = 0; i < half; i++) {
      padded[half - 1 - i] = wave[i + 1] ?? 0;
      padded[half + wave.length + i] = wave[wave.length - 2 - i] ?? 0;
    }
    const frames = 1 + Math.floor((padded.length - n) / hop);
    const bins = half + 1;
    const frame = new Float64Array(n);
    const spectrum = new Float64Array(bins);
    const out = new Float32Array(frames * melBins);
    for (let f = 0; f < frames; f++) {
      const offset = f * hop;
      for (let t = 0; t < n; t++) frame[t] = padded[offset + t]! * this.window[t]!;
      this.power(frame, spectrum);
      for (let m = 0; m < melBins; m++) {
        const filter = this.filters[m]!;
        const [from, to] = this.spans[m]!;
        let e = 0;
        for (let k = from; k < to; k++) e += filter[k]! * spectrum[k]!;
        out[f * melBins + m] = 10 * Math.log10(Math.max(1e-10, e));
      }
    }
    return { data: out, frames, melBins };
  }
}

// A mixed-radix FFT for any frame length. Audio models use lengths like 400 (25 ms at 16 kHz) that
// are not powers of two; a direct DFT there cost 40× more and made audio the slowest modality.
// Decimation in time over the factors of n (4s first, then 2, 3, 5, …): n·Σfactors operations.
// Real frames of even length go through a complex FFT of half the length (the usual packing trick).

function factorize(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (const f of [4, 2, 3, 5]) while (rest % f === 0) { out.push(f); rest /= f; }
  for (let f = 7; rest > 1; f += 2) while (rest % f === 0) { out.push(f); rest /= f; }
  return out;
}

/**
 * Iterative in-place radix-2 FFT for power-of-two sizes: CLAP's 1024-sample frames (a 512-point
 * complex transform) went through the recursive mixed-radix path at ~0.2 ms a frame, ~200 ms per
 * 10 s clip, a third of a q8 clip's whole embedding time; this loop, with no recursion, no `%` and
 * one twiddle table, does the same frame several times faster.
 */
class Radix2FFT {
  private readonly rev: Uint32Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  constructor(readonly size: number) {
    const bits = Math.log2(size);
    this.rev = new Uint32Array(size);
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      this.rev[i] = r;
    }
    this.cos = new Float64Array(size / 2);
    this.sin = new Float64Array(size / 2);
    for (let j = 0; j < size / 2; j++) {
      this.cos[j] = Math.cos((2 * Math.PI * j) / size);
      this.sin[j] = -Math.sin((2 * Math.PI * j) / size);
    }
  }

  transform(inRe: ArrayLike<number>, inIm: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const n = this.size, rev = this.rev, cos = this.cos, sin = this.sin;
    for (let i = 0; i < n; i++) {
      re[rev[i]!] = inRe[i]!;
      im[rev[i]!] = inIm[i]!;
    }
    for (let len = 2, step = n >> 1; len <= n; len <<= 1, step >>= 1) {
      const half = len >> 1;
      for (let start = 0; start < n; start += len) {
        for (let j = 0, w = 0; j < half; j++, w += step) {
          const a = start + j, b = a + half;
          const c = cos[w]!, s = sin[w]!;
          const br = re[b]!, bi = im[b]!;
          const tr = br * c - bi * s, ti = br * s + bi * c;
          const ar = re[a]!, ai = im[a]!;
          re[b] = ar - tr; im[b] = ai - ti;
          re[a] = ar + tr; im[a] = ai + ti;
        }
      }
    }
  }
}

/** Complex FFT of a fixed size. */
export class ComplexFFT {
  private readonly radix2?: Radix2FFT;
  private readonly factors: number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** One scratch pair per recursion level, allocated once. */
  private readonly scratchRe: Float64Array[] = [];
  private readonly scratchIm: Float64Array[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer (got ${size})`);
    if (size >= 2 && (size & (size - 1)) === 0) this.radix2 = new Radix2FFT(size);
    this.factors = this.radix2 ? [] : factorize(size);
    this.cos = new Float64Array(this.radix2 ? 0 : size);
    this.sin = new Float64Array(this.radix2 ? 0 : size);
    for (let j = 0; j < this.cos.length; j++) {
      this.cos[j] = Math.cos((2 * Math.PI * j) / size);
      this.sin[j] = -Math.sin((2 * Math.PI * j) / size);
    }
    let n = size;
    for (const f of this.factors) {
      this.scratchRe.push(new Float64Array(n));
      this.scratchIm.push(new Float64Array(n));
      n /= f;
    }
  }

  /** X[k] = Σ x[t]·e^(−2πi·kt/n) of the complex input (inRe, inIm), into outRe/outIm. */
  transform(inRe: ArrayLike<number>, inIm: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    if (this.radix2) {
      this.radix2.transform(inRe, inIm, outRe, outIm);
      return;
    }
    if (this.size === 1) {
      outRe[0] = inRe[0]!;
      outIm[0] = inIm[0]!;
      return;
    }
    this.step(0, this.size, inRe, inIm, 0, 1, outRe, outIm, 0);
  }

  private step(level: number, n: number, inRe: ArrayLike<number>, inIm: ArrayLike<number>, inOffset: number, stride: number, re: Float64Array, im: Float64Array, outOffset: number): void {
    const p = this.factors[level]!;
    const m = n / p;
    if (m === 1) {
      // Last factor: a direct DFT of p samples straight from the input.
      const twiddleStep = this.size / p;
      for (let k = 0; k < p; k++) {
        let accRe = 0, accIm = 0;
        for (let r = 0, w = 0; r < p; r++, w = (w + k) % p) {
          const xr = inRe[inOffset + r * stride]!, xi = inIm[inOffset + r * stride]!;
          const c = this.cos[w * twiddleStep]!, s = this.sin[w * twiddleStep]!;
          accRe += xr * c - xi * s;
          accIm += xr * s + xi * c;
        }
        re[outOffset + k] = accRe;
        im[outOffset + k] = accIm;
      }
      return;
    }
    // Sub-transform r of the samples r, r+p, r+2p, … lands in out[outOffset + r·m …].
    for (let r = 0; r < p; r++) this.step(level + 1, m, inRe, inIm, inOffset + r * stride, stride * p, re, im, outOffset + r * m);
    const sRe = this.scratchRe[level]!, sIm = this.scratchIm[level]!;
    const twiddleStep = this.size / n;
    for (let k = 0; k < n; k++) {
      const km = k % m;
      let accRe = 0, accIm = 0;
      for (let r = 0, w = 0; r < p; r++, w = (w + k) % n) {
        const c = this.cos[w * twiddleStep]!, s = this.sin[w * twiddleStep]!;
        const xr = re[outOffset + r * m + km]!, xi = im[outOffset + r * m + km]!;
        accRe += xr * c - xi * s;
        accIm += xr * s + xi * c;
      }
      sRe[k] = accRe;
      sIm[k] = accIm;
    }
    re.set(sRe.subarray(0, n), outOffset);
    im.set(sIm.subarray(0, n), outOffset);
  }
}

/** FFT of real frames of one length; bins 0…n/2 are the ones a real signal has. */
export class FFT {
  private readonly half?: ComplexFFT;
  private readonly full?: ComplexFFT;
  private readonly packRe: Float64Array;
  private readonly packIm: Float64Array;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly zeros: Float64Array;
  /** e^(−2πi·k/n) for the unpacking step, k = 0…n/2. */
  private readonly unpackRe: Float64Array;
  private readonly unpackIm: Float64Array;

  constructor(readonly size: number) {
    const even = size % 2 === 0 && size >= 2;
    const inner = even ? size / 2 : size;
    if (even) this.half = new ComplexFFT(inner);
    else this.full = new ComplexFFT(inner);
    this.packRe = new Float64Array(inner);
    this.packIm = new Float64Array(inner);
    this.zRe = new Float64Array(inner);
    this.zIm = new Float64Array(inner);
    this.zeros = new Float64Array(inner);
    this.unpackRe = Float64Array.from({ length: inner + 1 }, (_, k) => Math.cos((-2 * Math.PI * k) / size));
    this.unpackIm = Float64Array.from({ length: inner + 1 }, (_, k) => Math.sin((-2 * Math.PI * k) / size));
  }

  /** Fills outRe/outIm[0…n/2] with X[k] of the real input. */
  realTransform(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    if (this.full) {
      this.full.transform(input, this.zeros, this.zRe, this.zIm);
      outRe.set(this.zRe.subarray(0, Math.floor(this.size / 2) + 1));
      outIm.set(this.zIm.subarray(0, Math.floor(this.size / 2) + 1));
      return;
    }
    // z[t] = x[2t] + i·x[2t+1]; Z = FFT(z) gives the even and odd halves' spectra at once.
    const m = this.size / 2;
    for (let t = 0; t < m; t++) {
      this.packRe[t] = input[2 * t]!;
      this.packIm[t] = input[2 * t + 1]!;
    }
    this.half!.transform(this.packRe, this.packIm, this.zRe, this.zIm);
    const zRe = this.zRe, zIm = this.zIm;
    for (let k = 0; k <= m; k++) {
      // Z[k] and conj(Z[m−k]), indices taken mod m (k = 0 and k = m both read Z[0]).
      const a = k === m ? 0 : k, b = k === 0 ? 0 : m - k;
      const zr = zRe[a]!, zi = zIm[a]!, cr = zRe[b]!, ci = -zIm[b]!;
      const evenRe = (zr + cr) * 0.5, evenIm = (zi + ci) * 0.5;
      const oddRe = (zi - ci) * 0.5, oddIm = (cr - zr) * 0.5;
      const wr = this.unpackRe[k]!, wi = this.unpackIm[k]!;
      outRe[k] = evenRe + wr * oddRe - wi * oddIm;
      outIm[k] = evenIm + wr * oddIm + wi * oddRe;
    }
  }
}

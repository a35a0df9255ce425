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

/** Complex FFT of a fixed size. */
export class ComplexFFT {
  private readonly factors: number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** One scratch pair per recursion level, allocated once. */
  private readonly scratchRe: Float64Array[] = [];
  private readonly scratchIm: Float64Array[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer (got ${size})`);
    this.factors = factorize(size);
    this.cos = new Float64Array(size);
    this.sin = new Float64Array(size);
    for (let j = 0; j < size; j++) {
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
    for (let k = 0; k <= m; k++) {
      const a = k % m, b = (m - k) % m;
      const zr = this.zRe[a]!, zi = this.zIm[a]!, cr = this.zRe[b]!, ci = -this.zIm[b]!;
      const evenRe = (zr + cr) / 2, evenIm = (zi + ci) / 2;
      const oddRe = (zi - ci) / 2, oddIm = -(zr - cr) / 2;
      const wr = this.unpackRe[k]!, wi = this.unpackIm[k]!;
      outRe[k] = evenRe + wr * oddRe - wi * oddIm;
      outIm[k] = evenIm + wr * oddIm + wi * oddRe;
    }
  }
}

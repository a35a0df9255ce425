// A mixed-radix FFT for any frame length. Audio models use lengths like 400 (25 ms at 16 kHz) that
// are not powers of two; a direct DFT there cost 40× more and made audio the slowest modality.
// Decimation in time over the factors of n (4s first, then 2, 3, 5, …): n·Σfactors operations.

function factorize(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (const f of [4, 2, 3, 5]) while (rest % f === 0) { out.push(f); rest /= f; }
  for (let f = 7; rest > 1; f += 2) while (rest % f === 0) { out.push(f); rest /= f; }
  return out;
}

export class FFT {
  private readonly factors: number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** One scratch pair per recursion level, allocated once. */
  private readonly scratchRe: Float64Array[];
  private readonly scratchIm: Float64Array[];

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
    this.scratchRe = [];
    this.scratchIm = [];
    for (const f of this.factors) {
      this.scratchRe.push(new Float64Array(n));
      this.scratchIm.push(new Float64Array(n));
      n /= f;
    }
  }

  /** Complex transform of a real input: X[k] = Σ x[t]·e^(−2πi·kt/n), into outRe/outIm (length n). */
  realTransform(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    if (this.size === 1) {
      outRe[0] = input[0]!;
      outIm[0] = 0;
      return;
    }
    this.step(0, this.size, input, 0, 1, outRe, outIm, 0);
  }

  private step(level: number, n: number, input: ArrayLike<number>, inOffset: number, stride: number, re: Float64Array, im: Float64Array, outOffset: number): void {
    const p = this.factors[level]!;
    const m = n / p;
    if (m === 1) {
      // Last factor: a direct DFT of p samples straight from the input.
      const twiddleStep = this.size / p;
      for (let k = 0; k < p; k++) {
        let accRe = 0, accIm = 0;
        for (let r = 0, w = 0; r < p; r++, w = (w + k) % p) {
          const x = input[inOffset + r * stride]!;
          accRe += x * this.cos[w * twiddleStep]!;
          accIm += x * this.sin[w * twiddleStep]!;
        }
        re[outOffset + k] = accRe;
        im[outOffset + k] = accIm;
      }
      return;
    }
    // Sub-transform r of the samples r, r+p, r+2p, … lands in out[outOffset + r·m …].
    for (let r = 0; r < p; r++) this.step(level + 1, m, input, inOffset + r * stride, stride * p, re, im, outOffset + r * m);
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

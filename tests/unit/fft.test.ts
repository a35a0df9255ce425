import { describe, expect, it } from 'vitest';
import { FFT } from '../../src/engine/preprocess/fft';

function dft(x: number[]): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [], im: number[] = [];
  for (let k = 0; k < n; k++) {
    let r = 0, i = 0;
    for (let t = 0; t < n; t++) {
      r += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
      i -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
    }
    re.push(r); im.push(i);
  }
  return { re, im };
}

describe('mixed-radix FFT', () => {
  // Powers of two, the audio sizes in use (400 = 25 ms at 16 kHz, 1024), and awkward primes.
  for (const n of [1, 2, 8, 30, 49, 77, 400, 512, 1024]) {
    it(`equals the direct DFT for n=${n}`, () => {
      const x = Array.from({ length: n }, (_, t) => Math.sin(t * 0.37) + 0.5 * Math.cos(t * 1.91) + ((t * 7919) % 13) / 13);
      const fft = new FFT(n);
      const re = new Float64Array(n), im = new Float64Array(n);
      fft.realTransform(x, re, im);
      const ref = dft(x);
      const scale = Math.max(1, ...ref.re.map(Math.abs));
      for (let k = 0; k <= n / 2; k++) {
        expect(Math.abs(re[k]! - ref.re[k]!) / scale).toBeLessThan(1e-9);
        expect(Math.abs(im[k]! - ref.im[k]!) / scale).toBeLessThan(1e-9);
      }
    });
  }

  it('rejects a non-integer size', () => {
    expect(() => new FFT(2.5)).toThrow(RangeError);
  });
});

import { int8Score, scoreRowF32, scoreRowI8, type PreparedQuery } from './simd';
import type { Planes } from './rows';

/**
 * Exact score of one slot against a query padded to `stride` (zeros past dims), in the fixed f32
 * arithmetic of simd.ts: the SIMD scan, the JS scan and candidate rescoring all rank by identical numbers.
 */
export function scoreRow(p: Planes, slot: number, q: PreparedQuery): number {
  const o = slot * p.stride;
  if (p.format === 'float32') return scoreRowF32(p.f32, o, q.f, p.stride);
  return int8Score(scoreRowI8(p.i8, o, q.q16, p.stride), q.qscale, p.scales[slot]!);
}

/** int8 only: the refined score (int8 plane + residual plane, ~16-bit precision) used to rescore candidates. */
export function refineRow(p: Planes, slot: number, q: Float32Array): number {
  const o = slot * p.stride;
  const a = p.i8;
  const r = p.r8;
  let acc = 0;
  let racc = 0;
  for (let j = 0; j < p.dims; j++) {
    acc += a[o + j]! * q[j]!;
    racc += r[o + j]! * q[j]!;
  }
  return Math.fround(acc * p.scales[slot]! + racc * p.rscales[slot]!);
}

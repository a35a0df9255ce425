// Vector arithmetic shared by the encoders: normalisation, Matryoshka prefixes, mean pooling.
import { l2Normalize } from '../math/normalize';

export { l2Normalize };

/** Element-wise mean of equally long vectors (used for audio chunks and history pooling). */
export function meanOf(vectors: Float32Array[]): Float32Array {
  const first = vectors[0];
  if (!first) throw new RangeError('meanOf needs at least one vector');
  const out = new Float32Array(first.length);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  for (let i = 0; i < out.length; i++) out[i]! /= vectors.length;
  return out;
}

/** Splits a row-major [rows, width] buffer into per-row copies that own their memory. */
export function splitRows(data: Float32Array, rows: number, width: number): Float32Array[] {
  return Array.from({ length: rows }, (_, r) => data.slice(r * width, (r + 1) * width));
}

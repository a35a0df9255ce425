import { IndexError } from './errors';
import type { Metric } from './types';

/** Elements per stored row: dims padded to a multiple of 4 so the GPU can read vec4 / packed 4×int8 words. */
export function paddedDims(dims: number): number {
  return Math.ceil(dims / 4) * 4;
}

/**
 * Validates a vector and brings it to the index's shape: Matryoshka truncation to `dims`, L2
 * normalization under cosine. Returns a fresh Float32Array of length `dims` (the caller's is untouched).
 */
export function prepareVector(v: unknown, dims: number, metric: Metric, what = 'vector'): Float32Array {
  if (!(v instanceof Float32Array)) {
    throw new IndexError('index_invalid_vector', `${what} must be a Float32Array`);
  }
  if (v.length < dims) {
    throw new IndexError('index_dims_mismatch', `${what} has ${v.length} dims, the index needs at least ${dims}`);
  }
  const out = new Float32Array(dims);
  let sq = 0;
  for (let i = 0; i < dims; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) throw new IndexError('index_invalid_vector', `${what} has a non-finite value at ${i}`);
    out[i] = x;
    sq += x * x;
  }
  if (metric === 'cosine') {
    if (sq === 0) throw new IndexError('index_invalid_vector', `${what} has zero norm (cosine needs a direction)`);
    const inv = 1 / Math.sqrt(sq);
    for (let i = 0; i < dims; i++) out[i] = out[i]! * inv;
  }
  return out;
}

export function l2normalize(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (sq === 0) return out;
  const inv = 1 / Math.sqrt(sq);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

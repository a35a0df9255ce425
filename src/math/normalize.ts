// L2 normalisation, shared by the engine (vectors out of the encoders), the page (Matryoshka
// prefixes) and the index/recommendation code, so "unit vector" means one thing everywhere.

/** Scales `v` to unit length in place and returns it. A zero vector stays zero (it has no direction). */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}

/** A unit-length copy of `v`; `v` is left as it is. */
export function l2Normalized(v: ArrayLike<number>): Float32Array {
  return l2Normalize(Float32Array.from(v));
}

/**
 * int8: symmetric per-vector scale, q = round(x / scale), scale = max|x| / 127; a score is
 * scale · Σ q_j · query_j (the query stays float32: asymmetric scoring loses the least recall).
 * binary: one sign bit per dim (x > 0 → 1), packed little-endian into u32 words.
 */
export function quantizeInt8Into(v: Float32Array, out: Int8Array, offset: number): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (a > max) max = a;
  }
  const scale = max > 0 ? max / 127 : 1;
  const inv = 1 / scale;
  for (let i = 0; i < v.length; i++) out[offset + i] = Math.round(v[i]! * inv);
  return scale;
}

export function packBitsInto(v: Float32Array, out: Uint32Array, offset: number): void {
  const words = Math.ceil(v.length / 32);
  for (let w = 0; w < words; w++) {
    let bits = 0;
    const end = Math.min(32, v.length - w * 32);
    for (let b = 0; b < end; b++) if (v[w * 32 + b]! > 0) bits |= 1 << b;
    out[offset + w] = bits >>> 0;
  }
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

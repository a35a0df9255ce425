import { quantizeInt8Into, packBitsInto } from './quantize';
import type { Planes } from './rows';

/**
 * One row in and out of the planes: a prepared vector is stored as float32, or int8 with its scale
 * (plus, for binary, the packed sign bits; for int8, the quantization residual as a second int8 row).
 */

/** Writes a prepared (truncated, normalized) vector into a slot; `residual` is scratch of length dims (int8). */
export function encodeRow(p: Planes, slot: number, v: Float32Array, residual: Float32Array): void {
  const o = slot * p.stride;
  if (p.format === 'float32') {
    p.f32.set(v, o);
    p.f32.fill(0, o + p.dims, o + p.stride);
  } else {
    const sc = quantizeInt8Into(v, p.i8, o);
    p.scales[slot] = sc;
    p.i8.fill(0, o + p.dims, o + p.stride);
    if (p.format === 'binary') packBitsInto(v, p.bits, slot * p.words);
    if (p.format === 'int8') {
      const res = residual;
      for (let j = 0; j < p.dims; j++) res[j] = v[j]! - p.i8[o + j]! * Math.fround(sc);
      p.rscales[slot] = quantizeInt8Into(res, p.r8, o);
      p.r8.fill(0, o + p.dims, o + p.stride);
    }
  }
}

/** The stored vector of a slot, dequantized (length dims). */
export function decodeRow(p: Planes, slot: number): Float32Array {
  const out = new Float32Array(p.dims);
  const o = slot * p.stride;
  if (p.format === 'float32') out.set(p.f32.subarray(o, o + p.dims));
  else {
    const sc = p.scales[slot]!;
    for (let j = 0; j < p.dims; j++) out[j] = p.i8[o + j]! * sc;
    if (p.format === 'int8') {
      const rs = p.rscales[slot]!;
      for (let j = 0; j < p.dims; j++) out[j] = out[j]! + p.r8[o + j]! * rs;
    }
  }
  return out;
}

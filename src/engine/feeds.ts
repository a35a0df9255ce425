// Feeds follow the graph. Encoders build float32 pixels/features and int64 ids; hub exports
// declare other types for the same inputs (fp16 files take and return float16, some text graphs
// take int32 ids). These pure conversions turn what an encoder built into what the session
// declares, and a declared float16 output back into float32, so no variant fails on a type mismatch.

import { OmniEmbedError } from '../errors';

/** The element types the engine converts between (a subset of ORT's Tensor.Type). */
export type FeedType = 'float32' | 'float16' | 'int64' | 'int32';

export class FeedTypeError extends OmniEmbedError {
  constructor(message: string) {
    super('feed_type_mismatch', message);
    this.name = 'FeedTypeError';
  }
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of a float, rounded to nearest even (what numpy's astype(float16) gives). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // Round to nearest even; a carry into the exponent is the correct next value (up to Inf).
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return h;
}

/** The float a binary16 bit pattern stands for. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function floatsToHalf(data: Float32Array): Uint16Array {
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = toHalfBits(data[i]!);
  return out;
}

export function halfToFloats(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
  return out;
}

export type FeedData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

/**
 * Converts a feed the encoder built to the type the graph declares. Only lossless or
 * intended conversions: float32→float16 (fp16 graphs), int64→int32 (ids fit 31 bits).
 */
export function adaptFeed(name: string, type: FeedType, data: FeedData, declared: string | undefined): { type: FeedType; data: FeedData } {
  if (!declared || declared === type) return { type, data };
  if (type === 'float32' && declared === 'float16') return { type: 'float16', data: floatsToHalf(data as Float32Array) };
  if (type === 'float16' && declared === 'float32') return { type: 'float32', data: halfToFloats(data as Uint16Array) };
  if (type === 'int64' && declared === 'int32') {
    const src = data as BigInt64Array;
    const out = new Int32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
    return { type: 'int32', data: out };
  }
  if (type === 'int32' && declared === 'int64') return { type: 'int64', data: BigInt64Array.from(data as Int32Array, (v) => BigInt(v)) };
  throw new FeedTypeError(`graph input ${name} is declared ${declared}, and the engine cannot feed it from ${type}`);
}

/**
 * Float32 values of a float output: as is for float32, converted from the bit pattern for
 * float16 (ORT hands a Uint16Array where Float16Array does not exist, a Float16Array where it does).
 */
export function outputFloats(name: string, type: string, data: unknown): Float32Array {
  if (type === 'float32' && data instanceof Float32Array) return data;
  if (type === 'float16') {
    if (data instanceof Uint16Array) return halfToFloats(data);
    if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  }
  throw new FeedTypeError(`graph output ${name} is ${type}; the engine reads float32 or float16 outputs`);
}

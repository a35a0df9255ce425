/**
 * The JS reference arithmetic of every scan, and the forms of a query the scans read. The WASM
 * kernels (wasm/kernels.ts), the GPU candidate rescoring and the JS scan all produce these exact
 * numbers, so every backend ranks by identical scores and breaks ties the same way.
 * - float32: lane l accumulates dims j ≡ l (mod 4) in order, each product and sum rounded to f32,
 *   then (l0 + l1) + (l2 + l3); done in double and rounded, every f32 operation is correctly rounded.
 * - int8: the query is quantized to integers |q| ≤ QMAX (one scale per query); the row·query dot
 *   product is then an exact integer (any summation order gives it) and the score is
 *   fround(dot · qscale · rowScale). QMAX ≤ 8191 keeps the relaxed-SIMD 7-bit digit form exact.
 */
import { disableRelaxedForTesting, disableWasmForTesting, int8KernelKind, kernelModule } from './wasm/host';

const fr = Math.fround;

export interface PreparedQuery {
  /** The float query, zero-padded to the store's stride. */
  f: Float32Array;
  /** int8 scans: the integer query, zero-padded to whole 16-lane chunks. */
  q16: Int16Array;
  qscale: number;
}

/** The largest |q| of the integer query: 8191, less where 127·|q|·stride could overflow an i32. */
export function qmaxFor(stride: number): number {
  return Math.min(8191, Math.floor(2147483647 / (127 * stride)));
}

export function prepareQuery(q: Float32Array, stride: number): PreparedQuery {
  const f = new Float32Array(stride);
  f.set(q.subarray(0, Math.min(q.length, stride)));
  const q16 = new Int16Array(Math.ceil(stride / 16) * 16);
  let max = 0;
  for (let j = 0; j < stride; j++) max = Math.max(max, Math.abs(f[j]!));
  const qmax = qmaxFor(stride);
  const qscale = max > 0 ? max / qmax : 1;
  for (let j = 0; j < stride; j++) q16[j] = Math.max(-qmax, Math.min(qmax, Math.round(f[j]! / qscale)));
  return { f, q16, qscale };
}

/** The one place an int8 dot product becomes a score (every scan calls it). */
export function int8Score(dot: number, qscale: number, rowScale: number): number {
  return fr(dot * qscale * rowScale);
}

/** JS reference of the float32 arithmetic for one row (query padded to `stride`). */
export function scoreRowF32(a: Float32Array, o: number, q: Float32Array, stride: number): number {
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let j = 0; j < stride; j += 4) {
    l0 = fr(l0 + fr(a[o + j]! * q[j]!));
    l1 = fr(l1 + fr(a[o + j + 1]! * q[j + 1]!));
    l2 = fr(l2 + fr(a[o + j + 2]! * q[j + 2]!));
    l3 = fr(l3 + fr(a[o + j + 3]! * q[j + 3]!));
  }
  return fr(fr(l0 + l1) + fr(l2 + l3));
}

/** JS reference for one int8 row: the exact integer dot product with the integer query. */
export function scoreRowI8(a: Int8Array, o: number, q16: Int16Array, stride: number): number {
  let acc = 0;
  for (let j = 0; j < stride; j++) acc += a[o + j]! * q16[j]!;
  return acc;
}

/** Whether the WASM SIMD kernels are there (null: the JS reference scans). */
export function simdKernels(): { relaxed: boolean } | null {
  const c = kernelModule(false);
  return c ? { relaxed: c.relaxed } : null;
}

/** For tests: force the JS path (true) or restore detection (false). */
export function disableSimdForTesting(off: boolean): void {
  disableWasmForTesting(off);
}

export { disableRelaxedForTesting, int8KernelKind };

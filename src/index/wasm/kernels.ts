import {
  addTo, f32store, f32x4, f64load, f64store, forLoop, func, get, i16x8, I32, i32c, i32load, i32store, i32x4,
  moduleOf, op, F64, relaxedDotAdd, set, V128, v128load, v128zero,
} from './asm';

/**
 * The scan kernels. Every one writes one score per row to `out` and none reorders arithmetic that
 * the JS reference (../simd.ts) does in a fixed order:
 * - f32:    lane l sums dims j ≡ l (mod 4) in order, products and sums rounded to f32, then
 *           (l0 + l1) + (l2 + l3). Four rows are scored at once (independent add chains, the same
 *           per-row arithmetic), so the f32 add latency no longer bounds the scan.
 * - i8:     an exact integer dot product of the int8 row with the int16 query (i32x4.dot_i16x8_s);
 *           integer sums are associative, so any lane order gives the reference's number.
 * - i8r:    the same integer, from relaxed-SIMD i8×i7 dot products of the row with the query's two
 *           7-bit digits (u = q + 8192 = 128·hi + lo, both in [0, 127]) and with a 0/1 mask:
 *           dot = 128·Σ row·hi + Σ row·lo − 8192·Σ row·mask (wrapping i32; the true value fits).
 * - popcnt: Σ popcount(row_w XOR q_w) over u32 words.
 * - lut:    Σ over words of (((t0 + t1) + t2) + t3) in f64, t_b = table[byte b], the JS loop's order.
 * Row bytes past a row's end (the next row) meet zero query lanes, so 16-byte loads may run over.
 */

// f32(rows, n, stride4, q, out)
function f32Body(): number[] {
  const [rows, n, s4, q, out] = [0, 1, 2, 3, 4];
  const [i, w, pw, qp, rb, a0, a1, a2, a3, qv, n4] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
  const hsum = (a: number): number[] => [...get(a), ...f32x4.lane(0), ...get(a), ...f32x4.lane(1), op.f32add, ...get(a), ...f32x4.lane(2), ...get(a), ...f32x4.lane(3), op.f32add, op.f32add];
  const mac = (a: number, k: number): number[] => [
    ...get(a), ...get(pw), ...(k ? [...get(rb), ...i32c(k), op.mul, op.add] : []), ...v128load(), ...get(qv), ...f32x4.mul, ...f32x4.add, ...set(a),
  ];
  const store = (a: number, k: number): number[] => [...get(out), ...get(i), ...i32c(2), op.shl, op.add, ...hsum(a), ...f32store(k * 4)];
  const inner = (accs: number[]): number[] => [
    ...accs.flatMap((a) => [...v128zero(), ...set(a)]),
    ...get(rows), ...get(i), ...get(rb), op.mul, op.add, ...set(pw),
    ...get(q), ...set(qp),
    ...i32c(0), ...set(w),
    ...forLoop(w, s4, [...get(qp), ...v128load(), ...set(qv), ...accs.flatMap((a, k) => mac(a, k))], [...addTo(pw, i32c(16)), ...addTo(qp, i32c(16))]),
  ];
  const code = [
    ...get(s4), ...i32c(4), op.shl, ...set(rb),
    ...get(n), ...i32c(-4), op.and, ...set(n4),
    ...i32c(0), ...set(i),
    // Four rows at a time; the loop's own step adds 1, three more here.
    ...forLoop(i, n4, [...inner([a0, a1, a2, a3]), ...[a0, a1, a2, a3].flatMap((a, k) => store(a, k))], addTo(i, i32c(3))),
    ...forLoop(i, n, [...inner([a0]), ...store(a0, 0)]),
  ];
  return func([[5, I32], [5, V128], [1, I32]], code);
}

// i8(rows, n, rowBytes, chunks, q16, out): q16 holds 16 int16 per 16-byte chunk.
function i8Body(): number[] {
  const [rows, n, rb, chunks, q, out] = [0, 1, 2, 3, 4, 5];
  const [i, c, pw, qp, acc, a] = [6, 7, 8, 9, 10, 11];
  const code = [
    ...i32c(0), ...set(i),
    ...get(rows), ...set(pw),
    ...forLoop(i, n, [
      ...v128zero(), ...set(acc),
      ...get(q), ...set(qp),
      ...i32c(0), ...set(c),
      ...forLoop(c, chunks, [
        ...get(pw), ...v128load(), ...set(a),
        ...get(acc), ...get(a), ...i16x8.extLowI8, ...get(qp), ...v128load(), ...i32x4.dotI16, ...i32x4.add,
        ...get(a), ...i16x8.extHighI8, ...get(qp), ...v128load(16), ...i32x4.dotI16, ...i32x4.add, ...set(acc),
      ], [...addTo(pw, i32c(16)), ...addTo(qp, i32c(32))]),
      ...get(out), ...get(i), ...i32c(2), op.shl, op.add,
      ...get(acc), ...i32x4.lane(0), ...get(acc), ...i32x4.lane(1), op.add, ...get(acc), ...i32x4.lane(2), op.add, ...get(acc), ...i32x4.lane(3), op.add,
      ...i32store(),
      // Next row: rows + (i+1)·rowBytes (pw ran over by the chunk padding).
      ...get(rows), ...get(i), ...i32c(1), op.add, ...get(rb), op.mul, op.add, ...set(pw),
    ]),
  ];
  return func([[4, I32], [2, V128]], code);
}

// i8r(rows, n, rowBytes, chunks, qd, out): qd holds per chunk 16 hi digits, 16 lo digits, 16 mask bytes.
function i8RelaxedBody(): number[] {
  const [rows, n, rb, chunks, q, out] = [0, 1, 2, 3, 4, 5];
  const [i, c, pw, qp, ah, al, am, a] = [6, 7, 8, 9, 10, 11, 12, 13];
  const hsum = (v: number): number[] => [...get(v), ...i32x4.lane(0), ...get(v), ...i32x4.lane(1), op.add, ...get(v), ...i32x4.lane(2), op.add, ...get(v), ...i32x4.lane(3), op.add];
  const code = [
    ...i32c(0), ...set(i),
    ...get(rows), ...set(pw),
    ...forLoop(i, n, [
      ...v128zero(), ...set(ah), ...v128zero(), ...set(al), ...v128zero(), ...set(am),
      ...get(q), ...set(qp),
      ...i32c(0), ...set(c),
      ...forLoop(c, chunks, [
        ...get(pw), ...v128load(), ...set(a),
        ...get(a), ...get(qp), ...v128load(), ...get(ah), ...relaxedDotAdd, ...set(ah),
        ...get(a), ...get(qp), ...v128load(16), ...get(al), ...relaxedDotAdd, ...set(al),
        ...get(a), ...get(qp), ...v128load(32), ...get(am), ...relaxedDotAdd, ...set(am),
      ], [...addTo(pw, i32c(16)), ...addTo(qp, i32c(48))]),
      ...get(out), ...get(i), ...i32c(2), op.shl, op.add,
      ...hsum(ah), ...i32c(7), op.shl, ...hsum(al), op.add, ...hsum(am), ...i32c(13), op.shl, op.sub,
      ...i32store(),
      ...get(rows), ...get(i), ...i32c(1), op.add, ...get(rb), op.mul, op.add, ...set(pw),
    ]),
  ];
  return func([[4, I32], [4, V128]], code);
}

// popcnt(rows, n, words, qb, out)
function popcntBody(): number[] {
  const [rows, n, words, qb, out] = [0, 1, 2, 3, 4];
  const [i, w, pw, qp, acc] = [5, 6, 7, 8, 9];
  const code = [
    ...i32c(0), ...set(i),
    ...get(rows), ...set(pw),
    ...forLoop(i, n, [
      ...i32c(0), ...set(acc),
      ...get(qb), ...set(qp),
      ...i32c(0), ...set(w),
      ...forLoop(w, words, [
        ...get(acc), ...get(pw), ...i32load(), ...get(qp), ...i32load(), op.xor, op.popcnt, op.add, ...set(acc),
      ], [...addTo(pw, i32c(4)), ...addTo(qp, i32c(4))]),
      ...get(out), ...get(i), ...i32c(2), op.shl, op.add, ...get(acc), ...i32store(),
    ]),
  ];
  return func([[5, I32]], code);
}

// lut(rows, n, words, table, out): table = 4·words tables of 256 f64; out: one f64 per row.
function lutBody(): number[] {
  const [rows, n, words, table, out] = [0, 1, 2, 3, 4];
  const [i, w, pw, tp, x, acc] = [5, 6, 7, 8, 9, 10];
  const byte = (shift: number): number[] => [...get(x), ...(shift ? [...i32c(shift), op.shrU] : []), ...(shift < 24 ? [...i32c(255), op.and] : []), ...i32c(3), op.shl, ...get(tp), op.add];
  const code = [
    ...i32c(0), ...set(i),
    ...get(rows), ...set(pw),
    ...forLoop(i, n, [
      0x44, 0, 0, 0, 0, 0, 0, 0, 0, ...set(acc),
      ...get(table), ...set(tp),
      ...i32c(0), ...set(w),
      ...forLoop(w, words, [
        ...get(pw), ...i32load(), ...set(x),
        ...get(acc),
        ...byte(0), ...f64load(0), ...byte(8), ...f64load(2048), op.f64add, ...byte(16), ...f64load(4096), op.f64add, ...byte(24), ...f64load(6144), op.f64add,
        op.f64add, ...set(acc),
      ], [...addTo(pw, i32c(4)), ...addTo(tp, i32c(8192))]),
      ...get(out), ...get(i), ...i32c(3), op.shl, op.add, ...get(acc), ...f64store(),
    ]),
  ];
  return func([[5, I32], [1, F64]], code);
}

export type KernelName = 'f32' | 'i8' | 'i8r' | 'popcnt' | 'lut';

/** Module bytes; `relaxed` adds the relaxed-SIMD int8 kernel (a separate module: it may not validate). */
export function kernelBytes(shared: boolean, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const fns = [
    { name: 'f32', params: 5, body: f32Body() },
    { name: 'i8', params: 6, body: i8Body() },
    { name: 'popcnt', params: 5, body: popcntBody() },
    { name: 'lut', params: 5, body: lutBody() },
  ];
  if (relaxed) fns.push({ name: 'i8r', params: 6, body: i8RelaxedBody() });
  return moduleOf(fns, shared);
}

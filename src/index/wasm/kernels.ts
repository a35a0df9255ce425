import {
  addTo, f32store, f32x4, f64load, f64store, forLoop, func, get, i16x8, I32, i32c, i32load, i32store, i32x4,
  moduleOf, op, F64, relaxedDotAdd, set, V128, v128load, v128zero,
} from './asm';
import { hammingBody } from './kernel-hamming';

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
  const [i, w, pw, qp, rb, n4, w2, r2, r3] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [a0, a1, a2, a3, qv] = [14, 15, 16, 17, 18];
  const accs4 = [a0, a1, a2, a3];
  const hsum = (a: number): number[] => [...get(a), ...f32x4.lane(0), ...get(a), ...f32x4.lane(1), op.f32add, ...get(a), ...f32x4.lane(2), ...get(a), ...f32x4.lane(3), op.f32add, op.f32add];
  const rowOff = [[], [...get(rb), op.add], [...get(r2), op.add], [...get(r3), op.add]];
  // acc_k += row_k[w] * q[w] for vec4 `off` (bytes) past the cursors.
  const mac = (accs: number[], off: number): number[] => [
    ...get(qp), ...v128load(off), ...set(qv),
    ...accs.flatMap((a, k) => [...get(a), ...get(pw), ...rowOff[k]!, ...v128load(off), ...get(qv), ...f32x4.mul, ...f32x4.add, ...set(a)]),
  ];
  const store = (a: number, k: number): number[] => [...get(out), ...get(i), ...i32c(2), op.shl, op.add, ...hsum(a), ...f32store(k * 4)];
  const inner = (accs: number[]): number[] => [
    ...accs.flatMap((a) => [...v128zero(), ...set(a)]),
    ...get(rows), ...get(i), ...get(rb), op.mul, op.add, ...set(pw),
    ...get(q), ...set(qp),
    ...i32c(0), ...set(w),
    // Two vec4 per step (in order: the per-lane sums stay sequential), then the odd one.
    ...forLoop(w, w2, [...mac(accs, 0), ...mac(accs, 16)], [...addTo(pw, i32c(32)), ...addTo(qp, i32c(32)), ...addTo(w, i32c(1))]),
    ...forLoop(w, s4, mac(accs, 0), [...addTo(pw, i32c(16)), ...addTo(qp, i32c(16))]),
  ];
  const code = [
    ...get(s4), ...i32c(4), op.shl, ...set(rb),
    ...get(rb), ...i32c(1), op.shl, ...set(r2),
    ...get(r2), ...get(rb), op.add, ...set(r3),
    ...get(s4), ...i32c(-2), op.and, ...set(w2),
    ...get(n), ...i32c(-4), op.and, ...set(n4),
    ...i32c(0), ...set(i),
    // Four rows at a time; the loop's own step adds 1, three more here.
    ...forLoop(i, n4, [...inner(accs4), ...accs4.flatMap((a, k) => store(a, k))], addTo(i, i32c(3))),
    ...forLoop(i, n, [...inner([a0]), ...store(a0, 0)]),
  ];
  return func([[9, I32], [5, V128]], code);
}

/**
 * i8(rows, n, rowBytes, chunks, q16, out) and i8r(rows, n, rowBytes, chunks, qd, out): q16 holds 16
 * int16 per 16-byte chunk; qd per chunk 16 hi digits, 16 lo digits, 16 mask bytes. Two rows share
 * each query load, four chunks per step (static offsets), then the tails.
 */
function int8Body(relaxed: boolean): number[] {
  const [rows, n, rb, chunks, q, out] = [0, 1, 2, 3, 4, 5];
  const [i, c, qp, c4, n2] = [6, 7, 8, 9, 10];
  const pws = [11, 12];
  const a = 13;
  const qv = [14, 15, 16];
  const accBase = 17;
  const perRow = relaxed ? 3 : 1;
  const acc = (r: number, j: number): number => accBase + r * perRow + j;
  const qBytes = relaxed ? 48 : 32;
  const hsum = (v: number): number[] => [...get(v), ...i32x4.lane(0), ...get(v), ...i32x4.lane(1), op.add, ...get(v), ...i32x4.lane(2), op.add, ...get(v), ...i32x4.lane(3), op.add];
  const step = (R: number) => (k: number): number[] => [
    ...(relaxed ? [0, 1, 2] : [0, 1]).flatMap((j) => [...get(qp), ...v128load(qBytes * k + 16 * j), ...set(qv[j]!)]),
    ...Array.from({ length: R }, (_, r) => [
      ...get(pws[r]!), ...v128load(16 * k), ...set(a),
      ...(relaxed
        ? [0, 1, 2].flatMap((j) => [...get(a), ...get(qv[j]!), ...get(acc(r, j)), ...relaxedDotAdd, ...set(acc(r, j))])
        : [
            ...get(acc(r, 0)), ...get(a), ...i16x8.extLowI8, ...get(qv[0]!), ...i32x4.dotI16, ...i32x4.add,
            ...get(a), ...i16x8.extHighI8, ...get(qv[1]!), ...i32x4.dotI16, ...i32x4.add, ...set(acc(r, 0)),
          ]),
    ]).flat(),
  ];
  const bump = (R: number, chunksPer: number): number[] => [
    ...pws.slice(0, R).flatMap((pw) => addTo(pw, i32c(16 * chunksPer))),
    ...addTo(qp, i32c(qBytes * chunksPer)),
  ];
  const result = (r: number): number[] =>
    relaxed ? [...hsum(acc(r, 0)), ...i32c(7), op.shl, ...hsum(acc(r, 1)), op.add, ...hsum(acc(r, 2)), ...i32c(13), op.shl, op.sub] : hsum(acc(r, 0));
  const rowsOf = (R: number): number[] => [
    ...Array.from({ length: R * perRow }, (_, x) => [...v128zero(), ...set(accBase + x)]).flat(),
    ...Array.from({ length: R }, (_, r) => [...get(rows), ...get(i), ...(r ? [...i32c(r), op.add] : []), ...get(rb), op.mul, op.add, ...set(pws[r]!)]).flat(),
    ...get(q), ...set(qp),
    ...i32c(0), ...set(c),
    ...forLoop(c, c4, [0, 1, 2, 3].flatMap(step(R)), [...bump(R, 4), ...addTo(c, i32c(3))]),
    ...forLoop(c, chunks, step(R)(0), bump(R, 1)),
    ...Array.from({ length: R }, (_, r) => [...get(out), ...get(i), ...i32c(2), op.shl, op.add, ...result(r), ...i32store(4 * r)]).flat(),
  ];
  const code = [
    ...get(chunks), ...i32c(-4), op.and, ...set(c4),
    ...get(n), ...i32c(-2), op.and, ...set(n2),
    ...i32c(0), ...set(i),
    ...forLoop(i, n2, rowsOf(2), addTo(i, i32c(1))),
    ...forLoop(i, n, rowsOf(1)),
  ];
  return func([[7, I32], [4, V128], [2 * perRow, V128]], code);
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
// Two rows at a time: two independent f64 add chains (each row's sum keeps the JS order).
function lutBody(): number[] {
  const [rows, n, words, table, out] = [0, 1, 2, 3, 4];
  const [i, w, pw, tp, x, rb, n2] = [5, 6, 7, 8, 9, 10, 11];
  const [acc0, acc1] = [12, 13];
  const byte = (shift: number): number[] => [...get(x), ...(shift ? [...i32c(shift), op.shrU] : []), ...(shift < 24 ? [...i32c(255), op.and] : []), ...i32c(3), op.shl, ...get(tp), op.add];
  const word = (acc: number, second: boolean): number[] => [
    ...get(pw), ...(second ? [...get(rb), op.add] : []), ...i32load(), ...set(x),
    ...get(acc),
    ...byte(0), ...f64load(0), ...byte(8), ...f64load(2048), op.f64add, ...byte(16), ...f64load(4096), op.f64add, ...byte(24), ...f64load(6144), op.f64add,
    op.f64add, ...set(acc),
  ];
  const store = (acc: number, k: number): number[] => [...get(out), ...get(i), ...i32c(3), op.shl, op.add, ...get(acc), ...f64store(8 * k)];
  const rowsOf = (two: boolean): number[] => [
    0x44, 0, 0, 0, 0, 0, 0, 0, 0, ...set(acc0),
    0x44, 0, 0, 0, 0, 0, 0, 0, 0, ...set(acc1),
    ...get(rows), ...get(i), ...get(rb), op.mul, op.add, ...set(pw),
    ...get(table), ...set(tp),
    ...i32c(0), ...set(w),
    ...forLoop(w, words, [...word(acc0, false), ...(two ? word(acc1, true) : [])], [...addTo(pw, i32c(4)), ...addTo(tp, i32c(8192))]),
    ...store(acc0, 0),
    ...(two ? store(acc1, 1) : []),
  ];
  const code = [
    ...get(words), ...i32c(2), op.shl, ...set(rb),
    ...get(n), ...i32c(-2), op.and, ...set(n2),
    ...i32c(0), ...set(i),
    ...forLoop(i, n2, rowsOf(true), addTo(i, i32c(1))),
    ...forLoop(i, n, rowsOf(false)),
  ];
  return func([[7, I32], [2, F64]], code);
}

export type KernelName = 'f32' | 'i8' | 'i8r' | 'popcnt' | 'ham' | 'lut';

/** Module bytes; `relaxed` adds the relaxed-SIMD int8 kernel (a separate module: it may not validate). */
export function kernelBytes(shared: boolean, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const fns = [
    { name: 'f32', params: 5, body: f32Body() },
    { name: 'i8', params: 6, body: int8Body(false) },
    { name: 'popcnt', params: 5, body: popcntBody() },
    { name: 'ham', params: 6, ret: true, body: hammingBody() },
    { name: 'lut', params: 5, body: lutBody() },
  ];
  if (relaxed) fns.push({ name: 'i8r', params: 6, body: int8Body(true) });
  return moduleOf(fns, shared);
}

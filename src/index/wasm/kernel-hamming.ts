import { addTo, forLoop, func, get, i16x8, I32, i32c, i32store, i32x4, i8x16, ifThen, op, set, V128, v128load, v128xor, v128zero } from './asm';

/**
 * ham(rows, n, chunks, qb, limit, out) → count: Hamming distances of n sign-bit rows of `chunks`
 * 16-byte chunks (words % 4 == 0) to the query code `qb`, keeping only rows with distance < limit:
 * out receives (row, distance) i32 pairs, the count is returned. The caller passes the current
 * k-th distance as the limit, so the JS loop that used to visit every row sees only candidates.
 * Four rows per step: v128.xor + i8x16.popcnt per chunk, summed in u8 lanes (≤ 8 per chunk, so
 * up to 31 chunks), then one pairwise-widen/narrow tree turns the four 16-lane sums into one
 * i32x4 [dA, dB, dC, dD]; a single i32x4 compare + bitmask rejects the four rows together.
 */
export function hammingBody(): number[] {
  const [rows, n, chunks, qb, limit, out] = [0, 1, 2, 3, 4, 5];
  const [i, n4, rb, c, qp, cnt, d] = [6, 7, 8, 9, 10, 11, 12];
  const ps = [13, 14, 15, 16];
  const accs = [17, 18, 19, 20];
  const [qv, lim, dv] = [21, 22, 23];
  const emit = (slot: number[]): number[] => [
    ...get(out), ...get(cnt), ...i32c(3), op.shl, op.add, ...slot, ...i32store(0),
    ...get(out), ...get(cnt), ...i32c(3), op.shl, op.add, ...get(d), ...i32store(4),
    ...addTo(cnt, i32c(1)),
  ];
  const widen = (a: number): number[] => [...get(a), ...i16x8.extaddI8U, ...i32x4.extaddI16S];
  const rowsOf = (R: number): number[] => [
    ...accs.slice(0, R).flatMap((a) => [...v128zero(), ...set(a)]),
    ...get(rows), ...get(i), ...get(rb), op.mul, op.add, ...set(ps[0]!),
    ...ps.slice(1, R).flatMap((p, r) => [...get(ps[r]!), ...get(rb), op.add, ...set(p)]),
    ...get(qb), ...set(qp),
    ...i32c(0), ...set(c),
    ...forLoop(c, chunks, [
      ...get(qp), ...v128load(), ...set(qv),
      ...accs.slice(0, R).flatMap((a, r) => [...get(a), ...get(ps[r]!), ...v128load(), ...get(qv), ...v128xor, ...i8x16.popcnt, ...i8x16.add, ...set(a)]),
    ], [...ps.slice(0, R).flatMap((p) => addTo(p, i32c(16))), ...addTo(qp, i32c(16))]),
    ...(R === 4
      ? [
          ...widen(accs[0]!), ...widen(accs[1]!), ...i16x8.narrowI32S, ...i32x4.extaddI16S,
          ...widen(accs[2]!), ...widen(accs[3]!), ...i16x8.narrowI32S, ...i32x4.extaddI16S,
          ...i16x8.narrowI32S, ...i32x4.extaddI16S, ...set(dv),
          ...get(dv), ...get(lim), ...i32x4.ltS, ...i32x4.bitmask,
          ...ifThen([0, 1, 2, 3].flatMap((l) => [
            ...get(dv), ...i32x4.lane(l), ...set(d),
            ...get(d), ...get(limit), op.ltS,
            ...ifThen(emit([...get(i), ...(l ? [...i32c(l), op.add] : [])])),
          ])),
        ]
      : [
          ...widen(accs[0]!), ...set(dv),
          ...get(dv), ...i32x4.lane(0), ...get(dv), ...i32x4.lane(1), op.add, ...get(dv), ...i32x4.lane(2), op.add, ...get(dv), ...i32x4.lane(3), op.add, ...set(d),
          ...get(d), ...get(limit), op.ltS,
          ...ifThen(emit(get(i))),
        ]),
  ];
  const code = [
    ...get(chunks), ...i32c(4), op.shl, ...set(rb),
    ...get(n), ...i32c(-4), op.and, ...set(n4),
    ...get(limit), ...i32x4.splat, ...set(lim),
    ...i32c(0), ...set(cnt),
    ...i32c(0), ...set(i),
    ...forLoop(i, n4, rowsOf(4), addTo(i, i32c(3))),
    ...forLoop(i, n, rowsOf(1)),
    ...get(cnt),
  ];
  return func([[11, I32], [7, V128]], code);
}

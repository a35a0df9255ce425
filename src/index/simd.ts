/**
 * WebAssembly SIMD scoring kernels for the CPU path, assembled here from opcodes (no toolchain, no
 * extra file to serve). Rows are copied block by block into the module's memory (a block stays in
 * cache while it is scored) and scored with f32x4 multiply/add. The arithmetic is fixed: lane l
 * accumulates dims j ≡ l (mod 4) in order, each product and sum rounded to f32, then
 * (l0 + l1) + (l2 + l3). `scoreRowF32`/`scoreRowI8` reproduce it bit for bit in JS (every f32
 * operation done in double and rounded is correctly rounded), so the SIMD path, the JS fallback and
 * the rescoring of GPU candidates all produce identical scores.
 */

const fr = Math.fround;

/** JS reference of the SIMD arithmetic for one float32 row (query padded to `stride`). */
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

/**
 * JS reference for one int8 row, before the per-row scale. The same loop as scoreRowF32 on purpose:
 * one function over both array types would make V8's element loads polymorphic in this hot loop.
 */
export function scoreRowI8(a: Int8Array, o: number, q: Float32Array, stride: number): number {
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  for (let j = 0; j < stride; j += 4) {
    l0 = fr(l0 + fr(a[o + j]! * q[j]!));
    l1 = fr(l1 + fr(a[o + j + 1]! * q[j + 1]!));
    l2 = fr(l2 + fr(a[o + j + 2]! * q[j + 2]!));
    l3 = fr(l3 + fr(a[o + j + 3]! * q[j + 3]!));
  }
  return fr(fr(l0 + l1) + fr(l2 + l3));
}

// ---- a minimal assembler ----
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

const I32 = 0x7f, V128 = 0x7b;
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const i32c = (n: number): number[] => [0x41, ...sleb(n)];
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, GE_U = 0x4f;

/**
 * scan(rows, n, stride4, q, out): out[i] = score of row i. f32 rows: stride4 vec4 per row;
 * i8 rows: stride4 words of 4 int8 per row. Params 0..4, locals: 5 i, 6 w, 7 p, 8 acc (v128).
 */
function scanBody(int8: boolean): number[] {
  const rowLoad = int8
    ? [...get(7), ...get(6), ...i32c(2), SHL, ADD, ...simd(0x5c, 2, 0), ...simd(0x87), ...simd(0xa7), ...simd(0xfa)]
    : [...get(7), ...get(6), ...i32c(4), SHL, ADD, ...simd(0x00, 4, 0)];
  const qLoad = [...get(3), ...get(6), ...i32c(4), SHL, ADD, ...simd(0x00, 4, 0)];
  const lane = (l: number): number[] => [...get(8), ...simd(0x1f, l)];
  const body = [
    ...get(0), ...set(7),
    ...i32c(0), ...set(5),
    0x02, 0x40, 0x03, 0x40,
    ...get(5), ...get(1), GE_U, 0x0d, 1,
    0x43, 0, 0, 0, 0, ...simd(0x13), ...set(8),
    ...i32c(0), ...set(6),
    0x02, 0x40, 0x03, 0x40,
    ...get(6), ...get(2), GE_U, 0x0d, 1,
    ...get(8), ...rowLoad, ...qLoad, ...simd(0xe6), ...simd(0xe4), ...set(8),
    ...get(6), ...i32c(1), ADD, ...set(6),
    0x0c, 0,
    0x0b, 0x0b,
    ...get(4), ...get(5), ...i32c(2), SHL, ADD,
    ...lane(0), ...lane(1), 0x92, ...lane(2), ...lane(3), 0x92, 0x92,
    0x38, 2, 0,
    ...get(7), ...get(2), ...i32c(int8 ? 2 : 4), SHL, ADD, ...set(7),
    ...get(5), ...i32c(1), ADD, ...set(5),
    0x0c, 0,
    0x0b, 0x0b,
    0x0b,
  ];
  const locals = vec([[3, I32], [1, V128]]);
  const fn = [...locals, ...body];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(3, vec([[0], [0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([[...str('mem'), 0x02, 0], [...str('f32'), 0x00, 0], [...str('i8'), 0x00, 1]])),
    ...section(10, vec([scanBody(false), scanBody(true)])),
  ];
  return new Uint8Array(bytes);
}

export interface SimdKernels {
  memory: WebAssembly.Memory;
  f32: (rows: number, n: number, stride4: number, q: number, out: number) => void;
  i8: (rows: number, n: number, stride4: number, q: number, out: number) => void;
}

let cached: SimdKernels | null | undefined;

/** The kernels, or null where WebAssembly SIMD is unavailable (then the JS loop runs). */
export function simdKernels(): SimdKernels | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const W = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
    if (!W) return null;
    const bytes = moduleBytes();
    if (!W.validate(bytes)) return null;
    const inst = new W.Instance(new W.Module(bytes), {});
    const e = inst.exports as unknown as SimdKernels & { mem: WebAssembly.Memory };
    cached = { memory: e.mem, f32: e.f32, i8: e.i8 };
  } catch {
    cached = null;
  }
  return cached;
}

/** For tests: force the JS path (true) or restore detection (false). */
export function disableSimdForTesting(off: boolean): void {
  cached = off ? null : undefined;
}

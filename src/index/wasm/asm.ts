/**
 * A minimal WebAssembly assembler: the scan kernels are emitted from opcodes at run time, so the SDK
 * ships no .wasm file to serve and needs no toolchain. Only what the kernels use is here.
 */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
export const sleb = (n: number): number[] => {
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
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32c = (n: number): number[] => [0x41, ...sleb(n)];
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
export const op = {
  add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, xor: 0x73, shl: 0x74, shrU: 0x76, popcnt: 0x69,
  geU: 0x4f, gtU: 0x4b, ltS: 0x48, f32add: 0x92, f64add: 0xa0,
} as const;
/** Loads/stores with their natural alignment; `off` is the static memarg offset. */
export const i32load = (off = 0): number[] => [0x28, 2, ...uleb(off)];
export const i32store = (off = 0): number[] => [0x36, 2, ...uleb(off)];
export const f32store = (off = 0): number[] => [0x38, 2, ...uleb(off)];
export const f64load = (off = 0): number[] => [0x2b, 3, ...uleb(off)];
export const f64store = (off = 0): number[] => [0x39, 3, ...uleb(off)];
export const v128load = (off = 0): number[] => simd(0x00, 4, ...uleb(off));
export const v128zero = (): number[] => simd(0x0c, ...new Array<number>(16).fill(0));
export const f32x4 = { add: simd(0xe4), mul: simd(0xe6), lane: (l: number) => simd(0x1f, l) };
export const v128store = (off = 0): number[] => simd(0x0b, 4, ...uleb(off));
export const v128xor = simd(0x51);
export const i8x16 = { add: simd(0x6e), popcnt: simd(0x62) };
export const i32x4 = {
  add: simd(0xae), dotI16: simd(0xba), lane: (l: number) => simd(0x1b, l), splat: simd(0x11), ltS: simd(0x39), bitmask: simd(0xa4),
  extaddI16S: simd(0x7e),
};
export const i16x8 = { extLowI8: simd(0x87), extHighI8: simd(0x88), extaddI8U: simd(0x7d), narrowI32S: simd(0x85) };
/** `if (cond) body` for a condition already on the stack. */
export const ifThen = (body: number[]): number[] => [0x04, 0x40, ...body, 0x0b];
/** i32x4.relaxed_dot_i8x16_i7x16_add_s: deterministic when the second operand's lanes are in [0, 127]. */
export const relaxedDotAdd = simd(0x113);

/** `for (; a < b; a += 1) body` as block/loop; `inc` steps the other cursors of the loop. */
export function forLoop(a: number, b: number, body: number[], inc: number[] = []): number[] {
  return [
    0x02, 0x40, 0x03, 0x40,
    ...get(a), ...get(b), op.geU, 0x0d, 1,
    ...body,
    ...inc,
    ...get(a), ...i32c(1), op.add, ...set(a),
    0x0c, 0,
    0x0b, 0x0b,
  ];
}

/** `x += n` for an i32 local. */
export const addTo = (x: number, n: number[]): number[] => [...get(x), ...n, op.add, ...set(x)];

/** Function body from local declarations (count, type) and code. */
export function func(locals: [number, number][], code: number[]): number[] {
  const fn = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...code, 0x0b];
  return [...uleb(fn.length), ...fn];
}

/** A module importing memory `m.mem` (shared: declared with max pages), exporting the given functions (`ret`: one i32 result). */
export function moduleOf(fns: { name: string; params: number; ret?: boolean; body: number[] }[], shared: boolean): Uint8Array<ArrayBuffer> {
  const sig = (f: { params: number; ret?: boolean }): string => `${f.params}${f.ret ? 'r' : ''}`;
  const sigs = [...new Set(fns.map(sig))];
  const types = sigs.map((k) => [0x60, ...vec(new Array(parseInt(k, 10)).fill([I32])), ...(k.endsWith('r') ? [1, I32] : [0])]);
  const limits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...str('m'), ...str('mem'), 0x02, ...limits]])),
    ...section(3, vec(fns.map((f) => uleb(sigs.indexOf(sig(f)))))),
    ...section(7, vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.body))),
  ];
  return new Uint8Array(bytes);
}

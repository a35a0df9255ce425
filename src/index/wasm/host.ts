import { kernelBytes } from './kernels';

/** Exported kernel functions of one instance (pointers are byte offsets into its memory). */
export interface KernelFns {
  f32(rows: number, n: number, stride4: number, q: number, out: number): void;
  i8(rows: number, n: number, rowBytes: number, chunks: number, q16: number, out: number): void;
  /** Present only where relaxed SIMD validates. */
  i8r?: (rows: number, n: number, rowBytes: number, chunks: number, qd: number, out: number) => void;
  popcnt(rows: number, n: number, words: number, qb: number, out: number): void;
  /** Sign-bit rows of whole 16-byte chunks: (row, distance) pairs with distance < limit into out; returns their count. */
  ham(rows: number, n: number, chunks: number, qb: number, limit: number, out: number): number;
  lut(rows: number, n: number, words: number, table: number, out: number): void;
}

interface Compiled {
  module: WebAssembly.Module;
  relaxed: boolean;
}

const compiled = new Map<boolean, Compiled | null>();
let relaxedOff = false;
let simdOff = false;

const W = (): typeof WebAssembly | undefined => (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;

/**
 * The kernel module for plain or shared memory, compiled once per realm: the relaxed-SIMD variant
 * where it validates, else plain SIMD, else null (no WebAssembly SIMD: the JS reference scans).
 */
export function kernelModule(shared: boolean, allowRelaxed = true): Compiled | null {
  if (simdOff) return null;
  if (!allowRelaxed) return plainOf(shared);
  const hit = compiled.get(shared);
  if (hit !== undefined) return hit && (relaxedOff && hit.relaxed ? plainOf(shared) : hit);
  let got: Compiled | null = null;
  const w = W();
  if (w) {
    for (const relaxed of [true, false]) {
      const bytes = kernelBytes(shared, relaxed);
      if (!w.validate(bytes)) continue;
      try {
        got = { module: new w.Module(bytes), relaxed };
        break;
      } catch {
        /* try the next variant */
      }
    }
  }
  compiled.set(shared, got);
  return got && (relaxedOff && got.relaxed ? plainOf(shared) : got);
}

const plainCache = new Map<boolean, Compiled | null>();
function plainOf(shared: boolean): Compiled | null {
  const hit = plainCache.get(shared);
  if (hit !== undefined) return hit;
  const w = W();
  const bytes = kernelBytes(shared, false);
  const got = w && w.validate(bytes) ? { module: new w.Module(bytes), relaxed: false } : null;
  plainCache.set(shared, got);
  return got;
}

export function instantiate(c: Compiled, memory: WebAssembly.Memory): KernelFns {
  const inst = new (W()!).Instance(c.module, { m: { mem: memory } });
  return inst.exports as unknown as KernelFns;
}

/** For tests: no WebAssembly at all (true) / detection restored (false). */
export function disableWasmForTesting(off: boolean): void {
  simdOff = off;
}

/** For tests and benchmarks: plain SIMD even where relaxed SIMD validates. */
export function disableRelaxedForTesting(off: boolean): void {
  relaxedOff = off;
}

/** Which int8 kernel a new scan uses: 'relaxed', 'simd' or 'js'. */
export function int8KernelKind(): 'relaxed' | 'simd' | 'js' {
  const c = kernelModule(false);
  return !c ? 'js' : c.relaxed ? 'relaxed' : 'simd';
}

import { ScanArena } from './wasm/arena';
import type { Planes } from './rows';
import type { ScanKernels } from './types';

/** The planes as the store holds them: replaced (not only written) when they grow. */
type PlaneArrays = 'f32' | 'i8' | 'scales' | 'bits' | 'r8' | 'rscales';
export type GrowablePlanes = Omit<Planes, PlaneArrays> & { -readonly [K in PlaneArrays]: Planes[K] } & {
  alive: Uint8Array;
  /** Slots in use: the rows a grown plane keeps. */
  readonly size: number;
  /** Bytes per row of the scanned plane. */
  readonly scanRowBytes: number;
};

/**
 * Where the planes' memory comes from: the scanned plane (f32 | i8 | bits) in a ScanArena when
 * WebAssembly SIMD is there (in shared memory for index workers), everything else in plain arrays.
 */
export class PlaneMemory {
  /** Where the scanned plane lives; null: plain arrays. */
  arena: ScanArena | null = null;
  private arenaTried = false;
  private planeInArena = false;

  constructor(
    /** Which kernels: 'auto' (relaxed SIMD where it validates), 'simd' (plain SIMD), 'js' (no arena). */
    private readonly kernels: ScanKernels,
    /** Put the scanned plane in shared memory (index workers scan it; needs cross-origin isolation). */
    private readonly shared: boolean,
  ) {}

  /** Gives every plane of `p` room for `cap` rows, keeping its first `p.size` rows. */
  grow(p: GrowablePlanes, cap: number): void {
    const grow = <T extends Float32Array | Int8Array | Uint32Array | Uint8Array>(old: T, per: number, make: (len: number) => T): T => {
      const next = make(cap * per);
      next.set(old.subarray(0, p.size * per) as never);
      return next;
    };
    if (!this.arenaTried) {
      this.arenaTried = true;
      this.arena = this.kernels === 'js' ? null : ScanArena.create(p.scanRowBytes, p.stride, p.words, this.shared, this.kernels === 'auto');
    }
    // The scanned plane: in the arena (grown in place, views re-made) or, past what it can hold, a plain array.
    let inArena = false;
    if (this.arena) {
      if (this.arena.reserve(cap)) inArena = true;
      else this.arena = null;
    }
    const view = <T extends Float32Array | Int8Array | Uint32Array>(old: T, per: number, C: new (b: ArrayBufferLike, o: number, l: number) => T, make: (len: number) => T): T => {
      if (!inArena) return grow(old, per, make);
      const next = new C(this.arena!.buffer, this.arena!.rows, cap * per);
      // A grown arena kept its bytes (a plain one detached `old`); rows still in a plain array move in.
      if (!this.planeInArena && p.size > 0) next.set(old.subarray(0, p.size * per) as never);
      return next;
    };
    if (p.format === 'float32') p.f32 = view(p.f32, p.stride, Float32Array, (l) => new Float32Array(l));
    else if (p.format === 'int8') p.i8 = view(p.i8, p.stride, Int8Array, (l) => new Int8Array(l));
    else p.bits = view(p.bits, p.words, Uint32Array, (l) => new Uint32Array(l));
    if (p.format === 'binary') p.i8 = grow(p.i8, p.stride, (l) => new Int8Array(l));
    // Index workers read the int8 scales too: shared memory when the rows are.
    const scalesOf = (l: number): Float32Array => (inArena && this.arena!.shared ? new Float32Array(new SharedArrayBuffer(l * 4)) : new Float32Array(l));
    if (p.format !== 'float32') p.scales = grow(p.scales, 1, scalesOf);
    if (p.format === 'int8') {
      p.r8 = grow(p.r8, p.stride, (l) => new Int8Array(l));
      p.rscales = grow(p.rscales, 1, (l) => new Float32Array(l));
    }
    p.alive = grow(p.alive, 1, (l) => new Uint8Array(l));
    this.planeInArena = inArena;
  }

  /** A wasm memory cannot shrink: let it go, the next grow() makes a fresh one. */
  reset(): void {
    this.arena = null;
    this.arenaTried = false;
    this.planeInArena = false;
  }
}

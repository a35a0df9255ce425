import { IndexError } from './errors';
import { quantizeInt8Into, packBitsInto } from './quantize';
import { paddedDims } from './vectors';
import { int8Score, scoreRowF32, scoreRowI8, type PreparedQuery } from './simd';
import { ScanArena } from './wasm/arena';
import type { Json, ScanKernels, StorageFormat } from './types';

/** Slots are grouped in chunks of this many for dirty tracking (GPU upload, IndexedDB commit). */
export const CHUNK_SLOTS = 4096;

/** Raw planes of a run of rows (persistence, export). */
export interface Rows {
  f32?: Float32Array;
  i8?: Int8Array;
  scales?: Float32Array;
  bits?: Uint32Array;
  r8?: Int8Array;
  rscales?: Float32Array;
}

/** Which planes each storage format has, with bytes per row. */
export function planesOf(format: StorageFormat, stride: number, words: number): [keyof Rows, number][] {
  if (format === 'float32') return [['f32', stride * 4]];
  if (format === 'int8') return [['i8', stride], ['scales', 4], ['r8', stride], ['rscales', 4]];
  return [['i8', stride], ['scales', 4], ['bits', words * 4]];
}

/** Receives the chunk numbers whose bytes changed; each consumer (GPU mirror, persistence) keeps its own set. */
export interface DirtyTracker {
  dirty: Set<number>;
  /** Set when everything must be rewritten (clear, import, capacity change for the GPU). */
  all: boolean;
}

/**
 * Columnar storage of the index. Slot order is insertion order: removal leaves a tombstone and
 * `compact()` closes the gaps while keeping the order, upsert of an existing id rewrites it in place.
 * That makes "lower slot" = "inserted earlier", the tie-break both CPU and GPU use.
 */
export class VectorStore {
  readonly dims: number;
  readonly format: StorageFormat;
  /** Padded row length (elements) of `f32` / `i8`. */
  readonly stride: number;
  /** u32 words per row of `bits`. */
  readonly words: number;
  capacity = 0;
  /** Slots in use, tombstones included. */
  size = 0;
  dead = 0;
  f32: Float32Array = new Float32Array(0);
  i8: Int8Array = new Int8Array(0);
  scales: Float32Array = new Float32Array(0);
  bits: Uint32Array = new Uint32Array(0);
  /** int8 only: the quantization residual x − scale·q, itself int8 with its own scale (rescoring plane). */
  r8: Int8Array = new Int8Array(0);
  rscales: Float32Array = new Float32Array(0);
  alive: Uint8Array = new Uint8Array(0);
  ids: string[] = [];
  meta: (Json | undefined)[] = [];
  readonly slotOf = new Map<string, number>();
  readonly trackers = new Set<DirtyTracker>();
  /** Where the scanned plane (f32 | i8 | bits) lives when WebAssembly SIMD is there; null: plain arrays. */
  arena: ScanArena | null = null;
  private arenaTried = false;
  /** Scratch for int8 residuals (one row at a time; no allocation per added vector). */
  private readonly residual: Float32Array;
  private planeInArena = false;

  constructor(
    dims: number,
    format: StorageFormat,
    /** Which kernels: 'auto' (relaxed SIMD where it validates), 'simd' (plain SIMD), 'js' (no arena). */
    private readonly kernels: ScanKernels = 'auto',
    /** Put the scanned plane in shared memory (index workers scan it; needs cross-origin isolation). */
    private readonly shared = false,
  ) {
    this.dims = dims;
    this.format = format;
    this.stride = paddedDims(dims);
    this.words = Math.ceil(dims / 32);
    this.residual = new Float32Array(dims);
  }

  /** Bytes per row of the scanned plane. */
  get scanRowBytes(): number {
    return this.format === 'float32' ? this.stride * 4 : this.format === 'int8' ? this.stride : this.words * 4;
  }

  get count(): number {
    return this.size - this.dead;
  }

  private markDirty(fromSlot: number, toSlot: number): void {
    if (this.trackers.size === 0 || toSlot <= fromSlot) return;
    const a = Math.floor(fromSlot / CHUNK_SLOTS);
    const b = Math.floor((toSlot - 1) / CHUNK_SLOTS);
    for (const t of this.trackers) for (let c = a; c <= b; c++) t.dirty.add(c);
  }

  private markAll(): void {
    for (const t of this.trackers) t.all = true;
  }

  reserve(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, Math.ceil(this.capacity * 1.5), 1024);
    try {
      this.growTo(cap);
    } catch (e) {
      if (e instanceof RangeError) {
        throw new IndexError('index_too_large', `this device cannot allocate ${cap} rows of ${this.dims}d ${this.format} (${String(e.message)})`, { cause: e });
      }
      throw e;
    }
  }

  private growTo(cap: number): void {
    const grow = <T extends Float32Array | Int8Array | Uint32Array | Uint8Array>(old: T, per: number, make: (len: number) => T): T => {
      const next = make(cap * per);
      next.set(old.subarray(0, this.size * per) as never);
      return next;
    };
    if (!this.arenaTried) {
      this.arenaTried = true;
      this.arena = this.kernels === 'js' ? null : ScanArena.create(this.scanRowBytes, this.stride, this.words, this.shared, this.kernels === 'auto');
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
      if (!this.planeInArena && this.size > 0) next.set(old.subarray(0, this.size * per) as never);
      return next;
    };
    if (this.format === 'float32') this.f32 = view(this.f32, this.stride, Float32Array, (l) => new Float32Array(l));
    else if (this.format === 'int8') this.i8 = view(this.i8, this.stride, Int8Array, (l) => new Int8Array(l));
    else this.bits = view(this.bits, this.words, Uint32Array, (l) => new Uint32Array(l));
    if (this.format === 'binary') this.i8 = grow(this.i8, this.stride, (l) => new Int8Array(l));
    // Index workers read the int8 scales too: shared memory when the rows are.
    const scalesOf = (l: number): Float32Array => (inArena && this.arena!.shared ? new Float32Array(new SharedArrayBuffer(l * 4)) : new Float32Array(l));
    if (this.format !== 'float32') this.scales = grow(this.scales, 1, scalesOf);
    if (this.format === 'int8') {
      this.r8 = grow(this.r8, this.stride, (l) => new Int8Array(l));
      this.rscales = grow(this.rscales, 1, (l) => new Float32Array(l));
    }
    this.alive = grow(this.alive, 1, (l) => new Uint8Array(l));
    this.planeInArena = inArena;
    this.capacity = cap;
  }

  /** Writes a prepared (truncated, normalized) vector into a slot. */
  private writeRow(slot: number, v: Float32Array): void {
    const o = slot * this.stride;
    if (this.format === 'float32') {
      this.f32.set(v, o);
      this.f32.fill(0, o + this.dims, o + this.stride);
    } else {
      const sc = quantizeInt8Into(v, this.i8, o);
      this.scales[slot] = sc;
      this.i8.fill(0, o + this.dims, o + this.stride);
      if (this.format === 'binary') packBitsInto(v, this.bits, slot * this.words);
      if (this.format === 'int8') {
        const res = this.residual;
        for (let j = 0; j < this.dims; j++) res[j] = v[j]! - this.i8[o + j]! * Math.fround(sc);
        this.rscales[slot] = quantizeInt8Into(res, this.r8, o);
        this.r8.fill(0, o + this.dims, o + this.stride);
      }
    }
  }

  /** Appends a new id (caller checked it is new). */
  append(id: string, v: Float32Array, metadata: Json | undefined): number {
    this.reserve(this.size + 1);
    const slot = this.size++;
    this.writeRow(slot, v);
    this.alive[slot] = 1;
    this.ids[slot] = id;
    this.meta[slot] = metadata;
    this.slotOf.set(id, slot);
    this.markDirty(slot, slot + 1);
    return slot;
  }

  /** Rewrites an existing id in place (keeps its insertion position). */
  overwrite(slot: number, v: Float32Array, metadata: Json | undefined): void {
    this.writeRow(slot, v);
    this.meta[slot] = metadata;
    this.markDirty(slot, slot + 1);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.alive[slot] = 0;
    this.meta[slot] = undefined;
    this.dead++;
    this.markDirty(slot, slot + 1);
    return true;
  }

  /** Closes tombstone gaps, keeping insertion order. */
  compact(): void {
    if (this.dead === 0) return;
    let w = 0;
    let firstMoved = -1;
    const s = this.stride;
    for (let r = 0; r < this.size; r++) {
      if (!this.alive[r]) continue;
      if (r !== w) {
        if (firstMoved < 0) firstMoved = w;
        if (this.format === 'float32') this.f32.copyWithin(w * s, r * s, r * s + s);
        else {
          this.i8.copyWithin(w * s, r * s, r * s + s);
          this.scales[w] = this.scales[r]!;
          if (this.format === 'binary') this.bits.copyWithin(w * this.words, r * this.words, (r + 1) * this.words);
          if (this.format === 'int8') {
            this.r8.copyWithin(w * s, r * s, r * s + s);
            this.rscales[w] = this.rscales[r]!;
          }
        }
        this.alive[w] = 1;
        this.ids[w] = this.ids[r]!;
        this.meta[w] = this.meta[r];
        this.slotOf.set(this.ids[w]!, w);
      }
      w++;
    }
    const oldSize = this.size;
    this.alive.fill(0, w, oldSize);
    this.ids.length = w;
    this.meta.length = w;
    this.size = w;
    this.dead = 0;
    this.markDirty(firstMoved < 0 ? w : firstMoved, oldSize);
  }

  clear(): void {
    this.size = 0;
    this.dead = 0;
    this.capacity = 0;
    this.f32 = new Float32Array(0);
    this.i8 = new Int8Array(0);
    this.scales = new Float32Array(0);
    this.bits = new Uint32Array(0);
    this.r8 = new Int8Array(0);
    this.rscales = new Float32Array(0);
    this.alive = new Uint8Array(0);
    this.ids = [];
    this.meta = [];
    this.slotOf.clear();
    // A wasm memory cannot shrink: let it go, the next reserve() makes a fresh one.
    this.arena = null;
    this.arenaTried = false;
    this.planeInArena = false;
    this.markAll();
  }

  /** The stored vector of a slot, dequantized (length dims). */
  vectorAt(slot: number): Float32Array {
    const out = new Float32Array(this.dims);
    const o = slot * this.stride;
    if (this.format === 'float32') out.set(this.f32.subarray(o, o + this.dims));
    else {
      const sc = this.scales[slot]!;
      for (let j = 0; j < this.dims; j++) out[j] = this.i8[o + j]! * sc;
      if (this.format === 'int8') {
        const rs = this.rscales[slot]!;
        for (let j = 0; j < this.dims; j++) out[j] = out[j]! + this.r8[o + j]! * rs;
      }
    }
    return out;
  }

  /**
   * Exact score of one slot against a query padded to `stride` (zeros past dims), in the fixed f32
   * arithmetic of simd.ts: the SIMD scan, the JS scan and candidate rescoring all rank by identical numbers.
   */
  scoreSlot(slot: number, q: PreparedQuery): number {
    const o = slot * this.stride;
    if (this.format === 'float32') return scoreRowF32(this.f32, o, q.f, this.stride);
    return int8Score(scoreRowI8(this.i8, o, q.q16, this.stride), q.qscale, this.scales[slot]!);
  }

  /** int8 only: the refined score (int8 plane + residual plane, ~16-bit precision) used to rescore candidates. */
  refineSlot(slot: number, q: Float32Array): number {
    const o = slot * this.stride;
    const a = this.i8;
    const r = this.r8;
    let acc = 0;
    let racc = 0;
    for (let j = 0; j < this.dims; j++) {
      acc += a[o + j]! * q[j]!;
      racc += r[o + j]! * q[j]!;
    }
    return Math.fround(acc * this.scales[slot]! + racc * this.rscales[slot]!);
  }

  /** Raw rows of slots [from, to) for persistence/export (copies). */
  sliceRows(from: number, to: number): Rows {
    const s = this.stride;
    if (this.format === 'float32') return { f32: this.f32.slice(from * s, to * s) };
    const out: Rows = {
      i8: this.i8.slice(from * s, to * s),
      scales: this.scales.slice(from, to),
    };
    if (this.format === 'binary') out.bits = this.bits.slice(from * this.words, to * this.words);
    if (this.format === 'int8') {
      out.r8 = this.r8.slice(from * s, to * s);
      out.rscales = this.rscales.slice(from, to);
    }
    return out;
  }

  /** Appends raw rows (from persistence/import) — all alive. */
  appendRows(ids: string[], meta: (Json | undefined)[], rows: Rows): void {
    const n = ids.length;
    this.reserve(this.size + n);
    const at = this.size;
    const s = this.stride;
    if (this.format === 'float32') this.f32.set(rows.f32!.subarray(0, n * s), at * s);
    else {
      this.i8.set(rows.i8!.subarray(0, n * s), at * s);
      this.scales.set(rows.scales!.subarray(0, n), at);
      if (this.format === 'binary') this.bits.set(rows.bits!.subarray(0, n * this.words), at * this.words);
      if (this.format === 'int8') {
        this.r8.set(rows.r8!.subarray(0, n * s), at * s);
        this.rscales.set(rows.rscales!.subarray(0, n), at);
      }
    }
    this.alive.fill(1, at, at + n);
    for (let i = 0; i < n; i++) {
      this.ids[at + i] = ids[i]!;
      this.meta[at + i] = meta[i];
      this.slotOf.set(ids[i]!, at + i);
    }
    this.size += n;
    this.markDirty(at, at + n);
  }
}

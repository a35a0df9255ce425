import { markAll, markDirty, type DirtyTracker } from './dirty';
import { IndexError } from './errors';
import { PlaneMemory } from './plane-memory';
import { decodeRow, encodeRow } from './row-codec';
import { refineRow, scoreRow } from './row-score';
import { moveRow, setRows, sliceRows, type Planes, type Rows } from './rows';
import { paddedDims } from './vectors';
import type { PreparedQuery } from './simd';
import type { ScanArena } from './wasm/arena';
import type { Json, ScanKernels, StorageFormat } from './types';

/**
 * Columnar storage of the index. Slot order is insertion order: removal leaves a tombstone and
 * `compact()` closes the gaps while keeping the order, upsert of an existing id rewrites it in place.
 * That makes "lower slot" = "inserted earlier", the tie-break both CPU and GPU use.
 *
 * This file keeps the slots (ids, tombstones, order, dirty chunks); how a row is laid out in the
 * planes is rows.ts / row-codec.ts / row-score.ts, where the planes' memory comes from plane-memory.ts.
 */
export class VectorStore implements Planes {
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
  private readonly memory: PlaneMemory;
  /** Scratch for int8 residuals (one row at a time; no allocation per added vector). */
  private readonly residual: Float32Array;

  constructor(
    dims: number,
    format: StorageFormat,
    /** Which kernels: 'auto' (relaxed SIMD where it validates), 'simd' (plain SIMD), 'js' (no arena). */
    kernels: ScanKernels = 'auto',
    /** Put the scanned plane in shared memory (index workers scan it; needs cross-origin isolation). */
    shared = false,
  ) {
    this.dims = dims;
    this.format = format;
    this.stride = paddedDims(dims);
    this.words = Math.ceil(dims / 32);
    this.residual = new Float32Array(dims);
    this.memory = new PlaneMemory(kernels, shared);
  }

  /** Where the scanned plane (f32 | i8 | bits) lives when WebAssembly SIMD is there; null: plain arrays. */
  get arena(): ScanArena | null {
    return this.memory.arena;
  }

  /** Bytes per row of the scanned plane. */
  get scanRowBytes(): number {
    return this.format === 'float32' ? this.stride * 4 : this.format === 'int8' ? this.stride : this.words * 4;
  }

  get count(): number {
    return this.size - this.dead;
  }

  reserve(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, Math.ceil(this.capacity * 1.5), 1024);
    try {
      this.memory.grow(this, cap);
      this.capacity = cap;
    } catch (e) {
      if (e instanceof RangeError) {
        throw new IndexError('index_too_large', `this device cannot allocate ${cap} rows of ${this.dims}d ${this.format} (${String(e.message)})`, { cause: e });
      }
      throw e;
    }
  }

  /** Appends a new id (caller checked it is new). */
  append(id: string, v: Float32Array, metadata: Json | undefined): number {
    this.reserve(this.size + 1);
    const slot = this.size++;
    encodeRow(this, slot, v, this.residual);
    this.alive[slot] = 1;
    this.ids[slot] = id;
    this.meta[slot] = metadata;
    this.slotOf.set(id, slot);
    markDirty(this.trackers, slot, slot + 1);
    return slot;
  }

  /** Rewrites an existing id in place (keeps its insertion position). */
  overwrite(slot: number, v: Float32Array, metadata: Json | undefined): void {
    encodeRow(this, slot, v, this.residual);
    this.meta[slot] = metadata;
    markDirty(this.trackers, slot, slot + 1);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.alive[slot] = 0;
    this.meta[slot] = undefined;
    this.dead++;
    markDirty(this.trackers, slot, slot + 1);
    return true;
  }

  /** Closes tombstone gaps, keeping insertion order. */
  compact(): void {
    if (this.dead === 0) return;
    let w = 0;
    let firstMoved = -1;
    for (let r = 0; r < this.size; r++) {
      if (!this.alive[r]) continue;
      if (r !== w) {
        if (firstMoved < 0) firstMoved = w;
        moveRow(this, w, r);
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
    markDirty(this.trackers, firstMoved < 0 ? w : firstMoved, oldSize);
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
    this.memory.reset();
    markAll(this.trackers);
  }

  /** The stored vector of a slot, dequantized (length dims). */
  vectorAt(slot: number): Float32Array {
    return decodeRow(this, slot);
  }

  /** Exact score of one slot against a query padded to `stride` (see row-score.ts). */
  scoreSlot(slot: number, q: PreparedQuery): number {
    return scoreRow(this, slot, q);
  }

  /** int8 only: the refined score (int8 plane + residual plane, ~16-bit precision) used to rescore candidates. */
  refineSlot(slot: number, q: Float32Array): number {
    return refineRow(this, slot, q);
  }

  /** Raw rows of slots [from, to) for persistence/export (copies). */
  sliceRows(from: number, to: number): Rows {
    return sliceRows(this, from, to);
  }

  /** Appends raw rows (from persistence/import) — all alive. */
  appendRows(ids: string[], meta: (Json | undefined)[], rows: Rows): void {
    const n = ids.length;
    this.reserve(this.size + n);
    const at = this.size;
    setRows(this, at, n, rows);
    this.alive.fill(1, at, at + n);
    for (let i = 0; i < n; i++) {
      this.ids[at + i] = ids[i]!;
      this.meta[at + i] = meta[i];
      this.slotOf.set(ids[i]!, at + i);
    }
    this.size += n;
    markDirty(this.trackers, at, at + n);
  }
}

import { ScanArena } from '../wasm/arena';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';

/** Room left in each list at a layout, so most adds do not move anything. */
const SLACK = 1.25;
const MIN_SLACK_ROWS = 8;

/**
 * The inverted lists: each list's members' scanned-plane rows (int8 codes, or sign bits for binary
 * storage) copied next to each other, so a probe is one run of the same kernels the exact scan uses,
 * reading contiguous memory. `slots` maps a list row back to the store slot (which also breaks ties,
 * as in the exact scan). List l owns rows [start[l], start[l] + len[l]) of capacity cap[l].
 */
export class IvfLists {
  readonly nlist: number;
  readonly rowBytes: number;
  start: Int32Array;
  len: Int32Array;
  cap: Int32Array;
  /** Per list row: the store slot, and (int8 scoring) the slot's scale. */
  slots = new Int32Array(0);
  scales = new Float32Array(0);
  /** Per store slot: its list (−1: none) and its row in the lists. */
  listOf = new Int32Array(0);
  posOf = new Int32Array(0);
  /** The copied rows: inside a ScanArena where WebAssembly SIMD is there, else a plain array. */
  arena: ScanArena | null;
  private plain = new Uint8Array(0);
  rowsTotal = 0;

  constructor(
    readonly centroids: Float32Array,
    nlist: number,
    private readonly store: VectorStore,
  ) {
    this.nlist = nlist;
    this.rowBytes = store.scanRowBytes;
    this.start = new Int32Array(nlist);
    this.len = new Int32Array(nlist);
    this.cap = new Int32Array(nlist);
    this.arena = store.arena ? ScanArena.create(this.rowBytes, store.stride, store.words, false, store.arena.relaxed) : null;
  }

  /** Members in all lists. */
  get members(): number {
    let n = 0;
    for (let l = 0; l < this.nlist; l++) n += this.len[l]!;
    return n;
  }

  /** The copied rows as bytes (a fresh view: the arena's buffer changes when it grows). */
  bytes(): Uint8Array {
    if (this.arena) return new Uint8Array(this.arena.buffer, this.arena.rows, this.rowsTotal * this.rowBytes);
    return this.plain;
  }

  private storeBytes(): Uint8Array {
    const s = this.store;
    const p = s.format === 'binary' ? s.bits : s.i8;
    return new Uint8Array(p.buffer, p.byteOffset, s.size * this.rowBytes);
  }

  /** Slot-indexed arrays cover `n` slots. */
  private coverSlots(n: number): void {
    if (this.listOf.length >= n) return;
    const cap = Math.max(n, Math.ceil(this.listOf.length * 1.5), 1024);
    const lo = new Int32Array(cap).fill(-1);
    lo.set(this.listOf);
    const po = new Int32Array(cap).fill(-1);
    po.set(this.posOf);
    this.listOf = lo;
    this.posOf = po;
  }

  /**
   * Lays every list out again from `listOf` (each list gets its members plus slack), copying the rows
   * from the store. Time-sliced: at 1M rows this is ~250 MB of copying.
   */
  async layout(listOf: Int32Array, size: number, extra?: Int32Array): Promise<void> {
    this.coverSlots(size);
    if (listOf !== this.listOf) {
      this.listOf.fill(-1);
      this.listOf.set(listOf.subarray(0, size));
    }
    const counts = new Int32Array(this.nlist);
    for (let i = 0; i < size; i++) if (this.listOf[i]! >= 0) counts[this.listOf[i]!]!++;
    if (extra) for (let l = 0; l < this.nlist; l++) counts[l]! += extra[l]!;
    let total = 0;
    for (let l = 0; l < this.nlist; l++) {
      this.start[l] = total;
      this.cap[l] = Math.ceil(counts[l]! * SLACK) + MIN_SLACK_ROWS;
      this.len[l] = 0;
      total += this.cap[l]!;
    }
    this.rowsTotal = total;
    if (this.arena && !this.arena.reserve(total)) this.arena = null;
    if (!this.arena) this.plain = new Uint8Array(total * this.rowBytes);
    this.slots = new Int32Array(total);
    this.scales = new Float32Array(total);
    this.posOf.fill(-1);
    const slicer = new TimeSlicer();
    for (let i = 0; i < size; i++) {
      if (this.listOf[i]! >= 0) this.place(i, this.listOf[i]!);
      if ((i & 4095) === 4095) await slicer.maybeYield();
    }
  }

  /** Appends slot to list l's tail (the caller checked there is room). */
  private place(slot: number, l: number): void {
    const p = this.start[l]! + this.len[l]!++;
    const rb = this.rowBytes;
    this.bytes().set(this.storeBytes().subarray(slot * rb, slot * rb + rb), p * rb);
    this.slots[p] = slot;
    this.scales[p] = this.store.format === 'int8' ? this.store.scales[slot]! : 0;
    this.listOf[slot] = l;
    this.posOf[slot] = p;
  }

  /** Puts new (or rewritten) slots into their lists; a list without room triggers one re-layout. */
  async insert(slots: Int32Array, lists: Int32Array): Promise<void> {
    this.coverSlots(this.store.size);
    const need = new Int32Array(this.nlist);
    for (let i = 0; i < slots.length; i++) need[lists[i]!]!++;
    let fits = true;
    for (let l = 0; l < this.nlist; l++) if (this.len[l]! + need[l]! > this.cap[l]!) fits = false;
    if (!fits) {
      for (let i = 0; i < slots.length; i++) this.listOf[slots[i]!] = lists[i]!;
      await this.layout(this.listOf, this.store.size);
      return;
    }
    for (let i = 0; i < slots.length; i++) this.place(slots[i]!, lists[i]!);
  }

  /** Takes a slot out of its list (the list's last row moves into the gap; order inside a list does not matter). */
  drop(slot: number): void {
    if (slot >= this.listOf.length) return;
    const l = this.listOf[slot]!;
    if (l < 0) return;
    const p = this.posOf[slot]!;
    const last = this.start[l]! + --this.len[l]!;
    if (p !== last) {
      const rb = this.rowBytes;
      this.bytes().copyWithin(p * rb, last * rb, last * rb + rb);
      this.slots[p] = this.slots[last]!;
      this.scales[p] = this.scales[last]!;
      this.posOf[this.slots[p]!] = p;
    }
    this.listOf[slot] = -1;
    this.posOf[slot] = -1;
  }

  /**
   * The store is about to close its tombstone gaps (dead slots were dropped already): every slot
   * number moves down by the dead slots before it.
   */
  renumber(alive: Uint8Array, size: number): void {
    const remap = new Int32Array(size);
    let w = 0;
    for (let r = 0; r < size; r++) remap[r] = alive[r] ? w++ : -1;
    for (let p = 0; p < this.nlist; p++) {
      const a = this.start[p]!;
      for (let i = a; i < a + this.len[p]!; i++) this.slots[i] = remap[this.slots[i]!]!;
    }
    for (let r = 0; r < size; r++) {
      const n = remap[r]!;
      if (n < 0 || n === r) continue;
      this.listOf[n] = this.listOf[r]!;
      this.posOf[n] = this.posOf[r]!;
    }
    this.listOf.fill(-1, w, size);
    this.posOf.fill(-1, w, size);
  }

  /** List sizes relative to balanced: Σ size² · lists / N² (1 = perfectly even; the expected scan cost factor). */
  imbalance(): number {
    const n = this.members;
    if (n === 0) return 1;
    let sq = 0;
    for (let l = 0; l < this.nlist; l++) sq += this.len[l]! * this.len[l]!;
    return (sq * this.nlist) / (n * n);
  }
}

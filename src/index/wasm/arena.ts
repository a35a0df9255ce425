import { instantiate, kernelModule, type KernelFns } from './host';

/** Rows a kernel call scores at most (its output area holds that many f64). */
export const KERNEL_BLOCK = 16384;
/** Output areas in the scratch: one for this thread, one per index worker. */
export const MAX_THREADS = 8;
const PAGE = 65536;
const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * The scanned plane of a store (float32 rows, int8 rows or sign bits) kept inside a WebAssembly
 * memory, so the kernels read it in place: no per-search copy into the module, which would cost as
 * much as the scan. Layout: [scratch: query forms, table, output][rows · rowBytes][16 B overrun pad].
 * With `shared` the memory is a SharedArrayBuffer that index workers can scan too.
 */
export class ScanArena {
  readonly memory: WebAssembly.Memory;
  readonly fns: KernelFns;
  readonly relaxed: boolean;
  /** Byte offsets of the scratch areas. */
  readonly qf32: number;
  readonly q16: number;
  readonly qd: number;
  readonly qb: number;
  readonly table: number;
  readonly out: number;
  readonly rows: number;
  capacity = 0;

  private constructor(
    memory: WebAssembly.Memory,
    fns: KernelFns,
    relaxed: boolean,
    readonly rowBytes: number,
    readonly stride: number,
    readonly words: number,
    readonly shared: boolean,
  ) {
    this.memory = memory;
    this.fns = fns;
    this.relaxed = relaxed;
    const chunks = Math.ceil(stride / 16);
    let o = 0;
    this.qf32 = o;
    o += align(stride * 4, 16);
    this.q16 = o;
    o += chunks * 32;
    this.qd = o;
    o += chunks * 48;
    this.qb = o;
    o += align(words * 4, 16);
    this.table = o;
    o += words * 4 * 256 * 8;
    this.out = o;
    o += KERNEL_BLOCK * 8 * (shared ? MAX_THREADS + 1 : 1);
    this.rows = align(o, PAGE);
  }

  /** Null where WebAssembly SIMD is missing (the JS reference then scans plain typed arrays). */
  static create(rowBytes: number, stride: number, words: number, shared: boolean, allowRelaxed = true): ScanArena | null {
    const c = kernelModule(shared, allowRelaxed);
    if (!c) return null;
    try {
      const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 65536, shared: true } : { initial: 1 });
      const arena = new ScanArena(memory, instantiate(c, memory), c.relaxed, rowBytes, stride, words, shared);
      arena.ensure(arena.rows + 16);
      return arena;
    } catch {
      return null;
    }
  }

  /** The output area of thread t (0: this one, 1.. index workers). */
  outOf(t: number): number {
    return this.out + t * KERNEL_BLOCK * 8;
  }

  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** Room for `cap` rows (contents kept). False when the memory cannot grow that far (wasm32: 4 GiB). */
  reserve(cap: number): boolean {
    if (cap <= this.capacity) return true;
    const bytes = this.rows + cap * this.rowBytes + 16;
    if (bytes > 65536 * PAGE) return false;
    try {
      this.ensure(bytes);
    } catch {
      return false;
    }
    this.capacity = cap;
    return true;
  }
}

import { IndexError } from './errors';
import { exportStore, importInto } from './file';
import { Ivf, type IvfSnapshot } from './ivf/ivf';
import { checkNprobe, type IvfInfo, type IvfTrainOptions } from './ivf/options';
import { buildMask } from './mask';
import { Persistence } from './persist';
import { pickBackend, pickScanner, type Backend, type Chooser } from './scan/choose';
import { GpuBackend } from './scan/gpu';
import { rescore } from './scan/rescore';
import { ThreadedScanner, threadsAvailable } from './scan/threads';
import { wasmScanner } from './scan/wasm';
import { prepareQuery, simdKernels } from './simd';
import { VectorStore } from './store';
import { TopK } from './topk';
import { prepareItems } from './validate';
import { prepareVector } from './vectors';
import { TimeSlicer } from './yield';
import type { GpuInfo } from './gpu';
import type {
  CreateIndexOptions,
  DevicePreference,
  IndexItem,
  Json,
  Metric,
  SearchOptions,
  SearchResult,
  StorageFormat,
  StoredItem,
} from './types';

const DEFAULT_OVERSAMPLE = 50;
const INT8_OVERSAMPLE = 4;

/**
 * The coordinator: it owns the store, serializes operations, validates input once, and per search
 * picks a Scanner (scan/*) and the rescoring step. How rows are scored lives in the scanners.
 */
export class VectorIndex<M extends Json = Json> {
  readonly dims: number;
  readonly metric: Metric;
  readonly storage: StorageFormat;
  readonly device: DevicePreference;
  private readonly store: VectorStore;
  private readonly options: CreateIndexOptions;
  private readonly gpu: GpuBackend;
  private readonly threaded: ThreadedScanner | null;
  private persistence: Persistence | null = null;
  private ivfState: Ivf | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private autoTimer: ReturnType<typeof setTimeout> | null = null;

  /** @internal use createIndex() */
  constructor(options: CreateIndexOptions, metric: Metric, storage: StorageFormat, device: DevicePreference) {
    this.options = options;
    this.dims = options.dims;
    this.metric = metric;
    this.storage = storage;
    this.device = device;
    const hc = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
    const threads = threadsAvailable() ? Math.min(8, options.threads ?? hc) : 1;
    this.threaded = threads > 1 ? new ThreadedScanner(threads) : null;
    this.store = new VectorStore(options.dims, storage, options.kernels ?? 'auto', threads > 1);
    this.gpu = new GpuBackend(this.store, device, options.gpuDevice, options.gpuShardBytes);
    if (options.capacity && options.capacity > 0) this.store.reserve(Math.floor(options.capacity));
  }

  /** Live items. */
  get count(): number {
    return this.store.count;
  }

  /** The WebGPU adapter in use (null before the GPU was first used, or without one). */
  get gpuInfo(): GpuInfo | null {
    return this.gpu.info;
  }

  /** Version of the last commit (0: nothing committed / not persistent). */
  get committedVersion(): number {
    return this.persistence?.head?.version ?? 0;
  }

  /** True when there are changes a commit() would write. */
  get hasUncommittedChanges(): boolean {
    return this.persistence ? this.persistence.dirty || this.store.dead > 0 : false;
  }

  /** The CPU kernel a search runs now: 'relaxed-simd', 'simd' (WebAssembly SIMD) or 'js' (the reference). */
  get cpuKernel(): 'relaxed-simd' | 'simd' | 'js' {
    const a = this.store.arena;
    return !a || !simdKernels() ? 'js' : a.relaxed && this.storage === 'int8' ? 'relaxed-simd' : 'simd';
  }

  /** Which backend a search with device 'auto' would use now. */
  get backend(): Backend {
    return pickBackend(this.chooser(), 'auto');
  }

  /** Serializes every operation: mutations, searches and commits see a consistent store. */
  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.disposed) return Promise.reject(new IndexError('index_disposed', 'the index was disposed'));
    const p = this.queue.then(() => {
      if (this.disposed) throw new IndexError('index_disposed', 'the index was disposed');
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  private chooser(): Chooser {
    return { store: this.store, storage: this.storage, device: this.device, gpu: this.gpu, threaded: this.threaded, ivf: this.ivfState, gpuMinVectors: this.options.gpuMinVectors };
  }

  /** @internal */
  async useGpu(): Promise<boolean> {
    return (await this.gpu.acquire()) !== null;
  }

  /** @internal */
  async openPersistence(): Promise<void> {
    const p = this.options.persist!;
    this.persistence = await Persistence.open(p.name, this.store, this.metric);
    const slicer = new TimeSlicer();
    await this.persistence.load(async (loaded, total) => {
      p.onLoadProgress?.(loaded, total);
      await slicer.maybeYield();
    });
    const snap = this.persistence.loadedExtra as IvfSnapshot | null;
    if (snap) this.ivfState = await Ivf.restore(this.store, snap, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 1));
  }

  /** Closes tombstone gaps; the IVF lists learn the new slot numbers first. */
  private compact(): void {
    this.ivfState?.beforeCompact();
    this.store.compact();
  }

  private dropIvf(): void {
    this.ivfState?.dispose();
    this.ivfState = null;
  }

  private touched(): void {
    const ac = this.options.persist?.autoCommit;
    if (!this.persistence || ac === undefined || ac === false) return;
    if (this.autoTimer) clearTimeout(this.autoTimer);
    this.autoTimer = setTimeout(() => {
      this.autoTimer = null;
      if (!this.disposed) this.commit().catch(() => undefined);
    }, ac);
  }

  private async write(items: IndexItem<M> | readonly IndexItem<M>[], mode: 'add' | 'upsert'): Promise<void> {
    const list = Array.isArray(items) ? (items as readonly IndexItem<M>[]) : [items as IndexItem<M>];
    return this.run(async () => {
      const slicer = new TimeSlicer();
      const s = this.store;
      const ready = await prepareItems(list, mode, this.dims, this.metric, (id) => s.slotOf.has(id), slicer);
      s.reserve(s.size + ready.length);
      const written = this.ivfState ? new Int32Array(ready.length) : null;
      for (let i = 0; i < ready.length; i++) {
        const it = ready[i]!;
        let slot = s.slotOf.get(it.id);
        if (slot === undefined) slot = s.append(it.id, it.vector, it.metadata);
        else s.overwrite(slot, it.vector, it.metadata);
        if (written) written[i] = slot;
        if ((i & 255) === 255) await slicer.maybeYield();
      }
      // New/rewritten items join their nearest lists (IVF workers); if that fails the lists go, not stay stale.
      if (written) await this.ivfState!.written(written).catch(() => this.dropIvf());
      this.touched();
    });
  }

  /** Adds new items (an existing id is an error: use upsert). Large batches yield to the event loop. */
  add(items: IndexItem<M> | readonly IndexItem<M>[]): Promise<void> {
    return this.write(items, 'add');
  }

  /** Adds or replaces items; a replaced item keeps its insertion position. */
  upsert(items: IndexItem<M> | readonly IndexItem<M>[]): Promise<void> {
    return this.write(items, 'upsert');
  }

  /** Removes ids; any unknown id throws `index_unknown_id` before anything is removed. */
  remove(ids: string | Iterable<string>): Promise<number> {
    const list = typeof ids === 'string' ? [ids] : [...ids];
    return this.run(() => {
      for (const id of list) if (!this.store.slotOf.has(id)) throw new IndexError('index_unknown_id', `id "${String(id)}" is not in the index`);
      let n = 0;
      for (const id of new Set(list)) {
        const slot = this.store.slotOf.get(id);
        if (slot !== undefined) this.ivfState?.removed(slot);
        if (this.store.remove(id)) n++;
      }
      this.touched();
      return n;
    });
  }

  /** Removes every item. */
  clear(): Promise<void> {
    return this.run(() => {
      this.dropIvf();
      this.store.clear();
      this.touched();
    });
  }

  has(id: string): boolean {
    return this.store.slotOf.has(id);
  }

  /** The stored item (vector dequantized for int8/binary), or undefined. */
  get(id: string): StoredItem<M> | undefined {
    const slot = this.store.slotOf.get(id);
    if (slot === undefined) return undefined;
    return { id, vector: this.store.vectorAt(slot), metadata: this.store.meta[slot] as M | undefined };
  }

  /** Ids in insertion order. */
  ids(): string[] {
    const s = this.store;
    const out: string[] = [];
    for (let i = 0; i < s.size; i++) if (s.alive[i]) out.push(s.ids[i]!);
    return out;
  }

  /**
   * Top-k by score (ties: earlier insertion first): exact, or with trained IVF lists the members of
   * the `nprobe` nearest lists (`exact: true` scans everything anyway).
   */
  search(query: Float32Array, options: SearchOptions<M> = {}): Promise<SearchResult<M>[]> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 0) return Promise.reject(new IndexError('index_invalid_options', 'k must be a non-negative integer'));
    let q: Float32Array;
    try {
      checkNprobe(options.nprobe, options.exact ? null : this.ivfState?.lists.nlist ?? null);
      q = prepareVector(query, this.dims, this.metric, 'query');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.run(async () => {
      const s = this.store;
      this.compact();
      if (k === 0 || s.size === 0) return [];
      const pq = prepareQuery(q, s.stride);
      const mask = buildMask(s, options);
      const scanner = await pickScanner(this.chooser(), options as SearchOptions<never>);
      // First stage, then (quantized storage) the best candidates rescored with finer numbers.
      const r = options.rescore ?? true;
      const per = this.storage === 'binary' ? DEFAULT_OVERSAMPLE : INT8_OVERSAMPLE;
      const refine = this.storage !== 'float32' && r !== false;
      const c = refine ? Math.min(s.size, k * (r === true ? per : Math.max(1, Math.floor(r as number)))) : k;
      const req = { q: pq, k: c, mask };
      // A worker that failed (or a page that refuses them) costs this search nothing but speed.
      let top: TopK = await scanner.scan(s, req).catch((e: unknown) => {
        if (scanner !== this.threaded) throw e;
        return wasmScanner.scan(s, req);
      });
      if (refine) top = rescore(s, top, pq, k);
      const out: SearchResult<M>[] = [];
      for (let i = 0; i < top.length; i++) {
        const slot = top.slots[i]!;
        out.push({ id: s.ids[slot]!, score: top.scores[i]!, metadata: s.meta[slot] as M | undefined });
      }
      return out;
    });
  }

  /** @internal searches the index workers completed / failed over to this thread (tests). */
  get threadedSearches(): { completed: number; failed: number } {
    return { completed: this.threaded?.completed ?? 0, failed: this.threaded?.failed ?? 0 };
  }

  /** Threads a search over this index uses now (1 below 65536 rows, or without cross-origin isolation). */
  get searchThreads(): number {
    return this.threaded?.usable(this.store) && this.store.arena && simdKernels() ? this.threaded.threads : 1;
  }

  /** Writes everything changed since the last commit to IndexedDB as one atomic, versioned transaction. */
  commit(options: { onProgress?: (written: number, total: number) => void } = {}): Promise<{ version: number; count: number }> {
    return this.run(async () => {
      if (!this.persistence) throw new IndexError('index_invalid_options', 'commit() needs createIndex({ persist: { name } })');
      this.compact();
      const head = await this.persistence.commit(options.onProgress, this.ivfState?.snapshot());
      return { version: head.version, count: head.count };
    });
  }

  /** The whole index as one file (see docs/index.md for the format). */
  export(): Promise<Blob> {
    return this.run(() => {
      this.compact();
      return exportStore(this.store, this.metric);
    });
  }

  /** Replaces the contents with an export file's (same dims/metric/storage required); drops IVF lists (train again). */
  import(blob: Blob): Promise<void> {
    return this.run(async () => {
      await importInto(this.store, this.metric, blob, () => this.dropIvf());
      this.touched();
    });
  }

  /**
   * Trains IVF lists (k-means in workers, progress via `onProgress`) over the current items, replacing
   * any previous lists; from then on adds go to their nearest list and searches probe `nprobe` lists.
   */
  trainIvf(options: IvfTrainOptions = {}): Promise<IvfInfo> {
    return this.run(async () => {
      this.compact();
      const next = await Ivf.train(this.store, options, this.ivfState);
      this.dropIvf();
      this.ivfState = next;
      if (this.persistence) this.persistence.extraDirty = true;
      this.touched();
      return next.info();
    });
  }

  /** The IVF lists' state (null: none trained); `retrainSuggested` says when trainIvf() again pays. */
  get ivf(): IvfInfo | null {
    return this.ivfState?.info() ?? null;
  }

  /** @internal tests: throws unless every live item is in exactly one IVF list. */
  verifyIvf(): void {
    this.ivfState?.verify();
  }


  /** Frees GPU buffers (and the device if the index created it), IVF workers, IndexedDB. Uncommitted changes are dropped. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    this.disposed = true;
    if (this.autoTimer) clearTimeout(this.autoTimer);
    this.gpu.dispose();
    this.dropIvf();
    this.threaded?.detach();
    this.persistence?.close();
    this.persistence = null;
    this.store.clear();
  }
}

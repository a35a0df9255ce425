import { exportStore, importInto } from './file';
import { IvfHolder } from './ivf/holder';
import type { IvfInfo, IvfTrainOptions } from './ivf/options';
import { PersistenceLink } from './persistence-link';
import { OpQueue } from './queue';
import { ScanBackends } from './scan-backends';
import { pickBackend, type Backend } from './scan/choose';
import { checkSearch, runSearch, type SearchRequest } from './search';
import { removeIds, writeItems } from './write';
import type { GpuInfo } from './gpu';
import type { VectorStore } from './store';
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

/**
 * The coordinator: it owns the store, serializes operations, validates input once, and per search
 * picks a Scanner (scan/*) and the rescoring step. How rows are scored lives in the scanners, how a
 * search runs in search.ts, how items are written in write.ts; the scan machinery is
 * scan-backends.ts's, the IVF lists ivf/holder.ts's, the IndexedDB link persistence-link.ts's, the
 * serializing queue.ts's.
 */
export class VectorIndex<M extends Json = Json> {
  readonly dims: number;
  readonly metric: Metric;
  readonly storage: StorageFormat;
  readonly device: DevicePreference;
  private readonly store: VectorStore;
  private readonly backends: ScanBackends;
  private readonly link: PersistenceLink;
  private readonly ivfs: IvfHolder;
  private readonly queue = new OpQueue();

  /** @internal use createIndex() */
  constructor(options: CreateIndexOptions, metric: Metric, storage: StorageFormat, device: DevicePreference) {
    this.dims = options.dims;
    this.metric = metric;
    this.storage = storage;
    this.device = device;
    this.backends = new ScanBackends(options, storage, device);
    this.store = this.backends.store;
    this.ivfs = new IvfHolder(this.store);
    this.link = new PersistenceLink(options.persist, () => {
      if (!this.queue.disposed) this.commit().catch(() => undefined);
    });
    if (options.capacity && options.capacity > 0) this.store.reserve(Math.floor(options.capacity));
  }

  /** Live items. */
  get count(): number {
    return this.store.count;
  }

  /** The WebGPU adapter in use (null before the GPU was first used, or without one). */
  get gpuInfo(): GpuInfo | null {
    return this.backends.gpu.info;
  }

  /** Version of the last commit (0: nothing committed / not persistent). */
  get committedVersion(): number {
    return this.link.committedVersion;
  }

  /** True when there are changes a commit() would write. */
  get hasUncommittedChanges(): boolean {
    return this.link.uncommitted(this.store);
  }

  /** The CPU kernel a search runs now: 'relaxed-simd', 'simd' (WebAssembly SIMD) or 'js' (the reference). */
  get cpuKernel(): 'relaxed-simd' | 'simd' | 'js' {
    return this.backends.cpuKernel;
  }

  /** Which backend a search with device 'auto' would use now. */
  get backend(): Backend {
    return pickBackend(this.backends.chooser(this.ivfs.current), 'auto');
  }

  /** @internal */
  async useGpu(): Promise<boolean> {
    return (await this.backends.gpu.acquire()) !== null;
  }

  /** @internal */
  async openPersistence(): Promise<void> {
    const snap = await this.link.open(this.store, this.metric);
    if (snap) await this.ivfs.restore(snap);
  }

  private write(items: IndexItem<M> | readonly IndexItem<M>[], mode: 'add' | 'upsert'): Promise<void> {
    const list = Array.isArray(items) ? (items as readonly IndexItem<M>[]) : [items as IndexItem<M>];
    return this.queue.run(async () => {
      const written = await writeItems(this.store, list, mode, this.metric, this.ivfs.current !== null);
      if (written) await this.ivfs.written(written);
      this.link.touched();
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
    return this.queue.run(() => {
      const n = removeIds(this.store, list, this.ivfs.current);
      this.link.touched();
      return n;
    });
  }

  /** Removes every item. */
  clear(): Promise<void> {
    return this.queue.run(() => {
      this.ivfs.drop();
      this.store.clear();
      this.link.touched();
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
    let req: SearchRequest;
    try {
      req = checkSearch(query, options, this.dims, this.metric, options.exact ? null : this.ivfs.nlist);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.queue.run(() => {
      this.ivfs.compact();
      return runSearch(this.backends.chooser(this.ivfs.current), req, options);
    });
  }

  /** @internal searches the index workers completed / failed over to this thread (tests). */
  get threadedSearches(): { completed: number; failed: number } {
    const t = this.backends.threaded;
    return { completed: t?.completed ?? 0, failed: t?.failed ?? 0 };
  }

  /** Threads a search over this index uses now (1 below 65536 rows, or without cross-origin isolation). */
  get searchThreads(): number {
    return this.backends.searchThreads;
  }

  /** Writes everything changed since the last commit to IndexedDB as one atomic, versioned transaction. */
  commit(options: { onProgress?: (written: number, total: number) => void } = {}): Promise<{ version: number; count: number }> {
    return this.queue.run(() =>
      this.link.commit(options.onProgress, () => {
        this.ivfs.compact();
        return this.ivfs.current?.snapshot();
      }),
    );
  }

  /** The whole index as one file (see docs/index.md for the format). */
  export(): Promise<Blob> {
    return this.queue.run(() => {
      this.ivfs.compact();
      return exportStore(this.store, this.metric);
    });
  }

  /** Replaces the contents with an export file's (same dims/metric/storage required); drops IVF lists (train again). */
  import(blob: Blob): Promise<void> {
    return this.queue.run(async () => {
      await importInto(this.store, this.metric, blob, () => this.ivfs.drop());
      this.link.touched();
    });
  }

  /**
   * Trains IVF lists (k-means in workers, progress via `onProgress`) over the current items, replacing
   * any previous lists; from then on adds go to their nearest list and searches probe `nprobe` lists.
   */
  trainIvf(options: IvfTrainOptions = {}): Promise<IvfInfo> {
    return this.queue.run(async () => {
      const info = await this.ivfs.train(options);
      this.link.ivfChanged();
      this.link.touched();
      return info;
    });
  }

  /** The IVF lists' state (null: none trained); `retrainSuggested` says when trainIvf() again pays. */
  get ivf(): IvfInfo | null {
    return this.ivfs.current?.info() ?? null;
  }

  /** @internal tests: throws unless every live item is in exactly one IVF list. */
  verifyIvf(): void {
    this.ivfs.current?.verify();
  }

  /** Frees GPU buffers (and the device if the index created it), IVF workers, IndexedDB. Uncommitted changes are dropped. */
  async dispose(): Promise<void> {
    if (!(await this.queue.close())) return;
    this.backends.gpu.dispose();
    this.ivfs.drop();
    this.backends.threaded?.detach();
    this.link.close();
    this.store.clear();
  }
}

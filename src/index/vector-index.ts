import { IndexError } from './errors';
import { compileFilter } from './filter';
import { exportStore, readIndexFile } from './file';
import { acquireGpu, GpuScanner, SEGMENT, type GpuInfo } from './gpu';
import { Persistence } from './persist';
import { packBitsInto, popcount32 } from './quantize';
import { planesOf, VectorStore } from './store';
import { TopK } from './topk';
import { prepareVector } from './vectors';
import { TimeSlicer } from './yield';
import { simdKernels } from './simd';
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

/** Extra candidates per GPU workgroup beyond k: the final ranking is re-scored on the CPU, so near-ties
 * that f32 rounding on the GPU ordered differently still end up exactly where the CPU puts them. */
const GPU_MARGIN = 4;
const SCAN_BLOCK = 16384;
const DEFAULT_OVERSAMPLE = 50;
const INT8_OVERSAMPLE = 4;

export type Backend = 'cpu' | 'gpu';

/** Creates an index; with `persist` it opens (and loads) the committed IndexedDB copy. */
export async function createIndex<M extends Json = Json>(options: CreateIndexOptions): Promise<VectorIndex<M>> {
  const o = options as Partial<CreateIndexOptions> | undefined;
  if (!o || !Number.isInteger(o.dims) || (o.dims as number) < 1) throw new IndexError('index_invalid_options', 'dims must be a positive integer');
  const metric = o.metric ?? 'cosine';
  const storage = o.storage ?? 'float32';
  const device = o.device ?? 'auto';
  if (metric !== 'cosine' && metric !== 'dot') throw new IndexError('index_invalid_options', `unknown metric ${String(metric)}`);
  if (!['float32', 'int8', 'binary'].includes(storage)) throw new IndexError('index_invalid_options', `unknown storage ${String(storage)}`);
  if (!['auto', 'gpu', 'cpu'].includes(device)) throw new IndexError('index_invalid_options', `unknown device ${String(device)}`);
  if (storage === 'binary' && device === 'gpu') throw new IndexError('index_invalid_options', 'binary storage is scanned on the CPU (Hamming pre-filter); use float32/int8 for the GPU');
  if (storage === 'binary' && metric !== 'cosine') throw new IndexError('index_invalid_options', 'binary storage needs metric cosine');
  if (o.persist && (typeof o.persist.name !== 'string' || !o.persist.name)) throw new IndexError('index_invalid_options', 'persist.name must be a non-empty string');
  const index = new VectorIndex<M>(o as CreateIndexOptions, metric, storage, device);
  if (device === 'gpu') await index.useGpu();
  if (o.persist) await index.openPersistence();
  return index;
}

/** Opens an export file as a new (in-memory unless `persist`) index with the file's dims/metric/storage. */
export async function importIndex<M extends Json = Json>(blob: Blob, options: Omit<CreateIndexOptions, 'dims' | 'metric' | 'storage'> = {}): Promise<VectorIndex<M>> {
  const { header } = await readIndexFile(blob);
  const index = await createIndex<M>({ ...options, dims: header.dims, metric: header.metric, storage: header.storage });
  await index.import(blob);
  return index;
}

export class VectorIndex<M extends Json = Json> {
  readonly dims: number;
  readonly metric: Metric;
  readonly storage: StorageFormat;
  readonly device: DevicePreference;
  private readonly store: VectorStore;
  private readonly options: CreateIndexOptions;
  private gpu: GpuScanner | null = null;
  private gpuTried = false;
  private gpuInfoValue: GpuInfo | null = null;
  private persistence: Persistence | null = null;
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
    this.store = new VectorStore(options.dims, storage);
    if (options.capacity && options.capacity > 0) this.store.reserve(Math.floor(options.capacity));
  }

  /** Live items. */
  get count(): number {
    return this.store.count;
  }

  /** The WebGPU adapter in use (null before the GPU was first used, or without one). */
  get gpuInfo(): GpuInfo | null {
    return this.gpuInfoValue;
  }

  /** Version of the last commit (0: nothing committed / not persistent). */
  get committedVersion(): number {
    return this.persistence?.head?.version ?? 0;
  }

  /** True when there are changes a commit() would write. */
  get hasUncommittedChanges(): boolean {
    return this.persistence ? this.persistence.dirty || this.store.dead > 0 : false;
  }

  /** Which backend a search with device 'auto' would use now. */
  get backend(): Backend {
    return this.pickBackend('auto');
  }

  private check(): void {
    if (this.disposed) throw new IndexError('index_disposed', 'the index was disposed');
  }

  /** Serializes every operation: mutations, searches and commits see a consistent store. */
  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.disposed) return Promise.reject(new IndexError('index_disposed', 'the index was disposed'));
    const p = this.queue.then(() => {
      this.check();
      return fn();
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** @internal */
  async useGpu(): Promise<GpuScanner | null> {
    if (this.gpu || this.gpuTried) return this.gpu;
    this.gpuTried = true;
    if (this.storage === 'binary') return null;
    let device = this.options.gpuDevice ?? null;
    let owns = false;
    if (device) {
      this.gpuInfoValue = { vendor: '', architecture: '', description: 'shared GPUDevice', isFallbackAdapter: false };
    } else {
      const got = await acquireGpu().catch(() => null);
      if (got) {
        device = got.device;
        owns = true;
        this.gpuInfoValue = got.info;
      }
    }
    if (!device) {
      if (this.device === 'gpu') throw new IndexError('index_gpu_unavailable', 'device "gpu" asked for, but WebGPU has no adapter/device here');
      return null;
    }
    this.gpu = new GpuScanner(device, this.store, owns, this.options.gpuShardBytes);
    return this.gpu;
  }

  private pickBackend(pref: DevicePreference): Backend {
    if (this.storage === 'binary') return 'cpu';
    if (pref === 'cpu') return 'cpu';
    if (pref === 'gpu') return 'gpu';
    if (this.device === 'cpu') return 'cpu';
    if (this.device === 'gpu') return 'gpu';
    const g = this.gpu;
    if (!g || g.lost || this.gpuInfoValue?.isFallbackAdapter) return 'cpu';
    return this.store.count >= (this.options.gpuMinVectors ?? 20000) ? 'gpu' : 'cpu';
  }

  /** @internal */
  async openPersistence(): Promise<void> {
    const p = this.options.persist!;
    this.persistence = await Persistence.open(p.name, this.store, this.metric);
    const slicer = new TimeSlicer();
    await this.persistence.load(() => slicer.maybeYield());
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

  private normalizeItems(items: IndexItem<M> | readonly IndexItem<M>[]): readonly IndexItem<M>[] {
    return Array.isArray(items) ? (items as readonly IndexItem<M>[]) : [items as IndexItem<M>];
  }

  /** Checks everything before the first write, so a bad item leaves the index unchanged. */
  private async validate(items: readonly IndexItem<M>[], mode: 'add' | 'upsert', slicer: TimeSlicer): Promise<void> {
    const seen = new Set<string>();
    const d = this.dims;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (!it || typeof it !== 'object') throw new IndexError('index_invalid_vector', `item ${i} is not an object`);
      if (typeof it.id !== 'string' || it.id.length === 0) throw new IndexError('index_invalid_id', `item ${i} needs a non-empty string id`);
      if (seen.has(it.id)) throw new IndexError('index_duplicate_id', `id "${it.id}" appears twice in one call`);
      seen.add(it.id);
      if (mode === 'add' && this.store.slotOf.has(it.id)) throw new IndexError('index_duplicate_id', `id "${it.id}" is already in the index (use upsert)`);
      const v = it.vector;
      if (!(v instanceof Float32Array)) throw new IndexError('index_invalid_vector', `item "${it.id}": vector must be a Float32Array`);
      if (v.length < d) throw new IndexError('index_dims_mismatch', `item "${it.id}": vector has ${v.length} dims, the index needs ${d}`);
      let sq = 0;
      for (let j = 0; j < d; j++) sq += v[j]! * v[j]!;
      if (!Number.isFinite(sq)) throw new IndexError('index_invalid_vector', `item "${it.id}": vector has a NaN or infinite value`);
      if (sq === 0 && this.metric === 'cosine') throw new IndexError('index_invalid_vector', `item "${it.id}": zero vector has no direction`);
      if ((i & 1023) === 1023) await slicer.maybeYield();
    }
  }

  private async write(items: IndexItem<M> | readonly IndexItem<M>[], mode: 'add' | 'upsert'): Promise<void> {
    const list = this.normalizeItems(items);
    return this.run(async () => {
      const slicer = new TimeSlicer();
      await this.validate(list, mode, slicer);
      this.store.reserve(this.store.size + list.length);
      for (let i = 0; i < list.length; i++) {
        const it = list[i]!;
        const v = prepareVector(it.vector, this.dims, this.metric);
        const meta = it.metadata === undefined || it.metadata === null ? undefined : (JSON.parse(JSON.stringify(it.metadata)) as Json);
        const slot = this.store.slotOf.get(it.id);
        if (slot === undefined) this.store.append(it.id, v, meta);
        else this.store.overwrite(slot, v, meta);
        if ((i & 255) === 255) await slicer.maybeYield();
      }
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
      for (const id of new Set(list)) if (this.store.remove(id)) n++;
      this.touched();
      return n;
    });
  }

  /** Removes every item. */
  clear(): Promise<void> {
    return this.run(() => {
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

  /** Exact top-k by score (ties: earlier insertion first). */
  search(query: Float32Array, options: SearchOptions<M> = {}): Promise<SearchResult<M>[]> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 0) return Promise.reject(new IndexError('index_invalid_options', 'k must be a non-negative integer'));
    let q: Float32Array;
    try {
      q = prepareVector(query, this.dims, this.metric, 'query');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.run(async () => {
      const s = this.store;
      s.compact();
      if (k === 0 || s.size === 0) return [];
      const qp = new Float32Array(s.stride);
      qp.set(q);
      const mask = this.buildMask(options);
      let backend = this.pickBackend(options.device ?? 'auto');
      if (backend === 'gpu' && !(await this.useGpu())) {
        if ((options.device ?? this.device) === 'gpu') throw new IndexError('index_gpu_unavailable', 'WebGPU is not available here');
        backend = 'cpu';
      }
      let top: TopK;
      if (this.storage === 'binary') top = await this.binaryScan(q, qp, k, mask, options);
      else {
        // int8: the scan ranks by the int8 plane; the best k·oversample are rescored with int8+residual.
        const r = options.rescore ?? true;
        const refine = this.storage === 'int8' && r !== false;
        const c = refine ? Math.min(s.size, k * (r === true ? INT8_OVERSAMPLE : Math.max(1, Math.floor(r as number)))) : k;
        top = backend === 'gpu' ? await this.gpuScan(qp, c, mask) : await this.cpuScan(qp, c, mask);
        if (refine) {
          const fine = new TopK(k);
          for (let i = 0; i < top.length; i++) fine.push(s.refineSlot(top.slots[i]!, qp), top.slots[i]!);
          top = fine;
        }
      }
      const out: SearchResult<M>[] = [];
      for (let i = 0; i < top.length; i++) {
        const slot = top.slots[i]!;
        out.push({ id: s.ids[slot]!, score: top.scores[i]!, metadata: s.meta[slot] as M | undefined });
      }
      return out;
    });
  }

  private buildMask(o: SearchOptions<M>): Uint32Array | null {
    if (!o.filter && !o.exclude) return null;
    const s = this.store;
    const mask = new Uint32Array(Math.ceil(s.size / 32));
    const pred = o.filter ? compileFilter<M>(o.filter) : null;
    for (let i = 0; i < s.size; i++) {
      if (pred && !pred(s.meta[i] as M | undefined, s.ids[i]!)) continue;
      mask[i >>> 5]! |= 1 << (i & 31);
    }
    if (o.exclude) {
      for (const id of o.exclude) {
        const slot = s.slotOf.get(id);
        if (slot !== undefined) mask[slot >>> 5]! &= ~(1 << (slot & 31));
      }
    }
    return mask;
  }

  private async cpuScan(q: Float32Array, k: number, mask: Uint32Array | null): Promise<TopK> {
    const s = this.store;
    const top = new TopK(k);
    const slicer = new TimeSlicer();
    const st = s.stride;
    const f32 = s.format === 'float32';
    const simd = simdKernels();
    if (simd) {
      // Blocks of rows are copied into the kernel's memory (staying in cache) and scored there.
      const rowBytes = f32 ? st * 4 : st;
      const block = Math.max(256, Math.floor((2 << 20) / rowBytes));
      const qOff = 0;
      const outOff = Math.ceil((st * 4) / 16) * 16;
      const rowsOff = outOff + block * 4;
      const need = rowsOff + block * rowBytes;
      const mem = simd.memory;
      if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
      const src = f32 ? new Uint8Array(s.f32.buffer, s.f32.byteOffset) : new Uint8Array(s.i8.buffer, s.i8.byteOffset);
      const sc = s.scales;
      for (let b = 0; b < s.size; b += block) {
        const cnt = Math.min(block, s.size - b);
        // Re-written per block: another index may have used the kernel memory while we yielded.
        new Float32Array(mem.buffer, qOff, st).set(q);
        new Uint8Array(mem.buffer).set(src.subarray(b * rowBytes, (b + cnt) * rowBytes), rowsOff);
        if (f32) simd.f32(rowsOff, cnt, st / 4, qOff, outOff);
        else simd.i8(rowsOff, cnt, st / 4, qOff, outOff);
        const out = new Float32Array(mem.buffer, outOff, cnt);
        for (let i = 0; i < cnt; i++) {
          const slot = b + i;
          if (mask && !(mask[slot >>> 5]! & (1 << (slot & 31)))) continue;
          const score = f32 ? out[i]! : Math.fround(out[i]! * sc[slot]!);
          if (top.accepts(score, slot)) top.push(score, slot);
        }
        await slicer.maybeYield();
      }
      return top;
    }
    for (let b = 0; b < s.size; b += SCAN_BLOCK) {
      const end = Math.min(s.size, b + SCAN_BLOCK);
      for (let i = b; i < end; i++) {
        if (mask && !(mask[i >>> 5]! & (1 << (i & 31)))) continue;
        const score = s.scoreSlot(i, q);
        if (top.accepts(score, i)) top.push(score, i);
      }
      await slicer.maybeYield();
    }
    return top;
  }

  private async gpuScan(q: Float32Array, k: number, mask: Uint32Array | null): Promise<TopK> {
    const gpu = this.gpu!;
    const kk = Math.min(SEGMENT, k + GPU_MARGIN);
    const cand = await gpu.search(q, kk, mask);
    const top = new TopK(k);
    for (let i = 0; i < cand.length; i++) {
      const slot = cand[i]!;
      top.push(this.store.scoreSlot(slot, q), slot);
    }
    return top;
  }

  private async binaryScan(q: Float32Array, qp: Float32Array, k: number, mask: Uint32Array | null, o: SearchOptions<M>): Promise<TopK> {
    const s = this.store;
    const W = s.words;
    const rescore = o.rescore ?? true;
    const hamming = o.prefilter === 'hamming';
    const per = rescore === false ? 1 : rescore === true ? DEFAULT_OVERSAMPLE : Math.max(1, Math.floor(rescore));
    const cands = new TopK(Math.min(s.size, k * per));
    const bits = s.bits;
    const slicer = new TimeSlicer();
    // Asymmetric pre-filter: Σ_j q_j·sign(x_j) = 2·Σ_{bit j set} q_j − Σ q_j. One 256-entry table per
    // byte of the code turns it into d/8 lookups per row (as cheap as popcount, far better ranked).
    const bytes = W * 4;
    const lut = new Float64Array(hamming ? 0 : bytes * 256);
    let qsum = 0;
    if (!hamming) {
      for (let j = 0; j < s.dims; j++) qsum += q[j]!;
      for (let p = 0; p < bytes; p++) {
        const base = p * 256;
        for (let b = 1; b < 256; b++) {
          const low = b & -b;
          const bit = 31 - Math.clz32(low);
          const dim = p * 8 + bit;
          lut[base + b] = lut[base + (b ^ low)]! + (dim < s.dims ? q[dim]! : 0);
        }
      }
    }
    const qb = new Uint32Array(W);
    packBitsInto(q, qb, 0);
    for (let b = 0; b < s.size; b += SCAN_BLOCK) {
      const end = Math.min(s.size, b + SCAN_BLOCK);
      for (let i = b; i < end; i++) {
        if (mask && !(mask[i >>> 5]! & (1 << (i & 31)))) continue;
        const o = i * W;
        let sc = 0;
        if (hamming) {
          let h = 0;
          for (let w = 0; w < W; w++) h += popcount32((bits[o + w]! ^ qb[w]!) >>> 0);
          sc = 1 - (2 * h) / s.dims;
        } else {
          for (let w = 0, p = 0; w < W; w++, p += 1024) {
            const x = bits[o + w]!;
            sc += lut[p + (x & 255)]! + lut[p + 256 + ((x >>> 8) & 255)]! + lut[p + 512 + ((x >>> 16) & 255)]! + lut[p + 768 + (x >>> 24)]!;
          }
          sc = 2 * sc - qsum;
        }
        if (cands.accepts(sc, i)) cands.push(sc, i);
      }
      await slicer.maybeYield();
    }
    const top = new TopK(k);
    if (rescore === false) {
      for (let i = 0; i < cands.length; i++) top.push(cands.scores[i]!, cands.slots[i]!);
      return top;
    }
    for (let i = 0; i < cands.length; i++) {
      const slot = cands.slots[i]!;
      top.push(s.scoreSlot(slot, qp), slot);
    }
    return top;
  }

  /** Writes everything changed since the last commit to IndexedDB as one atomic, versioned transaction. */
  commit(options: { onProgress?: (written: number, total: number) => void } = {}): Promise<{ version: number; count: number }> {
    return this.run(async () => {
      if (!this.persistence) throw new IndexError('index_invalid_options', 'commit() needs createIndex({ persist: { name } })');
      this.store.compact();
      const head = await this.persistence.commit(options.onProgress);
      return { version: head.version, count: head.count };
    });
  }

  /** The whole index as one file (see docs/index.md for the format). */
  export(): Promise<Blob> {
    return this.run(() => exportStore(this.store, this.metric));
  }

  /** Replaces the contents with an export file's (same dims/metric/storage required). */
  import(blob: Blob): Promise<void> {
    return this.run(async () => {
      const { header, rows } = await readIndexFile(blob);
      if (header.dims !== this.dims || header.metric !== this.metric || header.storage !== this.storage) {
        throw new IndexError('index_import_mismatch', `file is ${header.dims}d ${header.metric} ${header.storage}, the index is ${this.dims}d ${this.metric} ${this.storage}`);
      }
      const s = this.store;
      const n = header.count;
      for (const [name, perRow] of planesOf(this.storage, s.stride, s.words)) {
        const bytes = perRow * n;
        const a = rows[name];
        if (!a || a.byteLength !== bytes) throw new IndexError('index_bad_file', `section ${name} has ${a?.byteLength ?? 0} bytes, expected ${bytes}`);
      }
      if (new Set(header.ids).size !== n) throw new IndexError('index_bad_file', 'duplicate ids in file');
      s.clear();
      s.appendRows(header.ids, header.meta.map((m) => m ?? undefined), rows);
      this.touched();
    });
  }

  /** Frees GPU buffers (and the device if the index created it) and closes IndexedDB. Uncommitted changes are dropped. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    this.disposed = true;
    if (this.autoTimer) clearTimeout(this.autoTimer);
    this.gpu?.dispose();
    this.gpu = null;
    this.persistence?.close();
    this.persistence = null;
    this.store.clear();
  }
}

import { IndexError } from './errors';
import { CHUNK_SLOTS, type DirtyTracker } from './dirty';
import type { Rows } from './rows';
import type { VectorStore } from './store';
import { planesToRows } from './file';
import type { Json, Metric, StorageFormat } from './types';

/**
 * IndexedDB layout (database `omni-embed-index/<name>`, schema version 1):
 *   head   key 'head' → { format: 1, version, dims, metric, storage, count, chunks, committedAt }
 *   chunks key n      → { ids, meta (JSON text), f32 | i8+scales(+bits) } for slots [n·4096, (n+1)·4096)
 *   head   key 'ivf'  → { version, snapshot } the IVF lists of that head version (absent: no IVF)
 * A commit writes the changed chunks, deletes chunks past the new end and bumps head.version, all in
 * ONE readwrite transaction (durability 'strict'): IndexedDB applies a transaction entirely or not at
 * all, so a reload, crash or tab close mid-commit leaves the previous committed version intact.
 */
export const DB_PREFIX = 'omni-embed-index/';
const SCHEMA = 1;
const FORMAT = 1;

export interface Head {
  format: number;
  version: number;
  dims: number;
  metric: Metric;
  storage: StorageFormat;
  count: number;
  chunks: number;
  committedAt: number;
}

interface ChunkRecord {
  ids: string[];
  meta: string;
  /** One ArrayBuffer per plane (f32 | i8, scales, r8, rscales | i8, scales, bits). */
  planes: Partial<Record<keyof Rows, ArrayBuffer>>;
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

function fail(what: string, cause: unknown): IndexError {
  if ((cause as { name?: string } | null)?.name === 'QuotaExceededError') {
    return new IndexError('quota_exceeded', `IndexedDB ${what} failed: the origin's storage quota is exhausted (free space, or keep fewer/int8/binary vectors)`, { cause });
  }
  return new IndexError('index_persist_failed', `IndexedDB ${what} failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
}

export async function deletePersisted(name: string): Promise<void> {
  const idb = globalThis.indexedDB;
  if (!idb) return;
  await new Promise<void>((resolve, reject) => {
    const r = idb.deleteDatabase(DB_PREFIX + name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(fail('delete', r.error));
    r.onblocked = () => resolve();
  });
}

export class Persistence {
  readonly tracker: DirtyTracker = { dirty: new Set(), all: false };
  head: Head | null = null;
  /** The IVF snapshot stored with the loaded version (null: none). */
  loadedExtra: unknown = null;
  /** Set when the IVF lists were (re)trained: the next commit has something to write even if no row changed. */
  extraDirty = false;

  private constructor(
    private readonly db: IDBDatabase,
    private readonly store: VectorStore,
    private readonly metric: Metric,
  ) {
    store.trackers.add(this.tracker);
  }

  static async open(name: string, store: VectorStore, metric: Metric): Promise<Persistence> {
    const idb = globalThis.indexedDB;
    if (!idb) throw new IndexError('index_persist_failed', 'IndexedDB is not available here');
    let db: IDBDatabase;
    try {
      db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = idb.open(DB_PREFIX + name, SCHEMA);
        r.onupgradeneeded = () => {
          const d = r.result;
          if (!d.objectStoreNames.contains('head')) d.createObjectStore('head');
          if (!d.objectStoreNames.contains('chunks')) d.createObjectStore('chunks');
        };
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
        r.onblocked = () => reject(new Error('open blocked by another connection'));
      });
    } catch (e) {
      throw fail('open', e);
    }
    // Another tab upgrading the schema: let it, this connection goes away.
    db.onversionchange = () => db.close();
    return new Persistence(db, store, metric);
  }

  /** Loads the committed version into the (empty) store; returns false when nothing was committed yet. */
  async load(onChunk?: (loadedRows: number, totalRows: number) => Promise<void>): Promise<boolean> {
    this.loadedExtra = null;
    const s = this.store;
    let head: Head | undefined;
    try {
      head = await req(this.db.transaction('head', 'readonly').objectStore('head').get('head') as IDBRequest<Head | undefined>);
    } catch (e) {
      throw fail('read', e);
    }
    if (!head) return false;
    if (head.format !== FORMAT) throw new IndexError('index_persist_mismatch', `stored index has format ${head.format}, this SDK reads ${FORMAT}`);
    if (head.dims !== s.dims || head.metric !== this.metric || head.storage !== s.format) {
      throw new IndexError(
        'index_persist_mismatch',
        `stored index is ${head.dims}d ${head.metric} ${head.storage}, asked for ${s.dims}d ${this.metric} ${s.format}`,
      );
    }
    s.reserve(head.count);
    for (let c = 0; c < head.chunks; c++) {
      let rec: ChunkRecord | undefined;
      try {
        rec = await req(this.db.transaction('chunks', 'readonly').objectStore('chunks').get(c) as IDBRequest<ChunkRecord | undefined>);
      } catch (e) {
        throw fail('read', e);
      }
      if (!rec) throw new IndexError('index_persist_failed', `stored index version ${head.version} lacks chunk ${c}`);
      s.appendRows(rec.ids, (JSON.parse(rec.meta) as (Json | null)[]).map((m) => m ?? undefined), planesToRows(rec.planes));
      if (onChunk) await onChunk(s.size, head.count);
    }
    if (s.count !== head.count) throw new IndexError('index_persist_failed', `stored index has ${s.count} items, head says ${head.count}`);
    try {
      const extra = await req(this.db.transaction('head', 'readonly').objectStore('head').get('ivf') as IDBRequest<{ version: number; value: unknown } | undefined>);
      // A record of another version would describe other slots: ignore it (the next commit replaces it).
      this.loadedExtra = extra && extra.version === head.version ? extra.value : null;
    } catch (e) {
      throw fail('read', e);
    }
    // What was just loaded is what is on disk.
    this.tracker.dirty.clear();
    this.tracker.all = false;
    this.head = head;
    return true;
  }

  get dirty(): boolean {
    return this.extraDirty || this.tracker.all || this.tracker.dirty.size > 0 || this.head === null;
  }

  /**
   * Writes the store (compacted by the caller) as the next version. `onWrite` is called after each
   * chunk was handed to IndexedDB (progress; tests use it to interrupt a commit).
   */
  async commit(onWrite?: (written: number, total: number) => void, ivf?: unknown): Promise<Head> {
    const s = this.store;
    const chunks = Math.ceil(s.size / CHUNK_SLOTS);
    const oldChunks = this.head?.chunks ?? 0;
    const todo: number[] = [];
    for (let c = 0; c < chunks; c++) if (this.tracker.all || this.tracker.dirty.has(c) || c >= oldChunks) todo.push(c);
    const taken = { dirty: new Set(this.tracker.dirty), all: this.tracker.all };
    this.tracker.dirty.clear();
    this.tracker.all = false;
    const head: Head = {
      format: FORMAT,
      version: (this.head?.version ?? 0) + 1,
      dims: s.dims,
      metric: this.metric,
      storage: s.format,
      count: s.count,
      chunks,
      committedAt: Date.now(),
    };
    try {
      const tx = this.db.transaction(['head', 'chunks'], 'readwrite', { durability: 'strict' });
      const finished = done(tx);
      const cs = tx.objectStore('chunks');
      // One chunk at a time: each put is issued from the previous one's success callback, so the
      // structured clone of a big commit is spread over many short tasks instead of one long one.
      // The head is written last; until the transaction commits, none of it is visible.
      let i = 0;
      const putNext = (): void => {
        if (i >= todo.length) {
          if (oldChunks > chunks) cs.delete(IDBKeyRange.bound(chunks, oldChunks - 1));
          if (ivf) tx.objectStore('head').put({ version: head.version, value: ivf }, 'ivf');
          else tx.objectStore('head').delete('ivf');
          tx.objectStore('head').put(head, 'head');
          return;
        }
        const c = todo[i++]!;
        const from = c * CHUNK_SLOTS;
        const to = Math.min(s.size, from + CHUNK_SLOTS);
        const rows = s.sliceRows(from, to);
        const rec: ChunkRecord = {
          ids: s.ids.slice(from, to),
          meta: JSON.stringify(s.meta.slice(from, to).map((m) => (m === undefined ? null : m))),
          planes: {},
        };
        for (const [name, a] of Object.entries(rows) as [keyof Rows, ArrayBufferView][]) rec.planes[name] = a.buffer as ArrayBuffer;
        cs.put(rec, c).onsuccess = () => {
          onWrite?.(i, todo.length);
          putNext();
        };
      };
      putNext();
      await finished;
    } catch (e) {
      // Nothing was applied: the chunks are still to be written next time.
      for (const c of taken.dirty) this.tracker.dirty.add(c);
      this.tracker.all ||= taken.all;
      for (const c of todo) this.tracker.dirty.add(c);
      throw fail('commit', e);
    }
    this.head = head;
    this.extraDirty = false;
    return head;
  }

  /** Removes everything committed (the next commit rewrites all). */
  async clear(): Promise<void> {
    try {
      const tx = this.db.transaction(['head', 'chunks'], 'readwrite', { durability: 'strict' });
      const finished = done(tx);
      tx.objectStore('head').clear();
      tx.objectStore('chunks').clear();
      await finished;
    } catch (e) {
      throw fail('clear', e);
    }
    this.head = null;
    this.tracker.all = true;
  }

  close(): void {
    this.store.trackers.delete(this.tracker);
    this.db.close();
  }
}

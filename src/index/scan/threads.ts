import { TopK } from '../topk';
import { KERNEL_BLOCK, MAX_THREADS, type ScanArena } from '../wasm/arena';
import { kernelModule } from '../wasm/host';
import type { VectorStore } from '../store';
import type { ScanRequest, Scanner } from './types';
import { simdHamming } from './binary';
import { writeQuery } from './wasm';
import { WORKER_SOURCE } from './worker-source';

/** Below this many rows one thread is faster than posting to workers and merging. */
export const THREADED_MIN_ROWS = 65536;

interface Reply {
  id: number;
  n?: number;
  scores?: Float64Array;
  slots?: Int32Array;
  error?: string;
}

/** Worker threads that need shared memory: available only on a cross-origin-isolated page. */
export function threadsAvailable(): boolean {
  return Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) && typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined';
}

/** The page's index workers (one pool, shared by every index; created on first threaded search). */
class WorkerPool {
  private static pool: WorkerPool | null | undefined;
  readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  broken = false;

  static get(size: number): WorkerPool | null {
    if (WorkerPool.pool !== undefined) return WorkerPool.pool && WorkerPool.pool.workers.length >= size ? WorkerPool.pool : WorkerPool.grow(size);
    return WorkerPool.grow(size);
  }

  private static grow(size: number): WorkerPool | null {
    try {
      const p = WorkerPool.pool ?? new WorkerPool();
      const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      try {
        while (p.workers.length < size) {
          const w = new Worker(url);
          w.onmessage = (e: MessageEvent<Reply>) => p.settle(e.data);
          w.onerror = () => p.fail('an index worker failed');
          p.workers.push(w);
        }
      } finally {
        URL.revokeObjectURL(url);
      }
      WorkerPool.pool = p;
      return p;
    } catch {
      // e.g. a CSP without blob: workers: one thread it is.
      WorkerPool.pool = null;
      return null;
    }
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.error) p.reject(new Error(r.error));
    else p.resolve(r);
  }

  private fail(why: string): void {
    this.broken = true;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }

  request(w: Worker, msg: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...msg, id });
    });
  }
}

let nextKey = 1;
const keys = new WeakMap<ScanArena, number>();
const keyOf = (a: ScanArena): number => {
  let k = keys.get(a);
  if (k === undefined) keys.set(a, (k = nextKey++));
  return k;
};

/**
 * The first-stage scan (float32, int8, binary) split over index workers: rows stay in the index's shared WebAssembly
 * memory and each worker scans a contiguous share in place and returns its best k; the merge keeps
 * the same total order, so the result is the one-thread result. The page thread only posts and merges.
 */
export class ThreadedScanner implements Scanner {
  readonly kind = 'wasm';
  private attached: { key: number; pool: WorkerPool } | null = null;
  /** Searches the workers completed / that failed over to one thread (tests read these). */
  completed = 0;
  failed = 0;

  constructor(readonly threads: number) {}

  /** A pool of `threads` workers, or null (no isolation, workers refused, or one broke). */
  private pool(): WorkerPool | null {
    if (this.threads < 2 || !threadsAvailable()) return null;
    const p = WorkerPool.get(Math.min(this.threads, MAX_THREADS));
    return p && !p.broken ? p : null;
  }

  usable(s: VectorStore): boolean {
    return Boolean(s.arena?.shared && s.size >= THREADED_MIN_ROWS && this.pool());
  }

  scan(s: VectorStore, req: ScanRequest): Promise<TopK> {
    writeQuery(s.arena!, req, s.stride);
    return this.run(s, req, {});
  }

  /**
   * Posts the shares and merges. The query forms (and for binary the code or table) must already be
   * in the arena's scratch; `extra` carries what the workers' score expression needs besides.
   */
  async run(s: VectorStore, req: ScanRequest, extra: { hamming?: boolean; qsum?: number }): Promise<TopK> {
    const a = s.arena!;
    const pool = this.pool()!;
    const key = keyOf(a);
    const n = Math.min(this.threads, MAX_THREADS, pool.workers.length);
    if (!this.attached || this.attached.key !== key) {
      this.detach();
      const c = kernelModule(true, a.relaxed)!;
      for (const w of pool.workers) w.postMessage({ t: 'attach', key, module: c.module, memory: a.memory });
      this.attached = { key, pool };
    }
    const layout = {
      rows: a.rows, rowBytes: a.rowBytes, stride: s.stride, chunks: Math.ceil(s.stride / 16), words: s.words,
      qf32: a.qf32, q16: a.q16, qd: a.qd, qb: a.qb, table: a.table, block: KERNEL_BLOCK, relaxed: a.relaxed && s.format === 'int8',
      hamChunks: simdHamming(s.words),
    };
    const share = Math.ceil(s.size / n);
    const replies = await Promise.all(
      pool.workers.slice(0, n).map((w, t) =>
        pool.request(w, {
          t: 'scan', key, fmt: s.format, from: t * share, to: Math.min(s.size, (t + 1) * share), k: req.k,
          qscale: req.q.qscale, scales: s.format === 'int8' ? s.scales : null, mask: req.mask, layout: { ...layout, out: a.outOf(t + 1) },
          dims: s.dims, hamming: Boolean(extra.hamming), qsum: extra.qsum ?? 0,
        }),
      ),
    ).catch((e: unknown) => {
      this.failed++;
      throw e;
    });
    const top = new TopK(req.k);
    for (const r of replies) for (let i = 0; i < r.n!; i++) top.push(r.scores![i]!, r.slots![i]!);
    this.completed++;
    return top;
  }

  detach(): void {
    if (!this.attached) return;
    for (const w of this.attached.pool.workers) w.postMessage({ t: 'detach', key: this.attached.key });
    this.attached = null;
  }
}

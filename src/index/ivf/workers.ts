import { IndexError } from '../errors';
import { kernelModule } from '../wasm/host';
import { IVF_WORKER_SOURCE } from './worker-source';

interface Reply {
  id: number;
  progress?: number;
  error?: string;
  lists?: Int32Array;
  sums?: Float64Array;
  counts?: Float64Array;
  centroids?: Float32Array;
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  onProgress?: (n: number) => void;
}

/**
 * The IVF workers of one index: seeding, Lloyd steps and list assignment run here, never on the
 * page thread. Rows are posted (copies, transferred), so no cross-origin isolation is needed.
 */
export class IvfWorkers {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The plain-SIMD int8 kernel (the worker brings its own, non-shared memory); null: JS dot products. */
  private readonly module: WebAssembly.Module | null;

  constructor(count: number) {
    if (typeof Worker === 'undefined' || typeof Blob === 'undefined') {
      throw new IndexError('index_ivf_failed', 'IVF training needs Web Workers, which this context lacks');
    }
    this.module = kernelModule(false, false)?.module ?? null;
    const url = URL.createObjectURL(new Blob([IVF_WORKER_SOURCE], { type: 'text/javascript' }));
    try {
      for (let i = 0; i < count; i++) {
        const w = new Worker(url);
        w.onmessage = (e: MessageEvent<Reply>) => this.settle(e.data);
        w.onerror = (e) => this.failAll(`an IVF worker failed: ${e.message ?? 'error'}`);
        this.workers.push(w);
      }
    } catch (e) {
      this.terminate();
      throw new IndexError('index_ivf_failed', `IVF workers could not start (${String((e as Error)?.message ?? e)}); a CSP must allow blob: workers`, { cause: e });
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(r: Reply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    if (r.progress !== undefined) {
      p.onProgress?.(r.progress);
      return;
    }
    this.pending.delete(r.id);
    if (r.error) p.reject(new IndexError('index_ivf_failed', `IVF worker: ${r.error}`));
    else p.resolve(r);
  }

  private failAll(why: string): void {
    for (const p of this.pending.values()) p.reject(new IndexError('index_ivf_failed', why));
    this.pending.clear();
  }

  private request(w: number, msg: Record<string, unknown>, transfer: Transferable[] = [], onProgress?: (n: number) => void): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.workers[w]!.postMessage({ ...msg, id, progress: Boolean(onProgress) }, transfer);
    });
  }

  /** k-means++ centres of `rows` (n × stride int8 codes), in worker 0. */
  async seed(rows: Int8Array, n: number, k: number, stride: number, seed: number, onProgress?: (centres: number) => void): Promise<Float32Array> {
    const r = await this.request(0, { t: 'seed', rows, n, k, stride, seed }, [rows.buffer], onProgress);
    return r.centroids!;
  }

  /** Hands every worker the centroids the next assignments use. */
  async setCentroids(centroids: Float32Array, nlist: number, stride: number): Promise<void> {
    await Promise.all(this.workers.map((_, w) => this.request(w, { t: 'centroids', centroids, nlist, stride, module: this.module })));
  }

  /** Nearest list of each row (and with `sums` the per-list sums of the dequantized rows), in worker `w`. */
  async assign(w: number, rows: Int8Array, scales: Float32Array, n: number, sums: boolean): Promise<{ lists: Int32Array; sums?: Float64Array; counts?: Float64Array }> {
    const r = await this.request(w % this.workers.length, { t: 'assign', rows, scales, n, sums }, [rows.buffer, scales.buffer]);
    return { lists: r.lists!, sums: r.sums ?? undefined, counts: r.counts ?? undefined };
  }

  terminate(): void {
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
    this.failAll('the index was disposed');
  }
}

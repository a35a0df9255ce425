// Concurrent embed calls are queued and micro-batched: calls made in the same tick share one
// worker round-trip and one ORT run per modality. Only queued work can be aborted; a batch
// already inside a worker finishes, and its aborted members are simply not delivered.

import { transfer } from 'comlink';
import type { EmbedJob, JobResult, Payload } from '../engine/payload';
import { abortError } from './errors';
import type { PooledWorker, WorkerPool } from './pool';

export interface QueuedJob {
  job: EmbedJob;
  transfer: Transferable[];
  signal?: AbortSignal;
  resolve: (r: JobResult) => void;
  reject: (err: unknown) => void;
}

/** Largest batch per modality: enough to fill an ORT run, small enough to keep latency low. */
const MAX_BATCH: Record<Payload['kind'], number> = { text: 256, image: 16, audio: 8, video: 4, omni: 16 };
/** Batches in flight per worker: two lets the next batch cross the channel while one runs. */
const PER_WORKER = 2;

export class BatchQueue {
  private pending: QueuedJob[] = [];
  private scheduled = false;
  private closedWith?: Error;

  constructor(private readonly pool: WorkerPool) {
    pool.onReady(() => this.schedule());
  }

  push(q: QueuedJob): void {
    if (this.closedWith) return q.reject(this.closedWith);
    if (q.signal?.aborted) return q.reject(abortError(q.signal));
    this.pending.push(q);
    q.signal?.addEventListener('abort', () => {
      const i = this.pending.indexOf(q);
      if (i >= 0) {
        this.pending.splice(i, 1);
        q.reject(abortError(q.signal!));
      }
    }, { once: true });
    this.schedule();
  }

  get size(): number {
    return this.pending.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A macrotask, not a microtask: lets every call made in this turn of the event loop join.
    setTimeout(() => { this.scheduled = false; this.pump(); }, 0);
  }

  private pump(): void {
    let member: PooledWorker | undefined;
    while (this.pending.length && (member = this.pool.idle(PER_WORKER))) {
      const kind = this.pending[0]!.job.payload.kind;
      const batch: QueuedJob[] = [];
      this.pending = this.pending.filter((q) => {
        if (q.job.payload.kind !== kind || batch.length >= MAX_BATCH[kind]) return true;
        batch.push(q);
        return false;
      });
      void this.send(member, batch);
    }
  }

  private async send(member: PooledWorker, batch: QueuedJob[]): Promise<void> {
    member.busy++;
    try {
      const jobs = batch.map((q) => q.job);
      const results = await member.remote.embed(transfer(jobs, batch.flatMap((q) => q.transfer)));
      batch.forEach((q, i) => (q.signal?.aborted ? q.reject(abortError(q.signal)) : q.resolve(results[i]!)));
    } catch (err) {
      for (const q of batch) q.reject(this.closedWith ?? err);
    } finally {
      member.busy--;
      if (this.pending.length) this.schedule();
    }
  }

  /** Rejects everything still queued (dispose); later pushes reject at once. */
  close(reason: Error): void {
    this.closedWith = reason;
    const pending = this.pending;
    this.pending = [];
    for (const q of pending) q.reject(reason);
  }
}

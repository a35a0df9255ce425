// Concurrent embed calls are queued and micro-batched: calls made in the same tick share one
// worker round-trip and one ORT run per modality. Only queued work can be aborted; a batch
// already inside a worker finishes, and its aborted members are simply not delivered.
//
// When a worker dies with a batch in flight, each of its jobs is queued again, to run alone on a
// worker with nothing else in flight: if it kills that one too it is a poison input and is
// rejected by itself (WorkerCrashedError); everything else completes.

import { transfer } from 'comlink';
import type { EmbedJob, JobResult, Payload } from '../contract';
import { abortError } from '../errors';
import { WorkerCrashedError, WorkerUnavailableError } from './errors';
import { describeInput, type Prepared } from './inputs';
import type { PooledWorker, WorkerPool } from './pool';

export interface QueuedJob {
  job: EmbedJob;
  transfer: Transferable[];
  signal?: AbortSignal;
  resolve: (r: JobResult) => void;
  reject: (err: unknown) => void;
  /** How many workers died with this job in flight. */
  crashes: number;
  /** Builds the payload again when the first copy was transferred to a worker that died. */
  reprepare: () => Promise<Prepared>;
}

/** Largest batch per modality: enough to fill an ORT run, small enough to keep latency low. */
const MAX_BATCH: Record<Payload['kind'], number> = { text: 256, image: 16, audio: 8, video: 4, omni: 16 };
/** Batches in flight per worker: two lets the next batch cross the channel while one runs. */
const PER_WORKER = 2;
/** How long a death waits for the dead worker's last receipts (see send). */
const RECEIPT_GRACE_MS = 100;

export class BatchQueue {
  private pending: QueuedJob[] = [];
  private scheduled = false;
  private closedWith?: Error;
  private tickets = 0;

  constructor(private readonly pool: WorkerPool) {
    pool.onReady(() => this.schedule());
  }

  push(q: QueuedJob): void {
    if (this.closedWith) return q.reject(this.closedWith);
    if (q.signal?.aborted) return q.reject(abortError(q.signal));
    this.enqueue(q, false);
    q.signal?.addEventListener('abort', () => {
      const i = this.pending.indexOf(q);
      if (i >= 0) {
        this.pending.splice(i, 1);
        q.reject(abortError(q.signal!));
      }
    }, { once: true });
  }

  private enqueue(q: QueuedJob, first: boolean): void {
    if (first) this.pending.unshift(q);
    else this.pending.push(q);
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
    if (!this.pool.serving) {
      const reason = this.pool.failure ?? new WorkerUnavailableError('every worker is gone');
      for (const q of this.pending.splice(0)) q.reject(reason);
      return;
    }
    while (this.pending.length) {
      const head = this.pending[0]!;
      // A job that was in flight on a dead worker runs alone, on a worker with nothing else to lose.
      const member = this.pool.idle(PER_WORKER, head.crashes > 0);
      if (!member) break;
      const batch = head.crashes > 0 ? this.pending.splice(0, 1) : this.take(head.job.payload.kind);
      void this.send(member, batch);
    }
  }

  private take(kind: Payload['kind']): QueuedJob[] {
    const batch: QueuedJob[] = [];
    this.pending = this.pending.filter((q) => {
      if (q.crashes > 0 || q.job.payload.kind !== kind || batch.length >= MAX_BATCH[kind]) return true;
      batch.push(q);
      return false;
    });
    return batch;
  }

  private async send(member: PooledWorker, batch: QueuedJob[]): Promise<void> {
    member.busy++;
    const alone = batch.length === 1 && batch[0]!.crashes > 0;
    if (alone) member.exclusive = true;
    try {
      const ticket = ++this.tickets;
      const call = member.remote.embed(transfer(batch.map((q) => q.job), batch.flatMap((q) => q.transfer)), ticket);
      const outcome = await Promise.race([call.then((results) => ({ results })), member.lost.then((lost) => ({ lost }))]);
      if ('lost' in outcome) {
        // The receipt and the death travel by different routes: give a receipt posted just before
        // the death a moment to arrive, so a batch that ran is not taken for one that never did.
        await new Promise((r) => setTimeout(r, RECEIPT_GRACE_MS));
        const ran = member.started.has(ticket);
        for (const q of batch) void this.retry(q, outcome.lost, ran);
        return;
      }
      member.started.delete(ticket);
      batch.forEach((q, i) => (q.signal?.aborted ? q.reject(abortError(q.signal)) : q.resolve(outcome.results[i]!)));
    } catch (err) {
      for (const q of batch) q.reject(this.closedWith ?? err);
    } finally {
      member.busy--;
      if (alone) member.exclusive = false;
      if (this.pending.length) this.schedule();
    }
  }

  /**
   * A job whose worker died: queued again at the front, or rejected if it already killed one.
   * Only a batch the worker had started counts against its jobs; one that never ran is just re-sent.
   */
  private async retry(q: QueuedJob, reason: string, ran: boolean): Promise<void> {
    if (this.closedWith) return q.reject(this.closedWith);
    if (q.signal?.aborted) return q.reject(abortError(q.signal));
    if (ran && ++q.crashes >= 2) return q.reject(new WorkerCrashedError(describeInput(q.job.payload), reason));
    if (q.transfer.length) {
      try {
        const again = await q.reprepare();
        q.job = { ...q.job, payload: again.payload };
        q.transfer = again.transfer;
      } catch (err) {
        return q.reject(err);
      }
    }
    this.enqueue(q, true);
  }

  /** Rejects everything still queued (dispose); later pushes reject at once. */
  close(reason: Error): void {
    this.closedWith = reason;
    const pending = this.pending;
    this.pending = [];
    for (const q of pending) q.reject(reason);
  }
}

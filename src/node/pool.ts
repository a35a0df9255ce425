// A pool of worker_threads embed workers. Calls of one tick are micro-batched per worker; each
// worker runs one batch at a time (ORT runs one thing at a time per session anyway, and queued
// work spreads across workers). A worker that dies is replaced and its batch re-run once; an input
// that kills a second worker is rejected alone as a poison input (WorkerCrashedError), as in the
// browser pool.
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { EngineInfo, JobResult } from '../contract';
import { fromWire, installErrorTransport } from '../contract/errors';
import { DisposedError, OmniEmbedError } from '../errors';
import { WorkerCrashedError, WorkerStartError, WorkerUnavailableError } from '../api/errors';
import type { NodeInitRequest, NodeWorkerApi } from './worker';
import type { NodeJob } from './payload';
import { transferables } from './inputs';

interface Pending {
  job: NodeJob;
  resolve: (r: JobResult) => void;
  reject: (e: unknown) => void;
  deaths: number;
  label: string;
  /** Was in a batch whose worker died: runs by itself from now on, so a second death is its own. */
  alone?: boolean;
}

interface Slot { worker: Worker; api: Comlink.Remote<NodeWorkerApi>; busy: boolean; dead: Promise<string> }

export interface PoolOptions { workers: number; maxBatch: number; workerUrl: URL; init: NodeInitRequest }

export class WorkerPool {
  private slots: Slot[] = [];
  private queue: Pending[] = [];
  private disposed = false;
  private scheduled = false;
  info!: EngineInfo;

  private constructor(private readonly options: PoolOptions) {}

  static async create(options: PoolOptions): Promise<WorkerPool> {
    installErrorTransport();
    const pool = new WorkerPool(options);
    try {
      // The first worker alone, so a bad model fails once with its own error, not N times.
      pool.slots.push(await pool.spawn());
      pool.slots.push(...(await Promise.all(Array.from({ length: options.workers - 1 }, () => pool.spawn()))));
    } catch (err) {
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  private async spawn(): Promise<Slot> {
    const worker = new Worker(this.options.workerUrl);
    const dead = new Promise<string>((resolve) => {
      worker.once('error', (err) => resolve(`error: ${err.message}`));
      worker.once('exit', (code) => resolve(`exit code ${code}`));
    });
    const api = Comlink.wrap<NodeWorkerApi>(nodeEndpoint(worker));
    const slot: Slot = { worker, api, busy: false, dead };
    const started = api.init(this.options.init);
    const outcome = await Promise.race([started.then((info) => ({ info })), dead.then((reason) => ({ reason }))]).catch((err: unknown) => ({ err }));
    if ('info' in outcome) {
      this.info = outcome.info;
      void dead.then((reason) => this.onDeath(slot, reason));
      return slot;
    }
    void worker.terminate();
    if ('err' in outcome) throw outcome.err instanceof OmniEmbedError ? outcome.err : new WorkerStartError(this.options.workerUrl.href, String(outcome.err));
    throw new WorkerStartError(this.options.workerUrl.href, `the worker died while loading the model (${outcome.reason})`);
  }

  run(job: NodeJob, label: string): Promise<JobResult> {
    if (this.disposed) return Promise.reject(new DisposedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject, deaths: 0, label });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // One tick's calls become one batch (setImmediate runs after the current I/O callbacks).
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.queue.length === 0) continue;
      const idle = this.slots.filter((s) => !s.busy).length;
      // Spread what is queued over the idle workers rather than handing one worker all of it.
      const size = Math.max(1, Math.min(this.options.maxBatch, Math.ceil(this.queue.length / idle)));
      void this.send(slot, this.take(size));
    }
  }

  /** The next batch: a suspect input by itself, else up to `size` inputs that are not suspects. */
  private take(size: number): Pending[] {
    if (this.queue[0]!.alone) return this.queue.splice(0, 1);
    let n = 0;
    while (n < size && n < this.queue.length && !this.queue[n]!.alone) n++;
    return this.queue.splice(0, n);
  }

  private async send(slot: Slot, batch: Pending[]): Promise<void> {
    slot.busy = true;
    const jobs = batch.map((p) => p.job);
    const transfer = jobs.flatMap(transferables);
    const outcome = await Promise.race([
      slot.api.embed(Comlink.transfer(jobs, transfer)).then((results) => ({ results })),
      slot.dead.then((reason) => ({ reason })),
    ]).catch((err: unknown) => ({ err }));
    if ('results' in outcome) {
      batch.forEach((p, i) => p.resolve(outcome.results[i]!));
    } else if ('err' in outcome) {
      for (const p of batch) p.reject(outcome.err);
    } else {
      // The worker died running this batch: each input gets one more try, by itself.
      for (const p of [...batch].reverse()) {
        p.deaths++;
        p.alone = true;
        if (p.deaths >= 2) p.reject(new WorkerCrashedError(p.label, outcome.reason));
        else this.queue.unshift(p);
      }
      if (this.queue.length) this.schedule();
      return;
    }
    slot.busy = false;
    if (this.queue.length) this.schedule();
  }

  private async onDeath(slot: Slot, reason: string): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (this.disposed) return;
    try {
      this.slots.push(await this.spawn());
    } catch (err) {
      if (this.slots.length === 0) {
        const error = new WorkerUnavailableError(`the last worker died (${reason}) and a new one could not start: ${(err as Error).message}`);
        for (const p of this.queue.splice(0)) p.reject(error);
      }
      return;
    }
    this.schedule();
  }

  /** Terminates one worker (tests: the death path). */
  killOne(): Promise<number> | undefined {
    return this.slots[0]?.worker.terminate();
  }

  get size(): number {
    return this.slots.length;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.reject(new DisposedError());
    await Promise.all(this.slots.map(async (s) => {
      await Promise.race([s.api.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      s.api[Comlink.releaseProxy]();
      await s.worker.terminate();
    }));
    this.slots = [];
  }
}

export function resultVector(r: JobResult): { vector: Float32Array; modalities: EngineInfo['modalities'] } {
  if (!r.ok) throw fromWire(r.error);
  return { vector: r.vector, modalities: r.modalities };
}

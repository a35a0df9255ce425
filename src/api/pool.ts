// A fixed set of workers, each holding the model's sessions. Work goes to the least busy ready one;
// workers after the first join once their model is loaded, so start-up waits for one worker only.
import * as Comlink from 'comlink';
import type { EmbedWorker } from '../../workers/embed.worker';

export interface PooledWorker {
  remote: Comlink.Remote<EmbedWorker>;
  worker: Worker;
  busy: number;
  ready: boolean;
}

export class WorkerPool {
  members: PooledWorker[];
  private readyListeners: (() => void)[] = [];

  constructor(size: number, spawn: () => Worker) {
    this.members = Array.from({ length: size }, () => {
      const worker = spawn();
      return { worker, remote: Comlink.wrap<EmbedWorker>(worker), busy: 0, ready: false };
    });
  }

  /** The idlest ready worker with room for another batch, or undefined when all are at capacity. */
  idle(capacity: number): PooledWorker | undefined {
    let best: PooledWorker | undefined;
    for (const m of this.members) if (m.ready && m.busy < capacity && (!best || m.busy < best.busy)) best = m;
    return best;
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  markReady(member: PooledWorker): void {
    member.ready = true;
    for (const l of this.readyListeners) l();
  }

  /** Drops a worker that failed to start; the others carry on. */
  remove(member: PooledWorker): void {
    this.members = this.members.filter((m) => m !== member);
    member.remote[Comlink.releaseProxy]();
    member.worker.terminate();
  }

  async dispose(): Promise<void> {
    const members = this.members;
    this.members = [];
    await Promise.all(members.map((m) => m.remote.dispose().catch(() => undefined)));
    for (const m of members) {
      m.remote[Comlink.releaseProxy]();
      m.worker.terminate();
    }
  }
}

// A fixed set of workers, each holding the model's sessions. Work goes to the least busy one.
import * as Comlink from 'comlink';
import type { EmbedWorker } from '../../workers/embed.worker';

export interface PooledWorker {
  remote: Comlink.Remote<EmbedWorker>;
  worker: Worker;
  busy: number;
}

export class WorkerPool {
  readonly members: PooledWorker[];

  constructor(size: number, spawn: () => Worker) {
    this.members = Array.from({ length: size }, () => {
      const worker = spawn();
      return { worker, remote: Comlink.wrap<EmbedWorker>(worker), busy: 0 };
    });
  }

  /** The idlest worker with room for another batch, or undefined when all are at capacity. */
  idle(capacity: number): PooledWorker | undefined {
    let best: PooledWorker | undefined;
    for (const m of this.members) if (m.busy < capacity && (!best || m.busy < best.busy)) best = m;
    return best;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.members.map((m) => m.remote.dispose().catch(() => undefined)));
    for (const m of this.members) {
      m.remote[Comlink.releaseProxy]();
      m.worker.terminate();
    }
  }
}

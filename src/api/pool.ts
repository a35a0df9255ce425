// A fixed number of workers, each holding the model's sessions, watched for death and hangs.
// Work goes to the least busy ready one; workers after the first join once their model is loaded,
// so start-up waits for one worker only. A worker that dies is replaced, and the queue re-runs
// what it had in flight (src/api/queue.ts).
import * as Comlink from 'comlink';
import type { EngineInfo, LifelineMessage, WorkerApi } from '../contract';
import { installErrorTransport } from '../contract/errors';
import { WorkerStartError, WorkerUnavailableError } from './errors';

export interface PooledWorker {
  readonly id: number;
  remote: Comlink.Remote<WorkerApi>;
  worker: Worker;
  busy: number;
  ready: boolean;
  /** Set while a job that already killed a worker runs here alone. */
  exclusive: boolean;
  lastBeat: number;
  /** Tickets of the batches this worker said it started (see WorkerApi.embed). */
  started: Set<number>;
  /** Settles (never rejects) with the reason once the worker is found dead or hung. */
  lost: Promise<string>;
  markLost: (reason: string) => void;
}

export interface WorkerReplaced {
  /** Why the old worker was dropped (it died, hung or could not start). */
  reason: string;
  /** Workers running or starting after the replacement was spawned. */
  workers: number;
}

export interface PoolOptions {
  /** Workers to start with. */
  size: number;
  /** How many workers the model wants in all, decided once the first has loaded it (its size is known then). */
  shape?: (first: EngineInfo) => number;
  spawn: () => Worker;
  /** Loads the model in a started worker. */
  init: (member: PooledWorker) => Promise<EngineInfo>;
  /** A worker silent this long (no heartbeat) is taken for hung and replaced. */
  timeoutMs: number;
  /** What the page was told the worker script is, for error messages. */
  describeUrl: string;
  onReplaced: (e: WorkerReplaced) => void;
  onWarning: (message: string) => void;
}

/** How often workers beat; the watchdog looks as often. */
const BEAT_MS = 500;
/** A worker must run its script and answer within this, or it counts as failed to start. */
const START_MS = 20_000;
/** Consecutive replacements that fail to start before the pool gives up (no crash loop). */
const MAX_FAILED_STARTS = 2;
/** How long dispose() waits for a worker to free its sessions before terminating it anyway. */
const DISPOSE_MS = 3_000;

let lifelines = 0;

export class WorkerPool {
  members: PooledWorker[] = [];
  private readyListeners: (() => void)[] = [];
  private disposed = false;
  private failedStarts = 0;
  private broken?: Error;
  private nextId = 0;
  private watchdog?: ReturnType<typeof setInterval>;
  private lastTick = Date.now();

  constructor(private readonly options: PoolOptions) {
    installErrorTransport();
  }

  /**
   * Starts every worker; resolves with the first one's model info once it is ready. Rejects (and
   * stops everything) if that first worker cannot start or load: that failure is the caller's.
   */
  async start(): Promise<EngineInfo> {
    const [first, ...rest] = Array.from({ length: this.options.size }, () => this.spawn());
    this.watchdog = setInterval(() => this.watch(), BEAT_MS);
    const info = await this.boot(first!);
    const wanted = this.options.shape?.(info) ?? this.options.size;
    for (let i = this.options.size; i < wanted; i++) rest.push(this.spawn());
    for (const member of rest) void this.boot(member).catch((err: Error) => this.startFailed(member, err));
    return info;
  }

  /** The idlest ready worker with room for another batch, or undefined when all are at capacity. */
  idle(capacity: number, alone = false): PooledWorker | undefined {
    let best: PooledWorker | undefined;
    for (const m of this.members) {
      if (!m.ready || m.exclusive || m.busy >= (alone ? 1 : capacity)) continue;
      if (!best || m.busy < best.busy) best = m;
    }
    return best;
  }

  /** Why no worker can ever take work again, if so (every start failed). */
  get failure(): Error | undefined {
    return this.broken;
  }

  /** True while some worker is ready or still starting, so queued work will be served. */
  get serving(): boolean {
    return !this.broken && this.members.length > 0;
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  private spawn(): PooledWorker {
    let markLost!: (reason: string) => void;
    const lost = new Promise<string>((resolve) => (markLost = resolve));
    let worker: Worker;
    try {
      worker = this.options.spawn();
    } catch (err) {
      // new Worker() throws at once for a cross-origin URL or a CSP that forbids it.
      throw new WorkerStartError(this.options.describeUrl, String((err as Error)?.message ?? err));
    }
    const member: PooledWorker = {
      id: this.nextId++, worker, remote: Comlink.wrap<WorkerApi>(worker), busy: 0, ready: false, exclusive: false, lastBeat: Date.now(), started: new Set(), lost, markLost,
    };
    // A call whose reply cannot be deserialised would never settle: treat the worker as lost.
    worker.addEventListener('messageerror', () => this.lose(member, 'a message from the worker could not be read'));
    this.members.push(member);
    return member;
  }

  /** Runs the worker's script, ties its life to a lock and a heartbeat, then loads the model. */
  private async boot(member: PooledWorker): Promise<EngineInfo> {
    const failedToLoad = new Promise<never>((_, reject) => {
      member.worker.addEventListener('error', (e) => {
        e.preventDefault();
        if (!member.ready) reject(new WorkerStartError(this.options.describeUrl, e.message || 'the script failed to load or threw while starting'));
      });
      setTimeout(() => reject(new WorkerStartError(this.options.describeUrl, `no answer within ${START_MS / 1000} s`)), START_MS);
    });
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = (e: MessageEvent<LifelineMessage>) => {
      member.lastBeat = Date.now();
      if ('started' in e.data) member.started.add(e.data.started);
    };
    const lock = `omni-embed-worker-${Date.now().toString(36)}-${lifelines++}-${Math.random().toString(36).slice(2)}`;
    await Promise.race([member.remote.supervise(Comlink.transfer({ lock, port: port2, beatMs: BEAT_MS }, [port2])), failedToLoad]);
    // Granted only once the worker no longer holds it: it was terminated, crashed or closed itself.
    void globalThis.navigator?.locks?.request(lock, () => this.lose(member, 'the worker stopped'));
    const info = await Promise.race([this.options.init(member), member.lost.then((reason) => { throw new WorkerStartError(this.options.describeUrl, reason); })]);
    if (!this.members.includes(member)) throw new WorkerStartError(this.options.describeUrl, 'dropped while starting');
    member.ready = true;
    this.failedStarts = 0;
    for (const l of this.readyListeners) l();
    return info;
  }

  private startFailed(member: PooledWorker, err: Error): void {
    if (this.disposed || !this.members.includes(member)) return;
    this.drop(member, err.message);
    this.options.onWarning(`a worker failed to start and was dropped: ${err.message}`);
    if (++this.failedStarts >= MAX_FAILED_STARTS && !this.members.some((m) => m.ready)) {
      this.broken = new WorkerUnavailableError(`${this.failedStarts} workers in a row failed to start (last: ${err.message})`);
      for (const l of this.readyListeners) l();
    }
  }

  /** The worker is dead or hung: drop it, settle its in-flight calls (via `lost`), start another. */
  lose(member: PooledWorker, reason: string): void {
    if (this.disposed || !this.members.includes(member)) return;
    this.drop(member, reason);
    if (this.failedStarts >= MAX_FAILED_STARTS) return;
    let next: PooledWorker;
    try {
      next = this.spawn();
    } catch (err) {
      this.options.onWarning(`a replacement worker could not be created: ${(err as Error).message}`);
      return;
    }
    this.options.onReplaced({ reason, workers: this.members.length });
    void this.boot(next).catch((err: Error) => this.startFailed(next, err));
  }

  private drop(member: PooledWorker, reason: string): void {
    this.members = this.members.filter((m) => m !== member);
    member.markLost(reason);
    member.worker.terminate();
    member.remote[Comlink.releaseProxy]();
  }

  private watch(): void {
    const now = Date.now();
    // The page itself was blocked (its timers and the beats it had not read ran late): no verdicts.
    const late = now - this.lastTick > this.options.timeoutMs / 2;
    this.lastTick = now;
    for (const m of [...this.members]) {
      // Only a worker with work in flight is judged: one that is starting may block for long
      // (compiling ORT, creating sessions), and deaths of idle ones are caught by the lock.
      if (late || m.busy === 0) m.lastBeat = now;
      else if (now - m.lastBeat > this.options.timeoutMs) this.lose(m, `no heartbeat for ${now - m.lastBeat} ms (hung)`);
    }
  }

  /** Frees every worker. Always settles: a dead or hung worker is terminated without waiting. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.watchdog);
    const members = this.members;
    this.members = [];
    const deadline = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    await Promise.all(members.map((m) => Promise.race([m.remote.dispose().catch(() => undefined), m.lost, deadline(DISPOSE_MS)])));
    for (const m of members) {
      m.markLost('disposed');
      m.worker.terminate();
      m.remote[Comlink.releaseProxy]();
    }
  }
}

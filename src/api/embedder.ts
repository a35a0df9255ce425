// The page-side handle users hold: embed(), embedBatch(), info, on(), dispose().

import { DisposedError, InvalidOptionError } from '../errors';
import type { DeviceChange, EngineInfo, JobResult } from '../contract';
import { fromWire } from '../contract/errors';
import type { Modality } from '../presets/spec';
import type { LoadProgress } from '../models/load';
import { l2Normalize } from '../math/normalize';
import { prepareInput, type EmbedInput, type MediaNeeds } from './inputs';
import { describe, integer, oneOf, optionBag, ROLES, signal } from './options';
import type { WorkerPool, WorkerReplaced } from './pool';
import { BatchQueue } from './queue';

export interface EmbedOptions {
  /** Instruction text for omni items (fusion models); overrides `role`. */
  instruction?: string;
  /** Which default instruction an omni item gets: targets are what you index, queries what you search with. Default 'target'. */
  role?: 'query' | 'target';
  /** Matryoshka prefix size; must be one the model was trained for (see `info.matryoshka`). */
  dims?: number;
  signal?: AbortSignal;
}

export interface Embedding {
  /** L2-normalised. */
  vector: Float32Array;
  /** The modalities that went into this vector. */
  modalities: Modality[];
}

export interface EmbedderInfo extends EngineInfo {
  workers: number;
}

export interface EmbedderEvents {
  progress: LoadProgress;
  devicechange: DeviceChange;
  warning: string;
  /** A worker died or hung and another was started in its place; its in-flight calls were re-run. */
  workerreplaced: WorkerReplaced;
}

type Listener<T> = (event: T) => void;

/** Events raised while createEmbedder() was starting, before anyone could listen. */
export type StartupEvent = { type: 'warning'; event: string } | { type: 'devicechange'; event: DeviceChange };

export class Embedder {
  private readonly queue: BatchQueue;
  private readonly listeners = new Map<keyof EmbedderEvents, Set<Listener<never>>>();
  private disposed = false;

  /** @internal use createEmbedder() */
  constructor(
    private readonly pool: WorkerPool,
    private engineInfo: EngineInfo,
    private readonly media: MediaNeeds,
    private readonly startup: readonly StartupEvent[] = [],
  ) {
    this.queue = new BatchQueue(pool);
  }

  get info(): EmbedderInfo {
    return { ...this.engineInfo, workers: this.pool.members.length };
  }

  on<K extends keyof EmbedderEvents>(type: K, listener: Listener<EmbedderEvents[K]>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener as Listener<never>);
    this.listeners.set(type, set);
    // A quota warning or a device switch during start-up happened before on() could be called:
    // each listener hears them first, in order, on the next microtask.
    const missed = this.startup.filter((e) => e.type === type);
    if (missed.length > 0) {
      queueMicrotask(() => {
        for (const e of missed) if (set.has(listener as Listener<never>)) (listener as Listener<unknown>)(e.event);
      });
    }
    return () => set.delete(listener as Listener<never>);
  }

  /** @internal */
  emit<K extends keyof EmbedderEvents>(type: K, event: EmbedderEvents[K]): void {
    for (const l of this.listeners.get(type) ?? []) (l as Listener<EmbedderEvents[K]>)(event);
  }

  /** @internal A worker moved to another device: `info` reports what runs now, then listeners hear it. */
  deviceChanged(change: DeviceChange): void {
    this.engineInfo = { ...this.engineInfo, device: change.to, deviceReason: change.reason };
    this.emit('devicechange', change);
  }

  async embed(input: EmbedInput, options?: EmbedOptions): Promise<Embedding> {
    this.assertOpen();
    return this.embedChecked(input, this.checkOptions(options));
  }

  /** Embeds many inputs; they are micro-batched together. Rejects with the first failure. */
  async embedBatch(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Embedding[]> {
    this.assertOpen();
    if (!Array.isArray(inputs)) throw new InvalidOptionError(`embedBatch takes an array of inputs (got ${describe(inputs)})`);
    // Checked once for the whole batch, before any input is prepared.
    const opts = this.checkOptions(options);
    return Promise.all(inputs.map((input) => this.embedChecked(input, opts)));
  }

  private async embedChecked(input: EmbedInput, opts: EmbedOptions): Promise<Embedding> {
    opts.signal?.throwIfAborted();
    const prepared = await prepareInput(input, this.media);
    const { payload } = prepared;
    const instruction = opts.instruction ?? (payload.kind === 'omni' ? this.engineInfo.instructions?.[opts.role ?? 'target'] : undefined);
    const result = await new Promise<JobResult>((resolve, reject) =>
      this.queue.push({
        job: { payload, ...(instruction ? { instruction } : {}) },
        transfer: prepared.transfer,
        ...(opts.signal ? { signal: opts.signal } : {}),
        resolve,
        reject,
        crashes: 0,
        reprepare: () => prepareInput(input, this.media),
      }),
    );
    if (!result.ok) throw fromWire(result.error);
    const dims = opts.dims ?? this.engineInfo.dims;
    return { vector: dims < result.vector.length ? l2Normalize(result.vector.slice(0, dims)) : result.vector, modalities: result.modalities };
  }

  /**
   * @internal Test hook: destroys each worker's GPUDevice so tests can prove the WASM fallback.
   * Resolves once every worker has switched (or had no GPU device).
   */
  async _simulateDeviceLoss(): Promise<boolean[]> {
    return Promise.all(this.pool.members.map((m) => m.remote.loseDevice()));
  }

  /** @internal Test hook: kills worker `index` behind the pool's back, as a crash would. */
  _killWorker(index: number): boolean {
    const member = this.pool.members[index];
    member?.worker.terminate();
    return !!member;
  }

  /** Frees every session, GPU buffer and worker. Later calls reject with code 'disposed'. Always settles. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.close(new DisposedError());
    await this.pool.dispose();
  }

  private assertOpen(): void {
    if (this.disposed) throw new DisposedError();
  }

  private checkOptions(options: EmbedOptions | undefined): EmbedOptions {
    const bag = optionBag(options, 'embed');
    oneOf(bag, 'role', ROLES);
    signal(bag);
    if (bag.instruction !== undefined && typeof bag.instruction !== 'string') {
      throw new InvalidOptionError(`instruction must be a string (got ${describe(bag.instruction)})`);
    }
    const { dims: full, matryoshka } = this.engineInfo;
    const dims = integer(bag, 'dims', 1, full);
    if (dims !== undefined && !matryoshka.includes(dims)) {
      throw new InvalidOptionError(`dims=${dims} is not a size ${this.engineInfo.model} was trained for; use one of ${matryoshka.join(', ')}`);
    }
    return bag as EmbedOptions;
  }
}

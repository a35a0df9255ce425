// The page-side handle users hold: embed(), embedBatch(), info, on(), dispose().

import { OmniEmbedError } from '../errors';
import { truncateDims } from '../engine/pooling';
import type { EngineInfo } from '../engine/engine';
import type { DeviceChange } from '../engine/graph-sessions';
import type { JobResult } from '../engine/payload';
import type { Modality } from '../presets/spec';
import type { LoadProgress } from '../models';
import { EmbedError, InvalidOptionError } from './errors';
import { prepareInput, type EmbedInput, type MediaNeeds } from './inputs';
import type { WorkerPool } from './pool';
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
}

type Listener<T> = (event: T) => void;

export class Embedder {
  private readonly queue: BatchQueue;
  private readonly listeners = new Map<keyof EmbedderEvents, Set<Listener<never>>>();
  private disposed = false;

  /** @internal use createEmbedder() */
  constructor(
    private readonly pool: WorkerPool,
    private engineInfo: EngineInfo,
    private readonly media: MediaNeeds,
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

  async embed(input: EmbedInput, options: EmbedOptions = {}): Promise<Embedding> {
    this.assertOpen();
    const dims = this.checkDims(options.dims);
    options.signal?.throwIfAborted();
    const { payload, transfer } = await prepareInput(input, this.media);
    const instruction = options.instruction ?? (payload.kind === 'omni' ? this.engineInfo.instructions?.[options.role ?? 'target'] : undefined);
    const result = await new Promise<JobResult>((resolve, reject) =>
      this.queue.push({ job: { payload, ...(instruction ? { instruction } : {}) }, transfer, ...(options.signal ? { signal: options.signal } : {}), resolve, reject }),
    );
    if (!result.ok) throw new EmbedError(result.code, result.message);
    return { vector: dims < result.vector.length ? truncateDims(result.vector, dims) : result.vector, modalities: result.modalities as Modality[] };
  }

  /** Embeds many inputs; they are micro-batched together. Rejects with the first failure. */
  embedBatch(inputs: EmbedInput[], options: EmbedOptions = {}): Promise<Embedding[]> {
    return Promise.all(inputs.map((input) => this.embed(input, options)));
  }

  /**
   * @internal Test hook: destroys each worker's GPUDevice so tests can prove the WASM fallback.
   * Resolves once every worker has switched (or had no GPU device).
   */
  async _simulateDeviceLoss(): Promise<boolean[]> {
    return Promise.all(this.pool.members.map((m) => m.remote.loseDevice()));
  }

  /** Frees every session, GPU buffer and worker. Later calls reject with code 'disposed'. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.close(new OmniEmbedError('disposed', 'this embedder has been disposed; create a new one'));
    await this.pool.dispose();
  }

  private assertOpen(): void {
    if (this.disposed) throw new OmniEmbedError('disposed', 'this embedder has been disposed; create a new one');
  }

  private checkDims(dims: number | undefined): number {
    const { dims: full, matryoshka } = this.engineInfo;
    if (dims === undefined) return full;
    if (!Number.isInteger(dims) || !matryoshka.includes(dims)) {
      throw new InvalidOptionError(`dims=${dims} is not a size ${this.engineInfo.model} was trained for; use one of ${matryoshka.join(', ')}`);
    }
    return dims;
  }
}

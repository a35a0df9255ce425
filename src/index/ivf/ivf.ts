import { IndexError } from '../errors';
import type { Scanner } from '../scan/types';
import type { VectorStore } from '../store';
import { IvfLists } from './lists';
import { defaultNprobe, resolveTrain, type IvfInfo, type IvfTrainOptions } from './options';
import { ivfScanner } from './search';
import { assignSlots, trainLists } from './train';
import { IvfWorkers } from './workers';

/** What persistence stores of an IVF: enough to rebuild the lists without training. */
export interface IvfSnapshot {
  format: 1;
  lists: number;
  stride: number;
  trainedCount: number;
  centroids: ArrayBuffer;
  /** Int32 per (compacted) store slot: its list. */
  listOf: ArrayBuffer;
}

/**
 * An index's IVF: trained lists plus the workers that keep assigning new items. The coordinator
 * tells it about every write, removal and compaction, so its lists always hold exactly the live items.
 */
export class Ivf {
  private workers: IvfWorkers | null = null;
  private centroidsInWorkers = false;

  private constructor(
    private readonly store: VectorStore,
    readonly lists: IvfLists,
    readonly trainedCount: number,
    private readonly workerCount: number,
  ) {}

  static async train(s: VectorStore, options: IvfTrainOptions, previous: Ivf | null): Promise<Ivf> {
    const o = resolveTrain(options, s.count, s.format);
    // Reuse the previous IVF's workers when their count fits; they get the new centroids below.
    const workers = previous?.workers && previous.workerCount === o.workers ? previous.takeWorkers()! : new IvfWorkers(o.workers);
    try {
      const { centroids, listOf } = await trainLists(s, o, workers, options.onProgress);
      const ivf = new Ivf(s, new IvfLists(centroids, o.lists, s), s.count, o.workers);
      options.onProgress?.({ phase: 'layout', done: 0, total: s.size });
      await ivf.lists.layout(listOf, s.size);
      options.onProgress?.({ phase: 'layout', done: s.size, total: s.size });
      ivf.workers = workers;
      ivf.centroidsInWorkers = true;
      return ivf;
    } catch (e) {
      workers.terminate();
      throw e;
    }
  }

  /** Rebuilds a persisted IVF over the just-loaded store (no training: the lists are copied into place). */
  static async restore(s: VectorStore, snap: IvfSnapshot, workerCount: number): Promise<Ivf | null> {
    if (snap.format !== 1 || snap.stride !== s.stride || snap.listOf.byteLength !== s.size * 4) return null;
    const ivf = new Ivf(s, new IvfLists(new Float32Array(snap.centroids.slice(0)), snap.lists, s), snap.trainedCount, workerCount);
    await ivf.lists.layout(new Int32Array(snap.listOf), s.size);
    return ivf;
  }

  snapshot(): IvfSnapshot {
    const s = this.store;
    const listOf = new Int32Array(s.size);
    listOf.set(this.lists.listOf.subarray(0, s.size));
    return { format: 1, lists: this.lists.nlist, stride: s.stride, trainedCount: this.trainedCount, centroids: this.lists.centroids.slice().buffer, listOf: listOf.buffer };
  }

  private takeWorkers(): IvfWorkers | null {
    const w = this.workers;
    this.workers = null;
    return w;
  }

  private async readyWorkers(): Promise<IvfWorkers> {
    if (!this.workers) {
      this.workers = new IvfWorkers(this.workerCount);
      this.centroidsInWorkers = false;
    }
    if (!this.centroidsInWorkers) {
      await this.workers.setCentroids(this.lists.centroids, this.lists.nlist, this.store.stride);
      this.centroidsInWorkers = true;
    }
    return this.workers;
  }

  /** New or rewritten slots (already in the store) go to their nearest lists. */
  async written(slots: Int32Array): Promise<void> {
    if (slots.length === 0) return;
    for (const slot of slots) this.lists.drop(slot);
    const lists = await assignSlots(this.store, slots, await this.readyWorkers());
    await this.lists.insert(slots, lists);
  }

  /** Call before the store marks `slot` dead. */
  removed(slot: number): void {
    this.lists.drop(slot);
  }

  /** Call right before store.compact(): list members get their new slot numbers. */
  beforeCompact(): void {
    if (this.store.dead > 0) this.lists.renumber(this.store.alive, this.store.size);
  }

  scanner(nprobe: number | undefined, prefilter: 'asymmetric' | 'hamming'): Scanner {
    return ivfScanner(this.lists, nprobe ?? defaultNprobe(this.lists.nlist), prefilter);
  }

  info(): IvfInfo {
    const imbalance = this.lists.imbalance();
    const n = this.store.count;
    const grown = n > 4 * this.trainedCount || 4 * n < this.trainedCount;
    const l = this.lists;
    const bytes = l.rowsTotal * (l.rowBytes + 8) + l.listOf.length * 8 + l.centroids.byteLength;
    return { lists: l.nlist, trainedCount: this.trainedCount, imbalance, retrainSuggested: imbalance > 2 || grown, defaultNprobe: defaultNprobe(l.nlist), bytes };
  }

  /** Invariant check for tests: every live slot is in exactly one list, at the row that names it. */
  verify(): void {
    const s = this.store;
    let members = 0;
    for (let slot = 0; slot < s.size; slot++) {
      if (!s.alive[slot]) continue;
      const p = this.lists.posOf[slot]!;
      if (p < 0 || this.lists.slots[p] !== slot) throw new IndexError('index_ivf_failed', `slot ${slot} is not in its IVF list`);
      members++;
    }
    if (members !== this.lists.members) throw new IndexError('index_ivf_failed', `IVF lists hold ${this.lists.members} rows for ${members} live items`);
  }

  dispose(): void {
    this.workers?.terminate();
    this.workers = null;
  }
}

import { Ivf, type IvfSnapshot } from './ivf';
import type { IvfInfo, IvfTrainOptions } from './options';
import type { VectorStore } from '../store';

/**
 * An index's IVF lists, or none: kept in step with the store (every write, removal and compaction),
 * replaced by training, rebuilt from a committed snapshot, dropped when they could go stale.
 */
export class IvfHolder {
  current: Ivf | null = null;

  constructor(private readonly store: VectorStore) {}

  /** Lists a search probes from (null: none trained). */
  get nlist(): number | null {
    return this.current?.lists.nlist ?? null;
  }

  /** Closes the store's tombstone gaps; the lists learn the new slot numbers first. */
  compact(): void {
    this.current?.beforeCompact();
    this.store.compact();
  }

  drop(): void {
    this.current?.dispose();
    this.current = null;
  }

  /** New/rewritten slots join their nearest lists (IVF workers); if that fails the lists go, not stay stale. */
  async written(slots: Int32Array): Promise<void> {
    await this.current!.written(slots).catch(() => this.drop());
  }

  /** Trains lists over the (compacted) store, replacing the current ones. */
  async train(options: IvfTrainOptions): Promise<IvfInfo> {
    this.compact();
    const next = await Ivf.train(this.store, options, this.current);
    this.drop();
    this.current = next;
    return next.info();
  }

  /** Rebuilds committed lists over the just-loaded store (none when the snapshot does not fit it). */
  async restore(snap: IvfSnapshot): Promise<void> {
    this.current = await Ivf.restore(this.store, snap, Math.min(8, globalThis.navigator?.hardwareConcurrency ?? 1));
  }
}

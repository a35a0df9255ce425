import { IndexError } from './errors';
import { Persistence } from './persist';
import { TimeSlicer } from './yield';
import type { IvfSnapshot } from './ivf/ivf';
import type { VectorStore } from './store';
import type { Metric, PersistOptions } from './types';

/**
 * An index's link to its committed copy in IndexedDB (persist.ts): opening and loading it, what is
 * committed and what is not, and the `autoCommit` timer that a change (re)arms.
 */
export class PersistenceLink {
  private persistence: Persistence | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly options: PersistOptions | undefined,
    /** What the autoCommit timer calls when it fires. */
    private readonly autoCommit: () => void,
  ) {}

  /** Opens the database and loads the committed rows into `store`; returns the IVF lists committed with them. */
  async open(store: VectorStore, metric: Metric): Promise<IvfSnapshot | null> {
    const p = this.options!;
    this.persistence = await Persistence.open(p.name, store, metric);
    const slicer = new TimeSlicer();
    await this.persistence.load(async (loaded, total) => {
      p.onLoadProgress?.(loaded, total);
      await slicer.maybeYield();
    });
    return this.persistence.loadedExtra as IvfSnapshot | null;
  }

  /** Version of the last commit (0: nothing committed / not persistent). */
  get committedVersion(): number {
    return this.persistence?.head?.version ?? 0;
  }

  /** True when there are changes a commit would write. */
  uncommitted(store: VectorStore): boolean {
    return this.persistence ? this.persistence.dirty || store.dead > 0 : false;
  }

  /**
   * Writes what changed since the last commit as one transaction; `prepare` runs first (compaction)
   * and returns the IVF snapshot committed with the rows.
   */
  async commit(onProgress: ((written: number, total: number) => void) | undefined, prepare: () => unknown): Promise<{ version: number; count: number }> {
    if (!this.persistence) throw new IndexError('index_invalid_options', 'commit() needs createIndex({ persist: { name } })');
    const head = await this.persistence.commit(onProgress, prepare());
    return { version: head.version, count: head.count };
  }

  /** The IVF lists changed: the next commit writes them. */
  ivfChanged(): void {
    if (this.persistence) this.persistence.extraDirty = true;
  }

  /** After a change: with `autoCommit`, commits that many ms after the last one. */
  touched(): void {
    const ac = this.options?.autoCommit;
    if (!this.persistence || ac === undefined || ac === false) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.autoCommit();
    }, ac);
  }

  /** Stops the timer and closes the database (uncommitted changes are dropped). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.persistence?.close();
    this.persistence = null;
  }
}

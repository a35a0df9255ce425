import { IndexError } from './errors';

/**
 * Serializes an index's operations (mutations, searches and commits see a consistent store); once
 * closed, every call rejects with `index_disposed`.
 */
export class OpQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  get disposed(): boolean {
    return this.closed;
  }

  /** Runs `fn` after everything queued before it; its failure fails only its own promise. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.closed) return Promise.reject(new IndexError('index_disposed', 'the index was disposed'));
    const p = this.tail.then(() => {
      if (this.closed) throw new IndexError('index_disposed', 'the index was disposed');
      return fn();
    });
    this.tail = p.catch(() => undefined);
    return p;
  }

  /** Waits for what is queued, then refuses what comes after; false when it was closed already. */
  async close(): Promise<boolean> {
    if (this.closed) return false;
    await this.tail;
    this.closed = true;
    return true;
  }
}

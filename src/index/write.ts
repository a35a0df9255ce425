import { IndexError } from './errors';
import { prepareItems } from './validate';
import { TimeSlicer } from './yield';
import type { Ivf } from './ivf/ivf';
import type { VectorStore } from './store';
import type { IndexItem, Json, Metric } from './types';

/**
 * Writes a batch: checked whole first (a bad item leaves the store unchanged), then a new id appends
 * and a known one is rewritten in place. Large batches yield to the event loop. With `slots`, returns
 * the slot each item went to (for the IVF lists), else null.
 */
export async function writeItems<M extends Json>(
  s: VectorStore,
  list: readonly IndexItem<M>[],
  mode: 'add' | 'upsert',
  metric: Metric,
  slots: boolean,
): Promise<Int32Array | null> {
  const slicer = new TimeSlicer();
  const ready = await prepareItems(list, mode, s.dims, metric, (id) => s.slotOf.has(id), slicer);
  s.reserve(s.size + ready.length);
  const written = slots ? new Int32Array(ready.length) : null;
  for (let i = 0; i < ready.length; i++) {
    const it = ready[i]!;
    let slot = s.slotOf.get(it.id);
    if (slot === undefined) slot = s.append(it.id, it.vector, it.metadata);
    else s.overwrite(slot, it.vector, it.metadata);
    if (written) written[i] = slot;
    if ((i & 255) === 255) await slicer.maybeYield();
  }
  return written;
}

/** Removes ids (the IVF lists hear of each slot first); any unknown id throws `index_unknown_id` before anything is removed. */
export function removeIds(s: VectorStore, list: readonly string[], ivf: Ivf | null): number {
  for (const id of list) if (!s.slotOf.has(id)) throw new IndexError('index_unknown_id', `id "${String(id)}" is not in the index`);
  let n = 0;
  for (const id of new Set(list)) {
    const slot = s.slotOf.get(id);
    if (slot !== undefined) ivf?.removed(slot);
    if (s.remove(id)) n++;
  }
  return n;
}

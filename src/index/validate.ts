import { IndexError } from './errors';
import { prepareVector } from './vectors';
import type { TimeSlicer } from './yield';
import type { IndexItem, Json, Metric } from './types';

export interface PreparedItem {
  id: string;
  /** Truncated to dims, normalized under cosine: what the store writes. */
  vector: Float32Array;
  metadata: Json | undefined;
}

/**
 * Checks a whole batch before the first write (a bad item leaves the index unchanged) and returns it
 * prepared, so each vector is read, checked and normalized exactly once.
 */
export async function prepareItems<M extends Json>(
  items: readonly IndexItem<M>[],
  mode: 'add' | 'upsert',
  dims: number,
  metric: Metric,
  exists: (id: string) => boolean,
  slicer: TimeSlicer,
): Promise<PreparedItem[]> {
  const seen = new Set<string>();
  const out: PreparedItem[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (!it || typeof it !== 'object') throw new IndexError('index_invalid_vector', `item ${i} is not an object`);
    if (typeof it.id !== 'string' || it.id.length === 0) throw new IndexError('index_invalid_id', `item ${i} needs a non-empty string id`);
    if (seen.has(it.id)) throw new IndexError('index_duplicate_id', `id "${it.id}" appears twice in one call`);
    seen.add(it.id);
    if (mode === 'add' && exists(it.id)) throw new IndexError('index_duplicate_id', `id "${it.id}" is already in the index (use upsert)`);
    const vector = prepareVector(it.vector, dims, metric, `item "${it.id}": vector`);
    const metadata = it.metadata === undefined || it.metadata === null ? undefined : (JSON.parse(JSON.stringify(it.metadata)) as Json);
    out[i] = { id: it.id, vector, metadata };
    if ((i & 255) === 255) await slicer.maybeYield();
  }
  return out;
}

import { compileFilter } from './filter';
import type { VectorStore } from './store';
import type { Json, SearchOptions } from './types';

/** The slots a search may return (bit i = slot i), or null when every slot may. */
export function buildMask<M extends Json>(s: VectorStore, o: SearchOptions<M>): Uint32Array | null {
  if (!o.filter && !o.exclude) return null;
  const mask = new Uint32Array(Math.ceil(s.size / 32));
  const pred = o.filter ? compileFilter<M>(o.filter) : null;
  for (let i = 0; i < s.size; i++) {
    if (pred && !pred(s.meta[i] as M | undefined, s.ids[i]!)) continue;
    mask[i >>> 5]! |= 1 << (i & 31);
  }
  if (o.exclude) {
    for (const id of o.exclude) {
      const slot = s.slotOf.get(id);
      if (slot !== undefined) mask[slot >>> 5]! &= ~(1 << (slot & 31));
    }
  }
  return mask;
}

import { TopK } from '../topk';
import type { PreparedQuery } from '../simd';
import type { VectorStore } from '../store';

/** int8: candidates re-ranked by int8 + residual (~16-bit precision); binary: by the int8 copies. */
export function rescore(s: VectorStore, cands: TopK, q: PreparedQuery, k: number): TopK {
  const top = new TopK(k);
  const refine = s.format === 'int8';
  for (let i = 0; i < cands.length; i++) {
    const slot = cands.slots[i]!;
    top.push(refine ? s.refineSlot(slot, q.f) : s.scoreSlot(slot, q), slot);
  }
  return top;
}

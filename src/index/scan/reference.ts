import { TopK } from '../topk';
import { TimeSlicer } from '../yield';
import type { VectorStore } from '../store';
import { allowed, type ScanRequest, type Scanner } from './types';

const BLOCK = 16384;

/** The JS reference scan (float32 / int8 rows): the definition every faster scanner must match. */
export const referenceScanner: Scanner = {
  kind: 'js',
  async scan(s: VectorStore, { q, k, mask }: ScanRequest): Promise<TopK> {
    const top = new TopK(k);
    const slicer = new TimeSlicer();
    for (let b = 0; b < s.size; b += BLOCK) {
      const end = Math.min(s.size, b + BLOCK);
      for (let i = b; i < end; i++) {
        if (!allowed(mask, i)) continue;
        const score = s.scoreSlot(i, q);
        if (top.accepts(score, i)) top.push(score, i);
      }
      await slicer.maybeYield();
    }
    return top;
  },
};

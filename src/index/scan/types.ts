import type { PreparedQuery } from '../simd';
import type { VectorStore } from '../store';
import type { TopK } from '../topk';

/** One first-stage scan: the best `k` slots of the (compacted) store that `mask` allows. */
export interface ScanRequest {
  q: PreparedQuery;
  k: number;
  /** Bit i set: slot i may be returned; null: every slot. */
  mask: Uint32Array | null;
}

/**
 * A way to scan a store, the way onnxruntime-web puts its backends behind one interface: the
 * coordinator (vector-index.ts, through search.ts) picks one per search and never looks inside.
 * Every scanner returns the numbers of the JS reference (simd.ts), so the choice changes speed,
 * never results.
 */
export interface Scanner {
  readonly kind: 'js' | 'wasm' | 'gpu' | 'binary' | 'ivf';
  scan(store: VectorStore, req: ScanRequest): Promise<TopK>;
}

export const allowed = (mask: Uint32Array | null, slot: number): boolean => !mask || (mask[slot >>> 5]! & (1 << (slot & 31))) !== 0;

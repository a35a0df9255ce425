import { OmniEmbedError } from '../errors';

/**
 * Stable codes thrown by the vector index and recommendation helpers:
 * - `index/invalid-options`   bad createIndex / search options
 * - `index/dims-mismatch`     a vector shorter than the index's dims (longer ones are truncated)
 * - `index/invalid-vector`    not a Float32Array, or a NaN/Infinity component, or zero norm under cosine
 * - `index/invalid-id`        id not a non-empty string
 * - `index/duplicate-id`      add() of an id that exists (use upsert)
 * - `index/unknown-id`        an id that is not in the index
 * - `index/disposed`          the index was disposed
 * - `index/gpu-unavailable`   device: 'gpu' asked for, but no WebGPU adapter/device
 * - `index/gpu-lost`          the GPU device was lost
 * - `index/persist-failed`    IndexedDB failed (open, read, commit)
 * - `index/persist-mismatch`  the stored index has other dims/metric/storage than asked for
 * - `index/bad-file`          export file unreadable (magic, version, truncated)
 * - `index/import-mismatch`   an export file with other dims/metric/storage than the index
 * - `recommend/empty-history` an interest asked for with no history
 * - `recommend/not-trained`   semantic IDs used before training / with too few vectors
 */
export type IndexErrorCode =
  | 'index/invalid-options'
  | 'index/dims-mismatch'
  | 'index/invalid-vector'
  | 'index/invalid-id'
  | 'index/duplicate-id'
  | 'index/unknown-id'
  | 'index/disposed'
  | 'index/gpu-unavailable'
  | 'index/gpu-lost'
  | 'index/persist-failed'
  | 'index/persist-mismatch'
  | 'index/bad-file'
  | 'index/import-mismatch'
  | 'recommend/empty-history'
  | 'recommend/not-trained';

export class IndexError extends OmniEmbedError {
  constructor(code: IndexErrorCode, message: string, options?: { cause?: unknown }) {
    super(code as never, message, options);
    this.name = 'IndexError';
  }
}

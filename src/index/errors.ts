import { OmniEmbedError } from '../errors';

/**
 * Stable codes thrown by the vector index:
 * - `index_invalid_options`   bad createIndex / search options
 * - `index_dims_mismatch`     a vector shorter than the index's dims (longer ones are truncated)
 * - `index_invalid_vector`    not a Float32Array, or a NaN/Infinity component, or zero norm under cosine
 * - `index_invalid_id`        id not a non-empty string
 * - `index_duplicate_id`      add() of an id that exists (use upsert)
 * - `index_unknown_id`        an id that is not in the index
 * - `index_disposed`          the index was disposed
 * - `index_gpu_unavailable`   device: 'gpu' asked for, but no WebGPU adapter/device
 * - `index_gpu_lost`          the GPU device was lost
 * - `index_persist_failed`    IndexedDB failed (open, read, commit)
 * - `index_persist_mismatch`  the stored index has other dims/metric/storage than asked for
 * - `quota_exceeded`          IndexedDB refused the commit for lack of storage quota
 * - `index_too_large`         this device cannot allocate the memory the index needs
 * - `index_bad_file`          export file unreadable (magic, version, truncated)
 * - `index_import_mismatch`   an export file with other dims/metric/storage than the index
 * - `index_ivf_too_few_vectors` trainIvf on fewer items than an IVF (or that many lists) needs
 * - `index_ivf_failed`        the IVF workers could not start or failed
 */
export type IndexErrorCode =
  | 'index_invalid_options'
  | 'index_dims_mismatch'
  | 'index_invalid_vector'
  | 'index_invalid_id'
  | 'index_duplicate_id'
  | 'index_unknown_id'
  | 'index_disposed'
  | 'index_gpu_unavailable'
  | 'index_gpu_lost'
  | 'index_persist_failed'
  | 'index_persist_mismatch'
  | 'quota_exceeded'
  | 'index_too_large'
  | 'index_bad_file'
  | 'index_import_mismatch'
  | 'index_ivf_too_few_vectors'
  | 'index_ivf_failed';

export class IndexError extends OmniEmbedError {
  constructor(code: IndexErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'IndexError';
  }
}

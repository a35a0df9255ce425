import { OmniEmbedError } from '../errors';

/**
 * Stable codes thrown by the recommendation helpers (interest vectors, k-means, semantic IDs):
 * - `recommend_empty_history`   an interest asked for with no history
 * - `recommend_not_trained`     semantic IDs used before training / with too few vectors
 * - `recommend_unknown_id`      a history id that is not in the index
 * - `recommend_invalid_vector`  a history vector that is missing, non-finite or not a Float32Array
 * - `recommend_dims_mismatch`   a history vector shorter than the index's dims
 * - `recommend_invalid_options` a code or option that does not fit
 */
export type RecommendErrorCode =
  | 'recommend_empty_history'
  | 'recommend_not_trained'
  | 'recommend_unknown_id'
  | 'recommend_invalid_vector'
  | 'recommend_dims_mismatch'
  | 'recommend_invalid_options';

export class RecommendError extends OmniEmbedError {
  declare readonly code: RecommendErrorCode;
  constructor(code: RecommendErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecommendError';
  }
}

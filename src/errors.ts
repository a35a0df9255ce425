/**
 * Every error the SDK throws on purpose is an OmniEmbedError with a stable `code`, so apps can
 * branch on `err.code` without parsing messages. Areas subclass it next to the code that throws;
 * the page↔worker contract (src/contract/errors.ts) re-creates the same class on the page.
 *
 * Each class sets `name` itself: class names do not survive minification, and `err.name` is what
 * apps log. tests/unit/errors.test.ts checks that on a minified build.
 */

// Type-only imports: the areas' code lists are erased at build time, so no module cycle exists.
import type { IndexErrorCode } from './index/errors';
import type { RecommendErrorCode } from './recommend/errors';

/** Every code the SDK throws, in one place; docs/api.md has the table with what each means. */
export type ErrorCode =
  // input and options (page or worker: the same mistake gets the same code wherever it is caught)
  | 'invalid_input'
  | 'invalid_option'
  | 'unsupported_modality'
  // lifecycle and workers
  | 'disposed'
  | 'worker_start_failed'
  | 'worker_crashed'
  | 'worker_unavailable'
  | 'unknown_model'
  | 'bad_model'
  | 'session_failed'
  | 'feed_type_mismatch'
  | 'embed_failed'
  // model loading (src/models)
  | 'model_not_found'
  | 'model_http_error'
  | 'network_error'
  | 'integrity_error'
  | 'quota_exceeded'
  | 'cache_error'
  | 'invalid_model_source'
  | 'model_too_large'
  // server side (src/node, src/cli)
  | 'node_dependency_missing'
  | 'catalog_db_failed'
  | 'cli_usage'
  // vector index (src/index) and recommendation (src/recommend): their lists live with them
  | IndexErrorCode
  | RecommendErrorCode;

export class OmniEmbedError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OmniEmbedError';
    this.code = code;
  }
}

/** The input is not something the model can embed (wrong type, empty, unsupported or corrupt media). */
export class InvalidInputError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super('invalid_input', message, cause === undefined ? undefined : { cause });
    this.name = 'InvalidInputError';
  }
}

/** An option is not one the SDK accepts; the message names the option and what is allowed. */
export class InvalidOptionError extends OmniEmbedError {
  constructor(message: string) {
    super('invalid_option', message);
    this.name = 'InvalidOptionError';
  }
}

/** The embedder (or its worker) was disposed; create a new one. */
export class DisposedError extends OmniEmbedError {
  constructor() {
    super('disposed', 'this embedder has been disposed; create a new one');
    this.name = 'DisposedError';
  }
}

/** The standard AbortError an aborted call rejects with, so `err.name === 'AbortError'` works. */
export function abortError(signal: AbortSignal): DOMException {
  const reason = signal.reason;
  if (reason instanceof DOMException && reason.name === 'AbortError') return reason;
  return new DOMException(reason ? String(reason) : 'the operation was aborted', 'AbortError');
}

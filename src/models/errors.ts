import { OmniEmbedError, type ErrorCode } from '../errors';

/**
 * Typed failures of model loading. Every one names the file's URL (`url`) and keeps the
 * underlying failure in `cause`, so an app can show "which file, and why" without parsing text.
 * `transient` says whether trying again later can help (the loader retries those itself).
 */
export abstract class ModelLoadError extends OmniEmbedError {
  readonly url: string;
  readonly transient: boolean;

  constructor(code: ErrorCode, url: string, message: string, transient: boolean, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.url = url;
    this.transient = transient;
  }
}

/** The server answered 404/410: the file does not exist at that URL (wrong repo, dtype or revision). Never retried. */
export class ModelNotFoundError extends ModelLoadError {
  readonly status: number;
  constructor(url: string, status = 404) {
    super('model_not_found', url, `Model file not found (HTTP ${status}): ${url}`, false);
    // Set explicitly: class names do not survive minification.
    this.name = 'ModelNotFoundError';
    this.status = status;
  }
}

/** Any other non-2xx answer. 5xx, 408 and 429 are transient and retried with backoff; other 4xx are not. */
export class ModelHttpError extends ModelLoadError {
  readonly status: number;
  constructor(url: string, status: number, statusText = '') {
    const transient = status >= 500 || status === 408 || status === 429;
    super('model_http_error', url, `HTTP ${status}${statusText ? ` ${statusText}` : ''} while fetching model file: ${url}`, transient);
    this.name = 'ModelHttpError';
    this.status = status;
  }
}

/**
 * The connection failed: offline, refused, or cut mid-download (`reason: 'cut'`), or the body
 * ended before Content-Length (`reason: 'truncated'`), or nothing arrived for the stall timeout
 * (`reason: 'stalled'`). Transient: retried with backoff.
 */
export class NetworkError extends ModelLoadError {
  readonly reason: 'offline' | 'cut' | 'truncated' | 'stalled';
  readonly loaded: number;
  constructor(url: string, reason: 'offline' | 'cut' | 'truncated' | 'stalled', detail: string, loaded = 0, cause?: unknown) {
    super('network_error', url, `Network failure (${reason}) fetching model file ${url}: ${detail}`, true, cause);
    this.name = 'NetworkError';
    this.reason = reason;
    this.loaded = loaded;
  }
}

/** Downloaded or cached bytes do not match the size or sha256 the manifest/preset declares. */
export class IntegrityError extends ModelLoadError {
  readonly expected: string;
  readonly actual: string;
  readonly check: 'size' | 'sha256';
  constructor(url: string, check: 'size' | 'sha256', expected: string, actual: string, source: 'download' | 'cache' = 'download') {
    super('integrity_error', url, `Integrity check failed for ${url} (${source}): ${check} expected ${expected}, got ${actual}`, false);
    this.name = 'IntegrityError';
    this.check = check;
    this.expected = expected;
    this.actual = actual;
  }
}

/** The cache refused to store the file because the origin's storage quota is full. */
export class QuotaExceededError extends ModelLoadError {
  readonly bytes: number;
  constructor(url: string, bytes: number, cause?: unknown) {
    super('quota_exceeded', url, `Storage quota exceeded while caching ${url} (${bytes} bytes): free space with deleteCachedModel()/clearModelCache() or pass cache: false`, false, cause);
    this.name = 'QuotaExceededError';
    this.bytes = bytes;
  }
}

/** The cache failed for another reason (unavailable storage, a broken custom cache). */
export class CacheError extends ModelLoadError {
  constructor(url: string, op: 'read' | 'write' | 'delete', cause?: unknown, hint?: string) {
    super('cache_error', url, `Model cache ${op} failed for ${url}: ${describe(cause)}${hint ? ` (${hint})` : ''}`, false, cause);
    this.name = 'CacheError';
  }
}

/** A model id, path or preset that cannot be resolved (unknown dtype, malformed repo id, bad manifest). */
export class ModelSourceError extends OmniEmbedError {
  constructor(message: string, cause?: unknown) {
    super('invalid_model_source', message, cause === undefined ? undefined : { cause });
    this.name = 'ModelSourceError';
  }
}

export function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** True for the DOMException (or look-alike) storage throws when the quota is full. */
export function isQuotaError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'QuotaExceededError' || e.code === 22 || e.name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

import { cacheWriteError, defaultModelCache, MemoryModelCache, type ModelCache } from './cache';
import { CacheError, describe, IntegrityError, ModelHttpError, type ModelLoadError, ModelNotFoundError, NetworkError } from './errors';
import type { ModelFileRef } from './resolve';
import { abortError } from '../errors';

/** Progress of one file. `total` is the declared size (manifest/preset) or Content-Length, when known. */
export interface FileProgress {
  /** Path relative to the model folder (the URL when the ref has no path). */
  file: string;
  url: string;
  loaded: number;
  total?: number;
  fromCache: boolean;
  /** 0 for the first try; a retry restarts `loaded` from 0. */
  attempt: number;
}

export interface FetchModelFileOptions {
  /** Where verified files are kept and looked up; `false` disables caching. Default: the Cache API. */
  cache?: ModelCache | false;
  /**
   * When true, a failure to store the file (QuotaExceededError, CacheError) fails the load.
   * Default false: the load succeeds with the downloaded bytes and the typed error goes to `onWarning`.
   */
  requireCache?: boolean;
  onProgress?: (p: FileProgress) => void;
  /** Non-fatal problems (quota full, a corrupt cached entry that was evicted and re-downloaded). Default: console.warn. */
  onWarning?: (err: ModelLoadError) => void;
  signal?: AbortSignal;
  /** Retries of transient failures (network errors, 5xx/408/429). Default 3; 404 and other 4xx never retry. */
  retries?: number;
  /** First backoff delay; doubled on every retry (±20% jitter), capped at 10 s. Default 300 ms. */
  retryDelayMs?: number;
  /**
   * Check the sha256 of cached entries before use (default true, when the ref declares one). The
   * size is always checked. `false` skips hashing on cache hits (saves ~1 s per GB) and trusts that
   * entries were verified when stored.
   */
  verifyCached?: boolean;
  /** Model id stored with the cache entry (how listCachedModels groups files). */
  model?: string;
  /** fetch implementation (tests, custom auth). Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /**
   * HTTP cache mode of the download. Default: 'no-store' when a ModelCache keeps the file (so the
   * browser does not store a second copy of every model on disk), the browser's default otherwise.
   */
  httpCache?: RequestCache;
  /** A response or body that sends nothing for this long is aborted and retried (NetworkError 'stalled'). Default 30 000 ms; 0 disables. */
  stallTimeoutMs?: number;
  /**
   * Hold a Web Lock per file URL (navigator.locks, shared by the origin's pages and workers) while
   * checking the cache and downloading, so N workers loading one model download each file once:
   * the others wait and then read it from the cache. Default true where Web Locks exist and a cache is used.
   */
  lock?: boolean;
}

/** Lowercase hex SHA-256 of bytes (Web Crypto; page and worker alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Returns the IntegrityError for bytes that do not match the ref's declared size/sha256, else undefined. */
export async function checkIntegrity(ref: ModelFileRef, bytes: Uint8Array, source: 'download' | 'cache', hash = true): Promise<IntegrityError | undefined> {
  if (ref.size !== undefined && bytes.byteLength !== ref.size) return new IntegrityError(ref.url, 'size', String(ref.size), String(bytes.byteLength), source);
  if (hash && ref.sha256 && typeof crypto !== 'undefined' && crypto.subtle) {
    const actual = await sha256Hex(bytes);
    if (actual !== ref.sha256.toLowerCase()) return new IntegrityError(ref.url, 'sha256', ref.sha256.toLowerCase(), actual, source);
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(abortError(signal!)); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Backoff before retry number `attempt` (0-based). */
export function backoffMs(attempt: number, base: number): number {
  return Math.min(10_000, base * 2 ** attempt) * (0.8 + 0.4 * Math.random());
}

/**
 * downloadOnce under a stall watchdog: no response or no bytes for `stallTimeoutMs` aborts the
 * attempt as a transient NetworkError (reason 'stalled'), so a hung connection is retried instead
 * of hanging the load forever.
 */
async function download(ref: ModelFileRef, opts: FetchModelFileOptions, attempt: number): Promise<Uint8Array> {
  const stallMs = opts.stallTimeoutMs ?? 30_000;
  if (!(stallMs > 0 && Number.isFinite(stallMs))) return downloadOnce(ref, opts, attempt);
  const outer = opts.signal;
  if (outer?.aborted) throw abortError(outer);
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(abortError(outer!));
  outer?.addEventListener('abort', onOuter, { once: true });
  let last = 0;
  let stalledAt = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { stalledAt = last; ctl.abort(new Error('stalled')); }, stallMs);
  };
  arm();
  try {
    const onProgress = (p: FileProgress) => { last = p.loaded; arm(); opts.onProgress?.(p); };
    return await downloadOnce(ref, { ...opts, signal: ctl.signal, onProgress }, attempt);
  } catch (err) {
    if (stalledAt >= 0 && !outer?.aborted) {
      throw new NetworkError(ref.url, 'stalled', `no data for ${stallMs} ms after ${stalledAt} bytes`, stalledAt, err);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}

/** URLs of packaged files (extensions, file:), where no server can answer 404. */
const LOCAL_SCHEME = /^(chrome-extension|moz-extension|safari-web-extension|file):/;

/**
 * One HTTP download, streamed into a single preallocated buffer when the size is known
 * (declared size, else Content-Length). Maps every failure to a typed error naming the URL.
 */
async function downloadOnce(ref: ModelFileRef, opts: FetchModelFileOptions, attempt: number): Promise<Uint8Array> {
  const fetchFn = opts.fetch ?? globalThis.fetch;
  const { signal } = opts;
  const file = ref.path || ref.url;
  let res: Response;
  try {
    const init: RequestInit = {};
    if (signal) init.signal = signal;
    const mode = opts.httpCache ?? (opts.cache !== false && 'caches' in globalThis ? 'no-store' : undefined);
    if (mode) init.cache = mode;
    res = await fetchFn(ref.url, init);
  } catch (err) {
    if (signal?.aborted) throw abortError(signal);
    // Packaged files (extensions, file:) have no server to answer 404: a missing one makes fetch
    // reject. That is a missing file, not a network to retry.
    if (LOCAL_SCHEME.test(ref.url)) throw new ModelNotFoundError(ref.url);
    throw new NetworkError(ref.url, 'offline', describe(err), 0, err);
  }
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel().catch(() => {});
    throw new ModelNotFoundError(ref.url, res.status);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new ModelHttpError(ref.url, res.status, res.statusText);
  }

  const encoding = (res.headers.get('content-encoding') ?? 'identity').toLowerCase();
  const lengthHeader = res.headers.get('content-length');
  // With a compressed transfer, Content-Length counts compressed bytes: useless for the decoded stream.
  const contentLength = encoding === 'identity' && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const total = ref.size ?? contentLength;
  const report = (loaded: number) => opts.onProgress?.({ file, url: ref.url, loaded, ...(total !== undefined ? { total } : {}), fromCache: false, attempt });

  if (!res.body) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    report(bytes.byteLength);
    return bytes;
  }

  const reader = res.body.getReader();
  let buf: Uint8Array | undefined = total !== undefined ? new Uint8Array(total) : undefined;
  let chunks: Uint8Array[] = [];
  let loaded = 0;
  report(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (buf && loaded + value.byteLength > buf.byteLength) {
        if (ref.size !== undefined) {
          await reader.cancel().catch(() => {});
          throw new IntegrityError(ref.url, 'size', String(ref.size), `more than ${ref.size}`);
        }
        // Content-Length was wrong: fall back to collecting chunks.
        chunks = [buf.subarray(0, loaded)];
        buf = undefined;
      }
      if (buf) buf.set(value, loaded);
      else chunks.push(value);
      loaded += value.byteLength;
      report(loaded);
    }
  } catch (err) {
    if (err instanceof IntegrityError) throw err;
    if (signal?.aborted) throw abortError(signal);
    throw new NetworkError(ref.url, 'cut', `connection lost after ${loaded}${total !== undefined ? ` of ${total}` : ''} bytes (${describe(err)})`, loaded, err);
  } finally {
    reader.releaseLock();
  }
  if (contentLength !== undefined && loaded < contentLength) {
    throw new NetworkError(ref.url, 'truncated', `body ended after ${loaded} of ${contentLength} bytes`, loaded);
  }
  if (buf) {
    // Shorter than the declared size with a complete response: checkIntegrity reports the size mismatch.
    return loaded === buf.byteLength ? buf : buf.slice(0, loaded);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.byteLength; }
  return out;
}

/**
 * Fetches one model file: from the cache when a verified copy is there (zero requests), else
 * downloads it (streamed, with progress), verifies size/sha256 when the ref declares them, and
 * only then stores it. Retries transient failures with exponential backoff; never retries 404/4xx.
 * A download whose bytes fail the integrity check is retried once (a flaky proxy or a cut that
 * looked like a clean end); a second mismatch means the manifest and the server disagree, and
 * the IntegrityError is thrown. A cached entry that fails the check is evicted and downloaded again.
 */
export async function fetchModelFile(ref: ModelFileRef, opts: FetchModelFileOptions = {}): Promise<Uint8Array> {
  const cache = opts.cache === false ? undefined : (opts.cache ?? defaultModelCache());
  const warn = opts.onWarning ?? ((e: ModelLoadError) => console.warn(`[omni-embed] ${e.message}`));
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal);
  return withFileLock(ref.url, cache, opts, () => fetchUnlocked(ref, opts, cache, warn));
}

/**
 * Runs `fn` holding the origin-wide Web Lock of one file URL, when a shared cache is in use and
 * Web Locks exist (else runs it directly). A per-realm memory cache gains nothing from a lock.
 */
export function withFileLock<T>(url: string, cache: ModelCache | undefined, opts: { lock?: boolean; signal?: AbortSignal }, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (cache && !(cache instanceof MemoryModelCache) && opts.lock !== false && typeof locks?.request === 'function') {
    return locks.request(`omni-embed:model-file:${url}`, opts.signal ? { signal: opts.signal } : {}, fn) as Promise<T>;
  }
  return fn();
}

async function fetchUnlocked(ref: ModelFileRef, opts: FetchModelFileOptions, cache: ModelCache | undefined, warn: (e: ModelLoadError) => void): Promise<Uint8Array> {
  const file = ref.path || ref.url;
  const { signal } = opts;
  if (cache) {
    let hit: Uint8Array | undefined;
    try {
      hit = await cache.match(ref.url);
    } catch (err) {
      warn(new CacheError(ref.url, 'read', err));
    }
    if (hit) {
      const bad = await checkIntegrity(ref, hit, 'cache', opts.verifyCached !== false);
      if (!bad) {
        opts.onProgress?.({ file, url: ref.url, loaded: hit.byteLength, total: hit.byteLength, fromCache: true, attempt: 0 });
        return hit;
      }
      warn(bad);
      await cache.delete(ref.url).catch(() => false);
    }
  }

  const retries = Math.max(0, opts.retries ?? 3);
  const baseDelay = opts.retryDelayMs ?? 300;
  let integrityRetried = false;
  let bytes: Uint8Array;
  for (let attempt = 0; ; attempt++) {
    try {
      bytes = await download(ref, opts, attempt);
      const bad = await checkIntegrity(ref, bytes, 'download');
      if (bad) throw bad;
      break;
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (err instanceof IntegrityError && !integrityRetried) {
        integrityRetried = true;
        continue;
      }
      const transient = (err as ModelLoadError | undefined)?.transient === true;
      if (transient && attempt < retries) {
        await sleep(backoffMs(attempt, baseDelay), signal);
        continue;
      }
      throw err;
    }
  }

  if (cache) {
    try {
      await cache.put(ref.url, bytes, { size: bytes.byteLength, path: ref.path, ...(ref.sha256 ? { sha256: ref.sha256 } : {}), ...(opts.model ? { model: opts.model } : {}) });
    } catch (err) {
      const typed = cacheWriteError(ref.url, bytes.byteLength, err);
      // A put is atomic in the Cache API, but a custom cache may not be: never leave a partial entry.
      await cache.delete(ref.url).catch(() => false);
      if (opts.requireCache) throw typed;
      warn(typed);
    }
  }
  return bytes;
}

import { CacheError, isQuotaError, QuotaExceededError } from './errors';

/** What the loader stores beside each cached file. */
export interface CachedFileMeta {
  /** Model id (hub repo id or folder URL) the file belongs to: how listCachedModels groups files. */
  model?: string;
  /** Path relative to the model folder. */
  path?: string;
  size: number;
  sha256?: string;
  storedAt?: number;
}

export interface CachedFileInfo {
  url: string;
  meta: CachedFileMeta;
}

/**
 * Storage for downloaded model files, keyed by the file's URL. The default uses the Cache API,
 * which pages and workers of one origin share; an app can plug IndexedDB, OPFS or its own.
 * `put` must be atomic (a failed put leaves no entry) and may throw a DOMException named
 * 'QuotaExceededError' when storage is full.
 */
export interface ModelCache {
  match(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array, meta: CachedFileMeta): Promise<void>;
  delete(url: string): Promise<boolean>;
  /** Every stored entry with its metadata (sizes included), without reading bodies. */
  entries(): Promise<CachedFileInfo[]>;
  /** Removes everything; defaults to deleting each entry. */
  clear?(): Promise<void>;
}

export const DEFAULT_CACHE_NAME = 'omni-embed-models-v1';
const META_HEADER = 'x-omni-embed-meta';
// The Cache API only keys http(s) requests; other schemes (chrome-extension:, file:, blob:) are wrapped.
const WRAP_PREFIX = 'https://omni-embed.invalid/wrapped/';

function cacheKey(url: string): string {
  return /^https?:/i.test(url) ? url : WRAP_PREFIX + encodeURIComponent(url);
}

function unwrapKey(key: string): string {
  return key.startsWith(WRAP_PREFIX) ? decodeURIComponent(key.slice(WRAP_PREFIX.length)) : key;
}

/** Cache API storage (page, dedicated/shared/service workers alike). Only http(s) contexts have `caches`. */
export class CacheApiModelCache implements ModelCache {
  readonly name: string;

  constructor(name = DEFAULT_CACHE_NAME) {
    this.name = name;
  }

  static available(): boolean {
    return typeof (globalThis as { caches?: unknown }).caches === 'object' && (globalThis as { caches?: unknown }).caches !== null;
  }

  // Opened per operation, not kept: after clearModelCache() deletes the cache from another page or
  // worker, a kept handle would point at the deleted cache and later puts would silently vanish.
  #cache(): Promise<Cache> {
    return caches.open(this.name);
  }

  async match(url: string): Promise<Uint8Array | undefined> {
    const res = await (await this.#cache()).match(cacheKey(url));
    if (!res) return undefined;
    return new Uint8Array(await res.arrayBuffer());
  }

  async put(url: string, bytes: Uint8Array, meta: CachedFileMeta): Promise<void> {
    const full: CachedFileMeta = { ...meta, size: bytes.byteLength, storedAt: meta.storedAt ?? Date.now() };
    const body = new Blob([bytes as Uint8Array<ArrayBuffer>]);
    const res = new Response(body, {
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        [META_HEADER]: encodeURIComponent(JSON.stringify(full)),
      },
    });
    await (await this.#cache()).put(cacheKey(url), res);
  }

  async delete(url: string): Promise<boolean> {
    return (await this.#cache()).delete(cacheKey(url));
  }

  async entries(): Promise<CachedFileInfo[]> {
    const cache = await this.#cache();
    const out: CachedFileInfo[] = [];
    for (const req of await cache.keys()) {
      const res = await cache.match(req);
      if (!res) continue;
      let meta: CachedFileMeta;
      try {
        meta = JSON.parse(decodeURIComponent(res.headers.get(META_HEADER) ?? '')) as CachedFileMeta;
      } catch {
        meta = { size: Number(res.headers.get('content-length') ?? 0) };
      }
      await res.body?.cancel();
      out.push({ url: unwrapKey(req.url), meta });
    }
    return out;
  }

  async clear(): Promise<void> {
    await caches.delete(this.name);
  }
}

/** In-memory storage: for tests, non-secure contexts without `caches`, or apps that want no persistence. */
export class MemoryModelCache implements ModelCache {
  readonly #map = new Map<string, { bytes: Uint8Array; meta: CachedFileMeta }>();
  /** Optional byte budget: a put that would exceed it throws a QuotaExceededError DOMException, like real storage. */
  readonly maxBytes: number;

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? Infinity;
  }

  async match(url: string): Promise<Uint8Array | undefined> {
    return this.#map.get(url)?.bytes;
  }

  async put(url: string, bytes: Uint8Array, meta: CachedFileMeta): Promise<void> {
    let used = 0;
    for (const [k, v] of this.#map) if (k !== url) used += v.bytes.byteLength;
    if (used + bytes.byteLength > this.maxBytes) throw quotaDomException();
    this.#map.set(url, { bytes, meta: { ...meta, size: bytes.byteLength, storedAt: meta.storedAt ?? Date.now() } });
  }

  async delete(url: string): Promise<boolean> {
    return this.#map.delete(url);
  }

  async entries(): Promise<CachedFileInfo[]> {
    return [...this.#map].map(([url, v]) => ({ url, meta: v.meta }));
  }

  async clear(): Promise<void> {
    this.#map.clear();
  }
}

function quotaDomException(): Error {
  if (typeof DOMException === 'function') return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  const e = new Error('The quota has been exceeded.');
  e.name = 'QuotaExceededError';
  return e;
}

let fallbackMemory: MemoryModelCache | undefined;
let defaultApi: CacheApiModelCache | undefined;

/**
 * The cache used when none is given: the Cache API where it exists (secure contexts: https,
 * localhost, extensions), else one process-wide in-memory cache.
 */
export function defaultModelCache(): ModelCache {
  if (CacheApiModelCache.available()) return (defaultApi ??= new CacheApiModelCache());
  return (fallbackMemory ??= new MemoryModelCache());
}

/**
 * Chromium's off-the-record profiles (incognito windows, Playwright's browser.newContext()) keep
 * Cache API bodies in memory and refuse entries past about 256 MB with a bare UnknownError
 * (bench/scale/cache-entry-limit.mjs: 254 MB stores, 270 MB fails; a persistent profile stores 500 MB). The quota says
 * nothing of it, so the warning names the likely cause.
 */
export const PRIVATE_PROFILE_ENTRY_LIMIT = 256 * 2 ** 20;

/** Maps a storage failure on `put` to the typed error (QuotaExceededError or CacheError). */
export function cacheWriteError(url: string, bytes: number, err: unknown): QuotaExceededError | CacheError {
  if (isQuotaError(err)) return new QuotaExceededError(url, bytes, err);
  const bareUnknownError = (err as { name?: string } | undefined)?.name === 'UnknownError';
  const hint = bareUnknownError && bytes > PRIVATE_PROFILE_ENTRY_LIMIT
    ? `a private (incognito) window refuses cache entries over about ${PRIVATE_PROFILE_ENTRY_LIMIT / 2 ** 20} MiB, and this file is ${(bytes / 2 ** 20).toFixed(0)} MiB; it will be downloaded again on the next start`
    : undefined;
  return new CacheError(url, 'write', err, hint);
}

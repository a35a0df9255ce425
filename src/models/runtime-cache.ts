import { ModelHttpError, ModelNotFoundError, NetworkError } from './errors';

/**
 * ORT's runtime `.wasm` (14 MB wasm build, 27 MB webgpu build), kept in the Cache API like the model files, so a warm (or offline)
 * start reads it from the cache, not the network.
 *
 * The page compiles it once (`runtimeModule`, streaming from the cache entry, so V8 can keep a code
 * cache for it) and each worker gets the compiled module (src/engine/compiled-runtime.ts); a worker
 * that is not handed one reads the bytes (`runtimeBinary`) and compiles them itself.
 */

/** Cache API name; versioned keys inside, so an ORT upgrade never meets a stale runtime. */
export const RUNTIME_CACHE_NAME = 'omni-embed-runtime-v1';

/** The part of the Cache API this uses (injectable for tests and for apps without `caches`). */
export interface RuntimeCacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, res: Response): Promise<void>;
  delete?(key: string): Promise<boolean>;
}

export interface RuntimeBinaryOptions {
  /** ORT version (or any build id) the bytes belong to: part of the cache key. */
  version: string;
  cache?: RuntimeCacheLike | null;
  fetch?: (url: string) => Promise<Response>;
}

const pending = new Map<string, Promise<ArrayBuffer>>();

/** The cache key: the file's URL with the version, so two ORT versions never share an entry. */
export function runtimeCacheKey(url: string, version: string): string {
  const u = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  u.searchParams.set('omni-embed-runtime', version);
  return u.href;
}

const isWasm = (b: ArrayBuffer): boolean => {
  const h = new Uint8Array(b, 0, Math.min(4, b.byteLength));
  return h.length === 4 && h[0] === 0 && h[1] === 0x61 && h[2] === 0x73 && h[3] === 0x6d;
};

/** A Cache API cache by name; null without the Cache API or where storage is blocked. */
export async function openNamedCache(name: string): Promise<RuntimeCacheLike | null> {
  const c = (globalThis as { caches?: CacheStorage }).caches;
  if (!c) return null;
  try {
    const opened = await c.open(name);
    return { match: (k) => opened.match(k), put: (k, r) => opened.put(k, r), delete: (k) => opened.delete(k) };
  } catch {
    return null;
  }
}

/** The runtime's cache entry, looked up once: its key, the cache (null: none here) and what it holds. */
interface Lookup {
  key: string;
  cache: RuntimeCacheLike | null;
  hit: Response | undefined;
}

async function lookup(url: string, o: RuntimeBinaryOptions): Promise<Lookup> {
  const key = runtimeCacheKey(url, o.version);
  const cache = o.cache === undefined ? await openNamedCache(RUNTIME_CACHE_NAME) : o.cache;
  const hit = await cache?.match(key).catch(() => undefined);
  return { key, cache, hit };
}

/** The bytes: the cache entry (`found`, else looked up now) when it is a runtime, else fetched and stored. */
async function load(url: string, o: RuntimeBinaryOptions, found?: Lookup): Promise<ArrayBuffer> {
  const { key, cache, hit } = found ?? (await lookup(url, o));
  if (hit) {
    const bytes = await hit.arrayBuffer();
    if (isWasm(bytes)) return bytes;
  }
  let res: Response;
  try {
    res = await (o.fetch ?? ((u: string) => fetch(u, { credentials: 'same-origin' })))(url);
  } catch (e) {
    throw new NetworkError(url, 'offline', String((e as Error)?.message ?? e), 0, e);
  }
  if (res.status === 404 || res.status === 410) throw new ModelNotFoundError(url, res.status);
  if (!res.ok) throw new ModelHttpError(url, res.status, res.statusText);
  const bytes = await res.arrayBuffer();
  // An HTML error page served with 200 is not a runtime: never cache it.
  if (!isWasm(bytes)) throw new ModelHttpError(url, res.status, 'not a WebAssembly file');
  // A full quota costs only the next start's network fetch.
  await cache?.put(key, new Response(bytes.slice(0), { headers: { 'Content-Type': 'application/wasm' } })).catch(() => undefined);
  return bytes;
}

/**
 * The runtime's bytes: from the Cache API, else fetched (once per page and version) and stored there.
 * Each call gets its own copy, so a caller may transfer it to a worker.
 */
export function runtimeBinary(url: string, options: RuntimeBinaryOptions): Promise<ArrayBuffer> {
  return shared(url, options).then((b) => b.slice(0));
}

/** One promise per key and page; a failure is not remembered, so the next start tries again. */
function once<T>(memo: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = memo.get(key);
  if (!p) {
    p = make();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

function shared(url: string, options: RuntimeBinaryOptions, found?: Lookup): Promise<ArrayBuffer> {
  return once(pending, runtimeCacheKey(url, options.version), () => load(url, options, found));
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

async function compile(url: string, o: RuntimeBinaryOptions): Promise<WebAssembly.Module> {
  // What the bytes path starts from: this lookup (a cold start matches the cache once), unless it failed.
  let found: Lookup | undefined = await lookup(url, o);
  const { key, cache, hit } = found;
  if (hit && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(hit);
    } catch {
      // A damaged entry: dropped, so the bytes path below looks again and fetches the file instead of reading it.
      await cache?.delete?.(key).catch(() => false);
      found = undefined;
    }
  }
  return WebAssembly.compile(await shared(url, { ...o, cache }, found));
}

/** The runtime compiled once per page and version. */
export function runtimeModule(url: string, options: RuntimeBinaryOptions): Promise<WebAssembly.Module> {
  return once(modules, runtimeCacheKey(url, options.version), () => compile(url, options));
}

/** For tests: forget the per-page memo (the Cache API entries stay). */
export function resetRuntimeMemoForTesting(): void {
  pending.clear();
  modules.clear();
}

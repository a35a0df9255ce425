import { ModelHttpError, ModelNotFoundError, NetworkError } from './errors';

/**
 * ORT's runtime `.wasm` (27 MB), kept in the Cache API like the model files, so a warm (or offline)
 * start reads it from the cache, not the network.
 *
 * Compiling once per page is NOT possible through onnxruntime-web 1.30's public env: its factory is
 * given only `{ numThreads, wasmBinary, locateFile }`, never Emscripten's `instantiateWasm`, and a
 * `WebAssembly.Module` passed as `wasmBinary` would break its `instantiate(...).instance`. Each
 * worker therefore still compiles the bytes; `runtimeModule()` is ready for an ORT that accepts a
 * compiled module.
 *
 * Wired in each worker (src/engine/session.ts, configureRuntime): the worker reads the bytes from
 * the Cache API (one fetch per version, shared by every worker of the origin through the cache) and
 * hands them to ORT as `env.wasm.wasmBinary`. Fetching once per page and transferring the bytes to
 * each worker, and overlapping that with the model fetch, is not done.
 */

/** Cache API name; versioned keys inside, so an ORT upgrade never meets a stale runtime. */
export const RUNTIME_CACHE_NAME = 'omni-embed-runtime-v1';

/** The part of the Cache API this uses (injectable for tests and for apps without `caches`). */
export interface RuntimeCacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, res: Response): Promise<void>;
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

async function defaultCache(): Promise<RuntimeCacheLike | null> {
  const c = (globalThis as { caches?: CacheStorage }).caches;
  if (!c) return null;
  try {
    const opened = await c.open(RUNTIME_CACHE_NAME);
    return { match: (k) => opened.match(k), put: (k, r) => opened.put(k, r) };
  } catch {
    return null;
  }
}

async function load(url: string, o: RuntimeBinaryOptions): Promise<ArrayBuffer> {
  const key = runtimeCacheKey(url, o.version);
  const cache = o.cache === undefined ? await defaultCache() : o.cache;
  const hit = await cache?.match(key).catch(() => undefined);
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

function shared(url: string, options: RuntimeBinaryOptions): Promise<ArrayBuffer> {
  const key = runtimeCacheKey(url, options.version);
  let p = pending.get(key);
  if (!p) {
    p = load(url, options);
    pending.set(key, p);
    // A failure is not remembered: the next start tries again.
    p.catch(() => pending.delete(key));
  }
  return p;
}

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** The runtime compiled once per page (for an ORT build that accepts a compiled module). */
export function runtimeModule(url: string, options: RuntimeBinaryOptions): Promise<WebAssembly.Module> {
  const key = runtimeCacheKey(url, options.version);
  let p = modules.get(key);
  if (!p) {
    p = shared(url, options).then((b) => WebAssembly.compile(b));
    modules.set(key, p);
    p.catch(() => modules.delete(key));
  }
  return p;
}

/** For tests: forget the per-page memo (the Cache API entries stay). */
export function resetRuntimeMemoForTesting(): void {
  pending.clear();
  modules.clear();
}

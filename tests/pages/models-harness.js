// Page/worker-side driver for tests/browser/models-*.spec.ts: loads a model with the built library
// and returns plain data (digests, progress, warnings, typed error fields) the test can assert on.
const lib = await import('/dist/browser/models.js');

async function hex(bytes) {
  const d = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Cache API storage that acts like a full disk while `fullCache.full` is true (real quota is hard to hit in a test). */
class FullableCache {
  constructor(inner) { this.inner = inner; this.full = false; }
  match(url) { return this.inner.match(url); }
  async put(url, bytes, meta) {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return this.inner.put(url, bytes, meta);
  }
  delete(url) { return this.inner.delete(url); }
  entries() { return this.inner.entries(); }
  clear() { return this.inner.clear(); }
}
export const fullableCache = new FullableCache(new lib.CacheApiModelCache());

export async function cachedUrls() {
  return (await lib.defaultModelCache().entries()).map((e) => e.url).sort();
}

/**
 * args: { source, files?, optional?, graphs?, dtype?, host?, revision?, retries?, requireCache?,
 *         cache?: 'default' | 'full' | 'fullable-ok' | 'none' }
 */
export async function run(args) {
  const events = [];
  const warnings = [];
  let cache;
  if (args.cache === 'full' || args.cache === 'fullable-ok') {
    fullableCache.full = args.cache === 'full';
    cache = fullableCache;
  } else if (args.cache === 'none') cache = false;
  const opts = {
    files: args.files, optional: args.optional, graphs: args.graphs, dtype: args.dtype, host: args.host, revision: args.revision,
    retries: args.retries, retryDelayMs: 20, stallTimeoutMs: args.stallTimeoutMs, requireCache: args.requireCache, cache,
    onProgress: (e) => events.push({ status: e.status, file: e.file, loaded: e.loaded, total: e.total, totalLoaded: e.totalLoaded, totalBytes: e.totalBytes, totalKnown: e.totalKnown, fromCache: e.fromCache }),
    onWarning: (w) => warnings.push({ code: w.code, message: w.message, url: w.url }),
  };
  for (const k of Object.keys(opts)) if (opts[k] === undefined) delete opts[k];
  try {
    const files = await lib.loadModelFiles(args.source, opts);
    const sha = {};
    for (const [path, bytes] of files) sha[path] = await hex(bytes);
    return { ok: true, sha, events, warnings, cached: await cachedUrls() };
  } catch (err) {
    return {
      ok: false, events, warnings, cached: await cachedUrls(),
      error: { name: err?.name, code: err?.code, message: err?.message, url: err?.url, isOmni: err instanceof lib.OmniEmbedError, reason: err?.reason },
    };
  }
}

export { lib };

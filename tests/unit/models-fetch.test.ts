import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  clearModelCache, deleteCachedModel, fetchModelFile, IntegrityError, listCachedModels, loadModel, type LoadProgress, MemoryModelCache,
  type ModelLoadError, ModelNotFoundError, NetworkError, QuotaExceededError,
} from '../../src/models';
import { cacheWriteError } from '../../src/models/cache';
import { CacheError } from '../../src/models/errors';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const data = (n: number, k = 7) => Uint8Array.from({ length: n }, (_, i) => (i * k + 3) & 0xff);

type Behaviour = 'ok' | '404' | '500' | 'cut' | 'truncated' | 'corrupt' | 'offline';

/** A fetch double over an in-memory folder; `plan[url]` lists what each successive request does. */
function fakeServer(files: Record<string, Uint8Array>, plan: Record<string, Behaviour[]> = {}) {
  const calls: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = String(input);
    calls.push(url);
    const how = plan[url]?.shift() ?? 'ok';
    const body = files[url];
    if (how === 'offline') throw new TypeError('Failed to fetch');
    if (!body || how === '404') return new Response('not found', { status: 404 });
    if (how === '500') return new Response('boom', { status: 500 });
    const half = Math.floor(body.length / 2);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        if (how === 'corrupt') {
          const copy = body.slice();
          copy[half] = copy[half]! ^ 0xff;
          c.enqueue(copy.subarray(0, half));
          c.enqueue(copy.subarray(half));
          c.close();
          return;
        }
        c.enqueue(body.slice(0, half));
        if (how === 'cut') return c.error(new TypeError('network error'));
        if (how === 'truncated') return c.close();
        c.enqueue(body.slice(half));
        c.close();
      },
    });
    return new Response(stream, { status: 200, headers: { 'content-length': String(body.length) } });
  }) as typeof fetch;
  return { fetchFn, calls };
}

const URL_A = 'https://h.example/org/m/resolve/main/onnx/text_model.onnx';
const opts = { retryDelayMs: 1, onWarning: () => {} };

describe('fetchModelFile', () => {
  it('streams with increasing progress into one buffer, verifies, caches, then serves from cache with no request', async () => {
    const bytes = data(5000);
    const { fetchFn, calls } = fakeServer({ [URL_A]: bytes });
    const cache = new MemoryModelCache();
    const seen: number[] = [];
    const ref = { path: 'onnx/text_model.onnx', url: URL_A, size: 5000, sha256: sha(bytes) };
    const got = await fetchModelFile(ref, { ...opts, fetch: fetchFn, cache, onProgress: (p) => seen.push(p.loaded) });
    expect(got).toEqual(bytes);
    expect(got.buffer.byteLength).toBe(5000); // preallocated to the declared size, no concatenation
    expect(seen).toEqual([0, 2500, 5000]);
    expect(await cache.match(URL_A)).toEqual(bytes);
    const again = await fetchModelFile(ref, { ...opts, fetch: fetchFn, cache });
    expect(again).toEqual(bytes);
    expect(calls).toHaveLength(1);
  });

  it('retries 5xx and cut connections with backoff, and succeeds', async () => {
    const bytes = data(100);
    const { fetchFn, calls } = fakeServer({ [URL_A]: bytes }, { [URL_A]: ['500', 'cut', 'offline'] });
    const attempts: number[] = [];
    const got = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: false, onProgress: (p) => attempts.push(p.attempt) });
    expect(got).toEqual(bytes);
    expect(calls).toHaveLength(4);
    expect(Math.max(...attempts)).toBe(3);
  });

  it('gives up on transient failures after `retries` and leaves nothing in the cache', async () => {
    const { fetchFn, calls } = fakeServer({ [URL_A]: data(100) }, { [URL_A]: ['cut', 'cut', 'cut'] });
    const cache = new MemoryModelCache();
    const err = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache, retries: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('network_error');
    expect(err.reason).toBe('cut');
    expect(err.message).toContain(URL_A);
    expect(calls).toHaveLength(3);
    expect(await cache.entries()).toEqual([]);
  });

  it('reports a body shorter than Content-Length as a truncated network error', async () => {
    const { fetchFn } = fakeServer({ [URL_A]: data(100) }, { [URL_A]: ['truncated'] });
    const err = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: false, retries: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.reason).toBe('truncated');
    expect(err.loaded).toBe(50);
  });

  it('never retries a 404', async () => {
    const { fetchFn, calls } = fakeServer({});
    const err = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain(URL_A);
    expect(calls).toHaveLength(1);
  });

  it('retries a corrupt download once, then throws IntegrityError and caches nothing', async () => {
    const bytes = data(64);
    const ref = { path: 'a', url: URL_A, size: 64, sha256: sha(bytes) };
    const once = fakeServer({ [URL_A]: bytes }, { [URL_A]: ['corrupt'] });
    expect(await fetchModelFile(ref, { ...opts, fetch: once.fetchFn, cache: false })).toEqual(bytes);
    expect(once.calls).toHaveLength(2);

    const always = fakeServer({ [URL_A]: bytes }, { [URL_A]: ['corrupt', 'corrupt', 'corrupt'] });
    const cache = new MemoryModelCache();
    const err = await fetchModelFile(ref, { ...opts, fetch: always.fetchFn, cache }).catch((e) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err.code).toBe('integrity_error');
    expect(err.check).toBe('sha256');
    expect(err.message).toContain(URL_A);
    expect(always.calls).toHaveLength(2);
    expect(await cache.entries()).toEqual([]);
  });

  it('evicts a cached entry that fails verification and downloads it again', async () => {
    const bytes = data(64);
    const cache = new MemoryModelCache();
    await cache.put(URL_A, data(64, 11), { size: 64 });
    const { fetchFn, calls } = fakeServer({ [URL_A]: bytes });
    const warnings: ModelLoadError[] = [];
    const got = await fetchModelFile({ path: 'a', url: URL_A, size: 64, sha256: sha(bytes) }, { ...opts, fetch: fetchFn, cache, onWarning: (w) => warnings.push(w) });
    expect(got).toEqual(bytes);
    expect(calls).toHaveLength(1);
    expect(warnings.map((w) => w.code)).toEqual(['integrity_error']);
    expect(await cache.match(URL_A)).toEqual(bytes);
  });

  it('on a full cache: returns the bytes and warns with QuotaExceededError, or throws it when the cache is required', async () => {
    const bytes = data(1000);
    const { fetchFn } = fakeServer({ [URL_A]: bytes });
    const full = new MemoryModelCache({ maxBytes: 10 });
    const warnings: ModelLoadError[] = [];
    expect(await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: full, onWarning: (w) => warnings.push(w) })).toEqual(bytes);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBeInstanceOf(QuotaExceededError);
    expect(warnings[0]!.code).toBe('quota_exceeded');
    expect(warnings[0]!.message).toContain(URL_A);
    const err = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: full, requireCache: true }).catch((e) => e);
    expect(err).toBeInstanceOf(QuotaExceededError);
    expect(await full.entries()).toEqual([]);
  });

  it("names the private-window entry limit when Chromium refuses a large entry with a bare UnknownError", () => {
    const unknown = new DOMException('Unexpected internal error.', 'UnknownError');
    const big = cacheWriteError(URL_A, 351e6, unknown);
    expect(big).toBeInstanceOf(CacheError);
    expect(big.code).toBe('cache_error');
    expect(big.message).toMatch(/private \(incognito\) window .* 335 MiB; it will be downloaded again/);
    // A small entry, or another error, gets no guess about the cause.
    expect(cacheWriteError(URL_A, 100e6, unknown).message).not.toContain('private');
    expect(cacheWriteError(URL_A, 351e6, new DOMException('x', 'InvalidStateError')).message).not.toContain('private');
    expect(cacheWriteError(URL_A, 351e6, new DOMException('full', 'QuotaExceededError'))).toBeInstanceOf(QuotaExceededError);
  });

  it('stops at once on abort', async () => {
    const { fetchFn } = fakeServer({ [URL_A]: data(10) }, { [URL_A]: ['500', '500'] });
    const ac = new AbortController();
    const p = fetchModelFile({ path: 'a', url: URL_A }, { fetch: fetchFn, cache: false, retryDelayMs: 10_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 20);
    await expect(p).rejects.toThrow('stop');
  });
});

describe('loadModel', () => {
  const base = 'https://h.example/org/m/resolve/main/';
  const config = new TextEncoder().encode('{"a":1}');
  const model = data(3000);
  const ext = data(2000, 5);
  const manifest = { files: {
    'config.json': { size: config.length, sha256: sha(config) },
    'onnx/text_model.onnx': { size: model.length, sha256: sha(model) },
    'onnx/text_model.onnx_data': { size: ext.length, sha256: sha(ext) },
  } };
  const files = {
    [`${base}manifest.json`]: new TextEncoder().encode(JSON.stringify(manifest)),
    [`${base}config.json`]: config,
    [`${base}onnx/text_model.onnx`]: model,
    [`${base}onnx/text_model.onnx_data`]: ext,
  };

  it('fetches the manifest first, loads graphs with their external data, totals known up front, then loads from cache with zero requests', async () => {
    const { fetchFn, calls } = fakeServer(files);
    const cache = new MemoryModelCache();
    const events: LoadProgress[] = [];
    const m = await loadModel('org/m', { host: 'https://h.example', files: ['config.json'], optional: ['tokenizer_config.json'], graphs: ['text_model'], cache, fetch: fetchFn, onProgress: (e) => events.push(e), ...opts });
    expect(calls[0]).toBe(`${base}manifest.json`);
    expect(calls).not.toContain(`${base}tokenizer_config.json`); // optional and not in the manifest: not asked for
    expect([...m.files.keys()]).toEqual(['config.json', 'onnx/text_model.onnx', 'onnx/text_model.onnx_data']);
    expect(m.files.get('onnx/text_model.onnx_data')).toEqual(ext);
    const total = config.length + model.length + ext.length;
    expect(events.every((e) => e.totalBytes === total && e.totalKnown)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.totalLoaded).toBeGreaterThanOrEqual(events[i - 1]!.totalLoaded);
    expect(events.at(-1)).toMatchObject({ status: 'ready', totalLoaded: total });
    expect(events.filter((e) => e.status === 'done')).toHaveLength(3);

    const before = calls.length;
    const again = await loadModel('org/m', { host: 'https://h.example', files: ['config.json'], graphs: ['text_model'], cache, fetch: fetchFn, ...opts });
    expect(calls.length).toBe(before);
    expect(again.files.get('onnx/text_model.onnx')).toEqual(model);

    const listed = await listCachedModels({ cache });
    expect(listed).toHaveLength(1);
    expect(listed[0]!.id).toBe('org/m');
    expect(listed[0]!.files.map((f) => f.path)).toEqual(['config.json', 'manifest.json', 'onnx/text_model.onnx', 'onnx/text_model.onnx_data']);
    expect(listed[0]!.totalBytes).toBe(total + files[`${base}manifest.json`]!.length);
    expect(await deleteCachedModel('org/m', { cache })).toBe(4);
    expect(await listCachedModels({ cache })).toEqual([]);
  });

  it('loads a folder without a manifest and remembers the absence (no repeated 404 probe); a 404 on an optional file is left out', async () => {
    const folder = 'https://cdn.example/m/';
    const { fetchFn, calls } = fakeServer({ [`${folder}config.json`]: config });
    const cache = new MemoryModelCache();
    const a = await loadModel(folder, { files: ['config.json'], optional: ['tokenizer_config.json'], cache, fetch: fetchFn, ...opts });
    expect([...a.files.keys()]).toEqual(['config.json']);
    expect(calls).toEqual([`${folder}manifest.json`, `${folder}config.json`, `${folder}tokenizer_config.json`]);
    await loadModel(folder, { files: ['config.json'], cache, fetch: fetchFn, ...opts });
    expect(calls).toHaveLength(3);
    await clearModelCache({ cache });
    expect(await cache.entries()).toEqual([]);
  });

  it('fails the whole load with the first typed error', async () => {
    const { fetchFn } = fakeServer(files);
    const err = await loadModel('org/m', { host: 'https://h.example', graphs: ['text_model'], dtype: 'q4', cache: new MemoryModelCache(), fetch: fetchFn, ...opts }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err.url).toBe(`${base}onnx/text_model_q4.onnx`);
  });
});

describe('manifest cache', () => {
  it('evicts a damaged cached manifest and fetches it again', async () => {
    const base = 'https://cdn.example/m2/';
    const config = new TextEncoder().encode('{}');
    const manifestBytes = new TextEncoder().encode(JSON.stringify({ files: { 'config.json': { size: config.length, sha256: sha(config) } } }));
    const { fetchFn, calls } = fakeServer({ [`${base}manifest.json`]: manifestBytes, [`${base}config.json`]: config });
    const cache = new MemoryModelCache();
    await cache.put(`${base}manifest.json`, new TextEncoder().encode('{"files": garbage'), { size: 17 });
    const m = await loadModel(base, { files: ['config.json'], cache, fetch: fetchFn, ...opts });
    expect(m.manifestData?.files['config.json']?.size).toBe(config.length);
    expect(calls).toEqual([`${base}manifest.json`, `${base}config.json`]);
    expect(await cache.match(`${base}manifest.json`)).toEqual(manifestBytes);
  });
});

describe('stall watchdog', () => {
  it('aborts a request that sends nothing as NetworkError(stalled) and retries it', async () => {
    const bytes = data(10);
    let n = 0;
    const fetchFn = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      if (n++ === 0) {
        return new Promise<Response>((_res, rej) => init?.signal?.addEventListener('abort', () => rej(init.signal!.reason)));
      }
      return new Response(bytes, { headers: { 'content-length': '10' } });
    }) as typeof fetch;
    const stalled = await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: false, retries: 0, stallTimeoutMs: 30 }).catch((e) => e);
    expect(stalled).toBeInstanceOf(NetworkError);
    expect(stalled.reason).toBe('stalled');
    expect(stalled.message).toContain(URL_A);
    n = 0;
    expect(await fetchModelFile({ path: 'a', url: URL_A }, { ...opts, fetch: fetchFn, cache: false, stallTimeoutMs: 30 })).toEqual(bytes);
    expect(n).toBe(2);
  });
});

describe('packaged files', () => {
  it('a missing chrome-extension:// file is ModelNotFoundError at once, not a retried NetworkError', async () => {
    let calls = 0;
    const fetch = async () => { calls++; throw new TypeError('Failed to fetch'); };
    const err = await fetchModelFile({ path: 'manifest.json', url: 'chrome-extension://abc/models/x/manifest.json' }, { cache: false, fetch: fetch as never, retries: 3, retryDelayMs: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain('chrome-extension://abc/models/x/manifest.json');
    expect(calls).toBe(1);
  });
});

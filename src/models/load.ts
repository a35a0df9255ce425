import { cacheWriteError, defaultModelCache, type ModelCache } from './cache';
import type { Dtype } from './dtype';
import { describe, type ModelLoadError, ModelNotFoundError, ModelSourceError } from './errors';
import { fetchModelFile, type FetchModelFileOptions, type FileProgress, withFileLock } from './fetch';
import { MANIFEST_FILE, type ModelManifest, parseManifest } from './manifest';
import { modelFileUrl, type ModelFileRef, type ModelSource, type ResolvedModel, resolveModelBase, resolveModelFiles } from './resolve';

/**
 * Aggregated progress of a model load. `loaded`/`total` are the file's, `totalLoaded`/`totalBytes`
 * the sum over all files of the load. `totalBytes` is exact from the start when a manifest or
 * preset declares every size (`totalKnown: true`); otherwise it grows as Content-Lengths arrive.
 * `totalLoaded` never decreases (a retried file counts what it had reached before).
 * 'done' marks one file finished; 'ready' (file: '') comes once, after every file.
 */
export interface LoadProgress {
  status: 'progress' | 'done' | 'ready';
  file: string;
  loaded: number;
  total?: number;
  totalLoaded: number;
  totalBytes: number;
  totalKnown: boolean;
  fromCache: boolean;
}

export interface LoadModelOptions extends Omit<FetchModelFileOptions, 'onProgress' | 'model'> {
  /** Relative paths to load (`config.json`, `tokenizer.json`, `onnx/text_model_q4.onnx`, …). */
  files?: string[];
  /** Relative paths that may not exist: a 404 (or absence from the manifest) leaves them out of the result. */
  optional?: string[];
  /** Graph names to load as `onnx/<graph><suffix>.onnx`, with their external data. */
  graphs?: string[];
  dtype?: Dtype | Record<string, Dtype>;
  host?: string;
  revision?: string;
  baseUrl?: string;
  /**
   * 'auto' (default): fetch `manifest.json` first (cached like any file) for sizes and digests;
   * a folder without one loads unverified, and its absence is remembered in the cache so it is not
   * asked for again. `false`: no manifest request. An object: use it as the manifest.
   */
  manifest?: 'auto' | false | ModelManifest;
  /** Files downloaded at once. Default 4. */
  concurrency?: number;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadedModel extends ResolvedModel {
  /** Relative path → bytes, in the order requested (absent optional files left out). */
  files: Map<string, Uint8Array>;
  refs: ModelFileRef[];
  manifestData?: ModelManifest;
}

const ABSENT = new TextEncoder().encode('{"absent":true}');

/** True when the cache holds the marker a 404 of this (optional) file left. */
async function knownAbsent(cache: ModelCache | undefined, url: string): Promise<boolean> {
  if (!cache) return false;
  let bytes: Uint8Array | undefined;
  try {
    bytes = await cache.match(url);
  } catch {
    return false;
  }
  return bytes !== undefined && bytes.byteLength === ABSENT.byteLength && bytes.every((b, i) => b === ABSENT[i]);
}

/** Parses JSON bytes; throws ModelSourceError naming the file on bad JSON. */
export function decodeJson<T = unknown>(bytes: Uint8Array, where = 'JSON file'): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (err) {
    throw new ModelSourceError(`Invalid JSON in ${where}: ${describe(err)}`, err);
  }
}

/** Reads and parses one JSON file of a loaded file map (`readJson(files, 'config.json')`). */
export function readJson<T = unknown>(files: Map<string, Uint8Array>, path: string): T {
  const bytes = files.get(path);
  if (!bytes) throw new ModelSourceError(`${path} was not loaded`);
  return decodeJson<T>(bytes, path);
}

function fetchOptions(opts: LoadModelOptions): FetchModelFileOptions {
  const o: FetchModelFileOptions = {};
  if (opts.cache !== undefined) o.cache = opts.cache;
  if (opts.requireCache !== undefined) o.requireCache = opts.requireCache;
  if (opts.onWarning) o.onWarning = opts.onWarning;
  if (opts.signal) o.signal = opts.signal;
  if (opts.retries !== undefined) o.retries = opts.retries;
  if (opts.retryDelayMs !== undefined) o.retryDelayMs = opts.retryDelayMs;
  if (opts.verifyCached !== undefined) o.verifyCached = opts.verifyCached;
  if (opts.fetch) o.fetch = opts.fetch;
  if (opts.httpCache !== undefined) o.httpCache = opts.httpCache;
  if (opts.lock !== undefined) o.lock = opts.lock;
  if (opts.stallTimeoutMs !== undefined) o.stallTimeoutMs = opts.stallTimeoutMs;
  return o;
}

function cacheOf(opts: { cache?: ModelCache | false }): ModelCache | undefined {
  return opts.cache === false ? undefined : (opts.cache ?? defaultModelCache());
}

/**
 * The folder's manifest, from the cache or the network; undefined when it has none. A 404 is
 * remembered as a cached marker so later (and offline) loads ask nothing.
 */
export async function fetchManifest(model: ResolvedModel, opts: Omit<LoadModelOptions, 'files' | 'graphs'> = {}): Promise<ModelManifest | undefined> {
  if (opts.manifest === false) return undefined;
  if (typeof opts.manifest === 'object') return opts.manifest;
  if (model.manifest === false) return undefined;
  if (model.manifest) return model.manifest;
  if (model.urls && !model.urls[MANIFEST_FILE]) return undefined;
  const url = modelFileUrl(model, MANIFEST_FILE);
  const cache = cacheOf(opts);
  return withFileLock(url, cache, opts, () => manifestUnlocked(model, url, cache, opts));
}

async function manifestUnlocked(model: ResolvedModel, url: string, cache: ModelCache | undefined, opts: Omit<LoadModelOptions, 'files' | 'graphs'>, retried = false): Promise<ModelManifest | undefined> {
  const common: FetchModelFileOptions = { ...fetchOptions(opts), cache: false, model: model.id };
  let bytes: Uint8Array | undefined;
  if (cache) {
    try {
      bytes = await cache.match(url);
    } catch {
      bytes = undefined;
    }
  }
  let fresh = false;
  if (!bytes) {
    try {
      bytes = await fetchModelFile({ path: MANIFEST_FILE, url }, common);
      fresh = true;
    } catch (err) {
      if (!(err instanceof ModelNotFoundError)) throw err;
      await cache?.put(url, ABSENT, { size: ABSENT.byteLength, path: MANIFEST_FILE, model: model.id }).catch(() => {});
      return undefined;
    }
  }
  let json: { absent?: boolean } | null;
  let manifest: ModelManifest | undefined;
  try {
    json = decodeJson<{ absent?: boolean } | null>(bytes, url);
    if (json?.absent === true && !('files' in json)) return undefined;
    manifest = parseManifest(json, url);
  } catch (err) {
    if (fresh || !cache) throw err;
    // A damaged cached manifest is evicted and asked for again rather than failing every load.
    await cache.delete(url).catch(() => false);
    return manifestUnlocked(model, url, retried ? undefined : cache, opts, true);
  }
  if (fresh && cache) {
    const stored = bytes;
    await cache.put(url, stored, { size: stored.byteLength, path: MANIFEST_FILE, model: model.id }).catch((err: unknown) => {
      const typed = cacheWriteError(url, stored.byteLength, err);
      if (opts.requireCache) throw typed;
      (opts.onWarning ?? ((e: ModelLoadError) => console.warn(`[omni-embed] ${e.message}`)))(typed);
    });
  }
  return manifest;
}

/**
 * Loads a model's files (manifest first when there is one), from the cache when possible, with
 * aggregated progress, integrity checks and retries. Returns the bytes and what was resolved.
 */
export async function loadModel(source: ModelSource, opts: LoadModelOptions = {}): Promise<LoadedModel> {
  const base = resolveModelBase(source, opts);
  const manifest = await fetchManifest(base, opts);
  const optional = new Set(opts.optional ?? []);
  const wanted = [...(opts.files ?? []), ...(opts.optional ?? [])];
  const resolved = resolveModelFiles(source, {
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
    ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.graphs !== undefined ? { graphs: opts.graphs } : {}),
    ...(opts.dtype !== undefined ? { dtype: opts.dtype } : {}),
    ...(manifest ? { manifest } : {}),
    files: wanted,
  });
  // With a manifest, an optional file it does not list is known to be absent: no request.
  const refs = resolved.files.filter((r) => !(manifest && optional.has(r.path) && !manifest.files[r.path]));

  const sizes = new Map<string, { loaded: number; total?: number; fromCache: boolean }>();
  for (const r of refs) sizes.set(r.path, { loaded: 0, ...(r.size !== undefined ? { total: r.size } : {}), fromCache: false });
  const totals = () => {
    let totalLoaded = 0, totalBytes = 0, totalKnown = true;
    for (const s of sizes.values()) {
      totalLoaded += s.loaded;
      if (s.total === undefined) totalKnown = false;
      else totalBytes += s.total;
    }
    return { totalLoaded, totalBytes: Math.max(totalBytes, totalLoaded), totalKnown };
  };
  const emit = (status: LoadProgress['status'], file: string) => {
    if (!opts.onProgress) return;
    const s = sizes.get(file);
    opts.onProgress({ status, file, loaded: s?.loaded ?? 0, ...(s?.total !== undefined ? { total: s.total } : {}), ...totals(), fromCache: s?.fromCache ?? false });
  };
  const onFile = (p: FileProgress) => {
    const s = sizes.get(p.file);
    if (!s) return;
    s.loaded = Math.max(s.loaded, p.loaded);
    if (s.total === undefined && p.total !== undefined) s.total = p.total;
    s.fromCache = p.fromCache;
    emit('progress', p.file);
  };

  // One failure stops the other downloads of this load (their partial bytes are never cached).
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(opts.signal!.reason);
  if (opts.signal?.aborted) inner.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const cache = cacheOf(opts);
  const out = new Map<string, Uint8Array>();
  const results = new Map<string, Uint8Array | null>();
  let firstError: unknown;
  let next = 0;
  const worker = async () => {
    while (next < refs.length && firstError === undefined) {
      const ref = refs[next++]!;
      const isOptional = optional.has(ref.path);
      try {
        if (isOptional && await knownAbsent(cache, ref.url)) {
          sizes.delete(ref.path);
          results.set(ref.path, null);
          continue;
        }
        const bytes = await fetchModelFile(ref, { ...fetchOptions(opts), model: resolved.id, signal: inner.signal, onProgress: onFile });
        const s = sizes.get(ref.path)!;
        s.loaded = bytes.byteLength;
        s.total = bytes.byteLength;
        results.set(ref.path, bytes);
        emit('done', ref.path);
      } catch (err) {
        if (err instanceof ModelNotFoundError && isOptional) {
          sizes.delete(ref.path);
          results.set(ref.path, null);
          // Remembered like a missing manifest.json, so a cached model loads offline with no request.
          await cache?.put(ref.url, ABSENT, { size: ABSENT.byteLength, path: ref.path, model: resolved.id }).catch(() => {});
          continue;
        }
        if (firstError === undefined) {
          firstError = err;
          inner.abort(err);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, refs.length)) }, worker));
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (firstError !== undefined) throw firstError;
  for (const r of refs) {
    const b = results.get(r.path);
    if (b) out.set(r.path, b);
  }
  emit('ready', '');
  return { ...resolved, files: out, refs, ...(manifest ? { manifestData: manifest } : {}) };
}

/** Loads a model's files and returns relative path → bytes. See loadModel for the options. */
export async function loadModelFiles(source: ModelSource, opts: LoadModelOptions = {}): Promise<Map<string, Uint8Array>> {
  return (await loadModel(source, opts)).files;
}

/** Loads and parses one JSON file of a model (`config.json`, `preprocessor_config.json`, …). */
export async function loadJson<T = unknown>(source: ModelSource, path: string, opts: Omit<LoadModelOptions, 'files' | 'graphs'> = {}): Promise<T> {
  const files = await loadModelFiles(source, { ...opts, files: [path] });
  return readJson<T>(files, path);
}

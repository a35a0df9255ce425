import { defaultModelCache, type ModelCache } from './cache';

export interface CachedModel {
  /** Model id: the hub repo id, or the folder URL for folder sources. */
  id: string;
  files: { path: string; url: string; size: number }[];
  totalBytes: number;
}

export interface CacheManageOptions {
  /** The cache to inspect; default: the same default cache the loader uses. */
  cache?: ModelCache;
}

function folderOf(url: string): string {
  const i = url.lastIndexOf('/');
  return i >= 0 ? url.slice(0, i + 1) : url;
}

/** Every cached model with its files and their sizes (read from entry metadata, not bodies). */
export async function listCachedModels(opts: CacheManageOptions = {}): Promise<CachedModel[]> {
  const cache = opts.cache ?? defaultModelCache();
  const byId = new Map<string, CachedModel>();
  for (const { url, meta } of await cache.entries()) {
    const id = meta.model ?? folderOf(url);
    let m = byId.get(id);
    if (!m) byId.set(id, (m = { id, files: [], totalBytes: 0 }));
    m.files.push({ path: meta.path ?? url, url, size: meta.size });
    m.totalBytes += meta.size;
  }
  for (const m of byId.values()) m.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Deletes every cached file of a model: `id` is a model id as listed by listCachedModels
 * (hub repo id or folder URL) or any URL prefix of its files. Returns how many entries went.
 */
export async function deleteCachedModel(id: string, opts: CacheManageOptions = {}): Promise<number> {
  const cache = opts.cache ?? defaultModelCache();
  let n = 0;
  for (const { url, meta } of await cache.entries()) {
    if (meta.model === id || url.startsWith(id.endsWith('/') ? id : `${id}/`)) {
      if (await cache.delete(url)) n++;
    }
  }
  return n;
}

/** Deletes every cached model file. */
export async function clearModelCache(opts: CacheManageOptions = {}): Promise<void> {
  const cache = opts.cache ?? defaultModelCache();
  if (cache.clear) return cache.clear();
  for (const { url } of await cache.entries()) await cache.delete(url);
}

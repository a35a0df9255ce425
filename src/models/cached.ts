// What the cache already holds of a model, read from entry metadata only (no bodies): lets a warm
// start read just the graph it needs first and leave the others in the cache until their first use.

import { defaultModelCache, type ModelCache } from './cache';
import { resolveModelFiles, type ModelSource } from './resolve';
import type { Dtype } from './dtype';

export interface CachedGraphsOptions {
  host?: string;
  dtype?: Dtype;
  cache?: ModelCache;
}

/**
 * Bytes of these graphs' files (the .onnx and any `.onnx_data*` beside it) when every graph is
 * in the cache; undefined when any is missing, so the caller downloads them as on a cold start.
 */
export async function cachedGraphBytes(source: ModelSource, graphs: string[], opts: CachedGraphsOptions = {}): Promise<number | undefined> {
  if (graphs.length === 0) return 0;
  let urls: string[];
  try {
    const resolved = resolveModelFiles(source, { graphs, ...(opts.dtype ? { dtype: opts.dtype } : {}), ...(opts.host ? { host: opts.host } : {}) });
    urls = resolved.files.filter((f) => f.path.endsWith('.onnx')).map((f) => f.url);
  } catch {
    return undefined;
  }
  let entries;
  try {
    entries = await (opts.cache ?? defaultModelCache()).entries();
  } catch {
    return undefined; // No readable cache (storage blocked): load as if cold.
  }
  let total = 0;
  for (const url of urls) {
    const mine = entries.filter((e) => e.url === url || e.url.startsWith(`${url}_data`));
    if (!mine.some((e) => e.url === url)) return undefined;
    total += mine.reduce((sum, e) => sum + e.meta.size, 0);
  }
  return total;
}

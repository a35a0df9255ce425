import { IndexError } from './errors';
import { checkNprobe } from './ivf/options';
import { buildMask } from './mask';
import { pickScanner, type Chooser } from './scan/choose';
import { rescore } from './scan/rescore';
import { wasmScanner } from './scan/wasm';
import { prepareQuery } from './simd';
import { TopK } from './topk';
import { prepareVector } from './vectors';
import type { Json, Metric, SearchOptions, SearchResult } from './types';

/** First-stage candidates per result kept for rescoring: binary sign bits, int8 rows. */
const DEFAULT_OVERSAMPLE = 50;
const INT8_OVERSAMPLE = 4;

/** A search's checked arguments: `k` and the query truncated/normalized like the stored vectors. */
export interface SearchRequest {
  k: number;
  q: Float32Array;
}

/**
 * Checks what a search can check before it waits its turn (throws `IndexError`): `k`, `nprobe`
 * against the trained lists (`nlist`, null: none or `exact`), the query's dims.
 */
export function checkSearch(query: Float32Array, options: SearchOptions<never>, dims: number, metric: Metric, nlist: number | null): SearchRequest {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 0) throw new IndexError('index_invalid_options', 'k must be a non-negative integer');
  checkNprobe(options.nprobe, nlist);
  return { k, q: prepareVector(query, dims, metric, 'query') };
}

/**
 * One search over a compacted store: the first stage picked for it (scan/*), then (quantized
 * storage) the best candidates rescored with finer numbers. Ties: earlier insertion first.
 */
export async function runSearch<M extends Json>(c: Chooser, { k, q }: SearchRequest, options: SearchOptions<M>): Promise<SearchResult<M>[]> {
  const s = c.store;
  if (k === 0 || s.size === 0) return [];
  const pq = prepareQuery(q, s.stride);
  const mask = buildMask(s, options);
  const scanner = await pickScanner(c, options as SearchOptions<never>);
  const r = options.rescore ?? true;
  const per = c.storage === 'binary' ? DEFAULT_OVERSAMPLE : INT8_OVERSAMPLE;
  const refine = c.storage !== 'float32' && r !== false;
  const n = refine ? Math.min(s.size, k * (r === true ? per : Math.max(1, Math.floor(r as number)))) : k;
  const req = { q: pq, k: n, mask };
  // A worker that failed (or a page that refuses them) costs this search nothing but speed.
  let top: TopK = await scanner.scan(s, req).catch((e: unknown) => {
    if (scanner !== c.threaded) throw e;
    return wasmScanner.scan(s, req);
  });
  if (refine) top = rescore(s, top, pq, k);
  const out: SearchResult<M>[] = [];
  for (let i = 0; i < top.length; i++) {
    const slot = top.slots[i]!;
    out.push({ id: s.ids[slot]!, score: top.scores[i]!, metadata: s.meta[slot] as M | undefined });
  }
  return out;
}

import { RecommendError } from './errors';
import { l2normalize } from '../index/vectors';
import type { VectorIndex } from '../index/vector-index';
import type { VectorLookup } from './lookup';
import type { Json, SearchOptions, SearchResult } from '../index/types';
import { kmeans } from './kmeans';

/**
 * One interaction of a user's history, oldest first: an id of an item in the index, a vector, or
 * both. `timestamp` (ms) enables time-based recency; `weight` scales the item (e.g. a purchase > a view).
 */
export type HistoryItem = string | Float32Array | { id?: string; vector?: Float32Array; timestamp?: number; weight?: number };

export interface InterestOptions {
  /** Use only the last N items of the history (default 50). */
  lastN?: number;
  /**
   * Recency weighting. `{ halfLife: n }`: an item n positions older than the newest weighs half as much;
   * `{ halfLifeMs: t }`: the same by timestamp. Omitted: uniform (plain mean).
   */
  recency?: { halfLife: number } | { halfLifeMs: number };
}

interface Resolved {
  ids: string[];
  vectors: Float32Array[];
  weights: number[];
}

/** Resolves ids through the index, applies lastN and recency weights. */
function resolve(history: readonly HistoryItem[], index: VectorLookup | null, o: InterestOptions): Resolved {
  const lastN = o.lastN ?? 50;
  const recent = history.slice(Math.max(0, history.length - lastN));
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  const raw: { w: number; t: number | undefined }[] = [];
  for (const h of recent) {
    let id: string | undefined;
    let v: Float32Array | undefined;
    let w = 1;
    let t: number | undefined;
    if (typeof h === 'string') id = h;
    else if (h instanceof Float32Array) v = h;
    else {
      id = h.id;
      v = h.vector;
      w = h.weight ?? 1;
      t = h.timestamp;
    }
    if (!v && id !== undefined) {
      const got = index?.get(id);
      if (!got) throw new RecommendError('recommend_unknown_id', `history id "${id}" is not in the index`);
      v = got.vector;
    }
    if (!v) throw new RecommendError('recommend_invalid_vector', 'a history item has neither a vector nor an id');
    if (index && v.length < index.dims) throw new RecommendError('recommend_dims_mismatch', `history vector has ${v.length} dims, the index needs ${index.dims}`);
    const d = index ? index.dims : v.length;
    const nv = l2normalize(v.length > d ? v.subarray(0, d) : v);
    if (nv.some((x) => !Number.isFinite(x))) throw new RecommendError('recommend_invalid_vector', 'history vector has a non-finite value');
    if (id !== undefined) ids.push(id);
    vectors.push(nv);
    raw.push({ w, t });
  }
  if (vectors.length === 0) throw new RecommendError('recommend_empty_history', 'the history is empty');
  const rec = o.recency;
  const newestT = Math.max(...raw.map((r) => r.t ?? -Infinity));
  const weights = raw.map((r, i) => {
    let w = r.w;
    if (rec && 'halfLife' in rec) w *= Math.pow(0.5, (raw.length - 1 - i) / rec.halfLife);
    else if (rec && 'halfLifeMs' in rec && r.t !== undefined) w *= Math.pow(0.5, (newestT - r.t) / rec.halfLifeMs);
    return w;
  });
  return { ids, vectors, weights };
}

function weightedMean(vectors: Float32Array[], weights: number[]): Float32Array {
  const d = vectors[0]!.length;
  const acc = new Float64Array(d);
  vectors.forEach((v, i) => {
    const w = weights[i]!;
    for (let j = 0; j < d; j++) acc[j] = acc[j]! + v[j]! * w;
  });
  return l2normalize(Float32Array.from(acc));
}

/** The user's interest: the (recency-)weighted mean of the normalized vectors of the last N items, normalized. */
export function interestVector(history: readonly HistoryItem[], options: InterestOptions & { index?: VectorLookup } = {}): Float32Array {
  const r = resolve(history, options.index ?? null, options);
  return weightedMean(r.vectors, r.weights);
}

export interface Interest {
  /** Normalized centroid of the cluster. */
  vector: Float32Array;
  /** Share of the (weighted) history in this cluster, 0..1; the interests sum to 1. */
  weight: number;
  /** Positions (within the last-N window) of the history items in this cluster. */
  members: number[];
}

/** Multi-interest: k-means over the history (weighted), one interest per cluster, biggest first. */
export function multiInterest(history: readonly HistoryItem[], options: InterestOptions & { clusters?: number; seed?: number; index?: VectorLookup } = {}): Interest[] {
  const r = resolve(history, options.index ?? null, { lastN: 200, ...options });
  const n = r.vectors.length;
  const d = r.vectors[0]!.length;
  const flat = new Float32Array(n * d);
  r.vectors.forEach((v, i) => flat.set(v, i * d));
  const km = kmeans(flat, n, d, options.clusters ?? 3, { seed: options.seed ?? 1, weights: r.weights });
  const total = r.weights.reduce((a, b) => a + b, 0);
  const out: Interest[] = [];
  for (let c = 0; c < km.k; c++) {
    const members: number[] = [];
    let w = 0;
    for (let i = 0; i < n; i++) if (km.assignments[i] === c) {
      members.push(i);
      w += r.weights[i]!;
    }
    if (members.length === 0) continue;
    out.push({ vector: weightedMean(members.map((i) => r.vectors[i]!), members.map((i) => r.weights[i]!)), weight: w / total, members });
  }
  return out.sort((a, b) => b.weight - a.weight);
}

export interface RecommendOptions<M extends Json = Json> extends InterestOptions {
  k?: number;
  /** 1 (default): one interest vector. >1: multi-interest with that many clusters, results merged. */
  interests?: number;
  /** Leave out items already in the history (default true). */
  excludeSeen?: boolean;
  exclude?: Iterable<string>;
  filter?: SearchOptions<M>['filter'];
  seed?: number;
}

export interface Recommendation<M extends Json = Json> extends SearchResult<M> {
  /** Which interest (0 = the biggest) produced the item. */
  interest: number;
}

/**
 * Recommends from a history. Multi-interest: each interest gets a quota of the k slots proportional
 * to its weight (at least one), results are interleaved round-robin by rank, duplicates dropped,
 * and unused quota is filled with the best remaining results by score.
 */
export async function recommend<M extends Json = Json>(index: VectorIndex<M>, history: readonly HistoryItem[], options: RecommendOptions<M> = {}): Promise<Recommendation<M>[]> {
  const k = options.k ?? 10;
  const seen = new Set<string>(options.exclude ?? []);
  const lastN = options.lastN ?? 50;
  if (options.excludeSeen !== false) {
    for (const h of history) {
      const id = typeof h === 'string' ? h : h instanceof Float32Array ? undefined : h.id;
      if (id !== undefined) seen.add(id);
    }
  }
  const base = { k, exclude: seen, ...(options.filter ? { filter: options.filter } : {}) };
  const nI = options.interests ?? 1;
  if (nI <= 1) {
    const q = interestVector(history, { ...options, lastN, index });
    return (await index.search(q, base)).map((r) => ({ ...r, interest: 0 }));
  }
  const ints = multiInterest(history, { ...options, lastN, clusters: nI, index });
  const lists = await Promise.all(ints.map((it) => index.search(it.vector, base)));
  const quota = ints.map((it) => Math.max(1, Math.round(it.weight * k)));
  const out: Recommendation<M>[] = [];
  const taken = new Set<string>();
  const pos = ints.map(() => 0);
  const used = ints.map(() => 0);
  let progress = true;
  while (out.length < k && progress) {
    progress = false;
    for (let i = 0; i < ints.length && out.length < k; i++) {
      if (used[i]! >= quota[i]!) continue;
      const list = lists[i]!;
      while (pos[i]! < list.length && taken.has(list[pos[i]!]!.id)) pos[i]!++;
      const r = list[pos[i]!];
      if (!r) continue;
      pos[i]!++;
      used[i]!++;
      taken.add(r.id);
      out.push({ ...r, interest: i });
      progress = true;
    }
  }
  if (out.length < k) {
    const rest = lists.flatMap((l, i) => l.map((r) => ({ ...r, interest: i }))).filter((r) => !taken.has(r.id));
    rest.sort((a, b) => b.score - a.score);
    for (const r of rest) {
      if (out.length >= k) break;
      if (taken.has(r.id)) continue;
      taken.add(r.id);
      out.push(r);
    }
  }
  return out;
}

/** Item-to-item: items nearest to one item (or the mean of several), never the items themselves nor `exclude` (e.g. seen). */
export async function moreLikeThis<M extends Json = Json>(index: VectorIndex<M>, ids: string | readonly string[], options: { k?: number; exclude?: Iterable<string>; filter?: SearchOptions<M>['filter'] } = {}): Promise<SearchResult<M>[]> {
  const list = typeof ids === 'string' ? [ids] : [...ids];
  if (list.length === 0) throw new RecommendError('recommend_empty_history', 'moreLikeThis needs at least one id');
  const q = interestVector(list, { index, lastN: list.length });
  const exclude = new Set<string>([...list, ...(options.exclude ?? [])]);
  return index.search(q, { k: options.k ?? 10, exclude, ...(options.filter ? { filter: options.filter } : {}) });
}

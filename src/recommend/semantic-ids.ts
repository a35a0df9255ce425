import { RecommendError } from './errors';
import { l2normalize } from '../index/vectors';
import { TimeSlicer } from '../index/yield';
import type { VectorIndex } from '../index/vector-index';
import type { VectorLookup } from './lookup';
import type { Json, SearchOptions, SearchResult } from '../index/types';
import { kmeansAsync, seededRandom } from './kmeans';

/** A semantic ID: one codeword per level, coarse to fine (e.g. [12, 3, 40]). */
export type SemanticId = number[];

export interface SemanticIdTrainOptions {
  /** Codebook levels (default 3). */
  levels?: number;
  /** Codewords per level (default 64; capped by the sample size). */
  codebookSize?: number;
  /** k-means iterations per level (default 15). */
  iterations?: number;
  /** Train on at most this many vectors, sampled uniformly (default 10000). */
  sample?: number;
  seed?: number;
}

export interface CodebookJson {
  dims: number;
  levels: number;
  sizes: number[];
  codebooks: number[][];
}

/**
 * Residual k-means (RQ-KMeans) codebooks: level 0 clusters the normalized vectors, level l clusters
 * what levels < l left unexplained. encode() walks the levels greedily; decode() sums the codewords.
 * Items that share a prefix of length p share their first p coarse-to-fine clusters.
 */
export class SemanticIdCodebook {
  constructor(
    readonly dims: number,
    /** One k × dims matrix per level. */
    readonly codebooks: Float32Array[],
    readonly sizes: number[],
  ) {}

  get levels(): number {
    return this.codebooks.length;
  }

  encode(vector: Float32Array): SemanticId {
    if (!(vector instanceof Float32Array) || vector.length < this.dims) throw new RecommendError('recommend_dims_mismatch', `semantic IDs need a Float32Array of ${this.dims} dims`);
    const r = l2normalize(vector.length > this.dims ? vector.subarray(0, this.dims) : vector);
    const code: number[] = [];
    const d = this.dims;
    for (let l = 0; l < this.codebooks.length; l++) {
      const C = this.codebooks[l]!;
      const k = this.sizes[l]!;
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) {
          const x = r[j]! - C[c * d + j]!;
          s += x * x;
        }
        if (s < bd) {
          bd = s;
          best = c;
        }
      }
      code.push(best);
      for (let j = 0; j < d; j++) r[j] = r[j]! - C[best * d + j]!;
    }
    return code;
  }

  /** The reconstruction of a code (sum of its codewords), normalized. */
  decode(code: SemanticId): Float32Array {
    const out = new Float32Array(this.dims);
    code.forEach((c, l) => {
      const C = this.codebooks[l];
      if (!C || c < 0 || c >= this.sizes[l]!) throw new RecommendError('recommend_invalid_options', `code ${code.join('-')} does not fit this codebook`);
      for (let j = 0; j < this.dims; j++) out[j] = out[j]! + C[c * this.dims + j]!;
    });
    return l2normalize(out);
  }

  toJSON(): CodebookJson {
    return { dims: this.dims, levels: this.levels, sizes: this.sizes, codebooks: this.codebooks.map((c) => Array.from(c)) };
  }

  static fromJSON(j: CodebookJson): SemanticIdCodebook {
    return new SemanticIdCodebook(j.dims, j.codebooks.map((c) => Float32Array.from(c)), j.sizes);
  }
}

/** "12-3-40"; a prefix of it ("12-3") names the group of all codes that start with it. */
export function formatSemanticId(code: SemanticId, prefixLength = code.length): string {
  return code.slice(0, prefixLength).join('-');
}

/** Trains codebooks from vectors (or from a sample of an index's own stored vectors). */
export async function trainSemanticIds(source: VectorLookup | readonly Float32Array[], options: SemanticIdTrainOptions = {}): Promise<SemanticIdCodebook> {
  const levels = options.levels ?? 3;
  const size = options.codebookSize ?? 64;
  const seed = options.seed ?? 1;
  const sampleN = options.sample ?? 10000;
  let vectors: Float32Array[];
  let dims: number;
  if (Array.isArray(source)) {
    vectors = source as Float32Array[];
    dims = vectors[0]?.length ?? 0;
  } else {
    const idx = source as VectorLookup;
    dims = idx.dims;
    const ids = idx.ids();
    const rand = seededRandom(seed + 7);
    if (ids.length > sampleN) {
      for (let i = ids.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
      }
      ids.length = sampleN;
    }
    vectors = ids.map((id) => idx.get(id)!.vector);
  }
  if (vectors.length < 2) throw new RecommendError('recommend_not_trained', 'semantic IDs need at least 2 vectors to train on');
  const n = Math.min(vectors.length, sampleN);
  const data = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) data.set(l2normalize(vectors[i]!.subarray(0, dims)), i * dims);
  const books: Float32Array[] = [];
  const sizes: number[] = [];
  for (let l = 0; l < levels; l++) {
    const km = await kmeansAsync(data, n, dims, size, { iterations: options.iterations ?? 15, seed: seed + l });
    books.push(km.centroids);
    sizes.push(km.k);
    for (let i = 0; i < n; i++) {
      const c = km.assignments[i]!;
      for (let j = 0; j < dims; j++) data[i * dims + j] = data[i * dims + j]! - km.centroids[c * dims + j]!;
    }
  }
  return new SemanticIdCodebook(dims, books, sizes);
}

/**
 * Semantic IDs of every item of an index, kept next to it: the codebook, each id's code, groups by
 * prefix, and search restricted to a prefix. Call refresh() after adding/removing items.
 */
export class SemanticIdIndex<M extends Json = Json> {
  private codes = new Map<string, SemanticId>();

  private constructor(
    readonly index: VectorIndex<M>,
    readonly codebook: SemanticIdCodebook,
  ) {}

  /** Trains codebooks from the index (unless one is given) and encodes every item. */
  static async build<M extends Json>(index: VectorIndex<M>, options: SemanticIdTrainOptions & { codebook?: SemanticIdCodebook } = {}): Promise<SemanticIdIndex<M>> {
    const cb = options.codebook ?? (await trainSemanticIds(index, options));
    const s = new SemanticIdIndex(index, cb);
    await s.refresh();
    return s;
  }

  /** Encodes items added since, forgets removed ones (yields to the event loop on big indexes). */
  async refresh(): Promise<void> {
    const live = new Set(this.index.ids());
    for (const id of [...this.codes.keys()]) if (!live.has(id)) this.codes.delete(id);
    const slicer = new TimeSlicer();
    let i = 0;
    for (const id of live) {
      if (!this.codes.has(id)) this.codes.set(id, this.codebook.encode(this.index.get(id)!.vector));
      if ((++i & 255) === 0) await slicer.maybeYield();
    }
  }

  code(id: string): SemanticId | undefined {
    return this.codes.get(id);
  }

  encode(vector: Float32Array): SemanticId {
    return this.codebook.encode(vector);
  }

  /** Ids grouped by the first `prefixLength` codewords ("12-3" → ids), groups in insertion order of their first item. */
  groups(prefixLength = 1): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [id, code] of this.codes) {
      const key = formatSemanticId(code, prefixLength);
      let g = out.get(key);
      if (!g) out.set(key, (g = []));
      g.push(id);
    }
    return out;
  }

  /** Ids whose code starts with `prefix` (a code array or "12-3"). */
  withPrefix(prefix: SemanticId | string): string[] {
    const p = typeof prefix === 'string' ? prefix.split('-').filter(Boolean).map(Number) : prefix;
    const out: string[] = [];
    for (const [id, code] of this.codes) if (p.every((c, i) => code[i] === c)) out.push(id);
    return out;
  }

  /**
   * Exact search among the items that share the query's first `prefixLength` codewords (default 1);
   * or, with `prefix`, among the items under that prefix. Results carry their semantic ID.
   */
  async search(query: Float32Array, options: Omit<SearchOptions<M>, 'filter'> & { prefixLength?: number; prefix?: SemanticId | string } = {}): Promise<(SearchResult<M> & { semanticId: SemanticId })[]> {
    const prefix = options.prefix ?? this.encode(query).slice(0, options.prefixLength ?? 1);
    const allowed = new Set(this.withPrefix(prefix));
    const { prefix: _p, prefixLength: _l, ...rest } = options;
    const res = await this.index.search(query, { ...rest, filter: (_m, id) => allowed.has(id) });
    return res.map((r) => ({ ...r, semanticId: this.codes.get(r.id)! }));
  }
}

import { IndexError } from '../errors';
import type { StorageFormat } from '../types';

/** Options of `index.trainIvf()`. */
export interface IvfTrainOptions {
  /** Number of lists (default: defaultLists(count), ≈ √N / 2). */
  lists?: number;
  /** Vectors k-means is trained on (default min(N, 64 · lists)). */
  sample?: number;
  /** Lloyd iterations after k-means++ seeding (default 8). */
  iterations?: number;
  seed?: number;
  /** Workers training and assigning (default navigator.hardwareConcurrency, at most 8). */
  workers?: number;
  /** (phase, done, total) while seeding, iterating and assigning every vector. */
  onProgress?: (p: IvfProgress) => void;
}

export interface IvfProgress {
  phase: 'seed' | 'train' | 'assign' | 'layout';
  done: number;
  total: number;
}

/** What `index.ivf` reports. */
export interface IvfInfo {
  lists: number;
  /** Items in the index when the lists were trained. */
  trainedCount: number;
  /** Σ size² · lists / N²: 1 when every list has N / lists members; it is what a probe costs relative to that. */
  imbalance: number;
  /** True when the lists no longer fit the data: imbalance > 2, or the index grew or shrank 4× since training. */
  retrainSuggested: boolean;
  /** The nprobe a search uses when it names none. */
  defaultNprobe: number;
  /** Bytes the IVF holds on top of the store: list rows (with slack), per-row slot and scale, per-slot list and row, centroids. */
  bytes: number;
}

/** Fewest items per list a training accepts (k-means with fewer points per centre is mostly noise). */
export const MIN_PER_LIST = 16;
/** Fewest items an IVF can be trained on at all: below this an exact scan costs well under a millisecond. */
export const MIN_IVF_VECTORS = 1000;

/** ≈ √N / 2 lists: at 1M that is 500 (measured in bench/index: see docs/benchmarks.md). */
export function defaultLists(count: number): number {
  return Math.max(1, Math.round(Math.sqrt(count) / 2));
}

/** nprobe by default: 1/16 of the lists (≥ 1), the point where recall@10 reached ≥ 0.95 on the benchmark's mixture. */
export function defaultNprobe(lists: number): number {
  return Math.max(1, Math.ceil(lists / 16));
}

const bad = (why: string): IndexError => new IndexError('index_invalid_options', why);
const posInt = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 1;

export interface ResolvedTrain {
  lists: number;
  sample: number;
  iterations: number;
  seed: number;
  workers: number;
}

/** Checks trainIvf options against the index and fills the defaults. */
export function resolveTrain(o: IvfTrainOptions, count: number, storage: StorageFormat): ResolvedTrain {
  if (o === null || typeof o !== 'object') throw bad('trainIvf options must be an object');
  if (storage === 'float32') throw bad("IVF lists hold int8 or binary codes: create the index with storage 'int8' or 'binary'");
  if (o.lists !== undefined && !posInt(o.lists)) throw bad(`ivf lists must be a positive integer, got ${String(o.lists)}`);
  if (o.iterations !== undefined && !(Number.isInteger(o.iterations) && o.iterations >= 0 && o.iterations <= 100)) throw bad('ivf iterations must be an integer in [0, 100]');
  if (o.workers !== undefined && !posInt(o.workers)) throw bad('ivf workers must be a positive integer');
  if (o.seed !== undefined && !Number.isFinite(o.seed)) throw bad('ivf seed must be a finite number');
  if (count < MIN_IVF_VECTORS) {
    throw new IndexError('index_ivf_too_few_vectors', `an IVF needs at least ${MIN_IVF_VECTORS} items, the index has ${count}: an exact search over them is already fast`);
  }
  const lists = o.lists ?? defaultLists(count);
  if (lists * MIN_PER_LIST > count) {
    throw new IndexError('index_ivf_too_few_vectors', `${lists} lists need at least ${lists * MIN_PER_LIST} items (${MIN_PER_LIST} per list), the index has ${count}`);
  }
  const sample = o.sample ?? Math.min(count, 64 * lists);
  if (!posInt(sample) || sample < lists * MIN_PER_LIST || sample > count) {
    throw bad(`ivf sample must be an integer in [${lists * MIN_PER_LIST}, ${count}] for ${lists} lists, got ${String(o.sample)}`);
  }
  const hc = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  return { lists, sample, iterations: o.iterations ?? 8, seed: Math.floor(o.seed ?? 1) >>> 0, workers: Math.min(8, o.workers ?? hc) };
}

/** Checks a search's nprobe against the trained lists. */
export function checkNprobe(nprobe: unknown, lists: number | null): void {
  if (nprobe === undefined) return;
  if (lists === null) throw bad('nprobe needs trained IVF lists: call index.trainIvf() first');
  if (!Number.isInteger(nprobe) || (nprobe as number) < 1 || (nprobe as number) > lists) {
    throw bad(`nprobe must be an integer in [1, ${lists}] (the number of lists), got ${String(nprobe)}`);
  }
}

/** Anything JSON can hold: item metadata is stored and persisted as JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Metric = 'cosine' | 'dot';
export type StorageFormat = 'float32' | 'int8' | 'binary';
export type DevicePreference = 'auto' | 'gpu' | 'cpu';
/** CPU scan kernels: 'auto' = WASM relaxed SIMD where the browser has it, else plain SIMD, else JS. */
export type ScanKernels = 'auto' | 'simd' | 'js';

export interface IndexItem<M extends Json = Json> {
  id: string;
  /** Length >= dims; longer vectors are Matryoshka-truncated to `dims` (and renormalized under cosine). */
  vector: Float32Array;
  metadata?: M;
}

export interface StoredItem<M extends Json = Json> {
  id: string;
  /** The stored vector, dequantized for int8/binary storage (length = dims). */
  vector: Float32Array;
  metadata: M | undefined;
}

export interface PersistOptions {
  /** IndexedDB database name suffix: the database is `omni-embed-index/<name>`. */
  name: string;
  /** Commit automatically this many ms after the last mutation (false: only explicit commit()). Default false. */
  autoCommit?: number | false;
  /** Called while createIndex loads the committed copy, after each chunk of rows: (rows loaded, rows in all). */
  onLoadProgress?: (loadedRows: number, totalRows: number) => void;
}

export interface CreateIndexOptions {
  dims: number;
  metric?: Metric;
  storage?: StorageFormat;
  device?: DevicePreference;
  /** Share a GPUDevice (e.g. the one onnxruntime-web uses) instead of requesting one. */
  gpuDevice?: GPUDevice;
  persist?: PersistOptions;
  /** device 'auto' uses the GPU only from this many vectors on, and never on a fallback (software) adapter. Default 20000. */
  gpuMinVectors?: number;
  /** Expected number of items: reserves memory once instead of growing (and copying) as items arrive. */
  capacity?: number;
  /** Largest GPU buffer per shard of rows (default: the device's binding limit, at most 256 MiB). */
  gpuShardBytes?: number;
  /**
   * CPU scan kernels (default 'auto'). Every choice returns the same ids and scores; 'simd' and 'js'
   * exist to compare speeds and to rule a kernel out when debugging.
   */
  kernels?: ScanKernels;
  /**
   * Threads a first-stage scan (float32, int8, binary) is split over (index workers scanning shared memory). Default:
   * `navigator.hardwareConcurrency` (at most 8) on a cross-origin-isolated page, else 1; 1 = this thread only.
   */
  threads?: number;
}

/** `{ field: value }` matches when metadata[field] === value, or the field is an array containing value,
 * or value is `{ $in: [...] }` and the field equals one of them. All fields must match. */
export type MetadataFilter = Record<string, Json | { $in: Json[] }>;
export type FilterFn<M extends Json = Json> = (metadata: M | undefined, id: string) => boolean;

export interface SearchOptions<M extends Json = Json> {
  /** Number of results (default 10). */
  k?: number;
  filter?: FilterFn<M> | MetadataFilter;
  /** Ids never returned. */
  exclude?: Iterable<string>;
  /**
   * Quantized storage only. int8: the scan ranks by the int8 plane, then the best `k × 4` candidates are
   * rescored with int8 + int8 residual (~16-bit precision). binary: the sign-bit pre-filter keeps
   * `k × 50` candidates, rescored with the int8 copies. true = those defaults; a number = that many
   * candidates per result; false = return the first-stage ranking and scores as they are.
   */
  rescore?: boolean | number;
  /**
   * binary storage only: how the sign bits are ranked before rescoring. 'asymmetric' (default): the
   * float query against the ±1 code, Σ q_j·sign(x_j); 'hamming': popcount(sign(q) XOR code).
   * Without rescoring the score is that estimate (hamming: 1 − 2·distance/dims).
   */
  prefilter?: 'asymmetric' | 'hamming';
  /** Force a backend for this query ('auto' = the index's choice). */
  device?: DevicePreference;
  /**
   * With trained IVF lists (index.trainIvf()): how many lists, nearest centroids first, are scanned
   * (1..lists; default lists / 16). More lists: higher recall, slower. All lists = the exact result.
   */
  nprobe?: number;
  /** true: scan every item even when IVF lists are trained. */
  exact?: boolean;
}

export interface SearchResult<M extends Json = Json> {
  id: string;
  score: number;
  metadata: M | undefined;
}

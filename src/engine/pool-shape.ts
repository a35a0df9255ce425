// How many workers and WASM threads to run a model with. Each worker holds its own copy of the
// model (ORT sessions cannot be shared across workers), so a second worker doubles memory; for
// large graphs ORT's intra-op threads use the cores about as well, for one copy. Pure: the pool
// decision in createEmbedder calls it with the model's byte size.

import { OmniEmbedError } from '../errors';

/** wasm32's address space, per worker: the whole ORT heap (weights included) must fit in it. */
export const WASM_MEMORY_LIMIT = 4 * 2 ** 30;
/**
 * Heap a worker needs per model byte: the file's bytes are copied into the heap and the
 * initializers unpacked from them. Measured peak per worker: 1201 MB for CLIP fp32's 605 MB of
 * files, 320 MB for q8's 152 MB (measureUserAgentSpecificMemory, bench/scale/results.json).
 */
export const CREATE_PEAK_FACTOR = 2;
/**
 * Above this size the model runs as one copy with every core as a thread. Measured on the CLIP
 * replicas (docs/benchmarks.md, "Real scale"): a second fp32 copy (605 MB of files) took peak
 * memory from 1.2 to 2.2 GB and cost a third of image throughput; for q8 (152 MB) two copies cost
 * 285 MB and gave more text throughput and far lower one-query latency.
 */
export const ONE_COPY_BYTES = 300e6;

export class ModelTooLargeError extends OmniEmbedError {
  readonly bytes: number;
  readonly limit: number;
  constructor(bytes: number, limit: number) {
    super('model_too_large', `the model's graphs (${(bytes / 2 ** 20).toFixed(0)} MiB) need about ${(bytes * CREATE_PEAK_FACTOR / 2 ** 30).toFixed(1)} GiB of WASM memory per worker, over wasm32's ${(limit / 2 ** 30).toFixed(0)} GiB: choose a smaller dtype (q8, q4) or WebGPU`);
    this.name = 'ModelTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

export interface PoolShapeInput {
  /** Bytes of every graph file the model will load in the chosen dtype. */
  modelBytes: number;
  cores: number;
  device: 'wasm' | 'webgpu';
  /** navigator.deviceMemory (GiB, rounded down by the browser), when known. */
  deviceMemoryGiB?: number;
  /** The caller's explicit choices win, within the limits. */
  workers?: number;
  threads?: number;
}

export interface PoolShape {
  workers: number;
  threadsPerWorker: number;
  reason: string;
}

/**
 * The limit binds the WASM heap on either device: WebGPU sessions stage weights through it too,
 * and a failed device falls back to WASM.
 */
export function assertFitsWasm(bytes: number): void {
  if (bytes * CREATE_PEAK_FACTOR > WASM_MEMORY_LIMIT) throw new ModelTooLargeError(bytes, WASM_MEMORY_LIMIT);
}

export function choosePoolShape(input: PoolShapeInput): PoolShape {
  const cores = Math.max(1, Math.floor(input.cores || 1));
  const bytes = Math.max(0, input.modelBytes);
  assertFitsWasm(bytes);
  const explicit = (workers: number, why: string): PoolShape => {
    const w = Math.max(1, Math.floor(input.workers ?? workers));
    const t = Math.max(1, Math.floor(input.threads ?? Math.max(1, Math.floor(cores / w))));
    return { workers: w, threadsPerWorker: t, reason: input.workers !== undefined ? 'workers given' : why };
  };
  if (input.device === 'webgpu') return explicit(1, 'WebGPU: one GPU queue, one worker');
  if (bytes > ONE_COPY_BYTES) return explicit(1, `model of ${(bytes / 1e6).toFixed(0)} MB: one copy, ${cores} threads`);
  let workers = Math.min(2, cores);
  // Keep every copy together under a quarter of the device's memory.
  if (input.deviceMemoryGiB && workers * bytes * CREATE_PEAK_FACTOR > (input.deviceMemoryGiB * 2 ** 30) / 4) workers = 1;
  return explicit(workers, workers > 1 ? `small model: ${workers} workers amortise per-call overhead` : 'one worker: device memory is small');
}

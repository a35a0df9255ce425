// omni-embed/node: the browser SDK's engine, presets and model files on onnxruntime-node, in a
// pool of worker threads. Vectors equal the browser's on the same inputs (tests/browser/node-parity.spec.ts).
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineInfo } from '../contract';
import { DisposedError, InvalidOptionError, OmniEmbedError } from '../errors';
import type { Dtype } from '../engine/backend';
import { DEFAULT_MODEL, findPreset, OMNI_TINY } from '../presets/catalog';
import { specGraphs, type Modality, type ModelSpec } from '../presets/spec';
import { completeDtypes, unshippedDtypeError } from '../models/dtype';
import { l2Normalize } from '../math/normalize';
import { WorkerPool, resultVector } from './pool';
import { prepareNodeInput, type NodeEmbedInput } from './inputs';
import { defaultCacheDir } from './model-files';
import { NodeDependencyError } from './errors';

export { fileInput, type NodeEmbedInput, type NodeOmniItem, type NodeImageInput, type NodeAudioInput, type NodeVideoInput, type NodeFile } from './inputs';
export { parseWav } from './wav';
export { resizeBilinear } from './resize';
export { DiskModelCache, defaultCacheDir } from './model-files';
export { NodeDependencyError, CatalogDbError, CliUsageError } from './errors';
export { OmniEmbedError, InvalidInputError, InvalidOptionError, DisposedError } from '../errors';
export { WorkerCrashedError, WorkerStartError, WorkerUnavailableError } from '../api/errors';
export { PRESETS } from '../presets/catalog';

const ENGINE_DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];

export interface NodeEmbedderOptions {
  /** A preset name ('omni-tiny', 'clip-vit-base-patch32', …) or a full ModelSpec. Default: the bundled omni-tiny. */
  model?: string | ModelSpec;
  /** A folder holding the model's files (hub layout: config.json, onnx/…); overrides the preset's source. */
  modelDir?: string;
  /** Default 'q8', as the browser on WASM. */
  dtype?: Dtype;
  /** Worker threads. Default: min(4, cores). */
  workers?: number;
  /** ORT threads per worker. Default: cores / workers (at least 1). */
  threadsPerWorker?: number;
  /** Disk cache for remote models. Default: $OMNI_EMBED_CACHE or ~/.cache/omni-embed/models. */
  cacheDir?: string;
  /** Hub host for remote presets. */
  host?: string;
  /** Inputs per worker batch. Default 16. */
  maxBatch?: number;
  /** @internal test hook: worker threads exit on text containing this string. */
  poison?: string;
}

export interface EmbedOptions {
  instruction?: string;
  role?: 'query' | 'target';
  dims?: number;
}

export interface Embedding { vector: Float32Array; modalities: Modality[] }

export interface NodeEmbedderInfo extends EngineInfo {
  runtime: 'onnxruntime-node';
  workers: number;
  threadsPerWorker: number;
}

/** Where the bundled omni-tiny lives beside the built entry (dist/node/ → dist/models/omni-tiny/). */
function bundledModelUrl(): string {
  return new URL('../models/omni-tiny/', import.meta.url).href;
}

/** `bundled` is the folder of the package's own omni-tiny copy when that is what loads: it ships q8 only. */
function resolveSpec(options: NodeEmbedderOptions): { spec: ModelSpec; local: boolean; bundled?: string } {
  const { model } = options;
  let spec: ModelSpec;
  if (model === undefined) spec = OMNI_TINY;
  else if (typeof model === 'string') {
    const found = findPreset(model);
    if (!found) throw new OmniEmbedError('unknown_model', `unknown model "${model}"; use a preset name or pass a ModelSpec`);
    spec = found;
  } else if (typeof model === 'object' && model !== null && typeof model.name === 'string') spec = model;
  else throw new InvalidOptionError('model must be a preset name or a ModelSpec');
  if (options.modelDir !== undefined) {
    if (typeof options.modelDir !== 'string' || !options.modelDir) throw new InvalidOptionError('modelDir must be a folder path');
    return { spec: { ...spec, source: { model: pathToFileURL(options.modelDir).href + '/', id: spec.name } }, local: true };
  }
  if (spec.source === DEFAULT_MODEL) {
    const model = bundledModelUrl();
    return { spec: { ...spec, source: { model, id: spec.name } }, local: true, bundled: fileURLToPath(model) };
  }
  const src = typeof spec.source === 'string' ? spec.source : spec.source.model;
  return { spec, local: src.startsWith('file:') };
}

function positive(v: unknown, key: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new InvalidOptionError(`${key} must be an integer from 1 to ${max} (got ${String(v)})`);
  return v;
}

async function checkRuntime(): Promise<void> {
  try {
    await import('onnxruntime-node');
  } catch (err) {
    throw new NodeDependencyError('onnxruntime-node', 'running models', err);
  }
}

export class NodeEmbedder {
  private disposed = false;

  private constructor(private readonly pool: WorkerPool, private readonly threads: number) {}

  static async create(options: NodeEmbedderOptions = {}): Promise<NodeEmbedder> {
    if (options === null || typeof options !== 'object') throw new InvalidOptionError('createEmbedder options must be an object');
    if (options.dtype !== undefined && !ENGINE_DTYPES.includes(options.dtype)) throw new InvalidOptionError(`dtype must be one of ${ENGINE_DTYPES.join(', ')} (got ${String(options.dtype)})`);
    const cores = availableParallelism();
    const workers = positive(options.workers, 'workers', 64) ?? Math.max(1, Math.min(4, cores));
    const threads = positive(options.threadsPerWorker, 'threadsPerWorker', 64) ?? Math.max(1, Math.floor(cores / workers));
    const maxBatch = positive(options.maxBatch, 'maxBatch', 1024) ?? 16;
    const { spec, local, bundled } = resolveSpec(options);
    if (options.dtype !== undefined && bundled !== undefined) {
      const shipped = completeDtypes(specGraphs(spec), (path) => existsSync(join(bundled, path)));
      if (!shipped.includes(options.dtype)) throw unshippedDtypeError(options.dtype, shipped);
    }
    await checkRuntime();
    const pool = await WorkerPool.create({
      workers,
      maxBatch,
      workerUrl: new URL('./worker.js', import.meta.url),
      init: {
        spec,
        dtype: options.dtype ?? 'q8',
        ...(options.host ? { host: options.host } : {}),
        threads,
        cacheDir: local ? false : (options.cacheDir ?? defaultCacheDir()),
        ...(options.poison ? { poison: options.poison } : {}),
      },
    });
    return new NodeEmbedder(pool, threads);
  }

  get info(): NodeEmbedderInfo {
    return { ...this.pool.info, threads: this.threads, runtime: 'onnxruntime-node', workers: this.pool.size, threadsPerWorker: this.threads };
  }

  async embed(input: NodeEmbedInput, options: EmbedOptions = {}): Promise<Embedding> {
    if (this.disposed) throw new DisposedError();
    const info = this.pool.info;
    const dims = options.dims ?? info.dims;
    if (!info.matryoshka.includes(dims)) throw new InvalidOptionError(`dims=${dims} is not a size ${info.model} was trained for; use one of ${info.matryoshka.join(', ')}`);
    if (options.role !== undefined && options.role !== 'query' && options.role !== 'target') throw new InvalidOptionError(`role must be 'query' or 'target' (got ${String(options.role)})`);
    const payload = await prepareNodeInput(input);
    const instruction = options.instruction ?? (payload.kind === 'omni' ? info.instructions?.[options.role ?? 'target'] : undefined);
    const label = payload.kind === 'text' ? `text "${payload.text.slice(0, 40)}"` : `a ${payload.kind} input`;
    const { vector, modalities } = resultVector(await this.pool.run({ payload, ...(instruction ? { instruction } : {}) }, label));
    return { vector: dims < vector.length ? l2Normalize(vector.slice(0, dims)) : vector, modalities };
  }

  /** Embeds many inputs at once; rejects with the first failure. Use embedSettled to keep going past bad inputs. */
  async embedBatch(inputs: readonly NodeEmbedInput[], options?: EmbedOptions): Promise<Embedding[]> {
    if (!Array.isArray(inputs)) throw new InvalidOptionError('embedBatch takes an array of inputs');
    return Promise.all(inputs.map((i) => this.embed(i, options)));
  }

  /** One outcome per input, in order: a vector or the typed error of that input alone. */
  embedSettled(inputs: readonly NodeEmbedInput[], options?: EmbedOptions): Promise<PromiseSettledResult<Embedding>[]> {
    return Promise.allSettled(inputs.map((i) => this.embed(i, options)));
  }

  /** @internal test hook: terminates one worker thread. */
  killWorker(): Promise<number> | undefined {
    return this.pool.killOne();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pool.dispose();
  }
}

/** Loads a model into a pool of worker threads and returns the embedder (the browser's createEmbedder, for Node). */
export function createEmbedder(options?: NodeEmbedderOptions): Promise<NodeEmbedder> {
  return NodeEmbedder.create(options);
}

// createEmbedder(): the one call that starts workers, loads a model and returns an Embedder.

import * as Comlink from 'comlink';
import { OmniEmbedError } from '../errors';
import type { DeviceRequest, Dtype } from '../engine/backend';
import type { EngineInfo, EngineOptions } from '../engine/engine';
import type { DeviceChange } from '../engine/graph-sessions';
import type { InitResult } from '../../workers/embed.worker';
import type { LoadProgress, ModelCache } from '../models';
import { findPreset } from '../presets/catalog';
import type { ModelSpec } from '../presets/spec';
import { Embedder } from './embedder';
import { WorkerPool } from './pool';

export interface EmbedderOptions {
  /** A preset name ('omni-tiny', 'clip-vit-base-patch32', …), a hub repo id of a preset, or a full ModelSpec. Default: the bundled omni-tiny. */
  model?: string | ModelSpec;
  /** Where the model's files live when it is not the default: a folder URL for omni-tiny or a spec. */
  modelUrl?: string;
  device?: DeviceRequest;
  dtype?: Dtype;
  /** Workers to run; default 1 on WebGPU (one GPU queue) and up to 2 on WASM. */
  workers?: number;
  /** WASM threads per worker (needs cross-origin isolation). */
  threads?: number;
  /** Hub host for repo ids, e.g. your own mirror. */
  host?: string;
  /** Folder URL with ORT's runtime (.mjs/.wasm); default: beside the worker script. */
  wasmPaths?: string;
  /** Worker script URL, for apps that serve or bundle it themselves. */
  workerUrl?: string | URL;
  /** Persistent cache; false disables caching. Cache API by default. (Workers use their own default.) */
  cache?: false;
  onProgress?: (p: LoadProgress) => void;
}

function resolveSpec(options: EmbedderOptions): ModelSpec {
  const model = options.model ?? 'omni-tiny';
  const spec = typeof model === 'string' ? findPreset(model) : model;
  if (!spec) throw new OmniEmbedError('unknown_model', `unknown model "${String(model)}"; pass a preset name or a ModelSpec`);
  // Relative folders resolve against the page: a worker would resolve them against its own script.
  if (options.modelUrl) return { ...spec, source: new URL(options.modelUrl, globalThis.location?.href).href };
  return spec;
}

/**
 * The worker path is a constant here so our own library build leaves it alone; scripts/build.mjs
 * then inlines it, giving `new Worker(new URL('./workers/embed.worker.js', import.meta.url))` in
 * dist — the literal pattern app bundlers (vite, webpack, rollup) recognise and emit as a worker.
 */
const WORKER_REL = './workers/embed.worker.js';

function spawnWorker(url: string | URL | undefined): Worker {
  if (url) return new Worker(url, { type: 'module', name: 'omni-embed' });
  return new Worker(new URL(WORKER_REL, import.meta.url), { type: 'module', name: 'omni-embed' });
}

/** A worker's start-up result, or its error rebuilt with the same name and code. */
function started(result: InitResult): EngineInfo {
  if (result.ok) return result.info;
  const err = new OmniEmbedError(result.code, result.message);
  err.name = result.name;
  throw err;
}

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const spec = resolveSpec(options);
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  const gpu = options.device !== 'wasm' && !!(await globalThis.navigator?.gpu?.requestAdapter().catch(() => null));
  const count = Math.max(1, options.workers ?? (gpu ? 1 : Math.min(2, cores)));
  const threads = options.threads ?? Math.max(1, Math.floor(cores / count));
  const pool = new WorkerPool(count, () => spawnWorker(options.workerUrl));
  const engineOptions: EngineOptions = {
    spec,
    numThreads: threads,
    ...(options.device ? { device: options.device } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.wasmPaths ? { wasmPaths: options.wasmPaths } : {}),
    ...(options.cache === false ? { cache: false as const } : {}),
  };
  let embedder: Embedder | undefined;
  const events = Comlink.proxy({
    progress: (p: LoadProgress) => { options.onProgress?.(p); embedder?.emit('progress', p); },
    deviceChange: (c: DeviceChange) => embedder?.deviceChanged(c),
    warning: (m: string) => embedder?.emit('warning', m),
  });
  try {
    // The first worker downloads (and caches) the model; start-up waits for it alone. The others
    // then load from the cache in the background and join the pool when ready.
    const [first, ...rest] = pool.members;
    const info = started(await first!.remote.init(engineOptions, events));
    pool.markReady(first!);
    embedder = new Embedder(pool, info, { sampleRate: info.audioSampleRate ?? 16000, videoFrames: spec.video?.numFrames ?? spec.videoFrames ?? 8 });
    for (const member of rest) {
      member.remote.init(engineOptions, events).then(started).then(
        () => pool.markReady(member),
        (err: Error) => {
          if (!pool.members.includes(member)) return; // disposed meanwhile
          pool.remove(member);
          embedder?.emit('warning', `a worker failed to start and was dropped: ${err.message}`);
        },
      );
    }
    return embedder;
  } catch (err) {
    await pool.dispose();
    throw err;
  }
}

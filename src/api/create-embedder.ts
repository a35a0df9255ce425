// createEmbedder(): the one call that starts workers, loads a model and returns an Embedder.

import * as Comlink from 'comlink';
import { InvalidOptionError, OmniEmbedError } from '../errors';
import type { DeviceChange, DeviceRequest, EngineInfo, InitRequest, WorkerFaults } from '../contract';
import type { Dtype } from '../models/dtype';
import type { LoadProgress } from '../models/load';
import { choosePoolShape } from '../engine/pool-shape';
import { probeWebGpu } from '../platform/webgpu';
import { findPreset } from '../presets/catalog';
import type { ModelSpec } from '../presets/spec';
import { runtimeModule } from '../models/runtime-cache';
import { Embedder, type StartupEvent } from './embedder';
import { callback, DEVICES, DTYPES, integer, MAX_THREADS, MAX_WORKERS, oneOf, optionBag, text, url } from './options';
import { WorkerPool } from './pool';

export interface EmbedderOptions {
  /** A preset name ('omni-tiny', 'clip-vit-base-patch32', …), a hub repo id of a preset, or a full ModelSpec. Default: the bundled omni-tiny. */
  model?: string | ModelSpec;
  /** Where the model's files live when it is not the default: a folder URL for omni-tiny or a spec. */
  modelUrl?: string;
  /** Default 'auto': WebGPU when an adapter exists, else WASM. */
  device?: DeviceRequest;
  dtype?: Dtype;
  /** Workers to run (1–16); default 1 on WebGPU (one GPU queue) and up to 2 on WASM. */
  workers?: number;
  /** WASM threads per worker (1–64; needs cross-origin isolation). */
  threads?: number;
  /** Hub host for repo ids, e.g. your own mirror. */
  host?: string;
  /** ORT's runtime files: a folder URL, or `{ mjs, wasm }` file URLs; default: beside the worker script. */
  wasmPaths?: string | { mjs?: string; wasm?: string };
  /** Worker script URL, for apps that serve or bundle it themselves. */
  workerUrl?: string | URL;
  /** Persistent cache; false disables caching. Cache API by default. (Workers use their own default.) */
  cache?: false;
  /** A worker that sends no heartbeat for this long (ms) is taken for hung and replaced. Default 60 000. */
  workerTimeout?: number;
  onProgress?: (p: LoadProgress) => void;
  /** @internal test hook: fault injection in the workers (WorkerFaults). */
  _faults?: WorkerFaults;
}

const DEFAULT_WORKER_TIMEOUT = 60_000;

/** navigator.deviceMemory (Chromium), when the browser tells. */
function deviceMemory(): { deviceMemoryGiB?: number } {
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? { deviceMemoryGiB: gib } : {};
}

function checkOptions(raw: unknown): EmbedderOptions {
  const bag = optionBag(raw, 'createEmbedder');
  if (bag.model !== undefined && typeof bag.model !== 'string' && (typeof bag.model !== 'object' || bag.model === null)) {
    throw new InvalidOptionError('model must be a preset name, a hub repo id or a ModelSpec object');
  }
  oneOf(bag, 'device', DEVICES);
  oneOf(bag, 'dtype', DTYPES);
  integer(bag, 'workers', 1, MAX_WORKERS);
  integer(bag, 'threads', 1, MAX_THREADS);
  integer(bag, 'workerTimeout', 100, 3_600_000);
  text(bag, 'modelUrl');
  text(bag, 'host');
  url(bag, 'workerUrl');
  callback(bag, 'onProgress');
  if (bag.wasmPaths !== undefined && typeof bag.wasmPaths !== 'string' && (typeof bag.wasmPaths !== 'object' || bag.wasmPaths === null)) {
    throw new InvalidOptionError('wasmPaths must be a folder URL string or { mjs?, wasm? } file URLs');
  }
  if (bag.cache !== undefined && bag.cache !== false) throw new InvalidOptionError('cache must be false (to disable caching) or left out');
  return bag as EmbedderOptions;
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

export async function createEmbedder(options?: EmbedderOptions): Promise<Embedder> {
  const opts = checkOptions(options);
  const spec = resolveSpec(opts);
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  const gpu = opts.device !== 'wasm' && (await probeWebGpu()).available;
  // Without an explicit count, one worker starts; once it knows the model's size, choosePoolShape
  // decides how many copies are worth their memory (docs/api.md, "Workers and threads").
  const count = opts.workers ?? 1;
  const threads = opts.threads ?? Math.max(1, Math.floor(cores / (opts.workers ?? (gpu ? 1 : Math.min(2, cores)))));
  const request: InitRequest = {
    spec,
    numThreads: threads,
    ...(opts.device ? { device: opts.device } : {}),
    ...(opts.dtype ? { dtype: opts.dtype } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.wasmPaths ? { wasmPaths: opts.wasmPaths } : {}),
    ...(opts.cache === false ? { cache: false as const } : {}),
    ...(opts._faults ? { faults: opts._faults } : {}),
  };
  let embedder: Embedder | undefined;
  const startup: StartupEvent[] = [];
  const warn = (m: string) => (embedder ? embedder.emit('warning', m) : startup.push({ type: 'warning', event: m }));
  const events = Comlink.proxy({
    progress: (p: LoadProgress) => { opts.onProgress?.(p); embedder?.emit('progress', p); },
    deviceChange: (c: DeviceChange) => (embedder ? embedder.deviceChanged(c) : startup.push({ type: 'devicechange', event: c })),
    warning: warn,
    // Compiled here once, the runtime is shared by every worker of the pool and its replacements.
    compileRuntime: (url: string, version: string, cached: boolean) =>
      runtimeModule(url, { version, ...(cached ? {} : { cache: null }) }).catch(() => undefined),
  });
  const pool = new WorkerPool({
    size: count,
    ...(opts.workers ? {} : {
      shape: (info: EngineInfo) => choosePoolShape({ modelBytes: info.modelBytes, cores, device: info.device, ...deviceMemory() }).workers,
    }),
    spawn: () => spawnWorker(opts.workerUrl),
    init: (member) => member.remote.init(request, events),
    timeoutMs: opts.workerTimeout ?? DEFAULT_WORKER_TIMEOUT,
    describeUrl: String(opts.workerUrl ?? WORKER_REL),
    onReplaced: (e) => embedder?.emit('workerreplaced', e),
    onWarning: warn,
  });
  try {
    // The first worker downloads (and caches) the model; start-up waits for it alone. The others
    // load from the cache in the background and join the pool when ready.
    const info = await pool.start();
    embedder = new Embedder(pool, info, { sampleRate: info.audioSampleRate ?? 16000, videoFrames: spec.video?.numFrames ?? spec.videoFrames ?? 8 }, startup);
    return embedder;
  } catch (err) {
    await pool.dispose();
    throw err;
  }
}

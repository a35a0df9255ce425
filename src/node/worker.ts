// A worker_threads embed worker: the browser worker's engine (src/engine) on onnxruntime-node,
// reached over comlink's node adapter. Errors cross as their own class (src/contract/errors.ts),
// vectors come back as transferred buffers.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Engine } from '../engine/engine';
import type { EngineInfo, JobResult } from '../contract';
import { installErrorTransport } from '../contract/errors';
import { DisposedError } from '../errors';
import type { ModelSpec } from '../presets/spec';
import type { Dtype } from '../engine/backend';
import { loadJson } from '../models/load';
import type { ImageProcessorConfig } from '../engine/preprocess/image';
import { toWire } from '../contract/errors';
import { DiskModelCache, installFileFetch } from './model-files';
import { NodeDecoder } from './decode';
import type { NodeJob } from './payload';
import { setIntraOpThreads } from './ort-shim';

export interface NodeInitRequest {
  spec: ModelSpec;
  dtype?: Dtype;
  host?: string;
  /** ORT intra-op threads for this worker's sessions. */
  threads: number;
  /** Disk cache for remote models; `false` for local folders, which are read in place. */
  cacheDir: string | false;
  /** @internal test hook: the thread exits on a text input containing `poison` (a crash the pool must contain). */
  poison?: string;
}

export interface NodeWorkerApi {
  init(request: NodeInitRequest): Promise<EngineInfo>;
  embed(jobs: NodeJob[]): Promise<JobResult[]>;
  dispose(): Promise<void>;
}

class NodeEmbedWorker implements NodeWorkerApi {
  private engine?: Engine;
  private decoder = new NodeDecoder(undefined);
  private poison?: string;

  async init({ spec, dtype, host, threads, cacheDir, poison }: NodeInitRequest): Promise<EngineInfo> {
    setIntraOpThreads(threads);
    this.poison = poison;
    const cache = cacheDir === false ? false : new DiskModelCache(cacheDir);
    if (spec.image) {
      const file = spec.imageProcessorFile ?? 'preprocessor_config.json';
      this.decoder = new NodeDecoder(await loadJson<ImageProcessorConfig>(spec.source, file, { cache, ...(host ? { host } : {}) }));
    }
    this.engine = await Engine.create({
      spec,
      device: 'wasm',
      ...(dtype ? { dtype } : {}),
      ...(host ? { host } : {}),
      cache,
    });
    return this.engine.info;
  }

  async embed(jobs: NodeJob[]): Promise<JobResult[]> {
    if (!this.engine) throw new DisposedError();
    if (this.poison && jobs.some((j) => j.payload.kind === 'text' && j.payload.text.includes(this.poison!))) process.exit(70);
    // Decoding fails per input, like the engine's own per-item isolation: the rest still embed.
    const decoded = await Promise.all(jobs.map((j) => this.decoder.job(j).then((job) => ({ job }), (error: unknown) => ({ error }))));
    const ready = decoded.flatMap((d) => ('job' in d ? [d.job] : []));
    const embedded = ready.length ? await this.engine.embed(ready) : [];
    let next = 0;
    const results: JobResult[] = decoded.map((d) => ('job' in d ? embedded[next++]! : { ok: false, error: toWire(d.error) }));
    return Comlink.transfer(results, results.flatMap((r) => (r.ok ? [r.vector.buffer as ArrayBuffer] : [])));
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose();
    this.engine = undefined;
  }
}

if (!parentPort) throw new Error('omni-embed/node worker must run in a worker thread');
installFileFetch();
installErrorTransport();
Comlink.expose(new NodeEmbedWorker(), nodeEndpoint(parentPort));

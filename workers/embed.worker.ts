// The worker entry: exposes the engine to the page over comlink. Vectors travel back as
// transferred ArrayBuffers, never structured-cloned copies.
import * as Comlink from 'comlink';
import { Engine, DisposedError, type EngineInfo, type EngineOptions } from '../src/engine/engine';
import type { EmbedJob, JobResult } from '../src/engine/payload';
import type { LoadProgress } from '../src/models';
import type { DeviceChange } from '../src/engine/graph-sessions';
import { DEFAULT_MODEL } from '../src/presets/catalog';
import { OmniEmbedError } from '../src/errors';

export interface WorkerEvents {
  progress?: (p: LoadProgress) => void;
  deviceChange?: (change: DeviceChange) => void;
  warning?: (message: string) => void;
}

/**
 * Where the bundled omni-tiny and ORT's .wasm live, as literal `new URL('…', import.meta.url)`
 * expressions that scripts/build.mjs appends to the built worker: app bundlers (vite, webpack)
 * see those and emit the files with the app, so defaults work without copying anything by hand.
 */
export interface DefaultAssets { wasm: string; model: Record<string, string> }

function defaultAssets(): DefaultAssets | undefined {
  return (globalThis as { __omniEmbedDefaults?: DefaultAssets }).__omniEmbedDefaults;
}

export type InitResult = { ok: true; info: EngineInfo } | { ok: false; name: string; code: string; message: string };

export class EmbedWorker {
  private engine?: Engine;

  /**
   * Never throws across the channel: comlink would keep only name and message, and apps branch on
   * `err.code` (model_not_found, network_error, …). The page rebuilds the typed error.
   */
  async init(requested: EngineOptions, events: WorkerEvents = {}): Promise<InitResult> {
    try {
      return { ok: true, info: await this.start(requested, events) };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      return { ok: false, name: e?.name ?? 'Error', code: e?.code ?? 'init_failed', message: e?.message ?? String(err) };
    }
  }

  private async start(requested: EngineOptions, events: WorkerEvents): Promise<EngineInfo> {
    const assets = defaultAssets();
    const options = { ...requested };
    if (!options.wasmPaths && assets) options.wasmPaths = { wasm: assets.wasm };
    if (options.spec.source === DEFAULT_MODEL) {
      if (!assets) throw new OmniEmbedError('bad_model', 'this worker build carries no bundled model; pass modelUrl to createEmbedder()');
      options.spec = { ...options.spec, source: { model: 'omni-tiny', id: 'omni-tiny', files: assets.model } };
    }
    this.engine = await Engine.create(options, {
      ...(events.progress ? { onProgress: (p) => void events.progress!(p) } : {}),
      ...(events.deviceChange ? { onDeviceChange: (c) => void events.deviceChange!(c) } : {}),
      ...(events.warning ? { onWarning: (m) => void events.warning!(m) } : {}),
    });
    return this.engine.info;
  }

  async embed(jobs: EmbedJob[]): Promise<JobResult[]> {
    if (!this.engine) throw new DisposedError();
    const results = await this.engine.embed(jobs);
    return Comlink.transfer(results, results.flatMap((r) => (r.ok ? [r.vector.buffer as ArrayBuffer] : [])));
  }

  info(): EngineInfo | undefined {
    return this.engine?.info;
  }

  /** Test hook: destroy the GPU device to exercise the fallback to WASM. */
  loseDevice(): Promise<boolean> {
    return this.engine?.loseDevice() ?? Promise.resolve(false);
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose();
    this.engine = undefined;
  }
}

Comlink.expose(new EmbedWorker());

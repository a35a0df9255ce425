// The worker entry: exposes the engine to the page over comlink. Vectors travel back as
// transferred ArrayBuffers, never structured-cloned copies.
import * as Comlink from 'comlink';
import { Engine, DisposedError, type EngineInfo, type EngineOptions } from '../src/engine/engine';
import type { EmbedJob, JobResult } from '../src/engine/payload';
import type { LoadProgress } from '../src/models';

export interface WorkerEvents {
  progress?: (p: LoadProgress) => void;
  deviceChange?: (change: { from: string; to: string; reason: string }) => void;
  warning?: (message: string) => void;
}

export class EmbedWorker {
  private engine?: Engine;

  async init(options: EngineOptions, events: WorkerEvents = {}): Promise<EngineInfo> {
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

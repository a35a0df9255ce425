// The worker entry: exposes the engine to the page over comlink (the WorkerApi of src/contract).
// Vectors travel back as transferred ArrayBuffers, never structured-cloned copies; errors travel
// as themselves (src/contract/errors.ts).
import * as Comlink from 'comlink';
import { Engine, type EngineOptions } from '../src/engine/engine';
import type { EmbedJob, EngineInfo, InitRequest, JobResult, Lifeline, LifelineMessage, WorkerApi, WorkerEvents, WorkerFaults } from '../src/contract';
import { installErrorTransport } from '../src/contract/errors';
import { DEFAULT_MODEL } from '../src/presets/catalog';
import { specGraphs } from '../src/presets/spec';
import { completeDtypes, type Dtype } from '../src/models/dtype';
import { DisposedError, OmniEmbedError } from '../src/errors';

/**
 * Where the bundled omni-tiny and ORT's .wasm live, as literal `new URL('…', import.meta.url)`
 * expressions that scripts/build.mjs appends to the built worker: app bundlers (vite, webpack)
 * see those and emit the files with the app, so defaults work without copying anything by hand.
 */
export interface DefaultAssets {
  /** ORT's .wasm for each of its builds (src/engine/runtime.ts). */
  runtime: { wasm: string; jspi: string; webgpu: string };
  model: Record<string, string>;
}

function defaultAssets(): DefaultAssets | undefined {
  return (globalThis as { __omniEmbedDefaults?: DefaultAssets }).__omniEmbedDefaults;
}

/**
 * Test-only fault injection: behave like a worker killed (or wedged) by a poison input. Resolves
 * at once for other jobs; for a poisoned batch it never resolves, as the call of a dead worker.
 */
async function maybeDie(faults: WorkerFaults | undefined, jobs: EmbedJob[]): Promise<void> {
  const poison = faults?.poison;
  if (!poison) return;
  const poisoned = jobs.some((j) => j.payload.kind === 'text' && j.payload.text.includes(poison));
  if (!poisoned) return;
  if (faults!.mode === 'hang') for (;;) { /* a hang only the heartbeat can notice */ }
  // close() ends the worker once this task yields; awaiting forever makes sure it does.
  self.close();
  await new Promise<never>(() => undefined);
}

export class EmbedWorker implements WorkerApi {
  private engine?: Engine;
  private faults?: WorkerFaults;
  private lifeline?: MessagePort;

  private post(message: LifelineMessage): void {
    this.lifeline?.postMessage(message);
  }

  async supervise({ lock, port, beatMs }: Lifeline): Promise<void> {
    this.lifeline = port;
    // Beats stop while the thread is blocked (a hang) or gone; the lock is released only when it is gone.
    setInterval(() => this.post({ beat: true }), beatMs);
    await new Promise<void>((held) => {
      void navigator.locks?.request(lock, () => { held(); return new Promise<never>(() => undefined); });
      if (!navigator.locks) held();
    });
  }

  async init(request: InitRequest, events: WorkerEvents = {}): Promise<EngineInfo> {
    const assets = defaultAssets();
    const { faults, ...options } = request;
    this.faults = faults;
    let shipped: Dtype[] | undefined;
    if (options.spec.source === DEFAULT_MODEL) {
      if (!assets) throw new OmniEmbedError('bad_model', 'this worker build carries no bundled model; pass modelUrl to createEmbedder()');
      // The package ships what the defaults use (q8); planDevice turns any other dtype into a clear error.
      shipped = completeDtypes(specGraphs(options.spec), (path) => path in assets.model);
      options.spec = { ...options.spec, source: { model: 'omni-tiny', id: 'omni-tiny', files: assets.model } };
    }
    this.engine = await Engine.create({
      ...(options as EngineOptions),
      ...(shipped ? { shippedDtypes: shipped } : {}),
      ...(!options.wasmPaths && assets ? { runtimeFiles: assets.runtime } : {}),
      ...(faults?.wrongOnWebGpu ? { wrongOnWebGpu: true } : {}),
      ...(events.compileRuntime && !faults?.compileInWorker ? { compileRuntime: events.compileRuntime } : {}),
    }, {
      ...(events.progress ? { onProgress: (p) => void events.progress!(p) } : {}),
      ...(events.deviceChange ? { onDeviceChange: (c) => void events.deviceChange!(c) } : {}),
      ...(events.warning ? { onWarning: (m) => void events.warning!(m) } : {}),
    });
    return this.engine.info;
  }

  async embed(jobs: EmbedJob[], ticket: number): Promise<JobResult[]> {
    if (!this.engine) throw new DisposedError();
    this.post({ started: ticket });
    await maybeDie(this.faults, jobs);
    const results = await this.engine.embed(jobs);
    return Comlink.transfer(results, results.flatMap((r) => (r.ok ? [r.vector.buffer as ArrayBuffer] : [])));
  }

  info(): EngineInfo | undefined {
    return this.engine?.info;
  }

  loseDevice(): Promise<boolean> {
    return this.engine?.loseDevice() ?? Promise.resolve(false);
  }

  async dispose(): Promise<void> {
    await this.engine?.dispose();
    this.engine = undefined;
  }
}

installErrorTransport();
Comlink.expose(new EmbedWorker());

// The worker's ORT sessions, one per graph, created lazily and reused; owns the device they run on.
// When WebGPU cannot run a graph, or the GPU device is lost, every session is rebuilt on WASM and
// queued work carries on there.

import { DisposedError } from '../errors';
import type { Device, DeviceChange } from '../contract';
import { GraphSession, webgpuDevice } from './session';
import { agreement, AGREEMENT_FLOOR, checkFeeds } from './device-check';
import { checkKey, type CheckMemo } from './device-check-memo';

export type { DeviceChange };

export interface GraphSessionsOptions {
  /** Compare each WebGPU session with WASM on one input before it serves (default true). */
  checkWebGpu?: boolean;
  /** @internal fault injection: WebGPU sessions compute silently wrong outputs. */
  wrongOnWebGpu?: boolean;
  onWarning?: (message: string) => void;
  /** Where agreement is remembered across starts, and what it is keyed by besides the graph (src/engine/device-check-memo.ts). */
  checkMemo?: { memo: CheckMemo; adapter: string; ortVersion: () => string };
}

/** How each WebGPU session came to serve: compared with WASM now, or agreed at an earlier start. */
export type WebGpuCheck = 'agreed' | 'remembered';

export class GraphSessions {
  private sessions = new Map<string, Promise<GraphSession>>();
  private disposed = false;
  private watching = false;
  readonly webgpuChecks = new Map<string, WebGpuCheck>();

  constructor(
    public device: Device,
    public reason: string,
    /** Bytes of a graph's .onnx file; called again (from the cache) when sessions are rebuilt. */
    private readonly graphBytes: (graph: string) => Promise<Uint8Array>,
    private readonly onDeviceChange?: (change: DeviceChange) => void,
    private readonly options: GraphSessionsOptions = {},
  ) {}

  get(graph: string): Promise<GraphSession> {
    if (this.disposed) return Promise.reject(new DisposedError());
    let s = this.sessions.get(graph);
    if (!s) {
      s = this.create(graph);
      this.sessions.set(graph, s);
      s.catch(() => this.sessions.delete(graph));
    }
    return s;
  }

  private async create(graph: string): Promise<GraphSession> {
    const bytes = await this.graphBytes(graph);
    const device = this.device;
    let s: GraphSession;
    try {
      s = await GraphSession.create(graph, bytes, device);
    } catch (err) {
      if (device !== 'webgpu') throw err;
      // The model does not run on this GPU: serve from WASM rather than fail.
      this.switchToWasm(`${graph} cannot run on WebGPU: ${(err as Error).message}`, graph);
      return GraphSession.create(graph, bytes, 'wasm');
    }
    if (device !== 'webgpu') return s;
    s.wrongOutputs = this.options.wrongOnWebGpu === true;
    void this.watchDevice();
    if (this.options.checkWebGpu === false) return s;
    return this.checkedOnWebGpu(graph, bytes, s);
  }

  /** The WebGPU session if it agrees with WASM on one input; otherwise every graph moves to WASM. */
  private async checkedOnWebGpu(graph: string, bytes: Uint8Array, gpu: GraphSession): Promise<GraphSession> {
    const feeds = checkFeeds(gpu);
    if (!feeds) return gpu;
    // A fault-injected session stands for a broken adapter: it is always checked.
    const memo = this.options.wrongOnWebGpu ? undefined : this.options.checkMemo;
    const key = memo ? checkKey({ adapter: memo.adapter, ortVersion: memo.ortVersion(), graph, bytes }) : undefined;
    if (memo && key && (await memo.memo.has(key))) {
      this.webgpuChecks.set(graph, 'remembered');
      return gpu;
    }
    const wasm = await GraphSession.create(graph, bytes, 'wasm');
    let verdict;
    try {
      verdict = await agreement(gpu, wasm, feeds);
    } catch (err) {
      // The synthetic input did not suit this graph (a shape rule it could not guess): say so, keep WebGPU.
      this.options.onWarning?.(`could not check ${graph} on WebGPU against WASM: ${(err as Error).message}`);
      await wasm.release();
      return gpu;
    }
    if (verdict.cosine >= AGREEMENT_FLOOR) {
      await wasm.release();
      this.webgpuChecks.set(graph, 'agreed');
      if (memo && key) await memo.memo.remember(key);
      return gpu;
    }
    // Wrong numbers are worse than slow ones: the WASM session already made serves this graph.
    void gpu.release().catch(() => undefined);
    this.switchToWasm(`${graph} computes wrong results on this WebGPU adapter (${verdict.output}: cosine ${verdict.cosine.toFixed(3)} to WASM on the same input)`, graph);
    return wasm;
  }

  private async watchDevice(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    const device = await webgpuDevice();
    void device?.lost.then((lost) => {
      if (!this.disposed) this.switchToWasm(`WebGPU device lost (${lost.reason}: ${lost.message})`);
    });
  }

  /**
   * Drops every session; the next get() creates it again on WASM. `creating` is the graph whose
   * creation is switching: its pending entry resolves to the WASM session and must not be released.
   */
  private switchToWasm(reason: string, creating?: string): void {
    if (this.device === 'wasm') return;
    this.device = 'wasm';
    this.reason = reason;
    const own = creating === undefined ? undefined : this.sessions.get(creating);
    const old = [...this.sessions.values()].filter((s) => s !== own);
    this.sessions.clear();
    if (own && creating !== undefined) this.sessions.set(creating, own);
    for (const s of old) void s.then((x) => x.release()).catch(() => undefined);
    this.onDeviceChange?.({ from: 'webgpu', to: 'wasm', reason });
  }

  /** Test hook: destroys ORT's GPUDevice to exercise the device-loss path. */
  async loseDevice(): Promise<boolean> {
    const device = await webgpuDevice();
    device?.destroy();
    return !!device;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.then((x) => x.release()).catch(() => undefined)));
  }
}

// The worker's ORT sessions, one per graph, created lazily and reused; owns the device they run on.
// When WebGPU cannot run a graph, or the GPU device is lost, every session is rebuilt on WASM and
// queued work carries on there.

import { OmniEmbedError } from '../errors';
import type { Device } from './backend';
import { GraphSession, webgpuDevice } from './session';

export class DisposedError extends OmniEmbedError {
  constructor() {
    super('disposed', 'this embedder has been disposed; create a new one');
    this.name = 'DisposedError';
  }
}

export interface DeviceChange { from: Device; to: Device; reason: string }

export class GraphSessions {
  private sessions = new Map<string, Promise<GraphSession>>();
  private disposed = false;
  private watching = false;

  constructor(
    public device: Device,
    public reason: string,
    /** Bytes of a graph's .onnx file; called again (from the cache) when sessions are rebuilt. */
    private readonly graphBytes: (graph: string) => Promise<Uint8Array>,
    private readonly onDeviceChange?: (change: DeviceChange) => void,
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
    try {
      const s = await GraphSession.create(graph, bytes, device);
      if (device === 'webgpu') void this.watchDevice();
      return s;
    } catch (err) {
      if (device !== 'webgpu') throw err;
      // The model does not run on this GPU: serve from WASM rather than fail.
      this.switchToWasm(`${graph} cannot run on WebGPU: ${(err as Error).message}`);
      return GraphSession.create(graph, bytes, 'wasm');
    }
  }

  private async watchDevice(): Promise<void> {
    if (this.watching) return;
    this.watching = true;
    const device = await webgpuDevice();
    void device?.lost.then((lost) => {
      if (!this.disposed) this.switchToWasm(`WebGPU device lost (${lost.reason}: ${lost.message})`);
    });
  }

  /** Drops every session; the next get() creates it again on WASM. */
  private switchToWasm(reason: string): void {
    if (this.device === 'wasm') return;
    this.device = 'wasm';
    this.reason = reason;
    const old = [...this.sessions.values()];
    this.sessions.clear();
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

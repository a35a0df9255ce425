import { IndexError } from '../errors';
import { acquireGpu, GpuScanner, SEGMENT, type GpuInfo } from '../gpu';
import { TopK } from '../topk';
import type { VectorStore } from '../store';
import type { DevicePreference } from '../types';
import type { ScanRequest, Scanner } from './types';

/** Extra candidates per GPU workgroup beyond k: the final ranking is re-scored on the CPU, so near-ties
 * that f32 rounding on the GPU ordered differently still end up exactly where the CPU puts them. */
const GPU_MARGIN = 4;

/**
 * The WebGPU scanner and the device it runs on (acquired on first use, or the app's shared one).
 * The GPU proposes candidates; they are rescored with the CPU reference arithmetic.
 */
export class GpuBackend implements Scanner {
  readonly kind = 'gpu';
  private gpu: GpuScanner | null = null;
  private tried = false;
  info: GpuInfo | null = null;

  constructor(
    private readonly store: VectorStore,
    private readonly device: DevicePreference,
    private readonly shared: GPUDevice | undefined,
    private readonly shardBytes: number | undefined,
  ) {}

  /** Usable now (acquired, not lost, not a software adapter)? */
  get ready(): boolean {
    return Boolean(this.gpu && !this.gpu.lost && !this.info?.isFallbackAdapter);
  }

  async acquire(): Promise<GpuScanner | null> {
    if (this.gpu || this.tried) return this.gpu;
    this.tried = true;
    if (this.store.format === 'binary') return null;
    let device = this.shared ?? null;
    let owns = false;
    if (device) {
      this.info = { vendor: '', architecture: '', description: 'shared GPUDevice', isFallbackAdapter: false };
    } else {
      const got = await acquireGpu().catch(() => null);
      if (got) {
        device = got.device;
        owns = true;
        this.info = got.info;
      }
    }
    if (!device) {
      if (this.device === 'gpu') throw new IndexError('index_gpu_unavailable', 'device "gpu" asked for, but WebGPU has no adapter/device here');
      return null;
    }
    this.gpu = new GpuScanner(device, this.store, owns, this.shardBytes);
    return this.gpu;
  }

  async scan(s: VectorStore, { q, k, mask }: ScanRequest): Promise<TopK> {
    const kk = Math.min(SEGMENT, k + GPU_MARGIN);
    const cand = await this.gpu!.search(q.f, kk, mask);
    const top = new TopK(k);
    for (let i = 0; i < cand.length; i++) {
      const slot = cand[i]!;
      top.push(s.scoreSlot(slot, q), slot);
    }
    return top;
  }

  dispose(): void {
    this.gpu?.dispose();
    this.gpu = null;
  }
}
